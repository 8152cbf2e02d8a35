"""API schemas of the 护学岗 records."""

import datetime
import uuid
from typing import Literal

from ninja import Field, Schema

from huxiao.core.inputs import LocalTime
from huxiao.patrols.choices import CheckKind, PatrolMode, PersonKind, PostKind, Season, WindowKind
from huxiao.patrols.geo import Datum

PostKindIn = Literal[tuple(PostKind.values)]
WindowIn = Literal[tuple(WindowKind.values)]


class PostIn(Schema):
    school_id: int = Field(..., ge=1, le=2**63 - 1)
    name: str = Field(..., min_length=1, max_length=64)
    kind: PostKindIn
    latitude: float = Field(..., description="录入纬度（坐标系见 datum）")
    longitude: float = Field(..., description="录入经度（坐标系见 datum）")
    datum: Literal[tuple(Datum.values)] = Datum.WGS84
    radius_m: int = Field(200, ge=20, le=2000)
    lead_minutes: int = Field(15, ge=0, le=120)
    tail_minutes: int = Field(15, ge=0, le=120)
    grace_minutes: int = Field(10, ge=0, le=60)
    windows: list[WindowIn] = Field(default_factory=list, max_length=len(WindowKind.values))


class WindowOut(Schema):
    kind: str
    label: str
    start: datetime.datetime
    end: datetime.datetime
    missing_after: datetime.datetime


class PostOut(Schema):
    id: int
    school_id: int
    school_name: str
    region_code: str
    name: str
    kind: str
    kind_label: str
    entered_latitude: float
    entered_longitude: float
    datum: str
    latitude: float
    longitude: float
    radius_m: int
    lead_minutes: int
    tail_minutes: int
    grace_minutes: int
    windows: list[str]
    active: bool


class PostDetailOut(PostOut):
    date: datetime.date
    today: list[WindowOut]  # the windows due on ``date`` (today unless asked)
    duty_today: bool  # whether duty is due on ``date``


class PersonIn(Schema):
    school_id: int = Field(..., ge=1, le=2**63 - 1)
    name: str = Field(..., min_length=1, max_length=32)
    kind: Literal[tuple(PersonKind.values)]
    unit_name: str = Field(..., min_length=1, max_length=64)
    phone: str = Field("", max_length=32)
    user_id: int | None = Field(None, ge=1, le=2**63 - 1)


class PersonOut(Schema):
    id: int
    school_id: int
    school_name: str
    region_code: str
    name: str
    kind: str
    kind_label: str
    unit_name: str
    phone: str
    active: bool


class RosterIn(Schema):
    post_id: int = Field(..., ge=1, le=2**63 - 1)
    person_id: int = Field(..., ge=1, le=2**63 - 1)
    weekday: int = Field(..., ge=0, le=6, description="0 = 周一 … 6 = 周日")
    window: WindowIn
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None


class RosterOut(Schema):
    id: int
    post_id: int
    post_name: str
    person_id: int
    person_name: str
    school_id: int
    weekday: int
    window: str
    valid_from: datetime.date
    valid_to: datetime.date | None


class RosterExceptionIn(Schema):
    """A date on which a roster line does not hold: without ``substitute_id`` it is cancelled, with one
    that person stands in."""

    roster_id: int = Field(..., ge=1, le=2**63 - 1)
    date: datetime.date = Field(..., description="须在排班有效期内，且为排班的星期")
    substitute_id: int | None = Field(None, ge=1, le=2**63 - 1, description="替班人员；不填为取消该日排班")
    note: str = Field("", max_length=200)


class RosterExceptionOut(Schema):
    id: int
    roster_id: int
    post_id: int
    post_name: str
    school_id: int
    person_id: int
    person_name: str
    window: str
    date: datetime.date
    cancelled: bool
    substitute_id: int | None
    substitute_name: str | None
    note: str


