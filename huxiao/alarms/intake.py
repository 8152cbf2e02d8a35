"""Storing incoming alarms: one transaction per batch, each alarm once whatever the retries.

The DC-09 receiver and the HTTP API both call ``store_alarms`` / ``receive_alarms``; they acknowledge
the sender only after it returned, i.e. after the commit. On PostgreSQL a batch is three statements
whatever its size — the alarms in one ``INSERT … ON CONFLICT DO NOTHING`` fed by one JSON document,
the devices' heartbeats, the feed events — so a burst of a thousand alarms costs little Python per
alarm. SQLite takes multi-row INSERTs.

The receipt of an alarm is recorded by the alarm row itself (with its raw frame) and its ``received``
feed event, both never edited; it is not copied into the audit log, which records what people do
(every life-cycle step, through ``services``).

A batch is an entry point (``core.actions.entry_point``: a durable transaction, never inside another), so
when it returns the alarms are committed and the sender may be told. Nothing but the alarm path runs in
it: the devices' heartbeats announce networked-state changes as events dispatched after the commit
(``devices.network_changed``), so compliance re-evaluates afterwards, in its own handler, and a failure
there can never undo or refuse an alarm.
"""

import datetime
import functools
from dataclasses import dataclass

import orjson
import psycopg
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import get_language

from huxiao.alarms import realtime
from huxiao.alarms.choices import RESPONSE_CATEGORIES, AlarmCategory, AlarmSource, AlarmStatus, EventKind
from huxiao.alarms.codes import ALARM, EVENT_KINDS, TEST, classify, sia_kind
from huxiao.alarms.models import Alarm, AlarmEvent, AlarmReceipt
from huxiao.alarms.restores import apply_restores
from huxiao.core.actions import entry_point
from huxiao.devices.choices import HeartbeatSource
from huxiao.devices.services import record_heartbeats

# an alarm proves its device alive; within a burst one heartbeat per device per this step is enough
ALARM_HEARTBEAT_STEP = datetime.timedelta(seconds=10)
# A retransmission carries the same account, sequence number and content but a fresh timestamp (and maybe
# another path): it is the same event within this window. DC-09 sequence numbers run 0001–9999 and wrap,
# so the same key recurs legitimately later on; the window must also stay well above a panel's retry span
# (DC-09 §5.5: a few retries over seconds, then the back-up path). Keys of senders that give a sequence
# number are stored with the window's bucket: a retry matches the current bucket's key (ON CONFLICT) or
# the previous bucket's when it is younger than the window.
DEDUP_WINDOW = datetime.timedelta(minutes=10)
FEED_LOCK_KEY = 0x4855584941  # "HUXIA"
ALARM_COLS = ["school_id", "region_code", "device_id", "source", "dedup_key", "code", "label", "category", "area",
              "zone", "user", "event_kind", "message", "is_test", "raw", "occurred_at", "received_at", "status",
              "dispatch_officer", "disposition", "notes", "escalation_level", "path", "sequence"]
# positions in a row of _row (ALARM_COLS without received_at and the constant tail, then the extras)
R_KEY, R_CODE, R_AREA, R_ZONE, R_KIND, R_OCCURRED, R_STATUS, R_PREV, R_PATH, R_SEQ = 4, 5, 8, 9, 11, 15, 16, 17, 18, 19
N_COLS = 17  # the ALARM_COLS values a row carries


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
    area: str = ""  # partition: SIA ``ri``, Contact ID group
    event_kind: str = "alarm"  # codes.EVENT_KINDS: "alarm", "restore", "opening", "closing", "status", "test"
    path: str = ""  # how it arrived, e.g. "tcp 10.1.2.3 R0 L0"
    sequence: str = ""  # the sender's sequence number (DC-09 0001…9999)
    user: str = ""  # the user number of an opening / closing (SIA ``id``, Contact ID zone of a 4xx)


def kind_of(item: Incoming, code: str) -> str:
    """What the event is: as the receiver classified it (a Contact ID qualifier says more than the SIA code
    it maps to), else from the code (HTTP senders)."""
    kind = item.event_kind
    return kind if kind in EVENT_KINDS and kind != ALARM else sia_kind(code)


def keys_of(item: Incoming, bucket: int) -> tuple[str, str | None]:
    """The stored dedup key and, for a sender with wrapping sequence numbers, the previous window's."""
    key = item.dedup_key[:160]
    if not item.sequence:
        return key, None
    base = key[:140]
    return f"{base}@{bucket}", f"{base}@{bucket - 1}"


