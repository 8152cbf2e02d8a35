"""The filtersets of the hazard ledger — the hazards, the monthly self-checks and their missing-flags, the
issued 整改通知书 — each shared by its list page, its API list and its Excel export."""

import datetime
import re

import django_filters as df
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huxiao.core.records.columns import Column
from huxiao.core.records.filters import RecordFilterSet
from huxiao.core.records.voiding import VOID_COLUMNS, VoidableFilterSet
from huxiao.hazards.choices import HazardCategory, HazardSource, HazardStatus, Severity
from huxiao.hazards.models import Hazard, IssuedDocument, SelfCheck, SelfCheckFlag

STATUS_CHOICES = [("open", _("未销号")), *HazardStatus.choices]


class HazardFilterSet(VoidableFilterSet):
    q = df.CharFilter(label=_("关键词"), method="search", max_length=50,
                      widget=forms.TextInput(attrs={"placeholder": _("学校、部位或描述")}))
    status = df.ChoiceFilter(label=_("状态"), choices=STATUS_CHOICES, method="by_status", empty_label=_("全部状态"))
    overdue = df.BooleanFilter(label=_("仅逾期"), method="only_overdue", widget=forms.CheckboxInput)
    severity = df.ChoiceFilter(label=_("等级"), choices=Severity.choices, empty_label=_("全部等级"))
    category = df.ChoiceFilter(label=_("类别"), choices=HazardCategory.choices, empty_label=_("全部类别"))
    source = df.ChoiceFilter(label=_("来源"), choices=HazardSource.choices, empty_label=_("全部来源"))
    found_on = df.DateFromToRangeFilter(label=_("发现日期"))
    deadline = df.DateFromToRangeFilter(label=_("整改时限"))
    sort = df.OrderingFilter(label=_("排序"), fields=(("deadline", "deadline"), ("found_on", "found_on"),
                                                    ("created_at", "created_at")),
                             field_labels={"deadline": _("整改时限"), "found_on": _("发现日期"),
                                           "created_at": _("登记时间")})

    class Meta:
        model = Hazard
        fields = ["q", "status", "overdue", "severity", "category", "source", "region", "school", "found_on",
                  "deadline", "voided", "sort"]

    def search(self, qs, name, value):
        return qs.filter(Q(place__icontains=value) | Q(description__icontains=value) |
                         Q(school__name__icontains=value)) if value else qs

    def by_status(self, qs, name, value):
        if value == "open":
            return qs.open()
        return qs.filter(status=value) if value else qs

    def only_overdue(self, qs, name, value):
        return qs.overdue(timezone.localdate()) if value else qs


COLUMNS = (
    Column("number", _("编号"), sort="created_at"),
    Column("school.name", _("学校")),
    Column("region_code", _("区划代码"), export=True),
    Column("place", _("隐患部位")),
    Column("description", _("隐患描述")),
    Column("category", _("类别")),
    Column("severity", _("等级")),
    Column("source", _("来源")),
    Column("found_on", _("发现日期"), sort="found_on"),
    Column("responsible_unit", _("责任单位")),
    Column("responsible_person", _("责任人")),
    Column("deadline", _("整改时限"), sort="deadline"),
    Column("overdue", _("逾期天数"), value=lambda h: h.overdue_days() or ""),
    Column("status", _("状态")),
    Column("escalation", _("督办"), value=lambda h: h.get_escalation_display() if h.escalation else ""),
    Column("closed_at", _("销号时间")),
    *VOID_COLUMNS,
)


# --- monthly self-checks ----------------------------------------------------------------------------

class MonthInput(forms.TextInput):
    input_type = "month"


class MonthField(forms.CharField):
    """A month as the month picker sends it (``YYYY-MM``; a full date is read as its month): the first
    day of that month."""

    widget = MonthInput

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        if not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", value):
            raise ValidationError(_("月份格式应为 YYYY-MM"), code="invalid")
        try:
            return datetime.date.fromisoformat(f"{value[:7]}-01")
        except ValueError:
            raise ValidationError(_("月份格式应为 YYYY-MM"), code="invalid") from None


class MonthFilter(df.Filter):
    field_class = MonthField


class SelfCheckFilterSet(RecordFilterSet):
    month = MonthFilter(label=_("月份"))
    result = df.ChoiceFilter(label=_("结果"), choices=[("none", _("未发现隐患")), ("found", _("发现隐患"))],
                             method="by_result", empty_label=_("全部结果"))
    sort = df.OrderingFilter(label=_("排序"), fields=(("month", "month"), ("filed_at", "filed_at")),
                             field_labels={"month": _("月份"), "filed_at": _("填报时间")})

    class Meta:
        model = SelfCheck
        fields = ["month", "result", "region", "school", "sort"]

    def by_result(self, qs, name, value):
        return qs.filter(no_hazards=value == "none") if value else qs


def _self_check_result(check) -> str:
    if check.no_hazards:
        return str(_("未发现隐患"))
    return str(_("发现隐患 %(n)d 处") % {"n": len(check.hazards.all())})


SELF_CHECK_COLUMNS = (
    Column("month", _("月份"), value=lambda c: f"{c.month:%Y-%m}", sort="month"),
    Column("school.name", _("学校")),
    Column("region_code", _("区划代码")),
    Column("result", _("结果"), value=_self_check_result),
    Column("note", _("自查情况")),
    Column("filed_by", _("填报人"), value=lambda c: c.filed_by.display_name),
    Column("filed_at", _("填报时间"), sort="filed_at"),
)


class SelfCheckFlagFilterSet(RecordFilterSet):
    month = MonthFilter(label=_("月份"))
    resolved = df.BooleanFilter(label=_("已补报"), method="by_resolved")

    class Meta:
        model = SelfCheckFlag
        fields = ["month", "resolved", "region", "school"]

    def by_resolved(self, qs, name, value):
        return qs if value is None else qs.filter(resolved_at__isnull=not value)


# --- issued 整改通知书 ---------------------------------------------------------------------------------

class NoticeFilterSet(RecordFilterSet):
    q = df.CharFilter(label=_("关键词"), method="search", max_length=50,
                      widget=forms.TextInput(attrs={"placeholder": _("文号或标题")}))
    issued_at = df.DateFromToRangeFilter(label=_("印发日期"))
    sort = df.OrderingFilter(label=_("排序"), fields=(("issued_at", "issued_at"),),
                             field_labels={"issued_at": _("印发时间")})

    class Meta:
        model = IssuedDocument
        fields = ["q", "region", "school", "issued_at", "sort"]

    def search(self, qs, name, value):
        return qs.filter(Q(number__icontains=value) | Q(title__icontains=value)) if value else qs


NOTICE_COLUMNS = (
    Column("number", _("文号"), sort="issued_at"),
    Column("title", _("标题")),
    Column("school.name", _("学校")),
    Column("region_code", _("区划代码")),
    Column("issued_at", _("印发时间"), sort="issued_at"),
    Column("issued_by", _("签发人"), value=lambda d: d.issued_by.display_name),
    Column("hazards", _("隐患数"), value=lambda d: len(d.content.get("hazards", []))),
)
