"""The one filterset of the 技防 device registry: the list page, the API list and the Excel export."""

import django_filters as df
from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huxiao.core.records.columns import Badge, Column, Linked
from huxiao.core.records.filters import RecordFilterSet, SchoolFilter
from huxiao.devices.choices import DeviceKind, DeviceLocation
from huxiao.devices.display import TONES, state, window_text
from huxiao.devices.models import Device

YES_NO = [("", _("全部")), ("true", _("是")), ("false", _("否"))]
NETWORKED = [("", _("全部")), ("true", _("联网")), ("false", _("离线"))]
ACTIVE = [("", _("全部")), ("true", _("在用")), ("false", _("停用"))]
TESTED = [("", _("全部")), ("true", _("从未测试的报警设备")), ("false", _("已测试的报警设备"))]


class DeviceFilterSet(RecordFilterSet):
    q = df.CharFilter(label=_("关键词"), method="search", max_length=64,
                      widget=forms.TextInput(attrs={"placeholder": _("名称、编号或学校")}))
    kind = df.ChoiceFilter(label=_("设备类型"), choices=DeviceKind.choices, empty_label=_("全部类型"))
    location = df.ChoiceFilter(label=_("安装位置"), choices=DeviceLocation.choices, empty_label=_("全部位置"))
    networked = df.BooleanFilter(label=_("联网状态"), method="by_networked", widget=forms.Select(choices=NETWORKED))
    active = df.BooleanFilter(label=_("在用"), widget=forms.Select(choices=ACTIVE))
    police_built = df.BooleanFilter(label=_("公安自建"), widget=forms.Select(choices=YES_NO))
    never_tested = df.BooleanFilter(label=_("报警测试"), method="by_never_tested", widget=forms.Select(choices=TESTED))
    installed_on = df.DateFromToRangeFilter(label=_("安装日期"))
    # the API's earlier name of the school filter, still accepted (not shown on the page)
    school_id = SchoolFilter(field_name="school_id", label=_("学校编号"), widget=forms.HiddenInput)
    sort = df.OrderingFilter(label=_("排序"), fields=(("name", "name"), ("last_seen_at", "last_seen_at"),
                                                    ("installed_on", "installed_on"), ("school__name", "school")),
                             field_labels={"name": _("名称"), "last_seen_at": _("最近心跳"),
                                           "installed_on": _("安装日期"), "school__name": _("学校")})

    class Meta:
        model = Device
        fields = ["q", "kind", "location", "networked", "active", "police_built", "never_tested", "region", "school",
                  "installed_on", "school_id", "sort"]

    def search(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(serial__icontains=value) |
                         Q(school__name__icontains=value)) if value else qs

    def by_networked(self, qs, name, value):
        if value is None:
            return qs
        now = timezone.now()
        return qs.networked(now) if value else qs.offline(now)

    def by_never_tested(self, qs, name, value):
        """true: alarm panels and buttons in use that never sent a test alarm; false: those that did."""
        if value is None:
            return qs
        return qs.never_tested() if value else qs.tested()


def _state_badge(device):
    code, label = state(device)
    return Badge(label, TONES[code])


NAME = Column("name", _("名称"), sort="name", value=lambda d: Linked(d.name, reverse("device-detail", args=[d.pk])))
SCHOOL = Column("school.name", _("学校"), sort="school")
WINDOW = Column("supervision_window", _("监测窗口"), value=lambda d: window_text(d.supervision_window))
LAST_SEEN = Column("last_seen_at", _("最近心跳"), sort="last_seen_at")
STATE = Column("state", _("状态"), value=_state_badge)

# the page: what fits a screen (the export has every field)
PAGE_COLUMNS = (NAME, SCHOOL, Column("kind", _("设备类型")), Column("location", _("安装位置")),
                Column("serial", _("设备编号")), WINDOW, LAST_SEEN, STATE)

COLUMNS = (
    NAME,
    SCHOOL,
    Column("region_code", _("区划代码")),
    Column("kind", _("设备类型")),
    Column("location", _("安装位置")),
    Column("serial", _("设备编号")),
    Column("police_built", _("公安自建")),
    WINDOW,
    Column("installed_on", _("安装日期"), sort="installed_on"),
    LAST_SEEN,
    STATE,
)
