"""Every state change of an alarm: 接警 → 确认 → 派警 → 到场 → 处置完毕, escalation, DC-09 accounts.

Intake (storing what senders report) is in intake.py. The life cycle is the ``LIFE_CYCLE`` table
(core.actions.TransitionTable); each step is atomic, checks the actor's permission and jurisdiction and
the alarm's present status on the locked row, writes its typed audit entry and its feed event in the same
transaction and wakes the consoles once committed. Escalation acts as ``SYSTEM``.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huxiao.alarms import realtime
from huxiao.alarms.audit_events import AlarmAudit
from huxiao.alarms.choices import AlarmStatus, Disposition, EventKind
from huxiao.alarms.constants import ESCALATE_AFTER_SECONDS, MAX_ESCALATION_LEVEL
from huxiao.alarms.intake import feed_lock
from huxiao.alarms.models import Alarm, AlarmEvent
from huxiao.core import audit, crypto
from huxiao.core.actions import (
    SYSTEM,
    Transition,
    TransitionTable,
    acting_user,
    entry_point,
    is_system,
    require,
)
from huxiao.core.authcache import assignments
from huxiao.core.choices import AuditAction, Role, UnitKind
from huxiao.core.models import Unit, User
from huxiao.core.permissions import roles_with
from huxiao.core.scoping import scope_for
from huxiao.core.services import notify
from huxiao.devices.choices import DeviceKind
from huxiao.devices.models import Device

HANDLE = "alarms.handle_alarm"
ALARM_FIELDS = ("status", "acknowledged_at", "acknowledged_by_id", "dispatched_at", "dispatched_by_id",
                "dispatch_unit_id", "dispatch_officer", "dispatched_officer_id", "arrived_at", "arrived_by_id",
                "closed_at", "closed_by_id", "disposition", "notes", "escalation_level", "escalated_at")
A = AlarmStatus
ACKNOWLEDGE, DISPATCH, ARRIVE, CLOSE = "acknowledge", "dispatch", "arrive", "close"
LIFE_CYCLE = TransitionTable(
    rows={
        ACKNOWLEDGE: Transition(frozenset({A.RECEIVED}), A.ACKNOWLEDGED, HANDLE),
        DISPATCH: Transition(frozenset({A.ACKNOWLEDGED}), A.DISPATCHED, HANDLE),
        ARRIVE: Transition(frozenset({A.DISPATCHED}), A.ARRIVED, HANDLE),
        # a false, test or fault alarm may be closed once acknowledged, a real one after arrival (do_close_alarm)
        CLOSE: Transition(frozenset({A.ACKNOWLEDGED, A.DISPATCHED, A.ARRIVED}), A.CLOSED, HANDLE),
    },
    action_labels={ACKNOWLEDGE: gettext_lazy("确认"), DISPATCH: gettext_lazy("派警"),
                   ARRIVE: gettext_lazy("登记到场"), CLOSE: gettext_lazy("处置完毕")},
    state_labels=dict(AlarmStatus.choices),
    refusal_message=gettext_lazy("报警当前状态为“%(status)s”，不能%(action)s"),
)


def _locked(alarm: Alarm, action, actor) -> Alarm:
    """The alarm's row, locked, once the actor may take ``action`` on it in its present status."""
    require(actor, HANDLE, alarm, message=_("无权处置此报警"))
    alarm = Alarm.objects.select_for_update().select_related("school").get(pk=alarm.pk)
    LIFE_CYCLE.check(alarm, action, actor=actor)
    return alarm


def _step(alarm: Alarm, kind, before, *, actor, now, event, detail=""):
    alarm.save(update_fields=[f.removesuffix("_id") if f.endswith("_id") else f for f in ALARM_FIELDS])
    audit.record(AuditAction.UPDATE, alarm, actor=actor, before=before,
                 after=audit.snapshot(alarm, exclude=("raw",)), event=event)
    feed_lock()  # held to the commit: feed ids become visible in order
    feed_event = AlarmEvent.objects.create(alarm=alarm, region_code=alarm.region_code, school_id=alarm.school_id,
                                           kind=kind, at=now, actor=acting_user(actor), detail=detail[:300])
    transaction.on_commit(lambda: realtime.publish(feed_event.pk))
    return alarm


@transaction.atomic
def do_acknowledge_alarm(alarm: Alarm, *, actor, now=None) -> Alarm:
    """确认: the console operator has seen the alarm and takes it."""
    return _stamped_step(alarm, ACKNOWLEDGE, "acknowledged", EventKind.ACKNOWLEDGED, AlarmAudit.ACKNOWLEDGE,
                         actor=actor, now=now)


