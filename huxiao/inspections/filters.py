"""The filtersets of inspections and supervision — inspections, plans, checklist templates — each shared
by its list page, its API list and its Excel export."""

import django_filters as df
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huxiao.core.records.columns import Column
from huxiao.core.records.filters import RecordFilterSet
from huxiao.core.records.voiding import VOID_COLUMNS, VoidableFilterSet
from huxiao.hazards.choices import HazardCategory
from huxiao.inspections.choices import InspectionMode, PlanKind, PlanLevel
from huxiao.inspections.models import (
    ChecklistTemplate,
    Inspection,
    InspectionPlan,
    InspectionResult,
    Semester,
)


class InspectionFilterSet(VoidableFilterSet):
    q = df.CharFilter(label=_("关键词"), method="search", max_length=50,
                      widget=forms.TextInput(attrs={"placeholder": _("学校、检查人员或小结")}))
    inspected_on = df.DateFromToRangeFilter(label=_("检查日期"))
    mode = df.ChoiceFilter(label=_("方式"), choices=InspectionMode.choices, empty_label=_("全部方式"))
    joint = df.BooleanFilter(label=_("仅联合检查"), method="only_joint", widget=forms.CheckboxInput)
    failed = df.BooleanFilter(label=_("仅有不合格项"), method="only_failed", widget=forms.CheckboxInput)
    plan = df.NumberFilter(label=_("检查计划"), field_name="plan_id", min_value=1)
    template = df.NumberFilter(label=_("检查表"), field_name="template_id", min_value=1)
    sort = df.OrderingFilter(label=_("排序"), fields=(("inspected_on", "inspected_on"), ("created_at", "created_at")),
                             field_labels={"inspected_on": _("检查日期"), "created_at": _("录入时间")})

    class Meta:
        model = Inspection
        fields = ["q", "region", "school", "inspected_on", "mode", "joint", "failed", "plan", "template", "voided",
                  "sort"]

    def page_widgets(self):
        user = getattr(self.request, "user", None)
        if user is None:
            return
        plans = InspectionPlan.objects.visible_to(user, "inspections.view_plan").order_by("-created_at")
        templates = ChecklistTemplate.objects.available_to(user).order_by("-builtin", "name")
        for name, label, empty, rows in (("plan", _("检查计划"), _("全部计划"), plans),
                                         ("template", _("检查表"), _("全部检查表"), templates)):
            if name in self.form.fields:
                self.form.fields[name].widget = forms.Select(
                    choices=[("", empty), *rows.values_list("pk", "name")[:200]],
                    attrs={"class": "form-select form-select-sm", "aria-label": str(label)})

    def search(self, qs, name, value):
        return qs.filter(Q(school__name__icontains=value) | Q(inspectors__icontains=value) |
                         Q(summary__icontains=value)) if value else qs

    def only_joint(self, qs, name, value):
        return qs.filter(joint=True) if value else qs

    def only_failed(self, qs, name, value):
        failed = InspectionResult.objects.filter(passed=False).values("inspection_id")
        return qs.filter(pk__in=failed) if value else qs


def _failed(inspection) -> int:
    return sum(1 for r in inspection.results.all() if not r.passed)


INSPECTION_COLUMNS = (
    Column("inspected_on", _("检查日期"), sort="inspected_on"),
    Column("school.name", _("学校")),
    Column("region_code", _("区划代码")),
    Column("template.name", _("检查表")),
    Column("plan.name", _("检查计划")),
    Column("mode", _("方式")),
    Column("joint", _("联合检查")),
    Column("inspectors", _("检查人员")),
    Column("failed", _("不合格项"), value=_failed),
    Column("summary", _("检查小结")),
    Column("created_at", _("录入时间"), sort="created_at"),
    *VOID_COLUMNS,
)


