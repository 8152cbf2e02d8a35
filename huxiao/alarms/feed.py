"""What consoles, the polling fallback and the API show of alarms: one serialisation, one feed query.

The feed is read as plain rows, no model instances: the events joined to their alarms in one query,
then, once per call, the batch's schools (with their police stations), its devices together with the
schools' gate cameras, and the schools' guards. A burst has few schools and devices, so what depends
only on them (cards, cameras, guards, whether the user may handle the school's alarms) is worked out
once per school or device and call, not once per alarm.
"""

import datetime
import functools
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import get_language

from huxiao.alarms.choices import (
    RESPONSE_CATEGORIES,
    AlarmCategory,
    AlarmStatus,
    Disposition,
    EventKind,
    EventNature,
)
from huxiao.alarms.models import Alarm, AlarmEvent
from huxiao.core.scoping import can, scope_for
from huxiao.devices.choices import DeviceKind, DeviceLocation

VIEW = "alarms.view_alarm"
HANDLE = "alarms.handle_alarm"
FEED_LIMIT = 500
OPEN_STATUSES = (AlarmStatus.RECEIVED, AlarmStatus.ACKNOWLEDGED, AlarmStatus.DISPATCHED, AlarmStatus.ARRIVED)
NEXT_STEPS = {
    AlarmStatus.RECEIVED: ["acknowledge"],
    AlarmStatus.ACKNOWLEDGED: ["dispatch", "close"],
    AlarmStatus.DISPATCHED: ["arrive", "close"],
    AlarmStatus.ARRIVED: ["close"],
}

# What the serialisation reads, in the order _Serialiser.alarm / .school / .device take it: field names
# for ``values_list`` (a foreign key gives its id); an instance is read by the fields' attribute names.
ALARM_COLUMNS = ("id", "code", "label", "category", "area", "zone", "user", "event_kind", "message", "is_test",
                 "source", "status", "received_at", "occurred_at", "acknowledged_at", "dispatched_at", "arrived_at",
                 "closed_at", "restored_at", "disposition", "dispatch_officer", "notes", "escalation_level", "school",
                 "region_code", "device")
SCHOOL_COLUMNS = ("name", "address", "principal_name", "principal_phone", "security_name", "security_phone",
                  "police_station__name", "longitude", "latitude")  # after the school's id
DEVICE_COLUMNS = ("name", "serial", "location")  # after the device's id
TIMESTAMPS = frozenset(("at", "received_at", "occurred_at", "acknowledged_at", "dispatched_at", "arrived_at",
                        "closed_at", "restored_at"))
_SCHOOL_ID, _DEVICE_ID = ALARM_COLUMNS.index("school"), ALARM_COLUMNS.index("device")
_REGION = ALARM_COLUMNS.index("region_code")


@functools.lru_cache(maxsize=8)
def _labels(language):
    """Chinese (or active language) labels of the enumerations, resolved once per language."""
    return {name: {value: str(label) for value, label in choices.choices} for name, choices in (
        ("category", AlarmCategory), ("status", AlarmStatus), ("disposition", Disposition),
        ("location", DeviceLocation), ("kind", EventKind), ("nature", EventNature))}


@functools.cache
def _alarm_attnames() -> tuple:
    return tuple(Alarm._meta.get_field(name).attname for name in ALARM_COLUMNS)


def _iso(value):
    return timezone.localtime(value).isoformat() if value else None


# Base querysets whose columns are resolved once per process (building a query costs more than reading its
# few rows); every use chains from them, which clones.

_GATE_CAMERA = Q(kind=DeviceKind.CAMERA, active=True, location__in=[DeviceLocation.GATE, DeviceLocation.OUTSIDE_GATE])


@functools.cache
def _school_rows():
    from huxiao.core.models import School

    return School.objects.values_list("id", *SCHOOL_COLUMNS)


