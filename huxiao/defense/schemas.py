"""Input and output schemas of the 三防 API."""

import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _lazy
from ninja import Field, Schema

from huxiao.core.validators import DateKind, PlausibleDate
from huxiao.defense.choices import (
    BackgroundResult,
    BarrierKind,
    EnclosureType,
    EquipmentKind,
    GuardCategory,
    HealthStatus,
    TrafficFacility,
)


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


class GuardRowOut(GuardOut):
    """A guard in a list across schools."""

    school_id: int
    school_name: str
    region_code: str
    last_training_on: datetime.date | None = Field(None, description="最近一次培训日期（个人信息，同上）")


class TrainingOut(Schema):
    id: int
    held_on: datetime.date
    topic: str
    hours: Decimal


class GuardDetailOut(GuardRowOut):
    training_records: list[TrainingOut] | None = Field(
        None, description="培训记录（个人信息：仅可查看个人信息字段的用户可见，否则为 null）")


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


class FacilityRowOut(FacilityOut):
    id: int
    school_id: int
    school_name: str = Field(alias="school.name")
    region_code: str
    enclosure_type_label: str = Field(alias="get_enclosure_type_display")
    traffic_missing: list[str]


class EquipmentOut(Schema):
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    count: int


class EquipmentRowOut(EquipmentOut):
    id: int
    school_id: int
    school_name: str = Field(alias="school.name")
    region_code: str
    updated_at: datetime.datetime


class SchoolDefenseOut(Schema):
    school_id: int
    school_name: str
    guards: list[GuardOut]
    facility: FacilityOut | None
    equipment: list[EquipmentOut]


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


class ReleaseIn(Schema):
    left_on: PlausibleDate(DateKind.HIRE, _lazy("离岗日期"))


class TrainingIn(Schema):
    held_on: PlausibleDate(DateKind.EVENT, _lazy("培训日期"))
    topic: str = Field(..., min_length=2, max_length=100)
    hours: Decimal = Field(Decimal("1"), ge=0, le=200, max_digits=5, decimal_places=1)


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


class EquipmentIn(Schema):
    counts: dict[EquipmentKind, int] = Field(..., description="装备类别 → 数量")


class EvidenceOut(Schema):
    id: int
    original_name: str
    content_type: str
    size: int


class SchoolRef(Schema):
    school_id: int | None = Field(None, description="学校编号（与 school_code 二选一）")
    school_code: str | None = Field(None, max_length=20, description="学校标识码")


class GuardBulkItem(SchoolRef):
    name: str = Field(..., max_length=32)
    category: GuardCategory
    id_number: str = Field(..., max_length=18, description="身份证号（同一学校同一身份证号视为同一人）")
    license_number: str | None = Field(None, max_length=32)
    birth_date: datetime.date | None = None
    first_hired_on: datetime.date
    background_checked_on: datetime.date | None = None
    background_result: BackgroundResult | None = None
    health_status: HealthStatus | None = None
    phone: str | None = Field(None, max_length=32)


class FacilityBulkItem(SchoolRef):
    enclosure_type: EnclosureType
    enclosure_height_m: Decimal | None = Field(None, max_digits=4, decimal_places=2)
    gate_duty_room: bool
    closed_management: bool
    vehicle_access: bool | None = None
    anti_ramming_needed: bool | None = None
    anti_ramming_kinds: list[BarrierKind] | None = None
    parent_waiting_area: bool | None = None
    traffic_needed: list[TrafficFacility] | None = None
    traffic_installed: list[TrafficFacility] | None = None


class EquipmentBulkItem(SchoolRef):
    kind: EquipmentKind
    count: int = Field(..., ge=0, le=10000)


class GuardBulkIn(Schema):
    items: list[GuardBulkItem] = Field(..., min_length=1, max_length=1000)


class FacilityBulkIn(Schema):
    items: list[FacilityBulkItem] = Field(..., min_length=1, max_length=1000)


class EquipmentBulkIn(Schema):
    items: list[EquipmentBulkItem] = Field(..., min_length=1, max_length=1000)
