"""Device API: the registry (list, export, detail, heartbeat history, registering) for users, and batched
heartbeats for devices (signed per entry)."""

import datetime

from ninja import Router, Status

from huxiao.core.models import School
from huxiao.core.records.api import (
    add_create_operation,
    add_detail_operation,
    add_list_operations,
    add_record_operation,
)
from huxiao.core.records.extra_api import add_bulk_operation
from huxiao.core.records.views import get_visible_or_404
from huxiao.devices import bulk, services
from huxiao.devices import schemas as sc
from huxiao.devices.display import heartbeat_history
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


def _devices(request):
    return Device.objects.visible_to(request.user, VIEW).select_related("school")


add_list_operations(
    router, name="devices", path="", perm=VIEW, filterset=DeviceFilterSet, queryset=_devices,
    response=sc.DeviceOut, ordering=("school_id", "kind", "name", "pk"), columns=COLUMNS,
    export_title="技防设备", summary="技防设备（管辖范围内，可按类型/位置/联网状态/在用/区划/学校/安装日期筛选、排序）")


def _with_secret(device: Device, secret: str) -> Device:
    """The device answered with its new secret (in this answer only: it is stored encrypted)."""
    device.secret = secret
    return device


def _register(request, school, data):
    payload = data.dict(exclude={"school_id", "supervision_window_seconds"})
    payload["supervision_window"] = datetime.timedelta(seconds=data.supervision_window_seconds)
    device, secret = services.do_register_device(school, payload, actor=request.user)
    return _with_secret(device, secret)


add_create_operation(router, "", name="devices_create", payload=sc.DeviceIn, target=School, target_perm=REGISTER,
                     create=_register, response=sc.DeviceCreated, summary="登记技防设备（返回一次性设备密钥）")
add_bulk_operation(router, "/bulk", name="devices_bulk", perm=REGISTER, payload=sc.DeviceBulkIn,
                   run=bulk.do_bulk_register, response=sc.DeviceBulkOut, row_extra=lambda outcome: outcome.extra,
                   summary="批量登记技防设备（全部成功或全部不写入，逐行报告；按设备编号幂等；新设备密钥仅在本次答复中出现）")
add_record_operation(router, "post", "/{device_id}/secret", name="device_rotate_secret", queryset=Device,
                     perm=REGISTER, response=sc.SecretOut, summary="轮换设备密钥（新密钥仅显示一次，旧密钥即时失效）",
                     act=lambda request, device, _body: _with_secret(
                         device, services.do_rotate_device_secret(device, actor=request.user)))
add_detail_operation(router, "/{device_id}", name="devices_detail", queryset=_devices, perm=VIEW,
                     response=sc.DeviceOut, summary="技防设备详情（状态、最近心跳、视频地址）")


@router.get("/{device_id}/heartbeats", response=sc.HeartbeatHistoryOut,
            summary="设备心跳历史（近 1/7 天按小时、近 30 天按天计数）")
def get_heartbeat_history(request, device_id: int, days: sc.HistoryDays = sc.HistoryDays.WEEK):
    device = get_visible_or_404(request, Device, device_id, perm=VIEW)
    return {"device_id": device.pk, **heartbeat_history(device, int(days))}
