"""Storing incoming alarms: one transaction per batch, each alarm once whatever the retries.

The DC-09 receiver and the HTTP API both call ``receive_alarms``; they acknowledge the sender only
after it returned, i.e. after the commit.
"""

import datetime
import json
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from huxiao.alarms import realtime
from huxiao.alarms.choices import RESPONSE_CATEGORIES, AlarmCategory, AlarmSource, AlarmStatus, EventKind
from huxiao.alarms.codes import classify
from huxiao.alarms.models import Alarm, AlarmEvent
from huxiao.core.choices import AuditAction
from huxiao.core.models import AuditLog
from huxiao.devices.choices import HeartbeatSource
from huxiao.devices.services import record_heartbeats

RESTORE_CODES = {"PR", "BR", "FR", "AR", "HR", "QR", "MR"}


@dataclass
class Incoming:
    """One alarm as a sender reported it."""

    device: object  # devices.Device
    source: str
    dedup_key: str
    code: str
    zone: str = ""
    message: str = ""
    occurred_at: datetime.datetime | None = None
    raw: str = ""


@dataclass
class _Row:
    """An alarm row about to be inserted (a plain object: a burst should not pay for model instances)."""

    school_id: int
    region_code: str
    device_id: int
    source: str
    dedup_key: str
    code: str
    label: str
    category: str
    zone: str
    message: str
    is_test: bool
    raw: str
    occurred_at: object
    status: str
    pk: int | None = None


def _alarm(item: Incoming) -> _Row:
    category, label = classify(item.code)
    code = item.code.upper()[:8]
    needs_police = category in RESPONSE_CATEGORIES and code not in RESTORE_CODES
    return _Row(item.device.school_id, item.device.region_code, item.device.pk, item.source, item.dedup_key[:160],
                code, label[:64], category, item.zone[:16], item.message[:200], category == AlarmCategory.TEST,
                item.raw[:2000], item.occurred_at,
                AlarmStatus.RECEIVED.value if needs_police else AlarmStatus.RECORDED.value)


def _insert(model, cols, rows, chunk=500):
    """Multi-row INSERT, one statement per ``chunk`` rows: a burst of alarms costs a few round trips,
    not the ORM's per-object work."""
    qn = connection.ops.quote_name
    if connection.vendor == "postgresql":  # COPY: the cheapest way in, one round trip
        with connection.cursor() as cursor, cursor.cursor.copy(
                f"COPY {qn(model._meta.db_table)} ({', '.join(qn(c) for c in cols)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    head = f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in cols)}) VALUES "
    one = "(" + ", ".join(["%s"] * len(cols)) + ")"
    with connection.cursor() as cursor:
        for i in range(0, len(rows), chunk):
            part = rows[i:i + chunk]
            cursor.execute(head + ", ".join([one] * len(part)), [v for row in part for v in row])


FEED_LOCK_KEY = 0x4855584941  # "HUXIA"


def feed_lock():
    """Serialise the tail of every transaction that adds feed events (until its commit), so event ids
    become visible in id order and a console's cursor can never skip an event committed late.
    SQLite has one writer at a time already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FEED_LOCK_KEY])


ALARM_COLS = ["school_id", "region_code", "device_id", "source", "dedup_key", "code", "label", "category", "zone",
              "message", "is_test", "raw", "occurred_at", "received_at", "status", "dispatch_officer", "disposition",
              "notes", "escalation_level"]


@transaction.atomic
def do_receive_alarms(items: list[Incoming], *, now=None, publish=True) -> list[tuple[int, bool]]:
    """Store the alarms not stored yet; returns ``(alarm id, newly stored)`` for each item, in order.

    ``publish=False``: the caller wakes the consoles itself (the DC-09 receiver does it from its event
    loop, on a channel-layer connection it keeps)."""
    now = now or timezone.now()
    keys = [i.dedup_key[:160] for i in items]
    stored = {}
    unique = list(dict.fromkeys(keys))
    for i in range(0, len(unique), 900):
        stored.update(Alarm.objects.filter(dedup_key__in=unique[i:i + 900]).values_list("dedup_key", "id"))
    new, fresh = [], set()
    for item, key in zip(items, keys, strict=True):
        if key in stored or key in fresh:
            continue
        fresh.add(key)
        new.append(_alarm(item))
    if new:
        adapt = connection.ops.adapt_datetimefield_value
        at = adapt(now)
        _insert(Alarm, ALARM_COLS, [
            (a.school_id, a.region_code, a.device_id, a.source, a.dedup_key, a.code, a.label, a.category, a.zone,
             a.message, a.is_test, a.raw, adapt(a.occurred_at) if a.occurred_at else None, at, a.status, "", "", "",
             0) for a in new])
        fresh_list = list(fresh)
        for i in range(0, len(fresh_list), 900):
            stored.update(Alarm.objects.filter(dedup_key__in=fresh_list[i:i + 900]).values_list("dedup_key", "id"))
        for a in new:
            a.pk = stored[a.dedup_key]
        _insert(AuditLog, ["at", "username", "action", "model", "object_id", "object_repr", "region_code",
                           "school_id", "after"], [
            (at, "", AuditAction.CREATE.value, "alarms.Alarm", str(a.pk), f"{a.label}（{a.school_id}）#{a.pk}"[:200],
             a.region_code, a.school_id,
             json.dumps({"code": a.code, "source": a.source, "device": a.device_id, "zone": a.zone},
                        ensure_ascii=False)) for a in new])
        if publish:
            transaction.on_commit(_publish_latest)
    heard = {}
    for item in items:
        at = min(item.occurred_at or now, now)
        if item.device.pk not in heard or at > heard[item.device.pk]:
            heard[item.device.pk] = at
    record_heartbeats(sorted(heard.items()), source=HeartbeatSource.DC09 if items and items[0].source == "dc09"
                      else HeartbeatSource.HTTP)
    if new:  # last: the feed lock is held from here to the commit
        feed_lock()
        source_labels = dict(AlarmSource.choices)
        _insert(AlarmEvent, ["alarm_id", "region_code", "school_id", "kind", "at", "detail"], [
            (a.pk, a.region_code, a.school_id, EventKind.RECEIVED.value, at,
             f"{source_labels[a.source]} {a.label}"[:300]) for a in new])
    return [(stored[k], k in fresh) for k in keys]


def _publish_latest():
    last = AlarmEvent.objects.order_by("-id").values_list("id", flat=True).first()
    if last:
        realtime.publish(last)


def receive_alarms(items: list[Incoming], *, now=None, publish=True) -> list[tuple[int, bool]]:
    """``do_receive_alarms``, retried once when another process stored one of the same alarms meanwhile."""
    try:
        return do_receive_alarms(items, now=now, publish=publish)
    except IntegrityError:
        return do_receive_alarms(items, now=now, publish=publish)
