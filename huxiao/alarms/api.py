"""Alarm API: signed device intake, the alarm list and life-cycle steps, the console feed, statistics."""

import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from huxiao.alarms import feed, services, sessions, stats
from huxiao.alarms.choices import Disposition
from huxiao.alarms.filters import COLUMNS, AlarmFilterSet
from huxiao.alarms.intake import Incoming, receive_alarms
from huxiao.alarms.models import Alarm
from huxiao.core import audit
from huxiao.core.middleware import client_ip
from huxiao.core.models import User
from huxiao.core.records.api import add_list_operations
from huxiao.core.records.api import need as _require
from huxiao.core.records.paging import DeferredRows
from huxiao.core.scoping import can
from huxiao.devices.choices import DeviceKind
from huxiao.devices.models import Device
from huxiao.devices.signing import SignatureError, verify_device_request

router = Router(tags=["alarms"])
VIEW = "alarms.view_alarm"


# --- devices -------------------------------------------------------------------------------------

class DeviceAlarmIn(Schema):
    event_id: str = Field(..., min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$",
                          description="设备自己的事件编号；同一编号重发只存一次")
    code: str = Field("PA", min_length=2, max_length=8, pattern=r"^[A-Za-z0-9]+$",
                      description="SIA 事件代码，如 PA 紧急报警、BA 入侵、FA 火警、RP 定时测试")
    area: str = Field("", max_length=16, pattern=r"^[A-Za-z0-9]*$", description="分区（SIA ri）")
    zone: str = Field("", max_length=16)
    message: str = Field("", max_length=200)
    occurred_at: datetime.datetime | None = Field(None, description="设备时间（ISO 8601，带时区）")


class DeviceAlarmOut(Schema):
    alarm_id: int
    duplicate: bool


class ErrorOut(Schema):
    detail: str


@router.post("/device/alarms", auth=None, response={201: DeviceAlarmOut, 200: DeviceAlarmOut, 401: ErrorOut,
                                                     409: ErrorOut, 400: ErrorOut},
             summary="设备报警（HMAC 签名，按事件编号幂等）")
def device_alarm(request, payload: DeviceAlarmIn):
    try:
        device = verify_device_request(request)
    except SignatureError as exc:
        return Status(exc.status, {"detail": str(exc)})
    if device.kind not in (DeviceKind.ALARM_PANEL, DeviceKind.ALARM_BUTTON):
        return Status(400, {"detail": _("该设备不是一键报警设备")})
    occurred = payload.occurred_at
    if occurred is not None and occurred.tzinfo is None:
        return Status(400, {"detail": _("occurred_at: 请带时区")})
    item = Incoming(device=device, source="http", dedup_key=f"http:{device.pk}:{payload.event_id}",
                    code=payload.code, area=payload.area, zone=payload.zone, message=payload.message,
                    occurred_at=occurred, raw=request.body.decode("utf-8", "replace")[:2000],
                    path=f"http {client_ip(request)}"[:64])
    ((alarm_id, created),) = receive_alarms([item])
    return Status(201 if created else 200, {"alarm_id": alarm_id, "duplicate": not created})


class Dc09In(Schema):
    account: str = Field(..., min_length=3, max_length=16, description="DC-09 账号，与主机中设置的完全一致（3–16 位十六进制数字）")
    key: str = Field("", max_length=64, description="AES 密钥，留空为不加密：十六进制 32/48/64 位（AES-128/192/256）"
                     "，或 key_form=chars 时 16/24/32 个字符")
    key_form: Literal["hex", "chars"] = Field("hex", description="密钥格式：hex 十六进制（标准）；chars 字符（旧式主机）")
    timestamp_optional: bool = Field(False, description="允许不带时间戳的报文（仅限不加密的旧式主机，有重放风险）")


class Dc09Out(Schema):
    device_id: int
    account: str
    encrypted: bool
    key_form: str
    timestamp_optional: bool