def _row(item: Incoming, key: str, prev: str | None, language) -> list:
    """The alarm's column values in ALARM_COLS order up to ``status`` but ``received_at`` (the rest is the
    batch's), then the previous window's key, the path and the sequence number."""
    code = item.code.upper()[:8]
    category, label = classify(code, language)
    kind = kind_of(item, code)
    needs_police = kind == ALARM and category in RESPONSE_CATEGORIES
    device = item.device
    return [device.school_id, device.region_code, device.pk, item.source, key, code, label[:64], category,
            item.area[:16], item.zone[:16], item.user[:16], kind, item.message[:200],
            category == AlarmCategory.TEST or kind == TEST, item.raw[:2000], item.occurred_at,
            AlarmStatus.RECEIVED.value if needs_police else AlarmStatus.RECORDED.value, prev, item.path[:64],
            item.sequence[:8]]


def feed_lock():
    """Serialise the tail of every transaction that adds feed events (until its commit), so event ids
    become visible in id order and a console's cursor can never skip an event committed late.
    SQLite has one writer at a time already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FEED_LOCK_KEY])


def _detail_sql() -> tuple[str, list]:
    """SQL for a received event's text, ``<source> <label>`` as the console shows it."""
    whens = " ".join("WHEN %s THEN %s" for _ in AlarmSource.choices)
    params = [v for value, label in AlarmSource.choices for v in (value, str(label))]
    return f"left((CASE a.source {whens} ELSE a.source END) || ' ' || a.label, 300)", params


@functools.cache
def _insert_sql() -> str:
    """One statement: the batch's alarms from a JSON array (one round trip, no per-value adaptation),
    skipping those already stored (this window's key: ON CONFLICT; the previous window's: found on the
    key's unique index). The first reception's path and sequence number are the alarm's own columns: a
    receipt row is written only for a further reception (``_duplicates``)."""
    qn = connection.ops.quote_name
    table = qn(Alarm._meta.db_table)
    cast = ["bigint", "text", "bigint", "text", "text", "text", "text", "text", "text", "text", "text", "text",
            "text", "boolean", "text", "timestamptz", "text"]
    fields = [f"(r->>{i})::{t}" for i, t in enumerate(cast)]  # the JSON row, then received_at before status
    # the previous window's keys in one index scan (= ANY of the batch's keys), not one correlated
    # sub-query per row: that one cost a third of the receiver's throughput
    return (f"WITH src AS (SELECT r, n FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS t(r, n)), "
            f"old AS (SELECT dedup_key FROM {table} WHERE dedup_key = ANY(%s::varchar[]) AND received_at >= %s), "
            f"ins AS (INSERT INTO {table} ({', '.join(qn(c) for c in ALARM_COLS)}) "
            f"SELECT {', '.join(fields[:N_COLS - 1])}, %s, {fields[N_COLS - 1]}, '', '', '', 0, "
            f"r->>{R_PATH}, r->>{R_SEQ} FROM src "
            f"WHERE r->>{R_PREV} IS NULL OR r->>{R_PREV} NOT IN (SELECT dedup_key FROM old) ORDER BY n "
            f"ON CONFLICT (dedup_key) DO NOTHING RETURNING dedup_key, id) "
            f"SELECT dedup_key, id FROM ins")


def _store_pg(rows: list, now) -> dict:
    """Insert the alarms not stored yet; returns ``{dedup_key: id}`` of the new ones.

    The foreign keys (school, device) are checked by this statement, not at the commit as Django
    declares them (deferred): the checks of concurrent batches then run in parallel instead of one
    after the other under the feed lock."""
    connection.ensure_connection()
    raw = connection.connection
    # both statements in one round trip (pipeline), the JSON sent as a parameter: with server-side
    # binding it is not escaped into the statement's text (~5 % of the receiver's time for a burst)
    with connection.wrap_database_errors, raw.pipeline(), psycopg.Cursor(raw) as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(_insert_sql(), [orjson.dumps(rows).decode(), [r[R_PREV] for r in rows if r[R_PREV]],
                                       now - DEDUP_WINDOW, now])
        return dict(cursor.fetchall())


