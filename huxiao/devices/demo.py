"""Demo devices of every demo school: one-button alarms at the duty room and gate, cameras, NVRs,
intrusion, access control, patrol and police-built cameras outside the gate — with realistic gaps —
and recent heartbeats for most of them. ``simulate_heartbeats`` keeps the live ones beating."""

import datetime

from huxiao.core import crypto
from huxiao.devices.choices import DeviceKind as K
from huxiao.devices.choices import DeviceLocation as L
from huxiao.devices.models import Device, Heartbeat

PROCESSES = [["{python}", "manage.py", "simulate_heartbeats", "--url", "http://{host}:{port}", "--interval", "60"]]

# kind, location, name, probability for an ordinary school (the flagship gets everything)
PLAN = [
    (K.ALARM_PANEL, L.DUTY_ROOM, "门卫室一键报警主机", 0.93),
    (K.ALARM_BUTTON, L.GATE, "校门口一键报警按钮", 0.6),
    (K.CAMERA, L.GATE, "校门口摄像机", 0.94),
    (K.CAMERA, L.PERIMETER, "周界摄像机", 0.7),
    (K.CAMERA, L.TEACHING, "教学楼走廊摄像机", 0.6),
    (K.NVR, L.DUTY_ROOM, "门卫室硬盘录像机", 0.8),
    (K.INTRUSION, L.PERIMETER, "周界入侵报警探测器", 0.5),
    (K.ACCESS_CONTROL, L.GATE, "校门人行门禁", 0.4),
    (K.PATROL, L.TEACHING, "电子巡查点", 0.3),
    (K.CAMERA, L.OUTSIDE_GATE, "校门外公安自建探头", 0.65),
]
WINDOWS = {K.ALARM_PANEL: 300, K.ALARM_BUTTON: 300, K.CAMERA: 600, K.NVR: 600}


def seed(ctx):
    rng, now = ctx.rng, ctx.now
    devices, beats = [], []
    for school in [*ctx.schools, *ctx.sibling_schools]:
        flagship = school.pk == ctx.flagship.pk
        for n, (kind, location, name, p) in enumerate(PLAN):
            if location == L.DORMITORY and not school.boarding:
                continue
            if not flagship and rng.random() > p * (0.85 if school.setting == "rural" else 1):
                continue
            window = datetime.timedelta(seconds=WINDOWS.get(kind, 1800))
            roll = rng.random()
            if flagship or roll < 0.88:  # heard recently
                last = now - datetime.timedelta(seconds=rng.randint(5, int(window.total_seconds() * 0.6)))
            elif roll < 0.97:  # fell silent hours or days ago
                last = now - datetime.timedelta(hours=rng.randint(3, 240))
            else:  # installed but never connected to the platform
                last = None
            devices.append(Device(
                school=school, region_code=school.region_code, kind=kind, location=location, name=name,
                serial=f"JT{school.code}-{n:02d}", police_built=location == L.OUTSIDE_GATE,
                installed_on=ctx.today - datetime.timedelta(days=rng.randint(30, 1500)), supervision_window=window,
                secret_encrypted=crypto.encrypt(f"demo-secret-{school.code}-{n:02d}"), last_seen_at=last,
                network_state=bool(last and now - last <= window)))
    Device.objects.bulk_create(devices, batch_size=1000)
    for d in Device.objects.filter(last_seen_at__isnull=False).only("pk", "last_seen_at", "supervision_window"):
        for k in range(3):
            beats.append(Heartbeat(device_id=d.pk, at=d.last_seen_at - k * d.supervision_window / 2,
                                   received_at=d.last_seen_at - k * d.supervision_window / 2))
    Heartbeat.objects.bulk_create(beats, batch_size=2000)
