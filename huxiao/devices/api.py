"""Device API: the registry (users) and batched heartbeats (devices, signed per entry)."""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from ninja import Field, Router, Schema, Status
from pydantic import BaseModel

from huxiao.core.models import School
from huxiao.core.scoping import can, has_perm
from huxiao.core.validators import DateKind, PlausibleDate
from huxiao.devices import services
from huxiao.devices.choices import DeviceKind, DeviceLocation
from huxiao.devices.heartbeats import MAX_BATCH, BatchError, accept_batch
from huxiao.devices.models import Device

router = Router(tags=["devices"])


class HeartbeatEntry(BaseModel):  # plain pydantic: ninja's Schema adds a per-object validator we don't need
    # no regex patterns here (they cost more than the HMAC): a malformed signature simply fails to verify
    serial: str = Field(..., min_length=1, max_length=64)
    ts: int = Field(..., ge=0, le=2**40, description="Unix 秒")
    sig: str = Field(..., min_length=64, max_length=64, description="HMAC-SHA256 十六进制")


class HeartbeatBatch(BaseModel):
    heartbeats: list[HeartbeatEntry] = Field(..., min_length=1, max_length=MAX_BATCH)


class BatchAccepted(Schema):
    accepted: int


class BatchRejected(Schema):
    detail: str
    field: str = Field("", description="出错的字段（请求体无法解析时为空）")


@router.post("/heartbeats", auth=None, response={200: BatchAccepted, 400: BatchRejected, 401: BatchRejected,
                                                  409: BatchRejected},
             summary="设备心跳批量上报（逐条设备签名，全部校验通过才入库）")
def post_heartbeats(request, batch: HeartbeatBatch):
    try:
        n = accept_batch(batch.heartbeats)
    except BatchError as exc:
        return Status(exc.status, {"detail": exc.message, "field": exc.field})
    return Status(200, {"accepted": n})


class DeviceOut(Schema):
    id: int
    school_id: int
    school_name: str
    kind: str
    kind_label: str
    location: str
    location_label: str
    name: str
    serial: str
    police_built: bool
    active: bool
    supervision_window_seconds: int
    last_seen_at: datetime.datetime | None
    networked: bool


def _out(d: Device, now) -> dict:
    return {"id": d.pk, "school_id": d.school_id, "school_name": d.school.name, "kind": d.kind,
            "kind_label": d.get_kind_display(), "location": d.location, "location_label": d.get_location_display(),
            "name": d.name, "serial": d.serial, "police_built": d.police_built, "active": d.active,
            "supervision_window_seconds": int(d.supervision_window.total_seconds()),
            "last_seen_at": d.last_seen_at, "networked": d.is_networked(now)}


@router.get("", response=list[DeviceOut], summary="技防设备（管辖范围内）")
def list_devices(request, school_id: int | None = None, networked: bool | None = None):
    if not has_perm(request.user, "devices.view_device"):
        raise PermissionDenied(_("无权查看技防设备"))
    now = timezone.now()
    qs = Device.objects.visible_to(request.user, "devices.view_device").select_related("school")
    if school_id is not None:
        qs = qs.filter(school_id=school_id)
    if networked is True:
        qs = qs.networked(now)
    elif networked is False:
        qs = qs.offline(now)
    return [_out(d, now) for d in qs.order_by("school_id", "kind", "name")[:5000]]


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


@router.post("", response={201: DeviceCreated}, summary="登记技防设备（返回一次性设备密钥）")
def register_device(request, data: DeviceIn):
    if not has_perm(request.user, "devices.register_device"):
        raise PermissionDenied(_("无权登记技防设备"))
    school = get_object_or_404(School.objects.visible_to(request.user, "devices.register_device"), pk=data.school_id)
    if not can(request.user, "devices.register_device", school):
        raise Http404
    payload = data.dict(exclude={"school_id", "supervision_window_seconds"})
    payload["supervision_window"] = datetime.timedelta(seconds=data.supervision_window_seconds)
    device, secret = services.do_register_device(school, payload, actor=request.user)
    return Status(201, {**_out(device, timezone.now()), "secret": secret})
