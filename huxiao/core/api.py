"""Core API: me, regions, schools (CRUD within scope), users and roles (administrators); units and API
tokens are in api_units.py and api_tokens.py, mounted on this router."""

import datetime
from decimal import Decimal

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, ModelSchema, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import BaseModel, ConfigDict, field_validator

from huxiao.core import api_tokens, api_units, audit, services
from huxiao.core.choices import Ownership, Role, SchoolType, Setting
from huxiao.core.crypto import mask_phone
from huxiao.core.inputs import LocalTime
from huxiao.core.models import Region, RoleAssignment, School, Unit, User
from huxiao.core.records.api import add_list_operations, need
from huxiao.core.records.paging import LazyRows
from huxiao.core.school_filters import COLUMNS as SCHOOL_COLUMNS
from huxiao.core.school_filters import SchoolFilterSet
from huxiao.core.scoping import scope_for
from huxiao.core.validators import RegionCode

router = Router(tags=["core"])
router.add_router("", api_units.router)  # /units
router.add_router("", api_tokens.router)  # /tokens, /users/{user_id}/tokens
VIEW_SCHOOL = "core.view_school"


class RoleOut(Schema):
    id: int
    role: str
    role_label: str
    unit_id: int
    unit_name: str


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    roles: list[RoleOut]
    region_prefixes: list[str]
    school_ids: list[int]


def _role_out(a: RoleAssignment) -> dict:
    return {"id": a.pk, "role": a.role, "role_label": a.get_role_display(), "unit_id": a.unit_id,
            "unit_name": a.unit.name}


@router.get("/me", response=MeOut, summary="当前用户及其管辖范围")
def me(request):
    scope = scope_for(request.user)
    assignments = request.user.role_assignments.select_related("unit")
    return {"id": request.user.pk, "username": request.user.username, "full_name": request.user.full_name,
            "roles": [_role_out(a) for a in assignments], "region_prefixes": list(scope.region_prefixes),
            "school_ids": list(scope.school_ids)}


class RegionOut(ModelSchema):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent", "longitude", "latitude"]


@router.get("/regions", response=list[RegionOut], summary="行政区划（管辖范围内）")
def list_regions(request, parent: RegionCode | None = None):
    scope = scope_for(request.user)
    qs = Region.objects.all()
    if parent:
        qs = qs.filter(parent_id=parent)
    if not scope.everything:
        q = Q(pk__in=[])
        for prefix in scope.region_prefixes:
            q |= Q(code__startswith=prefix)
        school_regions = School.objects.filter(pk__in=scope.school_ids).values_list("region_id", flat=True)
        qs = qs.filter(q | Q(code__in=list(school_regions)))
    return qs.order_by("code")[:5000]


class SchoolOut(BaseModel):
    """A school as the API shows it. A plain pydantic model: list pages validate ``values()`` rows
    directly, without per-attribute Django look-ups (bench/scoping.py)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    school_type: str
    ownership: str
    setting: str
    complex_environment: bool
    boarding: bool
    students: int
    boarding_students: int
    staff: int
    address: str
    longitude: Decimal | None
    latitude: Decimal | None
    region: str = Field(validation_alias="region_id")
    district: str = Field(validation_alias="district_id")
    police_station: int | None = Field(validation_alias="police_station_id")
    principal_name: str
    principal_phone: str
    security_name: str
    security_phone: str
    key_security_unit: bool
    gate_open_time: LocalTime | None
    noon_dismissal_time: LocalTime | None
    afternoon_dismissal_time: LocalTime | None
    updated_at: datetime.datetime


SCHOOL_OUT_COLUMNS = [f.validation_alias or name for name, f in SchoolOut.model_fields.items()]


class SchoolListOut(SchoolOut):
    """A school in a list: contact phones always masked (138****5678). The detail shows them in full to
    the school's security staff and the supervising officials, and that read is audited."""

    @field_validator("principal_phone", "security_phone")
    @classmethod
    def _masked(cls, value: str) -> str:
        return mask_phone(value)