class PlanFilterSet(RecordFilterSet):
    """Plans belong to a region, not to a school: no school picker."""

    school = None
    q = df.CharFilter(label=_("关键词"), field_name="name", lookup_expr="icontains", max_length=50,
                      widget=forms.TextInput(attrs={"placeholder": _("计划名称")}))
    level = df.ChoiceFilter(label=_("层级"), choices=PlanLevel.choices, empty_label=_("全部层级"))
    kind = df.ChoiceFilter(label=_("类型"), choices=PlanKind.choices, empty_label=_("全部类型"))
    mode = df.ChoiceFilter(label=_("方式"), choices=InspectionMode.choices, empty_label=_("全部方式"))
    semester = df.NumberFilter(label=_("学期"), field_name="semester_id", min_value=1)
    sort = df.OrderingFilter(label=_("排序"), fields=(("created_at", "created_at"), ("name", "name")),
                             field_labels={"created_at": _("创建时间"), "name": _("名称")})

    class Meta:
        model = InspectionPlan
        fields = ["q", "region", "level", "kind", "mode", "semester", "sort"]

    def page_widgets(self):
        if "semester" in self.form.fields:
            self.form.fields["semester"].widget = forms.Select(
                choices=[("", _("全部学期")), *Semester.objects.order_by("-start").values_list("pk", "name")[:40]],
                attrs={"class": "form-select form-select-sm", "aria-label": str(_("学期"))})


def plan_progress_of(plan) -> tuple:
    """(rounds done, schools inspected, schools of the region) of a plan, computed once per row."""
    if not hasattr(plan, "_progress"):
        from huxiao.inspections.services import plan_progress

        plan._progress = plan_progress([plan])[0][1:]
    return plan._progress


PLAN_COLUMNS = (
    Column("name", _("计划"), sort="name"),
    Column("region.name", _("区域")),
    Column("region_code", _("区划代码")),
    Column("level", _("层级")),
    Column("semester.name", _("学期")),
    Column("kind", _("类型")),
    Column("joint", _("联合检查")),
    Column("mode", _("方式")),
    Column("template.name", _("检查表")),
    Column("times", _("本学期检查次数")),
    Column("rounds_done", _("完成轮次（全覆盖）"), value=lambda p: plan_progress_of(p)[0]),
    Column("schools_done", _("已检查学校"), value=lambda p: plan_progress_of(p)[1]),
    Column("schools_total", _("区域学校"), value=lambda p: plan_progress_of(p)[2]),
    Column("created_at", _("创建时间"), sort="created_at"),
)


class TemplateFilterSet(RecordFilterSet):
    """Checklists are built in or belong to a region: no school picker."""

    school = None
    q = df.CharFilter(label=_("关键词"), method="search", max_length=50,
                      widget=forms.TextInput(attrs={"placeholder": _("名称、依据或检查项")}))
    builtin = df.BooleanFilter(label=_("内置"), widget=forms.Select(choices=[
        ("", _("内置及自建")), ("true", _("仅内置")), ("false", _("仅自建"))]))
    category = df.ChoiceFilter(label=_("检查项隐患类别"), choices=HazardCategory.choices, method="by_category",
                               empty_label=_("全部类别"))
    sort = df.OrderingFilter(label=_("排序"), fields=(("name", "name"), ("created_at", "created_at")),
                             field_labels={"name": _("名称"), "created_at": _("创建时间")})

    class Meta:
        model = ChecklistTemplate
        fields = ["q", "region", "builtin", "category", "sort"]

    def search(self, qs, name, value):
        if not value:
            return qs
        return qs.filter(Q(name__icontains=value) | Q(source__icontains=value) |
                         Q(pk__in=ChecklistTemplate.objects.filter(items__text__icontains=value).values("pk")))

    def by_category(self, qs, name, value):
        return qs.filter(pk__in=ChecklistTemplate.objects.filter(items__category=value).values("pk")) if value else qs


TEMPLATE_COLUMNS = (
    Column("name", _("名称"), sort="name"),
    Column("source", _("依据")),
    Column("builtin", _("内置")),
    Column("region_code", _("区划代码")),
    Column("items", _("检查项"), value=lambda t: [f"{i.order}. {i.text}" for i in t.items.all()]),
    Column("count", _("检查项数"), value=lambda t: len(t.items.all())),
    Column("created_at", _("创建时间"), sort="created_at"),
)
