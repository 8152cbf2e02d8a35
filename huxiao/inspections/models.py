"""Inspections and supervision (检查督导, SPEC §4): checklist templates, plans with frequency rules,
inspections item by item, and the semesters they are counted in. A failed item becomes a hazard."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from huxiao.core.models import SchoolRecord, VoidableQuerySet, VoidableRecord
from huxiao.core.scoping import ScopedQuerySet
from huxiao.hazards.choices import HazardCategory, Severity
from huxiao.inspections.choices import InspectionMode, PlanKind, PlanLevel


class Semester(models.Model):
    """A school semester (学期); inspection frequency rules count per semester."""

    name = models.CharField(_("名称"), max_length=64, unique=True)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))

    class Meta:
        ordering = ["-start"]
        verbose_name = _("学期")
        verbose_name_plural = _("学期")

    def __str__(self):
        return self.name

    def clean(self):
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": gettext("结束日期须晚于开始日期")})


class TemplateQuerySet(ScopedQuerySet):
    def available_to(self, user, perm="inspections.view_template"):
        """Built-in templates for everyone who may see templates, plus those of the user's jurisdiction."""
        return (self.filter(builtin=True) | self.visible_to(user, perm)).distinct()


class ChecklistTemplate(models.Model):
    """A checklist (检查表): built in from the seeds, or built by officials for their region."""

    name = models.CharField(_("名称"), max_length=100)
    source = models.CharField(_("依据"), max_length=200, blank=True)
    builtin = models.BooleanField(_("内置"), default=False)
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TemplateQuerySet.as_manager()
    SCOPE_SCHOOL_FIELD = ""

    class Meta:
        ordering = ["-builtin", "name"]
        verbose_name = _("检查表模板")
        verbose_name_plural = _("检查表模板")

    def __str__(self):
        return self.name


class ChecklistItem(models.Model):
    """One item of a checklist, with the category, severity and time limit its failure gets as a hazard."""

    template = models.ForeignKey(ChecklistTemplate, models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("检查内容"), max_length=200)
    category = models.CharField(_("隐患类别"), max_length=24, choices=HazardCategory.choices,
                                default=HazardCategory.CAMPUS)
    severity = models.CharField(_("默认等级"), max_length=8, choices=Severity.choices, default=Severity.GENERAL)
    deadline_days = models.PositiveSmallIntegerField(_("整改时限（天）"), default=30)

    class Meta:
        ordering = ["template_id", "order"]
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")

    def __str__(self):
        return self.text


class InspectionPlan(models.Model):
    """An inspection plan of a region's authorities for one semester (检查督导计划)."""

    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey("core.Region", models.PROTECT, related_name="+", verbose_name=_("检查区域"))
    region_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    level = models.CharField(_("层级"), max_length=10, choices=PlanLevel.choices, editable=False)
    semester = models.ForeignKey(Semester, models.PROTECT, related_name="plans", verbose_name=_("学期"))
    times = models.PositiveSmallIntegerField(_("本学期检查次数"))
    kind = models.CharField(_("类型"), max_length=10, choices=PlanKind.choices, default=PlanKind.ROUTINE)
    joint = models.BooleanField(_("教育公安联合检查"), default=True)
    mode = models.CharField(_("方式"), max_length=12, choices=InspectionMode.choices,
                            default=InspectionMode.ANNOUNCED)
    template = models.ForeignKey(ChecklistTemplate, models.PROTECT, related_name="+", verbose_name=_("检查表"))
    policy = models.ForeignKey("hazards.EscalationPolicy", models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("督办规则（专项行动）"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    SCOPE_SCHOOL_FIELD = ""

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("检查计划")
        verbose_name_plural = _("检查计划")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.region_code = self.region_id
        super().save(*args, **kwargs)


class Inspection(VoidableRecord, SchoolRecord):
    """One inspection of one school: who, when, how (joint / 明查暗访) and the result of each item.

    An event: it keeps the region of the school when it was made, also after the school moves. One entered
    by mistake is voided (作废, with the hazards it raised) and no longer counts in coverage or plans."""

    plan = models.ForeignKey(InspectionPlan, models.PROTECT, null=True, blank=True, related_name="inspections",
                             verbose_name=_("检查计划"))
    template = models.ForeignKey(ChecklistTemplate, models.PROTECT, related_name="+", verbose_name=_("检查表"))
    inspected_on = models.DateField(_("检查日期"))
    joint = models.BooleanField(_("教育公安联合检查"), default=False)
    mode = models.CharField(_("方式"), max_length=12, choices=InspectionMode.choices,
                            default=InspectionMode.ANNOUNCED)
    inspectors = models.CharField(_("检查人员"), max_length=200)
    summary = models.TextField(_("检查小结"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("记录人"))
    created_at = models.DateTimeField(default=timezone.now)

    objects = VoidableQuerySet.as_manager()

    class Meta:
        ordering = ["-inspected_on", "-id"]
        verbose_name = _("检查记录")
        verbose_name_plural = _("检查记录")
        indexes = [models.Index(fields=["region_code", "inspected_on"], name="inspection_region_date",
                                opclasses=["varchar_pattern_ops", "date_ops"])]

    def __str__(self):
        return f"{self.school} {self.inspected_on}"

    def void_dependents(self):
        """The hazards this inspection raised: voided with it (core.void)."""
        from huxiao.hazards.models import Hazard

        return list(Hazard.objects.filter(inspection_result__inspection=self).order_by("pk"))

    @property
    def failed_count(self):
        return sum(1 for r in self.results.all() if not r.passed)


class InspectionResult(models.Model):
    """The result of one checklist item: pass or fail with a note and photos; a failure is a hazard."""

    inspection = models.ForeignKey(Inspection, models.CASCADE, related_name="results")
    item = models.ForeignKey(ChecklistItem, models.PROTECT, related_name="+")
    passed = models.BooleanField(_("合格"))
    note = models.TextField(_("情况说明"), blank=True)
    photos = models.ManyToManyField("core.Attachment", blank=True, related_name="+", verbose_name=_("照片"))
    hazard = models.OneToOneField("hazards.Hazard", models.PROTECT, null=True, blank=True,
                                  related_name="inspection_result", verbose_name=_("生成的隐患"))

    class Meta:
        ordering = ["inspection_id", "item__order"]
        verbose_name = _("检查结果")
        verbose_name_plural = _("检查结果")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="inspection_item_once"),
            models.CheckConstraint(condition=Q(passed=True) | Q(note__gt=""), name="failed_item_has_note"),
        ]

    def __str__(self):
        return f"{self.item} {'✓' if self.passed else '✗'}"
