"""The steps taken on a declared deadline ladder (``huxiao.core.ladder``) whose app keeps no step table of
its own: one row per record, deadline and step, the database refusing a second one."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from huxiao.core.scoping import ScopedQuerySet


class LadderStep(models.Model):
    """One step of a ladder reached by one record for one deadline (reminder, 整改通知, 约谈, 挂牌督办…),
    with the region supervising it and how many people were told.

    An event: it keeps the region it was taken in. ``(ladder, record_id, deadline, level)`` is unique, so
    a step is taken once per record and deadline even when two climbs race; a record given a new
    deadline (a re-screening due next year, next month's report) climbs that one afresh."""

    ladder = models.CharField(_("阶梯"), max_length=64)
    record_id = models.BigIntegerField(_("记录编号"))
    deadline = models.DateField(_("时限"))
    level = models.CharField(_("级别"), max_length=24)
    at = models.DateTimeField(_("时间"))
    overdue_days = models.IntegerField(_("逾期天数"), default=0)
    region_code = models.CharField(_("区划代码"), max_length=12)
    school = models.ForeignKey("core.School", models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("学校"))
    supervising_region = models.CharField(_("督办层级区划"), max_length=12)
    recipients = models.PositiveIntegerField(_("通知人数"), default=0)

    objects = ScopedQuerySet.as_manager()
    SCOPE_SCHOOL_FIELD = "school_id"

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("提醒督办记录")
        verbose_name_plural = _("提醒督办记录")
        constraints = [models.UniqueConstraint(fields=["ladder", "record_id", "deadline", "level"],
                                               name="ladder_step_once")]
        indexes = [models.Index(fields=["region_code", "at"], name="ladder_step_region",
                                opclasses=["varchar_pattern_ops", "timestamptz_ops"])]

    def __str__(self):
        return f"{self.ladder} {self.record_id} {self.level}"

    @property
    def label(self) -> str:
        """The step's Chinese name, from its ladder's declaration."""
        from huxiao.core.ladder import LADDERS

        ladder = LADDERS.get(self.ladder)
        step = ladder.step(self.level) if ladder else None
        return str(step.label) if step else self.level
