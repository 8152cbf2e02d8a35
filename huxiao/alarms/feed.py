"""What consoles, the polling fallback and the API show of alarms: one serialisation, one feed query."""

import functools

from django.utils import timezone
from django.utils.translation import get_language

from huxiao.alarms.choices import RESPONSE_CATEGORIES, AlarmCategory, AlarmStatus, Disposition, EventKind
from huxiao.alarms.models import Alarm, AlarmEvent
from huxiao.core.scoping import can
from huxiao.devices.choices import DeviceKind, DeviceLocation

VIEW = "alarms.view_alarm"
FEED_LIMIT = 500
OPEN_STATUSES = (AlarmStatus.RECEIVED, AlarmStatus.ACKNOWLEDGED, AlarmStatus.DISPATCHED, AlarmStatus.ARRIVED)
NEXT_STEPS = {
    AlarmStatus.RECEIVED: ["acknowledge"],
    AlarmStatus.ACKNOWLEDGED: ["dispatch", "close"],
    AlarmStatus.DISPATCHED: ["arrive", "close"],
    AlarmStatus.ARRIVED: ["close"],
}


@functools.lru_cache(maxsize=8)
def _labels(language):
    """Chinese (or active language) labels of the enumerations, resolved once per language."""
    return {name: {value: str(label) for value, label in choices.choices} for name, choices in (
        ("category", AlarmCategory), ("status", AlarmStatus), ("disposition", Disposition),
        ("location", DeviceLocation))}


def _iso(value):
    return timezone.localtime(value).isoformat() if value else None


def gate_cameras(school_ids) -> dict:
    from huxiao.devices.models import Device

    cams = {}
    for d in Device.objects.filter(school_id__in=set(school_ids), kind=DeviceKind.CAMERA, active=True,
                                   location__in=[DeviceLocation.GATE, DeviceLocation.OUTSIDE_GATE]):
        cams.setdefault(d.school_id, []).append({"id": d.pk, "name": d.name, "serial": d.serial,
                                                 "url": f"/devices/{d.pk}/"})
    return cams


def alarm_dict(alarm: Alarm, user=None, cameras=None, guards=None) -> dict:
    school, device = alarm.school, alarm.device
    labels = _labels(get_language())
    steps = NEXT_STEPS.get(alarm.status, []) if user is None or can(user, "alarms.handle_alarm", alarm) else []
    return {
        "id": alarm.pk, "code": alarm.code, "label": alarm.label, "category": alarm.category,
        "category_label": labels["category"].get(alarm.category, alarm.category), "zone": alarm.zone, "message": alarm.message,
        "is_test": alarm.is_test, "source": alarm.source, "status": alarm.status,
        "status_label": labels["status"].get(alarm.status, alarm.status), "needs_response": alarm.category in RESPONSE_CATEGORIES,
        "received_at": _iso(alarm.received_at), "occurred_at": _iso(alarm.occurred_at),
        "acknowledged_at": _iso(alarm.acknowledged_at), "dispatched_at": _iso(alarm.dispatched_at),
        "arrived_at": _iso(alarm.arrived_at), "closed_at": _iso(alarm.closed_at),
        "disposition": alarm.disposition, "disposition_label": labels["disposition"].get(alarm.disposition, ""),
        "dispatch_officer": alarm.dispatch_officer, "notes": alarm.notes,
        "escalation_level": alarm.escalation_level,
        "school": {"id": school.pk, "name": school.name, "address": school.address,
                   "principal": school.principal_name, "principal_phone": school.principal_phone,
                   "security": school.security_name, "security_phone": school.security_phone,
                   "station": school.police_station.name if school.police_station_id else "",
                   "longitude": float(school.longitude) if school.longitude is not None else None,
                   "latitude": float(school.latitude) if school.latitude is not None else None},
        "device": {"id": device.pk, "name": device.name, "serial": device.serial,
                   "location": labels["location"].get(device.location, device.location)} if device else None,
        "cameras": (cameras or {}).get(school.pk, []),
        "guards": (guards if guards is not None else guards_of([school.pk])).get(school.pk, []),
        "steps": steps,
        "url": f"/alarms/{alarm.pk}/",
    }


def guards_of(school_ids) -> dict:
    """Guards on the schools' rosters (三防 registry, defense app), by school id."""
    try:
        from huxiao.defense.models import Guard  # noqa: PLC0415
    except ImportError:
        return {}
    out = {}
    try:
        for g in Guard.objects.filter(school_id__in=set(school_ids)).order_by("school_id", "pk")[:500]:
            rows = out.setdefault(g.school_id, [])
            if len(rows) < 5:
                rows.append({"name": str(getattr(g, "name", g)), "phone": getattr(g, "phone", "")})
    except Exception:  # the roster's shape is the defence app's business
        return {}
    return out


def alarms_payload(alarms, user) -> list:
    alarms = list(alarms)
    schools = {a.school_id for a in alarms}
    cams, guards = gate_cameras(schools), guards_of(schools)
    return [alarm_dict(a, user, cams, guards) for a in alarms]


def _with_relations(qs):
    return qs.select_related("school__police_station", "device")


def open_alarms(user, limit=200):
    qs = Alarm.objects.visible_to(user, VIEW).filter(status__in=OPEN_STATUSES)
    return _with_relations(qs).order_by("-received_at", "-id")[:limit]


def last_event_id() -> int:
    return AlarmEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def events_after(user, after: int, limit=FEED_LIMIT) -> dict:
    """The feed since ``after`` as the user may see it: ``{"last": id, "events": [...], "more": bool}``."""
    events = list(AlarmEvent.objects.visible_to(user, VIEW).filter(id__gt=after).order_by("id")[:limit + 1])
    more = len(events) > limit
    events = events[:limit]
    alarms = {a.pk: a for a in _with_relations(Alarm.objects.filter(pk__in={e.alarm_id for e in events}))}
    payload = {a_id: d for a_id, d in zip(alarms, alarms_payload(alarms.values(), user), strict=True)}
    last = events[-1].id if events else max(after, 0)
    labels_kind = {v: str(label) for v, label in EventKind.choices}
    return {"last": last, "more": more, "events": [
        {"id": e.id, "kind": e.kind, "kind_label": labels_kind.get(e.kind, e.kind), "at": _iso(e.at), "detail": e.detail,
         "alarm": payload[e.alarm_id]} for e in events]}
