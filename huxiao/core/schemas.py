"""Bodies and answers of core's API: the signed-in user, regions, schools, users and roles, units, API
tokens and the worklist; and the error answers of every operation (``core.apierrors``)."""

import datetime
from decimal import Decimal

from ninja import Field, ModelSchema, Schema
from pydantic import BaseModel, ConfigDict, field_validator

from huxiao.core.choices import Ownership, Role, SchoolType, Setting, UnitKind, UnitLevel
from huxiao.core.crypto import mask_phone
from huxiao.core.inputs import LocalTime
from huxiao.core.models import Region, Unit
from huxiao.core.validators import RegionCode


class ErrorOut(Schema):
    """An error: ``detail`` says what went wrong; ``errors`` lists the messages per field (400)."""

    detail: str
    errors: dict[str, list[str]] | None = None


class ProblemOut(Schema):
    model_config = ConfigDict(extra="allow")

    type: str
    loc: list[str | int]
    msg: str


class ValidationErrorOut(Schema):
    """422: the request does not fit the schema; each problem names its field in ``loc``."""

    detail: list[ProblemOut]


class RoleOut(Schema):  # read from the RoleAssignment (its unit selected with it)
    id: int
    role: str
    role_label: str = Field(alias="get_role_display")
    unit_id: int
    unit_name: str = Field(alias="unit.name")


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    roles: list[RoleOut]
    region_prefixes: list[str]
    school_ids: list[int]


class RegionOut(ModelSchema):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent", "longitude", "latitude"]


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


class UserOut(Schema):  # read from the User (its role assignments prefetched with their units)
    id: int
    username: str
    full_name: str
    phone: str
    is_active: bool
    roles: list[RoleOut] = Field(alias="role_assignments")


class RoleIn(Schema):
    role: Role
    unit_id: int


class UserIn(Schema):
    username: str = Field(..., min_length=3, max_length=150, pattern=r"^[A-Za-z0-9_.@-]+$")
    password: str = Field(..., min_length=10, max_length=128)
    full_name: str = Field("", max_length=64)
    phone: str = Field("", max_length=32)
    roles: list[RoleIn] = []


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


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(..., description="令牌前 6 位（hx_ 之后），用于辨认")
    user_id: int
    username: str
    created_at: datetime.datetime
    expires_at: datetime.datetime | None
    last_used_at: datetime.datetime | None
    expired: bool


class TokenCreated(TokenOut):
    token: str = Field(..., description="令牌原文，仅在本次答复中出现，之后无法再取得")


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=64, description="用途，如“区县建库脚本”")
    days: int | None = Field(None, ge=1, le=366, description="有效天数（默认按系统设置）")


class LineOut(Schema):
    text: str
    url: str
    count: int | None = None
    note: str
    level: str


class WorklistItemOut(Schema):
    key: str
    title: str
    count: int
    url: str
    detail: str
    level: str
    lines: list[LineOut]


class WorklistOut(Schema):
    items: list[WorklistItemOut]
