"""The filtersets of the 三防 registry (guards, facilities, equipment) and their columns: each serves the
list page, the API list and the Excel export.

A guard's personal fields (ID tail, certificate, hire date and age, background check, health, trainings)
are shown only where the viewer may see them (``defense.view_personal`` over the guard's school), and a
filter on one of them only ever matches such guards: nobody learns who failed a background check by
filtering a list whose columns they are not shown."""

import django_filters as df
from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from huxiao.core import crypto
from huxiao.core.records.columns import Badge, Column, Linked
from huxiao.core.records.filters import RecordFilterSet
from huxiao.core.scoping import can, has_perm, scope_for
from huxiao.defense.choices import BackgroundResult, EnclosureType, EquipmentKind, GuardCategory, HealthStatus
from huxiao.defense.models import Equipment, Facility, Guard
from huxiao.defense.permissions import PERSONAL

YES_NO = [("", _("全部")), ("true", _("是")), ("false", _("否"))]


def _school_link(record):
    return Linked(record.school.name, reverse("defense-school", args=[record.school_id]))


class SchoolSearch(RecordFilterSet):
    def by_school_name(self, qs, name, value):
        return qs.filter(school__name__icontains=value) if value else qs


# --- guards --------------------------------------------------------------------------------------

class GuardFilterSet(SchoolSearch):
    q = df.CharFilter(label=_("关键词"), method="search", max_length=32,
                      widget=forms.TextInput(attrs={"placeholder": _("姓名或学校")}))
    category = df.ChoiceFilter(label=_("类别"), choices=GuardCategory.choices, empty_label=_("全部类别"))
    status = df.ChoiceFilter(label=_("状态"), choices=[("active", _("在岗")), ("left", _("离岗"))],
                             method="by_status", empty_label=_("全部"))
    missing = df.ChoiceFilter(label=_("待补材料"), method="by_missing", empty_label=_("不限"), choices=[
        ("license", _("专职保安员缺保安员证")), ("background", _("背景审查未通过或未审查"))])
    background_result = df.ChoiceFilter(label=_("背景审查结果"), choices=BackgroundResult.choices,
                                        method="personal_field", empty_label=_("全部"))
    health_status = df.ChoiceFilter(label=_("健康状况"), choices=HealthStatus.choices, method="personal_field",
                                    empty_label=_("全部"))
    first_hired_on = df.DateFromToRangeFilter(label=_("首次聘用日期"), method="personal_range")
    sort = df.OrderingFilter(label=_("排序"), fields=(("name", "name"), ("school__name", "school"),
                                                    ("category", "category"), ("created_at", "created_at")),
                             field_labels={"name": _("姓名"), "school__name": _("学校"), "category": _("类别"),
                                           "created_at": _("登记时间")})

    class Meta:
        model = Guard
        fields = ["q", "category", "status", "missing", "background_result", "health_status", "region", "school",
                  "first_hired_on", "sort"]

    def search(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(school__name__icontains=value)) if value else qs

    def by_status(self, qs, name, value):
        return qs.filter(active=value == "active") if value else qs

    def _personal(self, qs, condition: Q):
        """Only the guards whose personal fields the user may see can match ``condition``."""
        user = getattr(self.request, "user", None)
        if user is None:
            return qs.none()
        return qs.filter(scope_for(user, PERSONAL).q() & condition)

    def personal_field(self, qs, name, value):
        return self._personal(qs, Q(**{name: value})) if value else qs

    def personal_range(self, qs, name, value):
        if not value or (value.start is None and value.stop is None):
            return qs
        q = Q()
        if value.start is not None:
            q &= Q(**{f"{name}__gte": value.start})
        if value.stop is not None:
            q &= Q(**{f"{name}__lte": value.stop})
        return self._personal(qs, q)

    def by_missing(self, qs, name, value):
        if value == "license":
            return self._personal(qs, Q(category=GuardCategory.FULL_TIME, license_number=""))
        if value == "background":
            return self._personal(qs, ~Q(background_result=BackgroundResult.PASSED))
        return qs


