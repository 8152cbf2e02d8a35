"""Core API: me, regions, schools (CRUD within scope), users and roles (administrators); units and API
tokens are in api_units.py and api_tokens.py, mounted on this router; the schemas in schemas.py."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router

from huxiao.core import api_tokens, api_units, audit, selectors, services
from huxiao.core import schemas as sc
from huxiao.core.api_units import region_in_reach
from huxiao.core.managed import MANAGE_USERS, managed_units, managed_users
from huxiao.core.models import School, Unit
from huxiao.core.records.api import (
    add_create_operation,
    add_detail_operation,
    add_list_operations,
    add_operation,
    add_record_operation,
    need,
)
from huxiao.core.records.extra_api import add_delete_operation, unprocessable
from huxiao.core.records.paging import LazyRows
from huxiao.core.records.views import get_visible_or_404
from huxiao.core.school_filters import COLUMNS as SCHOOL_COLUMNS
from huxiao.core.school_filters import SchoolFilterSet
from huxiao.core.scoping import scope_for
from huxiao.core.validators import RegionCode

router = Router(tags=["core"])
router.add_router("", api_units.router)  # /units
router.add_router("", api_tokens.router)  # /tokens, /users/{user_id}/tokens
VIEW_SCHOOL = "core.view_school"


@router.get("/me", response=sc.MeOut, summary="当前用户及其管辖范围")
def me(request):
    scope = scope_for(request.user)
    return {"id": request.user.pk, "username": request.user.username, "full_name": request.user.full_name,
            "roles": list(request.user.role_assignments.select_related("unit")),
            "region_prefixes": list(scope.region_prefixes), "school_ids": list(scope.school_ids)}


@router.get("/regions", response=list[sc.RegionOut], summary="行政区划（管辖范围内）")
def list_regions(request, parent: RegionCode | None = None):
    return selectors.regions_in_reach(request.user, parent)[:5000]


# --- schools -----------------------------------------------------------------------------------

def _resolve_refs(request, data: dict, perm: str, school: School | None = None) -> dict:
    """Region and police station by their codes, looked up only within the caller's reach: one out of
    reach gets the same answer as one that does not exist."""
    scope = scope_for(request.user, perm)
    if "region" in data:
        data["region"] = region_in_reach(scope, data["region"], school.pk if school else None)
    if data.get("police_station") is not None:
        stations = Unit.objects.filter(scope.q("region_code", None))
        if school is not None and school.police_station_id:
            stations = stations | Unit.objects.filter(pk=school.police_station_id)
        station = stations.filter(pk=data["police_station"]).first()
        if station is None:
            raise unprocessable("police_station", _("未知的派出所或不在您的管辖范围内：%(s)s") % {
                "s": data["police_station"]})
        data["police_station"] = station
    return data


def _schools(request):
    return School.objects.visible_to(request.user, VIEW_SCHOOL).select_related("region", "police_station")


def _school_out(school: School, request):
    return sc.SchoolOut.model_validate(school).model_copy(update=school.contacts_for(request.user))


def _create_school(request, _target, payload):
    return services.do_create_school(_resolve_refs(request, payload.dict(), "core.add_school"), actor=request.user)


def _update_school(request, school, payload):
    data = _resolve_refs(request, payload.dict(exclude_unset=True), "core.change_school", school)
    return services.do_update_school(school, data, actor=request.user)


add_list_operations(
    router, name="schools", path="/schools", perm=VIEW_SCHOOL, filterset=SchoolFilterSet, queryset=_schools,
    rows=lambda qs, request: LazyRows(qs.values(*sc.SCHOOL_OUT_COLUMNS)), response=sc.SchoolListOut,
    ordering=("region_code", "name"), columns=SCHOOL_COLUMNS, export_title="学校台账",
    refuse_without_perm=False,  # without a role the list is empty (the scope reaches nothing), as before
    summary="学校列表（管辖范围内，联系电话脱敏；可按名称/区划/类型/性质/城乡/寄宿/重点单位筛选、排序）")
add_detail_operation(router, "/schools/{school_id}", name="schools_detail", queryset=School, perm=VIEW_SCHOOL,
                     convert=_school_out, read_what="",  # contact names and phones
                     response=sc.SchoolOut, summary="学校详情")
add_create_operation(router, "/schools", name="schools_create", payload=sc.SchoolIn, create=_create_school,
                     response=sc.SchoolOut, summary="新增学校")
add_record_operation(router, "patch", "/schools/{school_id}", name="schools_update", queryset=School,
                     perm=VIEW_SCHOOL, payload=sc.SchoolPatch, act=_update_school, response=sc.SchoolOut,
                     summary="修改学校")
add_delete_operation(router, "/schools/{school_id}", name="schools_delete", summary="删除学校",
                     fetch=lambda request, school_id: get_visible_or_404(request, School, school_id, VIEW_SCHOOL),
                     delete=lambda request, school: services.do_delete_school(school, actor=request.user))


# --- users and roles (administrators) --------------------------------------------------------

def _managed_users(request):
    need(request, MANAGE_USERS)
    return managed_users(request.user)


def _managed_unit(request, unit_id: int) -> Unit:
    return get_object_or_404(managed_units(request.user), pk=unit_id)


@router.get("/users", response=list[sc.UserOut], summary="用户列表（系统管理员）")
def list_users(request):
    users = list(_managed_users(request).prefetch_related("role_assignments__unit").order_by("username")[:2000])
    audit.record_read(None, actor=request.user, request=request, what="用户列表", count=len(users),
                      model="core.User")
    return users


def _create_user(request, _target, payload):
    roles = [(r.role, _managed_unit(request, r.unit_id)) for r in payload.roles]
    return services.do_create_user(roles=roles, actor=request.user,
                                   **payload.dict(include={"username", "password", "full_name", "phone"}))


def _grant(request, payload, user_id):
    user = get_object_or_404(_managed_users(request), pk=user_id)
    services.do_assign_role(user, payload.role, _managed_unit(request, payload.unit_id), actor=request.user)
    return user


def _assignment(request, user_id, assignment_id):
    user = get_object_or_404(_managed_users(request), pk=user_id)
    assignment = get_object_or_404(user.role_assignments.select_related("unit"), pk=assignment_id)
    _managed_unit(request, assignment.unit_id)
    return assignment


add_create_operation(router, "/users", name="users_create", payload=sc.UserIn, create=_create_user,
                     perm=MANAGE_USERS, response=sc.UserOut, summary="新增用户（系统管理员）")
add_operation(router, "post", "/users/{user_id}/roles", name="users_grant_role", payload=sc.RoleIn, status=201,
              handler=_grant, response=sc.UserOut, summary="授予角色（系统管理员）")
add_delete_operation(router, "/users/{user_id}/roles/{assignment_id}", name="users_revoke_role",
                     fetch=_assignment, summary="撤销角色（系统管理员）",
                     delete=lambda request, assignment: services.do_revoke_role(assignment, actor=request.user))