def _feed_pg(ids: list[int], now) -> tuple[int, list]:
    """The ``received`` feed events of the new alarms, under the feed lock. Returns the newest event id
    before them (every event up to it is committed: all feed writers hold the lock to their commit) and
    ``(event id, alarm id, detail)`` of each, in id order."""
    qn = connection.ops.quote_name
    table = qn(AlarmEvent._meta.db_table)
    detail, params = _detail_sql()
    with connection.cursor() as cursor:  # the feed lock (see feed_lock) and the insert in one round trip
        cursor.execute(
            f"SELECT pg_advisory_xact_lock(%s); "
            f"WITH prev AS (SELECT coalesce(max(id), 0) AS id FROM {table}), "
            f"ev AS (INSERT INTO {table} (alarm_id, region_code, school_id, kind, at, "
            f"detail) SELECT a.id, a.region_code, a.school_id, %s, %s, {detail} FROM {qn(Alarm._meta.db_table)} a "
            f"WHERE a.id = ANY(%s::bigint[]) ORDER BY a.id RETURNING id, alarm_id, detail) "
            f"SELECT (SELECT id FROM prev), ev.id, ev.alarm_id, ev.detail FROM ev ORDER BY ev.id",
            [FEED_LOCK_KEY, EventKind.RECEIVED.value, now, *params, "{" + ",".join(map(str, ids)) + "}"])
        cursor.cursor.nextset()
        events = cursor.fetchall()
    return events[0][0], [event[1:] for event in events]


def _feed_rows(rows: list, new: dict, events: list, now) -> list:
    """The new events as ``feed.rows_after`` reads them back (timestamps as ISO text, columns as
    feed.ALARM_COLUMNS), so consoles can be given them with the wake-up instead of each process reading
    them again."""
    stamp = now.isoformat()
    by_id = {new[r[R_KEY]]: r for r in rows if r[R_KEY] in new}
    out = []
    for event_id, alarm_id, detail in events:
        r = by_id[alarm_id]
        occurred = r[R_OCCURRED].isoformat() if r[R_OCCURRED] else None
        out.append((event_id, EventKind.RECEIVED.value, stamp, detail,
                    alarm_id, r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[3], r[R_STATUS], stamp,
                    occurred, None, None, None, None, None, "", "", "", 0, r[0], r[1], r[2]))
    return out


def _insert(model, cols, rows, chunk=300):
    """Multi-row INSERT (SQLite), one statement per ``chunk`` rows."""
    qn = connection.ops.quote_name
    head = f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in cols)}) VALUES "
    one = "(" + ", ".join(["%s"] * len(cols)) + ")"
    with connection.cursor() as cursor:
        for i in range(0, len(rows), chunk):
            part = rows[i:i + chunk]
            cursor.execute(head + ", ".join([one] * len(part)), [v for row in part for v in row])


def _existing(keys, since=None) -> dict:
    """``{dedup_key: id}`` of the stored alarms among ``keys`` (received since ``since``, if given)."""
    found = {}
    keys = list(keys)
    for i in range(0, len(keys), 900):
        qs = Alarm.objects.filter(dedup_key__in=keys[i:i + 900])
        if since is not None:
            qs = qs.filter(received_at__gte=since)
        found.update(qs.values_list("dedup_key", "id"))
    return found


def _store_sqlite(rows: list, now) -> dict:
    stored = _existing(r[R_KEY] for r in rows)
    stored.update(_existing((r[R_PREV] for r in rows if r[R_PREV]), since=now - DEDUP_WINDOW))
    rows = [r for r in rows if r[R_KEY] not in stored and r[R_PREV] not in stored]
    if not rows:
        return {}
    adapt = connection.ops.adapt_datetimefield_value
    at = adapt(now)
    _insert(Alarm, ALARM_COLS, [(*r[:R_OCCURRED], adapt(r[R_OCCURRED]) if r[R_OCCURRED] else None, at, r[R_STATUS],
                                 "", "", "", 0, r[R_PATH], r[R_SEQ]) for r in rows])
    new = _existing(r[R_KEY] for r in rows)
    labels = dict(AlarmSource.choices)
    _insert(AlarmEvent, ["alarm_id", "region_code", "school_id", "kind", "at", "detail"], [
        (new[r[R_KEY]], r[1], r[0], EventKind.RECEIVED.value, at, f"{labels[r[3]]} {r[6]}"[:300]) for r in rows])
    return new


