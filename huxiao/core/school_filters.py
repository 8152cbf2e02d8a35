"""The one filterset of the school registry: the list page, the API list and the Excel export."""

import django_filters as df
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huxiao.core.choices import Ownership, SchoolType, Setting
from huxiao.core.crypto import mask_phone
from huxiao.core.models import School
from huxiao.core.records.columns import Column
from huxiao.core.records.filters import RecordFilterSet

YES_NO = [("", _("全部")), ("true", _("是")), ("false", _("否"))]


class SchoolFilterSet(RecordFilterSet):
    q = df.CharFilter(label=_("名称/标识码/地址"), method="search", max_length=64,
                      widget=forms.TextInput(attrs={"placeholder": _("名称、标识码或地址")}))
    school_type = df.ChoiceFilter(label=_("类型"), choices=SchoolType.choices, empty_label=_("全部类型"))
    ownership = df.ChoiceFilter(label=_("办学性质"), choices=Ownership.choices, empty_label=_("全部"))
    setting = df.ChoiceFilter(label=_("城乡分类"), choices=Setting.choices, empty_label=_("全部"))
    boarding = df.BooleanFilter(label=_("寄宿制"), widget=forms.Select(choices=YES_NO))
    key_security_unit = df.BooleanFilter(label=_("治安保卫重点单位"), widget=forms.Select(choices=YES_NO))
    school = None  # the registry lists schools themselves: no school picker
    sort = df.OrderingFilter(label=_("排序"), fields=(("name", "name"), ("code", "code"), ("students", "students"),
                                                    ("region_code", "region_code")),
                             field_labels={"name": _("学校名称"), "code": _("标识码"), "students": _("在校生"),
                                           "region_code": _("所在区划")})

    class Meta:
        model = School
        fields = ["q", "region", "school_type", "ownership", "setting", "boarding", "key_security_unit", "sort"]

    def search(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(name__icontains=value) | Q(code__startswith=value) | Q(address__icontains=value))


def _hm(value) -> str:
    return f"{value:%H:%M}" if value else ""


COLUMNS = (
    Column("name", _("学校名称"), sort="name"),
    Column("code", _("标识码"), sort="code"),
    Column("school_type", _("类型")),
    Column("ownership", _("性质")),
    Column("setting", _("城乡")),
    Column("students", _("在校生"), sort="students"),
    Column("region.name", _("所在区划"), sort="region_code"),
    Column("police_station.name", _("属地派出所")),
    Column("region_code", _("区划代码")),
    Column("address", _("地址")),
    Column("complex_environment", _("治安交通环境复杂")),
    Column("boarding", _("寄宿制")),
    Column("boarding_students", _("住宿生数")),
    Column("staff", _("教职工数")),
    Column("key_security_unit", _("治安保卫重点单位")),
    Column("principal_name", _("校长/园长")),
    # phones masked as on the list (138****5678): the full numbers are on the audited detail only
    Column("principal_phone", _("校长电话"), value=lambda s: mask_phone(s.principal_phone)),
    Column("security_name", _("安保负责人")),
    Column("security_phone", _("安保负责人电话"), value=lambda s: mask_phone(s.security_phone)),
    Column("gate_open_time", _("开校门时间"), value=lambda s: _hm(s.gate_open_time)),
    Column("noon_dismissal_time", _("中午放学时间"), value=lambda s: _hm(s.noon_dismissal_time)),
    Column("afternoon_dismissal_time", _("下午放学时间"), value=lambda s: _hm(s.afternoon_dismissal_time)),
)