def guard_columns(user, *, page: bool = False) -> tuple:
    """The guard list's columns for ``user``: the personal ones only for a user who may see personal fields
    somewhere, and on each row only where they may see that guard's. ``page``: fewer, combined cells that
    fit a screen (the export has every field in its own column)."""
    columns = [
        Column("name", _("姓名"), sort="name", value=lambda g: Linked(g.name, reverse("defense-guard", args=[g.pk]))),
        Column("school.name", _("学校"), sort="school", value=_school_link),
        *(() if page else (Column("region_code", _("区划代码")),)),
        Column("category", _("类别"), sort="category"),
        Column("active", _("状态"), value=lambda g: Badge(_("在岗"), "success") if g.active else Badge(_("离岗"))),
    ]
    if not has_perm(user, PERSONAL):
        return tuple(columns)

    def personal(value):
        return lambda g: value(g) if can(user, PERSONAL, g) else ""

    masked = Column("id_number_masked", _("身份证号"), value=personal(lambda g: crypto.mask_id_number(g.id_number_masked)))
    license_number = Column("license_number", _("保安员证号"), value=personal(lambda g: g.license_number))
    health = Column("health_status", _("健康状况"), value=personal(lambda g: g.get_health_status_display()))
    if page:
        return (*columns, masked, license_number,
                Column("first_hired_on", _("首次聘用（时年龄）"), value=personal(
                    lambda g: _("%(d)s（%(n)d 岁）") % {"d": f"{g.first_hired_on:%Y-%m-%d}", "n": g.hire_age})),
                Column("background_result", _("背景审查"), value=personal(_background)), health,
                Column("trainings", _("培训"), value=personal(_trainings)))
    return (*columns, masked, license_number,
            Column("first_hired_on", _("首次聘用日期"), value=personal(lambda g: g.first_hired_on)),
            Column("hire_age", _("首次聘用时年龄"), value=personal(lambda g: g.hire_age)),
            Column("background_result", _("背景审查"), value=personal(lambda g: g.get_background_result_display())),
            Column("background_checked_on", _("背景审查日期"), value=personal(lambda g: g.background_checked_on)),
            health,
            Column("left_on", _("离岗日期"), value=personal(lambda g: g.left_on)),
            Column("trainings", _("培训次数"), value=personal(lambda g: len(g.trainings.all()))),
            Column("last_training", _("最近培训"), value=personal(_last_training)))


def _background(guard):
    label = guard.get_background_result_display()
    if guard.background_result != BackgroundResult.PASSED:
        return Badge(label, "warning")
    return f"{label} {guard.background_checked_on:%Y-%m-%d}" if guard.background_checked_on else label


def _trainings(guard):
    count, last = len(guard.trainings.all()), _last_training(guard)
    if not count:
        return Badge(_("未培训"), "warning")
    return _("%(n)d 次（最近 %(d)s）") % {"n": count, "d": f"{last:%Y-%m-%d}"}


def _last_training(guard):
    held = [t.held_on for t in guard.trainings.all()]
    return max(held) if held else ""


# --- facilities ----------------------------------------------------------------------------------