@router.put("/devices/{device_id}/dc09", response=Dc09Out, summary="设置报警主机的 DC-09 账号与密钥")
def set_dc09(request, device_id: int, payload: Dc09In):
    _require(request, "alarms.manage_dc09")
    device = get_object_or_404(Device.objects.visible_to(request.user, "alarms.manage_dc09"), pk=device_id)
    services.do_set_dc09_account(device, payload.account, payload.key, actor=request.user, key_form=payload.key_form,
                                 timestamp_optional=payload.timestamp_optional)
    return {"device_id": device.pk, "account": device.dc09_account, "encrypted": bool(device.dc09_key_encrypted),
            "key_form": device.dc09_key_form, "timestamp_optional": device.dc09_timestamp_optional}


# --- alarms ---------------------------------------------------------------------------------------

class AlarmPage(DeferredRows):
    """A page of the alarm history as the console shows alarms (each school's cameras and guards read
    once for the page), its read audited when it lists any alarm."""

    def __init__(self, qs, request):
        super().__init__(qs)
        self.request = request

    def __getitem__(self, item):
        if isinstance(item, int):
            return self[item:item + 1][0]
        alarms = super().__getitem__(item)
        items = feed.alarms_payload(alarms, self.request.user)
        if items:
            sessions.record_list_read(self.request.user, self.request, "报警列表", len(items))
        return items


def _history(request):
    return Alarm.objects.visible_to(request.user, VIEW).select_related("school__police_station", "device",
                                                                        "dispatch_unit")


add_list_operations(
    router, name="alarms", path="/alarms", perm=VIEW, filterset=AlarmFilterSet, queryset=_history,
    rows=AlarmPage, response=dict, ordering=("-received_at", "-id"), columns=COLUMNS, export_title="报警记录",
    summary="报警记录（管辖范围内，最新在前；可按状态/类别/处置结果/接警日期/区划/学校筛选）")


def _alarm(request, alarm_id, perm=VIEW) -> Alarm:
    _require(request, perm)
    alarm = Alarm.objects.visible_to(request.user, VIEW).select_related(
        "school__police_station", "device", "dispatch_unit").filter(pk=alarm_id).first()
    if alarm is None:
        raise Http404(_("报警不存在"))
    if not can(request.user, perm, alarm):
        raise Http404(_("报警不存在"))
    return alarm


@router.get("/alarms/{alarm_id}", summary="报警详情（含处置记录与接收记录）")
def get_alarm(request, alarm_id: int):
    alarm = _alarm(request, alarm_id)
    data = _with_dispatch(feed.alarm_dict(alarm, request.user), alarm)
    data["events"] = [{"id": e.id, "kind": e.kind, "kind_label": e.get_kind_display(), "at": feed._iso(e.at),
                       "actor": e.actor.display_name if e.actor_id else "", "detail": e.detail}
                      for e in alarm.events.select_related("actor")]
    data["receipts"] = [{"at": feed._iso(r.at), "path": r.path, "sequence": r.sequence, "duplicate": r.duplicate}
                        for r in alarm.receptions()]
    audit.record_read(alarm, actor=request.user, request=request)
    return data


def _with_dispatch(data: dict, alarm: Alarm) -> dict:
    """The alarm's answer with the unit and officer sent (the console's serialisation names the officer only)."""
    data["dispatch_unit"] = ({"id": alarm.dispatch_unit_id, "name": alarm.dispatch_unit.name}
                             if alarm.dispatch_unit_id else None)
    data["dispatched_officer_id"] = alarm.dispatched_officer_id
    return data


def _step_result(request, alarm):
    alarm = _alarm(request, alarm.pk)
    return _with_dispatch(feed.alarm_dict(alarm, request.user), alarm)


@router.post("/alarms/{alarm_id}/acknowledge", summary="确认报警")
def acknowledge(request, alarm_id: int):
    alarm = _alarm(request, alarm_id, services.HANDLE)
    return _step_result(request, services.do_acknowledge_alarm(alarm, actor=request.user))


class DispatchIn(Schema):
    unit_id: int | None = Field(None, description="出警单位（公安单位）：该校属地派出所或您辖区内的公安单位；"
                                "不填为该校属地派出所")
    officer_id: int | None = Field(None, description="出警民警（出警单位的用户）；本单位出警时必填")


class AssignIn(Schema):
    officer_id: int = Field(..., description="出警民警（出警单位的用户）")