def _stamped_step(alarm: Alarm, action, stamp: str, kind, event, *, actor, now) -> Alarm:
    """A step that moves the alarm on and stamps when and by whom (``<stamp>_at``, ``<stamp>_by``)."""
    alarm = _locked(alarm, action, actor)
    before = audit.snapshot(alarm, exclude=("raw",))
    now = now or timezone.now()
    alarm.status = LIFE_CYCLE[action].target
    setattr(alarm, f"{stamp}_at", now)
    setattr(alarm, f"{stamp}_by", acting_user(actor))
    return _step(alarm, kind, before, actor=actor, now=now, event=event)


def dispatch_units(alarm: Alarm, actor):
    """The police units ``actor`` may send to ``alarm``: the school's own station, and every police unit
    in the actor's jurisdiction for handling alarms (a station's is its own; a district 110 centre's, the
    分局 and its stations). SYSTEM may send any police unit."""
    units = Unit.objects.filter(kind=UnitKind.POLICE)
    if is_system(actor):
        return units
    return units.filter(scope_for(actor, HANDLE).q("region_code", None) | Q(pk=alarm.school.police_station_id))


def officers_of(unit: Unit):
    """The active police users of ``unit`` (who can be named as its 出警民警)."""
    return (User.objects.filter(is_active=True, role_assignments__unit=unit,
                                role_assignments__role__in=roles_with(HANDLE)).distinct()
            .order_by("full_name", "username"))


def handles_for(actor, unit: Unit) -> bool:
    """Whether ``actor`` handles alarms as a member of ``unit`` (a station sending its own people)."""
    if is_system(actor) or unit is None:
        return False
    allowed = roles_with(HANDLE)
    return any(a.role in allowed and a.unit_id == unit.pk for a in assignments(actor))


def _officer_of(unit: Unit, officer) -> User:
    if officer is None:
        return None
    if not officers_of(unit).filter(pk=getattr(officer, "pk", officer)).exists():
        raise ValidationError({"officer": _("出警民警须为“%(u)s”的在岗民警") % {"u": unit.name}})
    return officer


@transaction.atomic
def do_dispatch_alarm(alarm: Alarm, *, unit: Unit | None = None, officer: User | None = None, actor,
                      now=None) -> Alarm:
    """派警: a police unit is sent — picked from the units in reach (``dispatch_units``); none given means
    the school's own station. A station sending its own people names the officer (a user of the station);
    a 110 centre sending a station leaves the officer to the station (``do_assign_alarm_officer``)."""
    alarm = _locked(alarm, DISPATCH, actor)
    unit = unit or alarm.school.police_station
    if unit is None:
        raise ValidationError({"unit": _("请选择出警单位（该校未登记属地派出所）")})
    if not dispatch_units(alarm, actor).filter(pk=unit.pk).exists():
        raise ValidationError({"unit": _("出警单位须为该校属地派出所或您辖区内的公安单位")})
    if officer is None and handles_for(actor, unit):
        raise ValidationError({"officer": _("本单位出警，请选择出警民警")})
    officer = _officer_of(unit, officer)
    before = audit.snapshot(alarm, exclude=("raw",))
    now = now or timezone.now()
    alarm.status, alarm.dispatched_at, alarm.dispatched_by = AlarmStatus.DISPATCHED, now, acting_user(actor)
    alarm.dispatch_unit, alarm.dispatched_officer = unit, officer
    alarm.dispatch_officer = officer.display_name[:64] if officer else ""
    return _step(alarm, EventKind.DISPATCHED, before, actor=actor, now=now, event=AlarmAudit.DISPATCH,
                 detail=" ".join(x for x in (unit.name, alarm.dispatch_officer) if x))