@functools.cache
def _device_rows():
    from huxiao.devices.models import Device

    return Device.objects.annotate(gate_camera=ExpressionWrapper(_GATE_CAMERA, BooleanField())).values_list(
        "id", "school_id", "gate_camera", *DEVICE_COLUMNS)


def _devices(school_ids, device_ids=frozenset()) -> tuple[dict, dict]:
    """The schools' gate cameras by school id and, from the same query, the devices ``device_ids`` (id → row)."""
    school_ids = set(school_ids)
    wanted = _GATE_CAMERA & Q(school_id__in=school_ids)
    if device_ids:
        wanted |= Q(pk__in=device_ids)
    cams, devices = {}, {}
    for pk, school_id, gate_camera, name, serial, location in _device_rows().filter(wanted):
        if pk in device_ids:
            devices[pk] = (pk, name, serial, location)
        if gate_camera and school_id in school_ids:
            cams.setdefault(school_id, []).append({"id": pk, "name": name, "serial": serial,
                                                   "url": f"/devices/{pk}/"})
    return cams, devices


def gate_cameras(school_ids) -> dict:
    return _devices(school_ids)[0]


@functools.cache
def _guard_rows():
    try:
        from huxiao.defense.models import Guard  # noqa: PLC0415
    except ImportError:
        return None
    return Guard.objects.order_by("school_id", "pk").values_list("school_id", "name", "phone")


def guards_of(school_ids) -> dict:
    """Guards on the schools' rosters (三防 registry, defense app), by school id."""
    guards = _guard_rows()
    if guards is None:
        return {}
    out = {}
    try:
        for school_id, name, phone in guards.filter(school_id__in=set(school_ids))[:500]:
            rows = out.setdefault(school_id, [])
            if len(rows) < 5:
                rows.append({"name": str(name), "phone": phone})
    except Exception:  # the roster's shape is the defence app's business
        return {}
    return out


