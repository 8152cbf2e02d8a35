"""The one filterset of the alarm history (报警记录): the list page, the API list and the Excel export.
The console and its feed do not use it (hand-tuned hot path)."""

import django_filters as df
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.fields import DateRangeField

from huxiao.alarms.choices import AlarmCategory, AlarmSource, AlarmStatus, Disposition
from huxiao.alarms.feed import OPEN_STATUSES
from huxiao.alarms.models import Alarm
from huxiao.core.records.columns import Column
from huxiao.core.records.filters import RecordFilterSet

TESTS = [("", _("含测试报警")), ("false", _("不含测试报警"))]


class FlagInput(forms.CheckboxInput):
    """A checkbox that reads "0", "false", "off" and "no" as unchecked (as API clients send them)."""

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        if isinstance(value, str) and value.strip().lower() in ("0", "false", "off", "no"):
            return False
        return super().value_from_datadict(data, files, name)


class PlausibleDateRangeField(DateRangeField):
    """Days of a date range limited to 2000–2100: the range becomes local times of a timestamp column, and
    a day such as 0001-01-01 has no time in UTC."""

    def compress(self, data_list):
        for day in data_list or ():
            if day and not 2000 <= day.year <= 2100:
                raise ValidationError(_("日期超出合理范围（2000—2100 年）"), code="out_of_range")
        return super().compress(data_list)


class ReceivedRangeFilter(df.DateFromToRangeFilter):
    field_class = PlausibleDateRangeField


class AlarmFilterSet(RecordFilterSet):
    q = df.CharFilter(label=_("关键词"), method="search", max_length=50,
                      widget=forms.TextInput(attrs={"placeholder": _("学校、事件或防区")}))
    status = df.ChoiceFilter(label=_("状态"), choices=AlarmStatus.choices, empty_label=_("全部状态"))
    open_only = df.BooleanFilter(label=_("仅未处置完毕"), method="only_open", widget=FlagInput)
    category = df.ChoiceFilter(label=_("类别"), choices=AlarmCategory.choices, empty_label=_("全部类别"))
    disposition = df.ChoiceFilter(label=_("处置结果"), choices=Disposition.choices, empty_label=_("全部处置结果"))
    source = df.ChoiceFilter(label=_("来源"), choices=AlarmSource.choices, empty_label=_("全部来源"))
    received = ReceivedRangeFilter(label=_("接警日期"), field_name="received_at")
    # the API's earlier name of the school filter, kept for scripts that use it
    school_id = df.NumberFilter(label=_("学校编号"), field_name="school_id", min_value=1,
                                widget=forms.HiddenInput)
    include_tests = df.BooleanFilter(label=_("测试报警"), method="with_tests", widget=forms.Select(choices=TESTS))
    sort = df.OrderingFilter(label=_("排序"), fields=(("received_at", "received_at"),),
                             field_labels={"received_at": _("接警时间")})

    class Meta:
        model = Alarm
        fields = ["q", "status", "open_only", "category", "disposition", "source", "region", "school", "school_id",
                  "received", "include_tests", "sort"]

    def search(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(school__name__icontains=value) | Q(label__icontains=value) | Q(zone=value) |
                         Q(code__iexact=value))

    def only_open(self, qs, name, value):
        return qs.filter(status__in=OPEN_STATUSES) if value else qs

    def with_tests(self, qs, name, value):
        return qs if value else qs.filter(is_test=False)


def _name(obj) -> str:
    return obj.name if obj is not None else ""


COLUMNS = (
    Column("received_at", _("接警时间"), sort="received_at"),
    Column("school.name", _("学校")),
    Column("region_code", _("区划代码")),
    Column("label", _("事件")),
    Column("code", _("事件代码")),
    Column("category", _("类别")),
    Column("area", _("分区")),
    Column("zone", _("防区")),
    Column("user", _("用户编号")),
    Column("source", _("来源")),
    Column("is_test", _("测试报警")),
    Column("status", _("状态")),
    Column("acknowledged_at", _("确认时间")),
    Column("dispatched_at", _("派警时间")),
    Column("dispatch_unit", _("出警单位"), value=lambda a: _name(a.dispatch_unit)),
    Column("dispatch_officer", _("出警民警")),
    Column("arrived_at", _("到场时间")),
    Column("closed_at", _("处置完毕时间")),
    Column("disposition", _("处置结果")),
    Column("notes", _("处置情况")),
    Column("restored_at", _("恢复时间")),
)
