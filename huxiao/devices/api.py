"""Device API: the registry (list, export, detail, heartbeat history, registering) for users, and batched
heartbeats for devices (signed per entry)."""

import datetime
import enum

from django.utils import timezone
from ninja import Router, Status

from huxiao.core.bulk_schemas import BulkRejected, answer, rows_of
from huxiao.core.import_rows import RowsRejected
from huxiao.core.models import School
from huxiao.core.records.api import add_list_operations, need
from huxiao.core.records.views import get_visible_or_404
from huxiao.devices import bulk, services
from huxiao.devices import schemas as sc
from huxiao.devices.display import heartbeat_history, state, video_url, window_text
from huxiao.devices.filters import COLUMNS, DeviceFilterSet
from huxiao.devices.heartbeats import BatchError, accept_batch
from huxiao.devices.models import Device

router = Router(tags=["devices"])
VIEW, REGISTER = "devices.view_device", "devices.register_device"


@router.post("/heartbeats", auth=None, response={200: sc.BatchAccepted, 400: sc.BatchRejected,
                                                  401: sc.BatchRejected, 409: sc.BatchRejected},
             summary="设备心跳批量上报（逐条设备签名；合格的条目入库，不合格的逐条说明；全部不合格时按第一条的原因答复）")
def post_heartbeats(request, batch: sc.HeartbeatBatch):
    try:
        outcome = accept_batch(batch.heartbeats)
    except BatchError as exc:
        return Status(exc.status, {"detail": exc.message, "field": exc.field, "rejected": []})
    if not outcome.accepted:  # nothing stored: answered as the first refused entry
        first = outcome.rejected[0]
        return Status(first["status"], {"detail": first["detail"], "field": first["field"],
                                        "rejected": outcome.rejected})
    return Status(200, {"accepted": outcome.accepted, "rejected": outcome.rejected})


def device_out(d: Device, now=None) -> dict:
    now = now or timezone.now()
    code, label = state(d, now)
    return {"id": d.pk, "school_id": d.school_id, "school_name": d.school.name, "kind": d.kind,
            "kind_label": d.get_kind_display(), "location": d.location, "location_label": d.get_location_display(),
            "name": d.name, "serial": d.serial, "police_built": d.police_built, "active": d.active,
            "installed_on": d.installed_on, "supervision_window_seconds": int(d.supervision_window.total_seconds()),
            "supervision_window_label": window_text(d.supervision_window), "last_seen_at": d.last_seen_at,
            "networked": code == "networked", "state": code, "state_label": label, "video_url": video_url(d)}


def _devices(request):
    return Device.objects.visible_to(request.user, VIEW).select_related("school")


add_list_operations(
    router, name="devices", path="", perm=VIEW, filterset=DeviceFilterSet, queryset=_devices,
    convert=device_out, response=sc.DeviceOut, ordering=("school_id", "kind", "name", "pk"), columns=COLUMNS,
    export_title="技防设备", summary="技防设备（管辖范围内，可按类型/位置/联网状态/在用/区划/学校/安装日期筛选、排序）")


@router.post("", response={201: sc.DeviceCreated}, summary="登记技防设备（返回一次性设备密钥）")
def register_device(request, data: sc.DeviceIn):
    school = get_visible_or_404(request, School, data.school_id, perm=REGISTER)
    payload = data.dict(exclude={"school_id", "supervision_window_seconds"})
    payload["supervision_window"] = datetime.timedelta(seconds=data.supervision_window_seconds)
    device, secret = services.do_register_device(school, payload, actor=request.user)
    return Status(201, {**device_out(device), "secret": secret})


@router.post("/bulk", response={200: sc.DeviceBulkOut, 400: BulkRejected}, operation_id="devices_bulk",
             summary="批量登记技防设备（全部成功或全部不写入，逐行报告；按设备编号幂等；新设备密钥仅在本次答复中出现）")
def bulk_register(request, data: sc.DeviceBulkIn):
    need(request, REGISTER)
    try:
        outcomes = bulk.do_bulk_register(rows_of(data.items), actor=request.user)
    except RowsRejected as exc:
        return Status(400, {"detail": str(exc), "errors": exc.errors})
    return Status(200, answer(outcomes, lambda o: o.extra))


@router.post("/{device_id}/secret", response=sc.SecretOut, operation_id="device_rotate_secret",
             summary="轮换设备密钥（新密钥仅显示一次，旧密钥即时失效）")
def rotate_secret(request, device_id: int):
    device = get_visible_or_404(request, Device.objects.all(), device_id, perm=REGISTER)
    secret = services.do_rotate_device_secret(device, actor=request.user)
    return {"device_id": device.pk, "serial": device.serial, "secret": secret}


@router.get("/{device_id}", response=sc.DeviceOut, summary="技防设备详情（状态、最近心跳、视频地址）")
def get_device(request, device_id: int):
    return device_out(get_visible_or_404(request, _devices(request), device_id, perm=VIEW))


class HistoryDays(enum.IntEnum):
    """The periods of a heartbeat history (display.HISTORY_DAYS)."""

    DAY = 1
    WEEK = 7
    MONTH = 30


@router.get("/{device_id}/heartbeats", response=sc.HeartbeatHistoryOut,
            summary="设备心跳历史（近 1/7 天按小时、近 30 天按天计数）")
def get_heartbeat_history(request, device_id: int, days: HistoryDays = HistoryDays.WEEK):
    device = get_visible_or_404(request, Device.objects.all(), device_id, perm=VIEW)
    history = heartbeat_history(device, int(days))
    return {"device_id": device.pk, **{k: history[k] for k in ("bucket", "days", "expected", "short")},
            "points": [{"at": p["at"], "count": p["count"], "short": p["short"]} for p in history["points"]]}
