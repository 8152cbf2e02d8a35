"""Input and output schemas of the device API. A device is answered as read from its record (its state,
supervision window in words and video address through ``devices.display``)."""

import datetime
import enum

from django.utils.translation import gettext_lazy as _lazy
from ninja import Field, Schema
from pydantic import BaseModel

from huxiao.core.bulk_schemas import BulkOut, BulkRowOut
from huxiao.core.validators import DateKind, PlausibleDate
from huxiao.devices.choices import DeviceKind, DeviceLocation
from huxiao.devices.display import state, video_url, window_text
from huxiao.devices.heartbeats import MAX_BATCH


class HeartbeatEntry(BaseModel):  # plain pydantic: ninja's Schema adds a per-object validator we don't need
    # no regex patterns here (they cost more than the HMAC): a malformed signature simply fails to verify
    serial: str = Field(..., min_length=1, max_length=64)
    ts: int = Field(..., ge=0, le=2**40, description="Unix 秒")
    sig: str = Field(..., min_length=64, max_length=64, description="HMAC-SHA256 十六进制")


class HeartbeatBatch(BaseModel):
    heartbeats: list[HeartbeatEntry] = Field(..., min_length=1, max_length=MAX_BATCH)


class EntryRejected(Schema):
    index: int = Field(..., description="条目在 heartbeats 中的序号（从 0 起）")
    field: str = Field(..., description="出错的条目与字段，如 heartbeats[3].ts")
    detail: str
    status: int = Field(..., description="该条目单独上报时的答复状态：400 格式/时间、401 认证失败、409 重复或过期")


class BatchAccepted(Schema):
    accepted: int = Field(..., description="已入库的心跳条数")
    rejected: list[EntryRejected] = Field([], description="未入库的条目及原因（其余条目已入库）")


class BatchRejected(Schema):
    detail: str
    field: str = Field("", description="出错的字段（请求体无法解析时为空）")
    rejected: list[EntryRejected] = Field([], description="每个未入库条目的原因（本批无一入库）")


def _state_of(device) -> tuple[str, str]:
    """The device's state, read once per answered device: its three state fields always agree."""
    if not hasattr(device, "_answered_state"):
        device._answered_state = state(device)
    return device._answered_state


class DeviceOut(Schema):
    id: int
    school_id: int
    school_name: str = Field(alias="school.name")
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    location: str
    location_label: str = Field(alias="get_location_display")
    name: str
    serial: str
    police_built: bool
    active: bool
    installed_on: datetime.date | None = None
    supervision_window_seconds: int
    supervision_window_label: str = Field("", description="监测窗口（如“30 分钟”）")
    last_seen_at: datetime.datetime | None
    networked: bool
    state: str = Field("", description="networked 联网 / offline 离线 / inactive 停用")
    state_label: str = ""
    video_url: str | None = Field(None, description="视频地址（摄像机、硬盘录像机，按安装配置 VIDEO_URL_TEMPLATE 生成）")

    @staticmethod
    def resolve_supervision_window_seconds(device):
        return int(device.supervision_window.total_seconds())

    @staticmethod
    def resolve_supervision_window_label(device):
        return window_text(device.supervision_window)

    @staticmethod
    def resolve_networked(device):
        return _state_of(device)[0] == "networked"

    @staticmethod
    def resolve_state(device):
        return _state_of(device)[0]

    @staticmethod
    def resolve_state_label(device):
        return _state_of(device)[1]

    @staticmethod
    def resolve_video_url(device):
        return video_url(device)


class DeviceIn(Schema):
    school_id: int
    kind: DeviceKind
    location: DeviceLocation
    name: str = Field(..., min_length=1, max_length=100)
    serial: str = Field(..., min_length=3, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")
    police_built: bool = False
    installed_on: PlausibleDate(DateKind.INSTALL, _lazy("安装日期")) | None = None
    supervision_window_seconds: int = Field(300, ge=30, le=7 * 86400)


class DeviceCreated(DeviceOut):
    secret: str = Field(..., description="设备密钥，仅显示一次")


class HistoryDays(enum.IntEnum):
    """The periods of a heartbeat history (display.HISTORY_DAYS)."""

    DAY = 1
    WEEK = 7
    MONTH = 30


class HeartbeatPoint(Schema):
    at: datetime.datetime = Field(..., description="时段开始（本地时间）")
    count: int
    short: bool = Field(..., description="整段已过去、设备已登记，且心跳次数少于保持联网所需")


class HeartbeatHistoryOut(Schema):
    device_id: int
    bucket: str = Field(..., description="hour 按小时 / day 按天")
    days: int
    expected: float = Field(..., description="保持联网每个时段至少需要的心跳次数（时段长度 ÷ 监测窗口）")
    short: int = Field(..., description="心跳次数不足的时段数（自登记起）")
    points: list[HeartbeatPoint]


class DeviceBulkItem(Schema):
    school_id: int | None = Field(None, description="学校编号（与 school_code 二选一）")
    school_code: str | None = Field(None, max_length=20, description="学校标识码")
    kind: DeviceKind
    location: DeviceLocation
    name: str = Field(..., max_length=100)
    serial: str = Field(..., max_length=64, description="设备编号（自然键：已登记的同一设备不重复登记）")
    police_built: bool | None = None
    installed_on: datetime.date | None = None
    supervision_window_seconds: int | None = Field(None, description="监测窗口（秒），默认 300")


class DeviceBulkIn(Schema):
    items: list[DeviceBulkItem] = Field(..., min_length=1, max_length=1000)


class DeviceBulkRowOut(BulkRowOut):
    serial: str
    secret: str | None = Field(None, description="新登记设备的密钥，仅在本次答复中出现一次；已登记的设备为 null")


class DeviceBulkOut(BulkOut):
    rows: list[DeviceBulkRowOut]


class SecretOut(Schema):
    device_id: int = Field(alias="pk")
    serial: str
    secret: str = Field(..., description="新的设备密钥，仅显示一次；旧密钥即时失效")
