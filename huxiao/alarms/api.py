"""Alarm API: signed device intake, the alarm list and life-cycle steps, the console feed, statistics."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from huxiao.alarms import feed, selectors, services, sessions, stats
from huxiao.alarms import schemas as sc
from huxiao.alarms.filters import COLUMNS, AlarmFilterSet
from huxiao.alarms.forms import ApiAssignForm, ApiDispatchForm
from huxiao.alarms.intake import Incoming, receive_alarms
from huxiao.alarms.models import Alarm
from huxiao.core.middleware import client_ip
from huxiao.core.records.api import add_detail_operation, add_list_operations, add_record_operation
from huxiao.core.records.api import need as _require
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


def _set_dc09(request, device, payload):
    services.do_set_dc09_account(device, payload.account, payload.key, actor=request.user, key_form=payload.key_form,
                                 timestamp_optional=payload.timestamp_optional)
    return device


add_record_operation(router, "put", "/devices/{device_id}/dc09", name="alarms_set_dc09", queryset=Device,
                     perm="alarms.manage_dc09", payload=sc.Dc09In, act=_set_dc09, response=sc.Dc09Out,
                     summary="设置报警主机的 DC-09 账号与密钥")


# --- alarms ---------------------------------------------------------------------------------------

def _history(request):
    return selectors.history(request.user)


add_list_operations(
    router, name="alarms", path="/alarms", perm=VIEW, filterset=AlarmFilterSet, queryset=_history,
    rows=selectors.AlarmPage, response=dict, ordering=("-received_at", "-id"), columns=COLUMNS,
    export_title="报警记录", summary="报警记录（管辖范围内，最新在前；可按状态/类别/处置结果/接警日期/区划/学校筛选）")
add_detail_operation(router, "/alarms/{alarm_id}", name="alarms_detail", queryset=_history, perm=VIEW,
                     convert=lambda alarm, request: selectors.detail_out(alarm, request.user), read_what="",
                     response=dict, summary="报警详情（含处置记录与接收记录）")


def _step_out(alarm: Alarm, request) -> dict:
    """The alarm after a step, read again with its relations."""
    return selectors.alarm_out(_history(request).get(pk=alarm.pk), request.user)


API_FIELDS = {"unit": "unit_id", "officer": "officer_id"}


def _by_ids(step, form_class):
    """A step naming a unit or an officer by id: ``form_class`` finds them, ``services.STEPS[step]`` acts;
    either refusal names the body's fields (unit → unit_id, officer → officer_id)."""

    def act(request, alarm, body):
        form = form_class({name: getattr(body, field, None) for name, field in API_FIELDS.items()},
                          alarm=alarm, user=request.user)
        try:
            if not form.is_valid():
                raise ValidationError(form.errors.as_data())
            return services.STEPS[step](alarm, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise
            raise ValidationError({API_FIELDS.get(k, k): v for k, v in exc.message_dict.items()}) from None

    return act


def _with_body(step):
    """The step's service called with the body's fields (none for 确认 and 到场)."""
    return lambda request, alarm, body: services.STEPS[step](alarm, actor=request.user,
                                                             **(body.dict() if body else {}))


STEPS = (  # (path, summary, body, act)
    (services.ACKNOWLEDGE, "确认报警", None, _with_body(services.ACKNOWLEDGE)),
    (services.DISPATCH, "派警（出警单位从管辖范围内的公安单位中选择）", sc.DispatchIn,
     _by_ids(services.DISPATCH, ApiDispatchForm)),
    (services.ASSIGN, "指派出警民警（由出警单位指派）", sc.AssignIn, _by_ids(services.ASSIGN, ApiAssignForm)),
    (services.ARRIVE, "登记到场", None, _with_body(services.ARRIVE)),
    (services.CLOSE, "处置完毕", sc.CloseIn, _with_body(services.CLOSE)),
)
for step, summary, body, act in STEPS:
    add_record_operation(router, "post", f"/alarms/{{alarm_id}}/{step}", name=f"alarms_{step}", queryset=_history,
                         perm=services.HANDLE, payload=body, act=act, convert=_step_out, response=dict,
                         summary=summary)


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
