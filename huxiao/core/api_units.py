"""Units through the API: list them within the caller's reach, and create them (system administrators),
so that a district's bureaus and stations can be set up by a script before its users and schools."""

from django.db.models import Q
from django.utils.translation import gettext as _
from ninja import Field, ModelSchema, Query, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError

from huxiao.core.choices import UnitKind, UnitLevel
from huxiao.core.models import Region, Unit
from huxiao.core.records.api import need
from huxiao.core.scoping import scope_for
from huxiao.core.units import MANAGE_UNITS, do_create_unit, parent_candidates
from huxiao.core.validators import RegionCode, RegionPrefix

router = Router(tags=["core"])


class UnitOut(ModelSchema):
    class Meta:
        model = Unit
        fields = ["id", "name", "kind", "level", "region", "parent", "phone"]


class UnitIn(Schema):
    name: str = Field(..., min_length=2, max_length=128, description="单位名称")
    kind: UnitKind = Field(..., description="类别：police 公安、education 教育、plc 政法委/综治办（学校单位随学校建立）")
    level: UnitLevel = Field(..., description="层级：province/city/county/station")
    region: RegionCode = Field(..., description="所在区划代码（须在您的管辖范围内）")
    parent: int | None = Field(None, description="上级单位 id（同类别，在本区划或其上级区划）")
    phone: str = Field("", max_length=32, description="值班电话")


def _unprocessable(field: str, message: str):
    return NinjaValidationError([{"type": "value_error", "loc": ["body", "payload", field], "msg": message}])


@router.get("/units", response=list[UnitOut], summary="单位（管辖范围内；可按类别、层级、区划、名称筛选）")
def list_units(request, kind: UnitKind | None = None, level: UnitLevel | None = None,
               region: RegionPrefix | None = None, q: str | None = Query(None, max_length=64)):
    scope = scope_for(request.user)
    units = Unit.objects.filter(scope.q("region_code", "school__id"))
    if kind:
        units = units.filter(kind=kind)
    if level:
        units = units.filter(level=level)
    if region:
        units = units.filter(region_code__startswith=region)
    if q:
        units = units.filter(Q(name__icontains=q.strip()))
    return units.order_by("region_code", "name")[:5000]


@router.post("/units", response={201: UnitOut}, summary="新增单位（系统管理员；所在区划须在管辖范围内）")
def create_unit(request, payload: UnitIn):
    need(request, MANAGE_UNITS)
    scope = scope_for(request.user, MANAGE_UNITS)
    region = Region.objects.filter(pk=payload.region).first()
    if region is None or not scope.covers(region.code):  # one answer for unknown and out of reach
        raise _unprocessable("region", _("未知的区划代码或不在您的管辖范围内：%(c)s") % {"c": payload.region})
    parent = None
    if payload.parent is not None:
        parent = parent_candidates(region).filter(pk=payload.parent).first()
        if parent is None:
            raise _unprocessable("parent", _("上级单位 %(p)s 不存在，或不在区划 %(c)s 及其上级区划中") % {
                "p": payload.parent, "c": region.code})
    unit = do_create_unit(name=payload.name, kind=payload.kind, level=payload.level, region=region, parent=parent,
                          phone=payload.phone, actor=request.user)
    return Status(201, unit)
