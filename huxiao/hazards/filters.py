"""The one filterset of the hazard ledger: the list page, the API list and the Excel export."""

import django_filters as df
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huxiao.core.records.columns import Column
from huxiao.core.records.filters import RecordFilterSet
from huxiao.hazards.choices import HazardCategory, HazardSource, HazardStatus, Severity
from huxiao.hazards.models import Hazard

STATUS_CHOICES = [("open", _("未销号")), *HazardStatus.choices]


class HazardFilterSet(RecordFilterSet):
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
                  "deadline", "sort"]

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
)
