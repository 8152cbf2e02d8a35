"""The hazard ledger (隐患台账, 挂账销号 — SPEC §3): hazards, their transitions, the overdue ladder and
the monthly self-checks.

Every record carries the school's ``region_code`` so a jurisdiction is a prefix match on an index.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from huxiao.core.models import SchoolRecord, VoidableQuerySet, VoidableRecord
from huxiao.core.scoping import ScopedQuerySet
from huxiao.hazards import constants as C
from huxiao.hazards.choices import (
    OPEN_STATUSES,
    OWED_STATUSES,
    EscalationLevel,
    HazardAction,
    HazardCategory,
    HazardSource,
    HazardStatus,
    Severity,
)


class EscalationPolicy(models.Model):
    """The thresholds of the overdue ladder and of the self-check flag for one campaign (专项行动).

    The policy marked default applies to hazards that name none.
    """

    name = models.CharField(_("名称"), max_length=100, unique=True)
    campaign = models.CharField(_("专项行动"), max_length=100, blank=True)
    # the region whose officials own the policy; blank: the platform-wide default (system administrators)
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True)
    is_default = models.BooleanField(_("默认规则"), default=False)
    remind_days_before = models.PositiveSmallIntegerField(_("到期前提醒（天）"), default=C.DEFAULT_REMIND_DAYS_BEFORE)
    notice_after_days = models.PositiveSmallIntegerField(_("逾期通报（天）"), default=C.DEFAULT_NOTICE_AFTER_DAYS)
    interview_after_days = models.PositiveSmallIntegerField(_("逾期约谈（天）"),
                                                            default=C.DEFAULT_INTERVIEW_AFTER_DAYS)
    listing_after_days = models.PositiveSmallIntegerField(_("重大隐患挂牌督办（逾期天数）"),
                                                          default=C.DEFAULT_LISTING_AFTER_DAYS)
    self_check_due_day = models.PositiveSmallIntegerField(_("自查截止日（次月几日）"),
                                                          default=C.DEFAULT_SELF_CHECK_DUE_DAY)

    class Meta:
        ordering = ["-is_default", "name"]
        verbose_name = _("督办规则")
        verbose_name_plural = _("督办规则")

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if not 1 <= self.notice_after_days < self.interview_after_days:
            errors["interview_after_days"] = gettext("约谈天数须大于通报天数，且通报天数至少为 1")
        if self.listing_after_days < self.notice_after_days:
            errors["listing_after_days"] = gettext("挂牌督办天数不能小于通报天数")
        if not 1 <= self.self_check_due_day <= 28:
            errors["self_check_due_day"] = gettext("自查截止日须在 1～28 日之间")
        if errors:
            raise ValidationError(errors)

    @classmethod
    def default(cls):
        policy = cls.objects.filter(is_default=True).first()
        if policy is None:
            policy, _created = cls.objects.get_or_create(name=gettext("默认督办规则"), defaults={"is_default": True})
        return policy


class HazardQuerySet(VoidableQuerySet):
    def open(self):
        """Hazards still on the ledger (not closed, not voided)."""
        return self.live().filter(status__in=OPEN_STATUSES)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.live().filter(status__in=OWED_STATUSES, deadline__lt=today)


class Hazard(VoidableRecord, SchoolRecord):
    """One hazard (隐患) put on the ledger until it is rectified, accepted and closed (挂账销号).

    An open hazard is the school's present state: when the school moves it goes with it to the new
    district's ledger. A closed one stays in the district that accepted it. One entered by mistake is
    voided (作废) and no longer counts anywhere."""

    place = models.CharField(_("隐患部位"), max_length=200)
    description = models.TextField(_("隐患描述"))
    photos = models.ManyToManyField("core.Attachment", blank=True, related_name="+", verbose_name=_("照片"))
    category = models.CharField(_("类别"), max_length=24, choices=HazardCategory.choices)
    severity = models.CharField(_("等级"), max_length=8, choices=Severity.choices, default=Severity.GENERAL)
    source = models.CharField(_("来源"), max_length=20, choices=HazardSource.choices)
    found_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                 verbose_name=_("发现人"))
    found_on = models.DateField(_("发现日期"))
    responsible_unit = models.CharField(_("整改责任单位"), max_length=128)
    responsible_person = models.CharField(_("整改责任人"), max_length=64)
    measures = models.TextField(_("整改措施"), blank=True)
    deadline = models.DateField(_("整改时限"))
    status = models.CharField(_("状态"), max_length=12, choices=HazardStatus.choices, default=HazardStatus.PENDING)
    policy = models.ForeignKey(EscalationPolicy, models.PROTECT, null=True, blank=True, related_name="hazards",
                               verbose_name=_("督办规则"))
    self_check = models.ForeignKey("hazards.SelfCheck", models.PROTECT, null=True, blank=True,
                                   related_name="hazards", verbose_name=_("月度自查"))
    escalation = models.CharField(_("督办级别"), max_length=12, choices=EscalationLevel.choices, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    days_to_close = models.PositiveIntegerField(_("整改用时（天）"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = HazardQuerySet.as_manager()
    MOVES_WITH_SCHOOL = True

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("隐患")
        verbose_name_plural = _("隐患")
        indexes = [
            # the overdue list: owed hazards of a region by deadline, answered from the index alone
            models.Index(fields=["region_code", "deadline", "id"], name="hazard_owed_region_deadline3",
                         opclasses=["varchar_pattern_ops", "date_ops", "int8_ops"],
                         condition=models.Q(status__in=["pending", "rectifying"], voided_at__isnull=True)),
            # the dashboard's counts and medians per region (live hazards), answered from the index alone
            models.Index(fields=["region_code", "status", "deadline", "severity", "days_to_close"],
                         name="hazard_live_region_cover",
                         opclasses=["varchar_pattern_ops", "varchar_pattern_ops", "date_ops", "varchar_pattern_ops",
                                    "int4_ops"], condition=models.Q(voided_at__isnull=True)),
            # the default list, newest first, within a region (status last: filtered in the index too)
            models.Index(fields=["region_code", "created_at", "id", "status"], name="hazard_region_created",
                         opclasses=["varchar_pattern_ops", "timestamptz_ops", "int8_ops", "varchar_pattern_ops"]),
            models.Index(fields=["school", "status"], name="hazard_school_status"),
        ]

    def __str__(self):
        return f"{self.number} {self.place}"

    @classmethod
    def present_state(cls, qs):
        return qs.filter(status__in=OPEN_STATUSES)

    @classmethod
    def moving_attachment_ids(cls, rows):
        """Besides its photos, a moving hazard takes the evidence of its transitions (the rectification the
        new district is to accept)."""
        return HazardEvent.evidence.through.objects.filter(hazardevent__hazard__in=rows.values("pk")).values_list(
            "attachment_id", flat=True)

    @property
    def number(self):
        return f"YH{self.found_on:%Y}{self.pk or 0:07d}"

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    def overdue_days(self, today=None) -> int:
        today = today or timezone.localdate()
        if self.status not in OWED_STATUSES or self.deadline >= today:
            return 0
        return (today - self.deadline).days

    def effective_policy(self):
        return self.policy if self.policy_id else EscalationPolicy.default()


class HazardEvent(models.Model):
    """One transition of a hazard: who, when, from which status to which, the note and the evidence."""

    hazard = models.ForeignKey(Hazard, models.CASCADE, related_name="events", verbose_name=_("隐患"))
    action = models.CharField(_("操作"), max_length=12, choices=HazardAction.choices)
    from_status = models.CharField(_("原状态"), max_length=12, choices=HazardStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=HazardStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"), default=timezone.now)
    note = models.TextField(_("说明"), blank=True)
    evidence = models.ManyToManyField("core.Attachment", blank=True, related_name="+", verbose_name=_("佐证材料"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("隐患流转记录")
        verbose_name_plural = _("隐患流转记录")

    def __str__(self):
        return f"{self.hazard_id} {self.get_action_display()}"


class EscalationStep(SchoolRecord):
    """One rung of the overdue ladder reached by a hazard, with whom it was sent to (三方督办).

    An event: it stays in the district that escalated it when the school moves."""

    hazard = models.ForeignKey(Hazard, models.CASCADE, related_name="escalations", verbose_name=_("隐患"))
    level = models.CharField(_("督办级别"), max_length=12, choices=EscalationLevel.choices)
    at = models.DateTimeField(_("时间"))
    overdue_days = models.IntegerField(_("逾期天数"))
    supervising_region = models.CharField(_("督办层级区划"), max_length=12)
    recipients = models.PositiveIntegerField(_("通知人数"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("督办记录")
        verbose_name_plural = _("督办记录")
        constraints = [models.UniqueConstraint(fields=["hazard", "level"], name="escalation_once_per_level")]

    def __str__(self):
        return f"{self.hazard_id} {self.get_level_display()}"


class SelfCheck(SchoolRecord):
    """A school's monthly self-check (每月自查, 000 §三(一)5), "no hazards found" included.

    A submitted report: it stays in the district it was filed to when the school moves."""

    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    no_hazards = models.BooleanField(_("未发现隐患"), default=False)
    note = models.TextField(_("自查情况"), blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("填报人"))
    filed_at = models.DateTimeField(_("填报时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "school_id"]
        verbose_name = _("月度自查")
        verbose_name_plural = _("月度自查")
        constraints = [models.UniqueConstraint(fields=["school", "month"], name="self_check_once_a_month")]

    def __str__(self):
        return f"{self.school} {self.month:%Y-%m}"


class SelfCheckFlag(SchoolRecord):
    """A missing monthly self-check, flagged to the education bureau after the due day.

    While unresolved it is an open matter of the school's present district: it moves with the school (a
    resolved one stays where it was resolved)."""

    month = models.DateField(_("月份"))
    flagged_at = models.DateTimeField(_("标记时间"))
    resolved_at = models.DateTimeField(_("补报时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    MOVES_WITH_SCHOOL = True

    class Meta:
        ordering = ["-month", "school_id"]
        verbose_name = _("自查缺报")
        verbose_name_plural = _("自查缺报")
        constraints = [models.UniqueConstraint(fields=["school", "month"], name="self_check_flag_once")]

    def __str__(self):
        return f"{self.school} {self.month:%Y-%m}"

    @classmethod
    def present_state(cls, qs):
        return qs.filter(resolved_at__isnull=True)


class IssuedDocument(models.Model):
    """A document issued to officials' names (整改通知书, 检查通报) with its number (文号) for the year."""

    kind = models.CharField(_("文书类型"), max_length=16)
    region_code = models.CharField(_("区划代码"), max_length=12)
    school = models.ForeignKey("core.School", models.PROTECT, null=True, blank=True, related_name="+")
    year = models.PositiveSmallIntegerField(_("年份"))
    seq = models.PositiveIntegerField(_("序号"))
    title = models.CharField(_("标题"), max_length=200)
    number = models.CharField(_("文号"), max_length=64, blank=True)
    # what was issued, kept so that every download is the same document: the layout's arguments
    # (huxiao.hazards.documents.official_document), the file name and the hazards it lists
    content = models.JSONField(_("内容"), default=dict, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("印发时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    SCOPE_SCHOOL_FIELD = "school_id"

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("印发文书")
        verbose_name_plural = _("印发文书")
        constraints = [models.UniqueConstraint(fields=["kind", "region_code", "year", "seq"], name="document_number")]

    def __str__(self):
        return self.title