@transaction.atomic
def do_assign_alarm_officer(alarm: Alarm, *, officer: User | None, actor, now=None) -> Alarm:
    """指派民警: the unit the 110 centre sent names (or replaces) the officer going, before arrival.
    Only a member of the dispatched unit assigns; the officer is a user of that unit."""
    require(actor, HANDLE, alarm, message=_("无权处置此报警"))
    alarm = Alarm.objects.select_for_update(of=("self",)).select_related("school", "dispatch_unit").get(pk=alarm.pk)
    if alarm.status != AlarmStatus.DISPATCHED:
        raise ValidationError({"status": _("报警当前状态为“%(s)s”，不能指派民警") % {
            "s": AlarmStatus(alarm.status).label}})
    if not (is_system(actor) or handles_for(actor, alarm.dispatch_unit)):
        raise ValidationError({"officer": _("只有出警单位“%(u)s”可以指派民警") % {
            "u": alarm.dispatch_unit.name if alarm.dispatch_unit_id else "—"}})
    if officer is None:
        raise ValidationError({"officer": _("请选择出警民警")})
    officer = _officer_of(alarm.dispatch_unit, officer)
    before = audit.snapshot(alarm, exclude=("raw",))
    now = now or timezone.now()
    alarm.dispatched_officer, alarm.dispatch_officer = officer, officer.display_name[:64]
    return _step(alarm, EventKind.ASSIGNED, before, actor=actor, now=now, event=AlarmAudit.ASSIGN,
                 detail=f"{alarm.dispatch_unit.name} {alarm.dispatch_officer}")


@transaction.atomic
def do_arrive_alarm(alarm: Alarm, *, actor, now=None) -> Alarm:
    """到场: the dispatched officers are at the school."""
    return _stamped_step(alarm, ARRIVE, "arrived", EventKind.ARRIVED, AlarmAudit.ARRIVE, actor=actor, now=now)


@transaction.atomic
def do_close_alarm(alarm: Alarm, *, disposition: str, notes: str = "", actor, now=None) -> Alarm:
    """处置完毕 with a disposition (真实警情 / 误报 / 测试 / 设备故障) and notes.

    A false, test or fault alarm may be closed once acknowledged (verified with the school by phone);
    a real one only after the police arrived."""
    alarm = _locked(alarm, CLOSE, actor)
    if disposition not in Disposition.values:
        raise ValidationError({"disposition": _("请选择处置结果（真实警情、误报、测试、设备故障）")})
    if disposition == Disposition.REAL and alarm.status != AlarmStatus.ARRIVED:
        raise ValidationError({"disposition": _("真实警情须先登记到场，再处置完毕")})
    notes = (notes or "").strip()
    if disposition == Disposition.REAL and not notes:
        raise ValidationError({"notes": _("真实警情请填写处置情况")})
    if len(notes) > 2000:
        raise ValidationError({"notes": _("处置情况不超过 2000 个字符")})
    before = audit.snapshot(alarm, exclude=("raw",))
    now = now or timezone.now()
    alarm.status, alarm.closed_at, alarm.closed_by = AlarmStatus.CLOSED, now, acting_user(actor)
    alarm.disposition, alarm.notes = disposition, notes
    return _step(alarm, EventKind.CLOSED, before, actor=actor, now=now, event=AlarmAudit.CLOSE,
                 detail=Disposition(disposition).label)



ASSIGN = "assign"
# each step of the life cycle by name, called as STEPS[step](alarm, actor=…, **the step's own fields) by the
# alarm page's forms and the API's bodies
STEPS = {ACKNOWLEDGE: do_acknowledge_alarm, DISPATCH: do_dispatch_alarm, ASSIGN: do_assign_alarm_officer,
         ARRIVE: do_arrive_alarm, CLOSE: do_close_alarm}

def supervisors_at(level: int, region_code: str):
    """Police supervisors of the level an alarm escalates to: 1 = district (分局), 2 = city (市局)."""
    from huxiao.core.choices import RegionLevel
    from huxiao.core.reach import users_reaching

    at = RegionLevel.COUNTY if level == 1 else RegionLevel.CITY
    return users_reaching(region_code, [Role.POLICE_SUPERVISOR], from_level=at, up_to=at)


def escalate_overdue(now=None, after_seconds: int | None = None) -> int:
    """Escalate every alarm still unacknowledged ``after_seconds`` (default 30 s) after it arrived, one
    level per period, up to the city. Returns how many alarms moved up. Run every second by the receiver."""
    now = now or timezone.now()
    period = datetime.timedelta(seconds=after_seconds or ESCALATE_AFTER_SECONDS)
    moved = 0
    for level in range(1, MAX_ESCALATION_LEVEL + 1):
        due = Alarm.objects.filter(status=AlarmStatus.RECEIVED, escalation_level=level - 1,
                                   received_at__lte=now - period * level).values_list("pk", flat=True)
        for pk in list(due[:500]):
            moved += _escalate_one(pk, level, now)
    return moved


