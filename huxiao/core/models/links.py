"""Extra reach: a record of any model made reachable from further regions or schools.

A record is normally reached through its own ``region_code`` and school. A key person living near the
schools of two districts, or a dispute that involves a school of another district, must also be seen
there: one ``ReachLink`` row per additional place. Models that use it set ``SCOPE_EXTRA_REACH = True``;
their ``visible_to`` then also returns the records linked into the user's scope (one query: the links
are a subquery on the same region-prefix index). Managed by ``huxiao.core.reach_links``.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huxiao.core.scoping import ScopedQuerySet


class ReachLink(models.Model):
    """Record (content type, object id) is also reached from ``region_code`` (a region) or ``school``
    (then ``region_code`` is the school's, as on a school's own records)."""

    content_type = models.ForeignKey(ContentType, models.CASCADE, related_name="+", verbose_name=_("对象类型"))
    object_id = models.BigIntegerField(_("对象编号"))
    region_code = models.CharField(_("区划代码"), max_length=12)
    school = models.ForeignKey("core.School", models.CASCADE, null=True, blank=True, related_name="+",
                               verbose_name=_("学校"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    SCOPE_SCHOOL_FIELD = "school_id"

    class Meta:
        ordering = ["id"]
        verbose_name = _("关联管辖")
        verbose_name_plural = _("关联管辖")
        indexes = [
            models.Index(fields=["content_type", "region_code"], name="reachlink_region",
                         opclasses=["int4_ops", "varchar_pattern_ops"]),
            models.Index(fields=["content_type", "school"], name="reachlink_school"),
            models.Index(fields=["content_type", "object_id"], name="reachlink_object"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "region_code"],
                                    condition=Q(school__isnull=True), name="reachlink_unique_region"),
            models.UniqueConstraint(fields=["content_type", "object_id", "school"],
                                    condition=Q(school__isnull=False), name="reachlink_unique_school"),
        ]

    def __str__(self):
        return f"{self.content_type.model}#{self.object_id} → {self.school or self.region_code}"