class CheckInIn(Schema):
    """One check from a phone. ``client_key`` is a UUID made on the phone (v7 recommended): the check is
    stored once whatever the number of times it is sent."""

    client_key: uuid.UUID
    post_id: int = Field(..., ge=1, le=2**63 - 1)
    person_id: int | None = Field(None, ge=1, le=2**63 - 1)
    kind: Literal[tuple(CheckKind.values)] = CheckKind.CHECK_IN
    mode: Literal[tuple(PatrolMode.values)] = PatrolMode.FIXED
    device_time: datetime.datetime = Field(..., description="手机上的签到时间（含时区）")
    sent_at: datetime.datetime | None = Field(None, description="手机发送时的时间，用于判断手机时钟偏差")
    latitude: float | None = Field(None, description="WGS-84 纬度，-90 至 90")
    longitude: float | None = Field(None, description="WGS-84 经度，-180 至 180")
    accuracy_m: float | None = Field(None, description="定位精度（米），不小于 0")
    note: str = Field("", max_length=200)
    gate_token: str | None = Field(None, max_length=64, description="扫描校门二维码所得的凭据（扫码签到，无需定位）")


class CheckInOut(Schema):
    id: int
    client_key: uuid.UUID
    post_id: int
    post_name: str
    school_id: int
    school_name: str
    region_code: str
    person_id: int
    person_name: str
    kind: str
    mode: str
    duty_date: datetime.date
    window: str
    device_time: datetime.datetime
    received_at: datetime.datetime
    latitude: float | None
    longitude: float | None
    accuracy_m: float | None
    distance_m: float | None
    late: bool
    outside_fence: bool
    large_skew: bool
    flags: list[str]
    evidence: str = Field("", description="到岗凭据：position 定位、qr 扫码，空为无")


class SyncIn(Schema):
    """A phone's queue (up to 100 check-ins; none: it says it is alive). ``device`` is the phone's own id,
    ``pending`` how many check-ins it holds unsent including these, ``post_id`` the post it is at."""

    items: list[CheckInIn] = Field(..., max_length=100)
    device: uuid.UUID | None = None
    pending: int | None = Field(None, ge=0, le=100000)
    post_id: int | None = Field(None, ge=1, le=2**63 - 1)


class SyncResultOut(Schema):
    client_key: str
    status: int
    id: int | None = None
    flags: list[str] | None = None
    detail: str | None = None
    errors: dict[str, list[str]] | None = None


class SyncOut(Schema):
    stored: int
    replayed: int
    refused: int
    results: list[SyncResultOut]


class FiguresOut(Schema):
    code: str
    name: str
    schools_required: int
    schools_with_post: int
    setting_rate: float | None
    windows_due: int
    windows_on_time: int
    windows_missing: int
    attendance_rate: float | None
    schools_lacking_patrols: int


class LackingOut(Schema):
    school_id: int
    school_name: str
    region_code: str
    patrols: int


class MissingOut(Schema):
    post_id: int
    window: str
    window_label: str
    start: datetime.datetime


class TotalOut(FiguresOut):
    lacking: list[LackingOut]
    missing: list[MissingOut]


class DashboardOut(Schema):
    region: str
    region_name: str
    date: datetime.date
    rows: list[FiguresOut]
    total: TotalOut


class MonthlyFormOut(Schema):
    region: str
    month: str
    volunteers: int
    patrol_person_times: int
    rural_schools_patrolled: int
    schools_with_post: int
    daily_police_person_times: float


class TimetableIn(Schema):
    school_id: int = Field(..., ge=1, le=2**63 - 1)
    season: Literal[tuple(Season.values)]
    starts_on_month: int = Field(..., ge=1, le=12, description="本作息起始月")
    starts_on_day: int = Field(1, ge=1, le=31)
    gate_open_time: LocalTime | None = None
    noon_dismissal_time: LocalTime | None = None
    afternoon_dismissal_time: LocalTime | None = None
    boarding_leave_time: LocalTime | None = Field(None, description="寄宿制学校：放假前最后一个上学日的离校时间")
    boarding_return_time: LocalTime | None = Field(None, description="寄宿制学校：开学前一天晚上的返校时间")


class TimetableOut(Schema):
    id: int
    school_id: int
    season: str
    starts_on_month: int
    starts_on_day: int
    gate_open_time: datetime.time | None
    noon_dismissal_time: datetime.time | None
    afternoon_dismissal_time: datetime.time | None
    boarding_leave_time: datetime.time | None
    boarding_return_time: datetime.time | None
