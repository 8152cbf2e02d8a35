"""三防 API: a school's records; guards (roster, leave, trainings), 物防 facility, protective equipment."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from huxiao.core.models import School
from huxiao.core.scoping import has_perm
from huxiao.core.validators import DateKind, PlausibleDate
from huxiao.defense import services
from huxiao.defense.choices import (
    BackgroundResult,
    BarrierKind,
    EnclosureType,
    EquipmentKind,
    GuardCategory,
    HealthStatus,
    TrafficFacility,
)
from huxiao.defense.models import Equipment, Facility, Guard

router = Router(tags=["defense"])
VIEW = "defense.view_records"


def _school(request, school_id) -> School:
    if not has_perm(request.user, VIEW):
        raise PermissionDenied(_("无权查看三防台账"))
    return get_object_or_404(School.objects.visible_to(request.user, VIEW), pk=school_id)


def _guard(request, guard_id) -> Guard:
    if not has_perm(request.user, VIEW):
        raise PermissionDenied(_("无权查看三防台账"))
    return get_object_or_404(Guard.objects.visible_to(request.user, VIEW).select_related("school"), pk=guard_id)


class GuardOut(Schema):
    """A roster row. ``personal`` false (a guard, 政法委, administrators): names only, the other fields null.
    Never the birth date; the ID number only as its last 4 characters."""

    id: int
    name: str
    category: str
    category_label: str
    active: bool
    personal: bool = Field(..., description="是否含个人信息字段（仅学校安保负责人/校长及属地教育、公安监管人员）")
    id_number_masked: str | None = Field(None, description="身份证号后 4 位，其余以 * 代替")
    license_number: str | None
    first_hired_on: datetime.date | None
    hire_age: int | None = Field(None, description="首次聘用时年龄（周岁，服务端按出生日期计算）")
    background_checked_on: datetime.date | None
    background_result: str | None
    background_result_label: str | None
    health_status: str | None
    health_status_label: str | None
    phone: str | None
    left_on: datetime.date | None
    trainings: int | None


class FacilityOut(Schema):
    enclosure_type: str
    enclosure_height_m: Decimal | None
    gate_duty_room: bool
    closed_management: bool
    vehicle_access: bool
    anti_ramming_needed: bool
    anti_ramming_kinds: list[str]
    parent_waiting_area: bool
    traffic_needed: list[str]
    traffic_installed: list[str]
    updated_at: datetime.datetime


class EquipmentOut(Schema):
    kind: str
    kind_label: str
    count: int


class SchoolDefenseOut(Schema):
    school_id: int
    school_name: str
    guards: list[GuardOut]
    facility: FacilityOut | None
    equipment: list[EquipmentOut]


def _guard_out(request, g: Guard, trainings=None) -> dict:
    return services.guard_view(g, personal=services.may_see_personal(request.user, g.school), trainings=trainings)


@router.get("/schools/{school_id}", response=SchoolDefenseOut, summary="学校三防台账")
def get_school(request, school_id: int):
    school = _school(request, school_id)
    _personal, guards = services.read_roster(school, actor=request.user, request=request)
    facility = Facility.objects.filter(school=school).first()
    equipment = [{"kind": e.kind, "kind_label": e.get_kind_display(), "count": e.count}
                 for e in Equipment.objects.filter(school=school)]
    return {"school_id": school.pk, "school_name": school.name, "guards": guards, "facility": facility,
            "equipment": equipment}


class GuardIn(Schema):
    name: str = Field(..., min_length=2, max_length=32)
    category: GuardCategory
    id_number: str = Field(..., min_length=15, max_length=18, description="身份证号（加密存储）")
    license_number: str = Field("", max_length=32, description="保安员证号")
    birth_date: PlausibleDate(DateKind.BIRTH, _lazy("出生日期")) | None = None
    first_hired_on: PlausibleDate(DateKind.HIRE, _lazy("首次聘用日期"))
    background_checked_on: PlausibleDate(DateKind.HIRE, _lazy("背景审查日期")) | None = None
    background_result: BackgroundResult = BackgroundResult.PENDING
    health_status: HealthStatus = HealthStatus.HEALTHY
    phone: str = Field("", max_length=32)


@router.post("/schools/{school_id}/guards", response={201: GuardOut}, summary="登记安保人员")
def create_guard(request, school_id: int, data: GuardIn):
    school = _school(request, school_id)
    payload = data.dict(exclude={"id_number"}, exclude_none=True)
    guard = services.do_create_guard(school, payload, id_number=data.id_number, actor=request.user)
    return Status(201, _guard_out(request, guard, 0))


class GuardPatch(Schema):
    """Fields left out stay as they are; ``null`` only where the field may be empty."""

    name: str = Field(None, min_length=2, max_length=32)
    category: GuardCategory = Field(None)
    license_number: str = Field(None, max_length=32)
    first_hired_on: PlausibleDate(DateKind.HIRE, _lazy("首次聘用日期")) = Field(None)
    background_checked_on: PlausibleDate(DateKind.HIRE, _lazy("背景审查日期")) | None = None
    background_result: BackgroundResult = Field(None)
    health_status: HealthStatus = Field(None)
    phone: str = Field(None, max_length=32)


@router.patch("/guards/{guard_id}", response=GuardOut, summary="修改安保人员信息")
def update_guard(request, guard_id: int, data: GuardPatch):
    guard = _guard(request, guard_id)
    guard = services.do_update_guard(guard, data.dict(exclude_unset=True), actor=request.user)
    return _guard_out(request, guard)


class ReleaseIn(Schema):
    left_on: PlausibleDate(DateKind.HIRE, _lazy("离岗日期"))


@router.post("/guards/{guard_id}/release", response=GuardOut, summary="安保人员离岗")
def release_guard(request, guard_id: int, data: ReleaseIn):
    guard = services.do_release_guard(_guard(request, guard_id), data.left_on, actor=request.user)
    return _guard_out(request, guard)


class TrainingIn(Schema):
    held_on: PlausibleDate(DateKind.EVENT, _lazy("培训日期"))
    topic: str = Field(..., min_length=2, max_length=100)
    hours: Decimal = Field(Decimal("1"), ge=0, le=200, max_digits=5, decimal_places=1)


class TrainingOut(Schema):
    id: int
    held_on: datetime.date
    topic: str
    hours: Decimal


@router.post("/guards/{guard_id}/trainings", response={201: TrainingOut}, summary="登记培训记录")
def add_training(request, guard_id: int, data: TrainingIn):
    training = services.do_add_training(_guard(request, guard_id), data.dict(), actor=request.user)
    return Status(201, training)


class FacilityIn(Schema):
    enclosure_type: EnclosureType
    enclosure_height_m: Decimal | None = Field(None, gt=0, le=10, max_digits=4, decimal_places=2)
    gate_duty_room: bool
    closed_management: bool
    vehicle_access: bool = True
    anti_ramming_needed: bool = True
    anti_ramming_kinds: list[BarrierKind] = []
    parent_waiting_area: bool = False
    traffic_needed: list[TrafficFacility] = []
    traffic_installed: list[TrafficFacility] = []


@router.put("/schools/{school_id}/facility", response=FacilityOut, summary="登记/更新物防设施")
def put_facility(request, school_id: int, data: FacilityIn):
    school = _school(request, school_id)
    payload = data.dict()
    for key in ("anti_ramming_kinds", "traffic_needed", "traffic_installed"):
        payload[key] = [str(v.value if hasattr(v, "value") else v) for v in payload[key]]
    payload["enclosure_type"] = str(data.enclosure_type.value)
    return services.do_update_facility(school, payload, actor=request.user)


class EquipmentIn(Schema):
    counts: dict[EquipmentKind, int] = Field(..., description="装备类别 → 数量")


@router.put("/schools/{school_id}/equipment", response=list[EquipmentOut], summary="登记防护装备数量")
def put_equipment(request, school_id: int, data: EquipmentIn):
    school = _school(request, school_id)
    counts = {str(k.value if hasattr(k, "value") else k): v for k, v in data.counts.items()}
    items = services.do_set_equipment(school, counts, actor=request.user)
    return [{"kind": e.kind, "kind_label": e.get_kind_display(), "count": e.count} for e in items]


class EvidenceOut(Schema):
    id: int
    original_name: str
    content_type: str
    size: int


@router.post("/schools/{school_id}/evidence", response={201: EvidenceOut},
             summary="上传佐证材料（照片/文档），附到物防设施或某名安保人员")
def upload_evidence(request, school_id: int, file: File[UploadedFile], guard_id: Form[int | None] = None):
    school = _school(request, school_id)
    if guard_id is not None:
        record = get_object_or_404(Guard.objects.filter(school=school), pk=guard_id)
    else:
        record = Facility.objects.filter(school=school).first()
        if record is None:
            from django.core.exceptions import ValidationError

            raise ValidationError({"guard_id": _("该校尚未登记物防设施，请先登记或指定安保人员")})
    return Status(201, services.do_attach_evidence(record, file, actor=request.user))