class FacilityFilterSet(SchoolSearch):
    q = df.CharFilter(label=_("学校"), method="by_school_name", max_length=64,
                      widget=forms.TextInput(attrs={"placeholder": _("学校名称")}))
    enclosure_type = df.ChoiceFilter(label=_("围墙/护栏"), choices=EnclosureType.choices, empty_label=_("全部"))
    closed_management = df.BooleanFilter(label=_("封闭化管理"), widget=forms.Select(choices=YES_NO))
    gate_duty_room = df.BooleanFilter(label=_("门卫值班室"), widget=forms.Select(choices=YES_NO))
    anti_ramming = df.ChoiceFilter(label=_("硬质防冲撞设施"), method="by_anti_ramming", empty_label=_("全部"), choices=[
        ("installed", _("已安装")), ("missing", _("需安装而未安装")), ("not_needed", _("经排查无需安装"))])
    parent_waiting_area = df.BooleanFilter(label=_("家长等候区"), widget=forms.Select(choices=YES_NO))
    updated_at = df.DateFromToRangeFilter(label=_("更新日期"))
    sort = df.OrderingFilter(label=_("排序"), fields=(("updated_at", "updated_at"), ("school__name", "school")),
                             field_labels={"updated_at": _("更新时间"), "school__name": _("学校")})

    class Meta:
        model = Facility
        fields = ["q", "enclosure_type", "closed_management", "gate_duty_room", "anti_ramming",
                  "parent_waiting_area", "region", "school", "updated_at", "sort"]

    def by_anti_ramming(self, qs, name, value):
        if value == "installed":
            return qs.exclude(anti_ramming_kinds=[])
        if value == "missing":
            return qs.filter(anti_ramming_needed=True, anti_ramming_kinds=[])
        if value == "not_needed":
            return qs.filter(anti_ramming_needed=False)
        return qs


def _anti_ramming(f):
    if f.anti_ramming_kinds:
        return "、".join(f.anti_ramming_labels)
    return _("经排查无需安装") if not f.anti_ramming_needed else Badge(_("未安装"), "danger")


SCHOOL = Column("school.name", _("学校"), sort="school", value=_school_link)
REGION = Column("region_code", _("区划代码"), page=False)
UPDATED = Column("updated_at", _("更新时间"), sort="updated_at")
FACILITY_COLUMNS = (
    SCHOOL, REGION, Column("enclosure_type", _("围墙/护栏"), page=False),
    Column("enclosure_height_m", _("围墙高度(米)"), page=False),
    Column("enclosure", _("围墙/护栏"), export=False, value=lambda f: _("%(t)s，%(h)s 米") % {
        "t": f.get_enclosure_type_display(), "h": f.enclosure_height_m} if f.enclosure_height_m else
        f.get_enclosure_type_display()),
    Column("gate_duty_room", _("门卫值班室")),
    Column("closed_management", _("封闭化管理"),
           value=lambda f: True if f.closed_management else Badge(_("否"), "danger")),
    Column("anti_ramming_kinds", _("硬质防冲撞设施"), value=_anti_ramming),
    Column("vehicle_access", _("校门前通行机动车"), page=False),
    Column("parent_waiting_area", _("家长等候区")),
    Column("traffic_missing", _("周边交通设施缺口"), value=lambda f: f.traffic_missing_labels), UPDATED)


# --- equipment -----------------------------------------------------------------------------------

class EquipmentFilterSet(SchoolSearch):
    q = df.CharFilter(label=_("学校"), method="by_school_name", max_length=64,
                      widget=forms.TextInput(attrs={"placeholder": _("学校名称")}))
    kind = df.ChoiceFilter(label=_("装备类别"), choices=EquipmentKind.choices, empty_label=_("全部类别"))
    count_min = df.NumberFilter(label=_("数量不少于"), field_name="count", lookup_expr="gte", min_value=0)
    count_max = df.NumberFilter(label=_("数量不多于"), field_name="count", lookup_expr="lte", min_value=0)
    sort = df.OrderingFilter(label=_("排序"), fields=(("count", "count"), ("school__name", "school"),
                                                    ("updated_at", "updated_at")),
                             field_labels={"count": _("数量"), "school__name": _("学校"), "updated_at": _("更新时间")})

    class Meta:
        model = Equipment
        fields = ["q", "kind", "count_min", "count_max", "region", "school", "sort"]


EQUIPMENT_COLUMNS = (SCHOOL, REGION, Column("kind", _("装备类别")), Column("count", _("数量"), sort="count"), UPDATED)