API_FIELDS = {"unit": "unit_id", "officer": "officer_id"}


def _as_api_fields(exc: ValidationError) -> ValidationError:
    """A service refusal with the API's field names (unit → unit_id, officer → officer_id)."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({API_FIELDS.get(k, k): v for k, v in exc.message_dict.items()})


def _officer(officer_id):
    if officer_id is None:
        return None
    officer = User.objects.filter(pk=officer_id).first()
    if officer is None:
        raise ValidationError({"officer_id": _("出警民警须为出警单位的在岗民警")})
    return officer


@router.post("/alarms/{alarm_id}/dispatch", summary="派警（出警单位从管辖范围内的公安单位中选择）")
def dispatch(request, alarm_id: int, payload: DispatchIn):
    alarm = _alarm(request, alarm_id, services.HANDLE)
    unit = None
    if payload.unit_id is not None:  # a unit out of reach is refused as one that does not exist
        unit = services.dispatch_units(alarm, request.user).filter(pk=payload.unit_id).first()
        if unit is None:
            raise ValidationError({"unit_id": _("出警单位须为该校属地派出所或您辖区内的公安单位")})
    try:
        alarm = services.do_dispatch_alarm(alarm, unit=unit, officer=_officer(payload.officer_id),
                                           actor=request.user)
    except ValidationError as exc:
        raise _as_api_fields(exc) from None
    return _step_result(request, alarm)


@router.post("/alarms/{alarm_id}/assign", summary="指派出警民警（由出警单位指派）")
def assign(request, alarm_id: int, payload: AssignIn):
    alarm = _alarm(request, alarm_id, services.HANDLE)
    try:
        alarm = services.do_assign_alarm_officer(alarm, officer=_officer(payload.officer_id), actor=request.user)
    except ValidationError as exc:
        raise _as_api_fields(exc) from None
    return _step_result(request, alarm)


@router.post("/alarms/{alarm_id}/arrive", summary="登记到场")
def arrive(request, alarm_id: int):
    alarm = _alarm(request, alarm_id, services.HANDLE)
    return _step_result(request, services.do_arrive_alarm(alarm, actor=request.user))


class CloseIn(Schema):
    disposition: Disposition
    notes: str = Field("", max_length=2000)


@router.post("/alarms/{alarm_id}/close", summary="处置完毕")
def close(request, alarm_id: int, payload: CloseIn):
    alarm = _alarm(request, alarm_id, services.HANDLE)
    return _step_result(request, services.do_close_alarm(alarm, disposition=payload.disposition, notes=payload.notes,
                                                         actor=request.user))


@router.get("/feed", summary="报警动态（断线补推/轮询）：after 之后的全部事件")
def alarm_feed(request, after: int = 0):
    _require(request, VIEW)
    after = min(max(after, 0), 2**62)
    batch = feed.events_after(request.user, after)
    if batch["events"]:  # the polling console: one entry per batch delivered, as over the WebSocket
        sessions.record_list_read(request.user, request, "接警台推送报警", len(batch["events"]),
                                  " ".join(f"#{e['alarm']['id']}" for e in batch["events"][:50]))
    return batch


@router.get("/console", summary="接警台初始状态：未处置完毕的报警与当前游标")
def console_state(request):
    _require(request, "alarms.view_console")
    last = feed.last_event_id()
    alarms = feed.alarms_payload(feed.open_alarms(request.user), request.user)
    sessions.record_list_read(request.user, request, "接警台未处置报警", len(alarms))
    return {"last": last, "alarms": alarms}


@router.get("/stats", summary="报警统计（统计区间：近 days 天、某月 month 或 start 至 end）")
def alarm_stats(request, days: int | None = Query(None, ge=1, le=stats.MAX_DAYS, description="近 N 天（含今天），默认 30"),
                month: str | None = Query(None, pattern=r"^\d{4}-\d{2}$", description="某月，YYYY-MM"),
                start: datetime.date | None = Query(None, description="自定义区间开始日期（含）"),
                end: datetime.date | None = Query(None, description="自定义区间结束日期（含）")):
    _require(request, "alarms.view_stats")
    return stats.compute(request.user, stats.resolve_period(days=days, month=month, start=start, end=end))
