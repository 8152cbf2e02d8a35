"""Demo data: DC-09 accounts on every school's alarm panel (the flagship's unencrypted, account 1001),
a history of handled alarms and tests, and the receiver plus a panel simulator for ``make demo``."""

import datetime

from django.db.models import F, Max

from huxiao.alarms import services
from huxiao.alarms.choices import Disposition
from huxiao.alarms.constants import DEMO_DC09_ACCOUNT
from huxiao.alarms.intake import Incoming, receive_alarms
from huxiao.alarms.models import Alarm
from huxiao.core.actions import SYSTEM
from huxiao.devices.choices import DeviceKind, DeviceLocation
from huxiao.devices.models import Device, Heartbeat
from huxiao.devices.services import do_register_device

PROCESSES = [
    ["{python}", "manage.py", "run_dc09_receiver", "--host", "{host}", "--port", "{dc09_port}"],
    ["{python}", "manage.py", "simulate_alarms", "--host", "{host}", "--port", "{dc09_port}"],
]


def _panel(school, rng):
    panel = Device.objects.filter(school=school, kind=DeviceKind.ALARM_PANEL).order_by("pk").first()
    if panel is None:
        panel, _secret = do_register_device(school, {
            "kind": DeviceKind.ALARM_PANEL, "location": DeviceLocation.DUTY_ROOM, "name": "一键报警主机",
            "serial": f"AP-{school.code}"}, actor=SYSTEM)
    return panel


def seed(ctx):
    rng = ctx.rng
    schools = [ctx.flagship] + [s for s in ctx.schools + ctx.sibling_schools if s.pk != ctx.flagship.pk]
    panels = []
    for i, school in enumerate(schools):
        panel = _panel(school, rng)
        if i == 0:
            account, key = DEMO_DC09_ACCOUNT, ""
        else:
            account = f"{2000 + i}"  # as an installer types it into the panel (hex digits, never converted)
            key = "".join(rng.choice("0123456789ABCDEF") for _ in range(32)) if i % 3 == 0 else ""
        if panel.dc09_account != account:
            services.do_set_dc09_account(panel, account, key, actor=SYSTEM)
        panels.append(panel)
    if Alarm.objects.exists():
        return
    now = ctx.now
    officer = ctx.users.get("minjing")
    history = []
    for day in range(1, 29):
        for panel in rng.sample(panels, k=min(len(panels), 3)):
            at = now - datetime.timedelta(days=day, minutes=rng.randint(0, 600))
            history.append((at, Incoming(device=panel, source="dc09", dedup_key=f"demo:{panel.pk}:{day}:RP",
                                         code="RP", zone="0", occurred_at=at)))
        if day % 3 == 0:
            panel = rng.choice(panels[:8])
            at = now - datetime.timedelta(days=day, minutes=rng.randint(0, 600))
            history.append((at, Incoming(device=panel, source="dc09", dedup_key=f"demo:{panel.pk}:{day}:PA",
                                         code=rng.choice(["PA", "PA", "BA"]), zone=str(rng.randint(1, 8)),
                                         occurred_at=at)))
    last_beat = Heartbeat.objects.aggregate(last=Max("pk"))["last"] or 0
    for at, item in history:
        ((alarm_id, _created),) = receive_alarms([item], now=at)
        alarm = Alarm.objects.get(pk=alarm_id)
        if alarm.status != "received":
            continue
        actor = officer if alarm.school_id == ctx.flagship.pk else SYSTEM
        t = at + datetime.timedelta(seconds=rng.randint(5, 40))
        services.do_acknowledge_alarm(alarm, actor=actor, now=t)
        disposition = rng.choice([Disposition.FALSE, Disposition.FALSE, Disposition.REAL, Disposition.FAULT])
        if disposition == Disposition.REAL:
            services.do_dispatch_alarm(alarm, officer=officer if actor is officer else None, actor=actor,
                                       now=t + datetime.timedelta(seconds=60))
            services.do_arrive_alarm(alarm, actor=actor, now=t + datetime.timedelta(minutes=rng.randint(4, 12)))
            services.do_close_alarm(alarm, disposition=disposition, notes="现场核查，已妥善处置",
                                    actor=actor, now=t + datetime.timedelta(minutes=30))
        else:
            services.do_close_alarm(alarm, disposition=disposition, notes="电话核实", actor=actor,
                                    now=t + datetime.timedelta(minutes=2))
    # an alarm is a sign of life of its panel: the intake records it as a heartbeat received at the real
    # time (it does not pass its ``now`` on); the history's alarms were received when they happened
    Heartbeat.objects.filter(pk__gt=last_beat).update(received_at=F("at"))