class SchoolIn(Schema):
    code: str = Field(..., min_length=10, max_length=10, description="学校标识码")
    name: str = Field(..., min_length=2, max_length=128)
    school_type: SchoolType
    ownership: Ownership
    setting: Setting
    complex_environment: bool = False
    boarding: bool = False
    students: int = Field(0, ge=0, le=100000)
    boarding_students: int = Field(0, ge=0, le=100000)
    staff: int = Field(0, ge=0, le=20000)
    address: str = Field(..., min_length=2, max_length=255)
    longitude: Decimal | None = None
    latitude: Decimal | None = None
    region: RegionCode = Field(..., description="所在区划代码（区县或乡镇街道）")
    police_station: int | None = None
    principal_name: str = ""
    principal_phone: str = ""
    security_name: str = ""
    security_phone: str = ""
    key_security_unit: bool = False
    gate_open_time: LocalTime | None = None
    noon_dismissal_time: LocalTime | None = None
    afternoon_dismissal_time: LocalTime | None = None


class SchoolPatch(Schema):
    """Fields left out stay as they are; ``null`` only where the field may be empty."""

    name: str = Field(None, min_length=2, max_length=128)
    school_type: SchoolType = Field(None)
    ownership: Ownership = Field(None)
    setting: Setting = Field(None)
    complex_environment: bool = Field(None)
    boarding: bool = Field(None)
    students: int = Field(None, ge=0, le=100000)
    boarding_students: int = Field(None, ge=0, le=100000)
    staff: int = Field(None, ge=0, le=20000)
    address: str = Field(None, min_length=2, max_length=255)
    longitude: Decimal | None = None
    latitude: Decimal | None = None
    police_station: int | None = None
    principal_name: str = Field(None)
    principal_phone: str = Field(None)
    security_name: str = Field(None)
    security_phone: str = Field(None)
    key_security_unit: bool = Field(None)
    gate_open_time: LocalTime | None = None
    noon_dismissal_time: LocalTime | None = None
    afternoon_dismissal_time: LocalTime | None = None


def _unprocessable(field: str, message: str):
    """A 422 naming the body field, in the shape of the schema's own validation errors."""
    return NinjaValidationError([{"type": "value_error", "loc": ["body", "payload", field], "msg": message}])


def _resolve_refs(request, data: dict, perm: str, school: School | None = None) -> dict:
    """Region and police station by their codes, looked up only within the caller's reach: one out of
    reach gets the same answer as one that does not exist."""
    scope = scope_for(request.user, perm)
    if "region" in data:
        region = Region.objects.filter(pk=data["region"]).first()
        if region is None or not scope.covers(region.code, school.pk if school else None):
            raise _unprocessable("region", _("未知的区划代码或不在您的管辖范围内：%(c)s") % {"c": data["region"]})
        data["region"] = region
    if data.get("police_station") is not None:
        stations = Unit.objects.filter(scope.q("region_code", None))
        if school is not None and school.police_station_id:
            stations = stations | Unit.objects.filter(pk=school.police_station_id)
        station = stations.filter(pk=data["police_station"]).first()
        if station is None:
            raise _unprocessable("police_station", _("未知的派出所或不在您的管辖范围内：%(s)s") % {
                "s": data["police_station"]})
        data["police_station"] = station
    return data


def _schools(request):
    return School.objects.visible_to(request.user, VIEW_SCHOOL).select_related("region", "police_station")


add_list_operations(
    router, name="schools", path="/schools", perm=VIEW_SCHOOL, filterset=SchoolFilterSet, queryset=_schools,
    rows=lambda qs, request: LazyRows(qs.values(*SCHOOL_OUT_COLUMNS)), response=SchoolListOut,
    ordering=("region_code", "name"), columns=SCHOOL_COLUMNS, export_title="学校台账",
    refuse_without_perm=False,  # without a role the list is empty (the scope reaches nothing), as before
    summary="学校列表（管辖范围内，联系电话脱敏；可按名称/区划/类型/性质/城乡/寄宿/重点单位筛选、排序）")


@router.get("/schools/{school_id}", response=SchoolOut, summary="学校详情")
def get_school(request, school_id: int):
    school = get_object_or_404(School.objects.visible_to(request.user, VIEW_SCHOOL), pk=school_id)
    audit.record_read(school, actor=request.user, request=request)  # contact names and phones
    return SchoolOut.model_validate(school).model_copy(update=school.contacts_for(request.user))


