"""Units through the API: list them within the caller's reach, and create them (system administrators),
so that a district's bureaus and stations can be set up by a script before its users and schools."""

from django.db.models import Q
from django.utils.translation import gettext as _
from ninja import Query, Router

from huxiao.core import schemas as sc
from huxiao.core.choices import UnitKind, UnitLevel
from huxiao.core.models import Region, Unit
from huxiao.core.records.api import add_create_operation
from huxiao.core.records.extra_api import unprocessable
from huxiao.core.scoping import scope_for
from huxiao.core.units import MANAGE_UNITS, do_create_unit, parent_candidates
from huxiao.core.validators import RegionPrefix

router = Router(tags=["core"])


def region_in_reach(scope, code: str, school_id: int | None = None) -> Region:
    """The region of ``code`` if ``scope`` covers it; one answer (422 naming ``region``) for a code that
    does not exist and one out of reach."""
    region = Region.objects.filter(pk=code).first()
    if region is None or not scope.covers(region.code, school_id):
        raise unprocessable("region", _("未知的区划代码或不在您的管辖范围内：%(c)s") % {"c": code})
    return region


@router.get("/units", response=list[sc.UnitOut], summary="单位（管辖范围内；可按类别、层级、区划、名称筛选）")
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


def _create_unit(request, _target, payload):
    region = region_in_reach(scope_for(request.user, MANAGE_UNITS), payload.region)
    parent = None
    if payload.parent is not None:
        parent = parent_candidates(region).filter(pk=payload.parent).first()
        if parent is None:
            raise unprocessable("parent", _("上级单位 %(p)s 不存在，或不在区划 %(c)s 及其上级区划中") % {
                "p": payload.parent, "c": region.code})
    return do_create_unit(region=region, parent=parent, actor=request.user,
                          **payload.dict(include={"name", "kind", "level", "phone"}))


add_create_operation(router, "/units", name="units_create", payload=sc.UnitIn, create=_create_unit,
                     perm=MANAGE_UNITS, response=sc.UnitOut,
                     summary="新增单位（系统管理员；所在区划须在管辖范围内）")