class _Serialiser:
    """THE serialisation of alarms, for one user and one call (rows or instances alike).

    Whether the user may handle an alarm, ``can(user, HANDLE, alarm)``, depends on nothing of the alarm
    but its ``school_id`` and ``region_code`` (core.scoping.can → Scope.covers), so it is asked once per
    such pair; school and device cards are built once per school and device."""

    def __init__(self, user, cameras, guards):
        self.user = user
        self.labels = _labels(get_language())
        self.tz = timezone.get_current_timezone()
        self.cameras = cameras or {}
        self.guards = guards
        self.may_handle, self.schools, self.devices, self.iso_texts = {}, {}, {}, {}

    def iso(self, value):
        """timezone.localtime(value).isoformat(), the zone looked up once."""
        return value.astimezone(self.tz).isoformat() if value else None

    def iso_text(self, text):
        """The same for a timestamp the database wrote as text (_stamp): ISO 8601 with the session's
        offset on PostgreSQL, naive in the connection's time zone on SQLite."""
        if text is None:
            return None
        out = self.iso_texts.get(text)  # a burst's alarms share their receipt time, events their step time
        if out is None:
            value = datetime.datetime.fromisoformat(text)
            if value.tzinfo is None:
                value = timezone.make_aware(value, connection.timezone)
            out = self.iso_texts[text] = value.astimezone(self.tz).isoformat()
        return out

    def steps(self, status, school_id, region_code, alarm=None) -> list:
        """What the user may do next; ``alarm``: the instance to ask ``can`` about, when there is one."""
        if self.user is None:
            return NEXT_STEPS.get(status, [])
        may = self.may_handle.get((school_id, region_code))
        if may is None:
            probe = alarm if alarm is not None else Alarm(school_id=school_id, region_code=region_code)
            may = self.may_handle[school_id, region_code] = can(self.user, HANDLE, probe)
        return NEXT_STEPS.get(status, []) if may else []

    def school(self, pk, name, address, principal, principal_phone, security, security_phone, station, longitude,
               latitude) -> dict:
        card = self.schools.get(pk)
        if card is None:
            card = self.schools[pk] = {
                "id": pk, "name": name, "address": address, "principal": principal, "principal_phone": principal_phone,
                "security": security, "security_phone": security_phone, "station": station or "",
                "longitude": float(longitude) if longitude is not None else None,
                "latitude": float(latitude) if latitude is not None else None}
        return card

    def device(self, pk, name, serial, location) -> dict:
        card = self.devices.get(pk)
        if card is None:
            card = self.devices[pk] = {"id": pk, "name": name, "serial": serial,
                                       "location": self.labels["location"].get(location, location)}
        return card

    def alarm(self, row, school, device, alarm=None, iso=None) -> dict:
        """``row``: the ALARM_COLUMNS values, timestamps as ``iso`` reads them (datetimes by default)."""
        (pk, code, label, category, area, zone, user, event_kind, message, is_test, source, status, received_at,
         occurred_at, acknowledged_at, dispatched_at, arrived_at, closed_at, restored_at, disposition,
         dispatch_officer, notes, escalation_level, school_id, region_code, _device_id) = row
        labels, iso = self.labels, iso or self.iso
        return {
            "id": pk, "code": code, "label": label, "category": category,
            "category_label": labels["category"].get(category, category), "area": area, "zone": zone, "user": user,
            "event_kind": event_kind, "event_kind_label": labels["nature"].get(event_kind, event_kind),
            "message": message, "is_test": is_test, "source": source, "status": status,
            "status_label": labels["status"].get(status, status),
            "needs_response": category in RESPONSE_CATEGORIES and status != AlarmStatus.RECORDED,
            "received_at": iso(received_at), "occurred_at": iso(occurred_at),
            "acknowledged_at": iso(acknowledged_at), "dispatched_at": iso(dispatched_at),
            "arrived_at": iso(arrived_at), "closed_at": iso(closed_at), "restored_at": iso(restored_at),
            "disposition": disposition, "disposition_label": labels["disposition"].get(disposition, ""),
            "dispatch_officer": dispatch_officer, "notes": notes,
            "escalation_level": escalation_level,
            "school": school,
            "device": device,
            "cameras": self.cameras.get(school_id, []),
            "guards": self.guards.get(school_id, []),
            "steps": self.steps(status, school_id, region_code, alarm),
            "url": f"/alarms/{pk}/",
        }

    def instance(self, alarm: Alarm) -> dict:
        """An Alarm with ``school__police_station`` and ``device`` selected."""
        s, d = alarm.school, alarm.device
        school = self.school(s.pk, s.name, s.address, s.principal_name, s.principal_phone, s.security_name,
                             s.security_phone, s.police_station.name if s.police_station_id else "", s.longitude,
                             s.latitude)
        device = self.device(d.pk, d.name, d.serial, d.location) if d is not None else None
        return self.alarm(tuple(getattr(alarm, name) for name in _alarm_attnames()), school, device, alarm)


def alarm_dict(alarm: Alarm, user=None, cameras=None, guards=None) -> dict:
    """One alarm with its school's gate cameras and guards (read here unless given)."""
    cameras = cameras if cameras is not None else gate_cameras([alarm.school_id])
    guards = guards if guards is not None else guards_of([alarm.school_id])
    return _Serialiser(user, cameras, guards).instance(alarm)


def alarms_payload(alarms, user) -> list:
    alarms = list(alarms)
    schools = {a.school_id for a in alarms}
    out = _Serialiser(user, gate_cameras(schools), guards_of(schools))
    return [out.instance(a) for a in alarms]


def _with_relations(qs):
    return qs.select_related("school__police_station", "device")


def open_alarms(user, limit=200):
    qs = Alarm.objects.visible_to(user, VIEW).filter(status__in=OPEN_STATUSES)
    return _with_relations(qs).order_by("-received_at", "-id")[:limit]


def last_event_id() -> int:
    return AlarmEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _stamp(name):
    """A timestamp column read as text: Django's timestamptz loader for psycopg costs ~10 µs a value,
    most of a feed row's reading; ``datetime.fromisoformat`` is well under one."""
    return Cast(name, TextField()) if name.rsplit("__", 1)[-1] in TIMESTAMPS else name