def _duplicates(items, keys, prevs, first, new, now) -> dict:
    """Record each further reception (a retry, a copy over the other path) as a receipt of its alarm;
    returns ``{key: alarm id}`` of every item's alarm."""
    missing = {k for k in keys if k not in new}
    if not missing:
        return new
    stored = {**_existing(missing), **new}
    older = _existing({prevs[k] for k in missing if prevs[k] and k not in stored}, since=now - DEDUP_WINDOW)
    ids = {k: stored.get(k) or older[prevs[k]] for k in keys}
    AlarmReceipt.objects.bulk_create([
        AlarmReceipt(alarm_id=ids[k], at=now, path=item.path[:64], sequence=item.sequence[:8], raw=item.raw[:2000])
        for k, item in zip(keys, items, strict=True) if k not in new or first[k] is not item])
    return ids


@entry_point
def do_store_alarms(items: list[Incoming], *, now=None, publish=True, heartbeats=(), heartbeat_source=None,
                    wake_rows=True) -> tuple[list[tuple[int, bool]], dict | None]:
    """Store the alarms not stored yet; returns ``(alarm id, newly stored)`` for each item, in order, and
    the consoles' wake-up message (``realtime.wake_message``) when any alarm was new (else None).

    Restores among the new ones annotate the open alarms they restore (``restores``). ``heartbeats``:
    further ``(device id, at)`` sign-of-life entries (DC-09 supervision frames) stored in the same
    transaction. ``publish=False``: the caller wakes the consoles itself (the DC-09 receiver does it from
    its event loop, on a channel-layer connection it keeps). ``wake_rows=False``: the wake-up carries no
    events (a caller that cannot reach other processes' consoles anyway)."""
    now = now or timezone.now()
    bucket = int(now.timestamp() // DEDUP_WINDOW.total_seconds())
    keys, prevs, first = [], {}, {}
    for item in items:
        key, prev = keys_of(item, bucket)
        keys.append(key)
        prevs[key] = prev
        first.setdefault(key, item)
    language = get_language()
    rows = [_row(item, key, prevs[key], language) for key, item in first.items()]
    if connection.vendor == "postgresql":
        new = _store_pg(rows, now) if rows else {}
    else:
        new = _store_sqlite(rows, now)
    # an alarm is a sign of life too: at most one heartbeat per device and ALARM_HEARTBEAT_STEP
    heard = {}
    for item in items:
        at = min(item.occurred_at or now, now)
        if item.device.pk not in heard or at > heard[item.device.pk]:
            heard[item.device.pk] = at
    source = heartbeat_source or (HeartbeatSource.DC09 if items and items[0].source == AlarmSource.DC09
                                  else HeartbeatSource.HTTP)
    if heard:
        record_heartbeats(sorted(heard.items()), source=source, min_step=ALARM_HEARTBEAT_STEP)
    if heartbeats:
        record_heartbeats(heartbeats, source=source)
    wake = None
    if new:  # last: the feed lock is held from here to the commit
        restored = apply_restores([r for r in rows if r[R_KEY] in new and r[R_KIND] == "restore"], new, now,
                                  feed_lock)
        if connection.vendor == "postgresql":
            prev, events = _feed_pg(sorted(new.values()), now)
            wake = realtime.wake_message(events[-1][0], prev,
                                         _feed_rows(rows, new, events, now) if wake_rows else None)
        else:
            wake = realtime.wake_message(AlarmEvent.objects.order_by("-id").values_list("id", flat=True).first())
        if restored and wake_rows:  # the restore events are not in the rows: the hubs read the feed
            wake.pop("rows", None)
    if wake and publish:
        transaction.on_commit(lambda: realtime.publish(wake))
    ids = _duplicates(items, keys, prevs, first, new, now)
    return [(ids[k], k in new) for k in keys], wake


def store_alarms(items: list[Incoming], **kwargs) -> tuple[list[tuple[int, bool]], dict | None]:
    """``do_store_alarms``, retried once when another process stored one of the same alarms meanwhile
    (SQLite; PostgreSQL's ``ON CONFLICT DO NOTHING`` waits for the other and skips)."""
    try:
        return do_store_alarms(items, **kwargs)
    except IntegrityError:
        return do_store_alarms(items, **kwargs)


def receive_alarms(items: list[Incoming], *, now=None, publish=True) -> list[tuple[int, bool]]:
    """Store alarms (see ``do_store_alarms``); returns ``(alarm id, newly stored)`` for each item."""
    return store_alarms(items, now=now, publish=publish)[0]