@entry_point  # the receiver's escalation loop, one alarm per transaction: never inside another
def _escalate_one(pk: int, level: int, now) -> int:
    alarm = Alarm.objects.select_for_update().select_related("school").get(pk=pk)
    if alarm.status != AlarmStatus.RECEIVED or alarm.escalation_level != level - 1:
        return 0
    before = audit.snapshot(alarm, exclude=("raw",))
    alarm.escalation_level, alarm.escalated_at = level, now
    target = _("分局") if level == 1 else _("市局")
    _step(alarm, EventKind.ESCALATED, before, actor=SYSTEM, now=now, event=AlarmAudit.ESCALATE,
          detail=_("超时未确认，已升级至%(t)s") % {"t": target})
    notify(supervisors_at(level, alarm.region_code), _("报警超时未确认：%(s)s") % {"s": alarm.school.name},
           _("%(label)s，已超过 %(n)s 秒无人确认") % {"label": alarm.label, "n": int((now - alarm.received_at)
                                                                             .total_seconds())},
           url=f"/alarms/{alarm.pk}/", level="danger")
    return 1


ACCOUNT_RE = re.compile(r"^[0-9A-F]{3,16}$")


@transaction.atomic
def do_set_dc09_account(device: Device, account: str, key: str = "", *, actor, key_form: str = "hex",
                        timestamp_optional: bool = False) -> Device:
    """Give an alarm panel its DC-09 account (3–16 hex digits, exactly as configured in the panel:
    ``2001`` stays ``2001``) and optional AES key: 32, 48 or 64 hex digits (AES-128/192/256, the
    standard's form, ``key_form="hex"``) or, for a legacy panel, 16, 24 or 32 characters used as the key
    bytes (``key_form="chars"``). ``timestamp_optional``: an old unencrypted panel that sends no
    timestamps (off by default; its frames could be replayed, the device page warns).

    An account used by a device the actor cannot see is refused with the same message as an invalid
    one, so account numbers of other jurisdictions cannot be probed."""
    from huxiao.alarms.dc09.frames import KEY_CHARS, KEY_HEX, key_bytes

    require(actor, "alarms.manage_dc09", device, message=_("无权设置此设备的 DC-09 账号"))
    account, key = (account or "").strip().upper(), (key or "").strip()
    unusable = _("DC-09 账号无效或不可用：应为 3–16 位十六进制数字（0-9、A-F），且未被其他设备使用")
    if device.kind not in (DeviceKind.ALARM_PANEL, DeviceKind.ALARM_BUTTON):
        raise ValidationError({"device": _("只有一键报警主机或按钮可以设置 DC-09 账号")})
    if key_form not in (KEY_HEX, KEY_CHARS):
        raise ValidationError({"key_form": _("密钥格式应为 hex（十六进制）或 chars（字符）")})
    if not ACCOUNT_RE.match(account):
        raise ValidationError({"account": unusable})
    if key:
        if key_form == KEY_HEX:
            key = key.upper()
        try:
            key_bytes(key, key_form)
        except ValueError:
            raise ValidationError({"key": _("AES 密钥应为 32、48 或 64 位十六进制数字（AES-128/192/256）")
                                   if key_form == KEY_HEX else
                                   _("字符格式的密钥应为 16、24 或 32 个可打印 ASCII 字符")}) from None
    if key and timestamp_optional:
        raise ValidationError({"timestamp_optional": _("加密账号的报文必须带时间戳，不能关闭时间戳要求")})
    others = Device.objects.filter(dc09_account=account).exclude(pk=device.pk)
    if others.exists():
        visible = others if is_system(actor) else others.filter(
            pk__in=Device.objects.visible_to(actor, "alarms.manage_dc09").values("pk"))
        if not visible.exists():
            raise ValidationError({"account": unusable})
        raise ValidationError({"account": _("DC-09 账号 %(a)s 已被本辖区其他设备使用") % {"a": account}})
    before = {"dc09_account": device.dc09_account, "encrypted": bool(device.dc09_key_encrypted),
              "key_form": device.dc09_key_form, "timestamp_optional": device.dc09_timestamp_optional}
    device.dc09_account = account
    device.dc09_key_encrypted = crypto.encrypt(key) if key else ""
    device.dc09_key_form = key_form
    device.dc09_timestamp_optional = bool(timestamp_optional)
    device.save(update_fields=["dc09_account", "dc09_key_encrypted", "dc09_key_form", "dc09_timestamp_optional"])
    audit.record(AuditAction.UPDATE, device, actor=actor, before=before,
                 after={"dc09_account": account, "encrypted": bool(key), "key_form": key_form,
                        "timestamp_optional": bool(timestamp_optional)}, event=AlarmAudit.SET_DC09_ACCOUNT)
    return device