_EVENT = ("id", "kind", "at", "detail")
_A = len(_EVENT)  # where a feed row's ALARM_COLUMNS start


@functools.cache
def _event_rows():
    return AlarmEvent.objects.values_list(*map(_stamp, (*_EVENT, *(f"alarm__{name}" for name in ALARM_COLUMNS))))


def events_after(user, after: int, limit=FEED_LIMIT) -> dict:
    """The feed since ``after`` as the user may see it: ``{"last": id, "events": [...], "more": bool}``."""
    rows = list(_event_rows().visible_to(user, VIEW).filter(id__gt=after).order_by("id")[:limit + 1])
    more = len(rows) > limit
    del rows[limit:]
    if not rows:
        return {"last": max(after, 0), "more": more, "events": []}
    return {"last": rows[-1][0], "more": more, "events": serialise(user, rows, context_of(rows))}


def rows_after(after: int, limit=FEED_LIMIT) -> tuple[list, bool]:
    """Every feed row after ``after`` (no user's scope: the feed hub's read, see ``visible_rows``), and
    whether there are more."""
    rows = list(_event_rows().filter(id__gt=after).order_by("id")[:limit + 1])
    more = len(rows) > limit
    del rows[limit:]
    return rows, more


def visible_rows(user, rows) -> list:
    """The rows the user may see: ``visible_to(user, VIEW)`` on the event's region and school, which are
    its alarm's (set so when the event is written), applied in memory through the same Scope."""
    scope = scope_for(user, VIEW)
    covers, seen = scope.covers, {}
    out = []
    for row in rows:
        key = (row[_A + _REGION], row[_A + _SCHOOL_ID])
        ok = seen.get(key)
        if ok is None:
            ok = seen[key] = covers(*key)
        if ok:
            out.append(row)
    return out


@dataclass
class Context:
    """What serialising feed rows needs besides the rows: their schools and devices (rows by id), the
    schools' gate cameras and guards (by school id)."""

    schools: dict
    devices: dict
    cameras: dict
    guards: dict


def ids_of(rows) -> tuple[set, set]:
    """The schools and devices of feed rows."""
    return {row[_A + _SCHOOL_ID] for row in rows}, {row[_A + _DEVICE_ID] for row in rows} - {None}


def load_context(school_ids, device_ids) -> Context:
    """Three queries whatever the number of schools and devices."""
    cameras, devices = _devices(school_ids, device_ids)
    schools = {r[0]: r for r in _school_rows().filter(pk__in=school_ids)}
    return Context(schools, devices, cameras, guards_of(school_ids))


def context_of(rows) -> Context:
    return load_context(*ids_of(rows))


def prepare(user):
    """Read what ``visible_rows`` and ``serialise`` ask of the user (roles, jurisdiction): they keep it on
    the user object, so afterwards serialising feed rows for that user reads nothing from the database and
    may run on the event loop."""
    scope_for(user, VIEW)
    can(user, HANDLE)
    scope_for(user, HANDLE)


def serialise(user, rows, context: Context) -> list:
    """Feed rows (as ``rows_after`` reads them) as the user's console shows them."""
    out = _Serialiser(user, context.cameras, context.guards)
    schools, devices = context.schools, context.devices
    kinds, iso = out.labels["kind"], out.iso_text
    alarms, events = {}, []
    for row in rows:
        alarm = alarms.get(row[_A])
        if alarm is None:
            device = devices.get(row[_A + _DEVICE_ID])
            alarm = alarms[row[_A]] = out.alarm(row[_A:], out.school(*schools[row[_A + _SCHOOL_ID]]),
                                                out.device(*device) if device else None, iso=iso)
        events.append({"id": row[0], "kind": row[1], "kind_label": kinds.get(row[1], row[1]), "at": iso(row[2]),
                       "detail": row[3], "alarm": alarm})
    return events