@router.post("/schools", response={201: SchoolOut}, summary="新增学校")
def create_school(request, payload: SchoolIn):
    data = _resolve_refs(request, payload.dict(), "core.add_school")
    school = services.do_create_school(data, actor=request.user)
    return Status(201, school)


@router.patch("/schools/{school_id}", response=SchoolOut, summary="修改学校")
def update_school(request, school_id: int, payload: SchoolPatch):
    school = get_object_or_404(School.objects.visible_to(request.user, VIEW_SCHOOL), pk=school_id)
    data = _resolve_refs(request, payload.dict(exclude_unset=True), "core.change_school", school)
    return services.do_update_school(school, data, actor=request.user)


@router.delete("/schools/{school_id}", response={204: None}, summary="删除学校")
def delete_school(request, school_id: int):
    school = get_object_or_404(School.objects.visible_to(request.user, VIEW_SCHOOL), pk=school_id)
    services.do_delete_school(school, actor=request.user)
    return Status(204, None)


# --- users and roles (administrators) --------------------------------------------------------

class UserOut(Schema):
    id: int
    username: str
    full_name: str
    phone: str
    is_active: bool
    roles: list[RoleOut]


class RoleIn(Schema):
    role: Role
    unit_id: int


class UserIn(Schema):
    username: str = Field(..., min_length=3, max_length=150, pattern=r"^[A-Za-z0-9_.@-]+$")
    password: str = Field(..., min_length=10, max_length=128)
    full_name: str = Field("", max_length=64)
    phone: str = Field("", max_length=32)
    roles: list[RoleIn] = []


def _user_out(user: User) -> dict:
    return {"id": user.pk, "username": user.username, "full_name": user.full_name, "phone": user.phone,
            "is_active": user.is_active, "roles": [_role_out(a) for a in user.role_assignments.all()]}


def _managed_users(request):
    need(request, "core.manage_users")
    scope = scope_for(request.user, "core.manage_users")
    units = Unit.objects.filter(scope.q("region_code", "school__id"))
    return User.objects.filter(Q(role_assignments__unit__in=units) | Q(role_assignments__isnull=True)).distinct()


def _managed_unit(request, unit_id: int) -> Unit:
    scope = scope_for(request.user, "core.manage_users")
    return get_object_or_404(Unit.objects.filter(scope.q("region_code", "school__id")), pk=unit_id)


@router.get("/users", response=list[UserOut], summary="用户列表（系统管理员）")
def list_users(request):
    users = [_user_out(u) for u in
             _managed_users(request).prefetch_related("role_assignments__unit").order_by("username")[:2000]]
    audit.record_read(None, actor=request.user, request=request, what="用户列表", count=len(users),
                      model="core.User")
    return users


@router.post("/users", response={201: UserOut}, summary="新增用户（系统管理员）")
def create_user(request, payload: UserIn):
    _managed_users(request)
    roles = [(r.role, _managed_unit(request, r.unit_id)) for r in payload.roles]
    user = services.do_create_user(username=payload.username, password=payload.password,
                                   full_name=payload.full_name, phone=payload.phone, roles=roles,
                                   actor=request.user)
    return Status(201, _user_out(user))


@router.post("/users/{user_id}/roles", response={201: UserOut}, summary="授予角色（系统管理员）")
def add_role(request, user_id: int, payload: RoleIn):
    user = get_object_or_404(_managed_users(request), pk=user_id)
    services.do_assign_role(user, payload.role, _managed_unit(request, payload.unit_id), actor=request.user)
    return Status(201, _user_out(user))


@router.delete("/users/{user_id}/roles/{assignment_id}", response={204: None}, summary="撤销角色（系统管理员）")
def remove_role(request, user_id: int, assignment_id: int):
    user = get_object_or_404(_managed_users(request), pk=user_id)
    assignment = get_object_or_404(user.role_assignments.select_related("unit"), pk=assignment_id)
    _managed_unit(request, assignment.unit_id)
    services.do_revoke_role(assignment, actor=request.user)
    return Status(204, None)

