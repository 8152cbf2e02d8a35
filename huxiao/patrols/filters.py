"""The filtersets of the 护学岗 records (one per record: the list page, the API list and the export)."""

import django_filters as df
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huxiao.core.crypto import mask_phone
from huxiao.core.records.columns import Column
from huxiao.core.records.filters import RecordFilterSet
from huxiao.patrols.choices import CheckKind, PatrolMode, PersonKind, PostKind, WindowKind
from huxiao.patrols.geo import Datum
from huxiao.patrols.models import CheckIn, Person, PhoneContact, Post, Roster, RosterException


class PostFilterSet(RecordFilterSet):
    q = df.CharFilter(label=_("关键词"), method="search", max_length=50,
                      widget=forms.TextInput(attrs={"placeholder": _("学校或岗位名称")}))
    kind = df.ChoiceFilter(label=_("岗位类型"), choices=PostKind.choices, empty_label=_("全部类型"))
    active = df.BooleanFilter(label=_("仅启用"), method="only_active", widget=forms.CheckboxInput)
    sort = df.OrderingFilter(label=_("排序"), fields=(("name", "name"), ("created_at", "created_at")),
                             field_labels={"name": _("岗位名称"), "created_at": _("登记时间")})

    class Meta:
        model = Post
        fields = ["q", "kind", "active", "region", "school", "sort"]

    def search(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(school__name__icontains=value)) if value else qs

    def only_active(self, qs, name, value):
        return qs.filter(active=True) if value else qs


class PersonFilterSet(RecordFilterSet):
    q = df.CharFilter(label=_("关键词"), method="search", max_length=50,
                      widget=forms.TextInput(attrs={"placeholder": _("姓名或单位")}))
    kind = df.ChoiceFilter(label=_("人员类别"), choices=PersonKind.choices, empty_label=_("全部类别"))
    sort = df.OrderingFilter(label=_("排序"), fields=(("name", "name"),), field_labels={"name": _("姓名")})

    class Meta:
        model = Person
        fields = ["q", "kind", "region", "school", "sort"]

    def search(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(unit_name__icontains=value)) if value else qs


class RosterFilterSet(RecordFilterSet):
    post = df.NumberFilter(field_name="post_id", label=_("护学岗编号"), min_value=1)
    window = df.ChoiceFilter(label=_("时段"), choices=WindowKind.choices, empty_label=_("全部时段"))

    class Meta:
        model = Roster
        fields = ["post", "window", "region", "school"]


class RosterExceptionFilterSet(RecordFilterSet):
    post = df.NumberFilter(field_name="roster__post_id", label=_("护学岗编号"), min_value=1)
    roster = df.NumberFilter(field_name="roster_id", label=_("排班编号"), min_value=1)
    date = df.DateFromToRangeFilter(label=_("日期"))

    class Meta:
        model = RosterException
        fields = ["post", "roster", "date", "region", "school"]


class CheckInFilterSet(RecordFilterSet):
    post = df.NumberFilter(field_name="post_id", label=_("护学岗编号"), min_value=1)
    kind = df.ChoiceFilter(label=_("类型"), choices=CheckKind.choices, empty_label=_("全部类型"))
    mode = df.ChoiceFilter(label=_("方式"), choices=PatrolMode.choices, empty_label=_("全部方式"))
    window = df.ChoiceFilter(label=_("时段"), choices=WindowKind.choices, empty_label=_("全部时段"))
    flagged = df.BooleanFilter(label=_("仅异常（迟到/围栏外/时间偏差）"), method="only_flagged",
                               widget=forms.CheckboxInput)
    duty_date = df.DateFromToRangeFilter(label=_("值守日期"))
    sort = df.OrderingFilter(label=_("排序"), fields=(("device_time", "device_time"), ("distance_m", "distance")),
                             field_labels={"device_time": _("签到时间"), "distance": _("距岗位")})

    class Meta:
        model = CheckIn
        fields = ["post", "kind", "mode", "window", "flagged", "region", "school", "duty_date", "sort"]

    def only_flagged(self, qs, name, value):
        return qs.filter(Q(late=True) | Q(outside_fence=True) | Q(large_skew=True)) if value else qs


class PhoneFilterSet(RecordFilterSet):
    unsent = df.BooleanFilter(label=_("仅有未上传"), method="only_unsent", widget=forms.CheckboxInput)
    last_contact = df.DateFromToRangeFilter(label=_("最近联系"))

    class Meta:
        model = PhoneContact
        fields = ["unsent", "region", "school", "last_contact"]

    def only_unsent(self, qs, name, value):
        return qs.filter(pending__gt=0) if value else qs


POST_COLUMNS = (
    Column("name", _("岗位名称"), sort="name", link=True),
    Column("school.name", _("学校")),
    Column("region_code", _("区划代码")),
    Column("kind", _("岗位类型")),
    Column("position", _("位置（WGS-84）"), value=lambda p: f"{p.latitude:.6f}, {p.longitude:.6f}"),
    Column("datum", _("录入坐标系"), value=lambda p: Datum(p.datum).label),
    Column("radius_m", _("围栏半径（米）")),
    Column("active", _("启用")),
)

PERSON_COLUMNS = (
    Column("name", _("姓名"), sort="name"),
    Column("kind", _("人员类别")),
    Column("unit_name", _("所在单位")),
    Column("school.name", _("学校")),
    Column("phone", _("联系电话"), value=lambda p: mask_phone(p.phone)),
    Column("active", _("在岗")),
)

ROSTER_COLUMNS = (
    Column("post.name", _("护学岗")),
    Column("school.name", _("学校")),
    Column("person.name", _("人员")),
    Column("weekday", _("星期")),
    Column("window", _("时段")),
    Column("valid_from", _("生效日期")),
    Column("valid_to", _("截止日期")),
)

CHECKIN_COLUMNS = (
    Column("device_time", _("签到时间"), sort="device_time"),
    Column("received_at", _("接收时间")),
    Column("school.name", _("学校")),
    Column("post.name", _("护学岗")),
    Column("person.name", _("人员")),
    Column("kind", _("类型")),
    Column("mode", _("方式")),
    Column("window", _("时段")),
    Column("distance_m", _("距岗位（米）"), sort="distance"),
    Column("accuracy_m", _("定位精度（米）")),
    Column("flags", _("异常"), value=lambda c: c.flags),
)

PHONE_COLUMNS = (
    Column("user.display_name", _("账号")),
    Column("device", _("手机编号"), value=lambda c: str(c.device)[:8]),
    Column("school.name", _("学校")),
    Column("post.name", _("护学岗")),
    Column("last_contact", _("最近联系")),
    Column("pending", _("未上传（条）")),
    Column("sent", _("最近一次上传（条）")),
)
