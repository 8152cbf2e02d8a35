"""State changes of the device registry; heartbeats from every source go through record_heartbeats.

The registry owns ``Device.network_state``: heartbeats move it as they arrive, ``sweep_network_states``
(on every ``clock.tick``) finds the devices whose window ran out. Each change is announced after the commit
(``devices.network_changed``, ``devices.silent``, ``devices.registry_changed``); compliance follows in
its handlers, never inside the transaction that stored a heartbeat or an alarm.
"""

import datetime
import secrets
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from huxiao.core import audit, crypto, events
from huxiao.core.actions import require
from huxiao.core.choices import AuditAction
from huxiao.devices.audit_events import DeviceAudit
from huxiao.devices.choices import HeartbeatSource
from huxiao.devices.models import Device, Heartbeat
from huxiao.devices.signals import NETWORK_CHANGED, REGISTRY_CHANGED, SILENT

AUDIT_EXCLUDE = ("secret_encrypted", "dc09_key_encrypted")


@transaction.atomic
def do_register_device(school, data: dict, *, actor) -> tuple[Device, str]:
    """Register a device; returns it with its raw HTTP secret (shown once, stored encrypted)."""
    require(actor, "devices.register_device", school)
    raw_secret = secrets.token_hex(32)
    device = Device(school=school, secret_encrypted=crypto.encrypt(raw_secret), **data)
    device.full_clean(exclude=["region_code"])
    device.save()
    audit.record(AuditAction.CREATE, device, actor=actor, after=audit.snapshot(device, exclude=AUDIT_EXCLUDE),
                 event=DeviceAudit.REGISTER)
    events.emit(REGISTRY_CHANGED, school_ids=[school.pk])
    return device, raw_secret


@transaction.atomic
def do_set_device_active(device: Device, active: bool, *, actor) -> Device:
    """Take a device out of use (拆除/停用) or back into use; a device out of use is never networked."""
    require(actor, "devices.register_device", device)
    before = {"active": device.active}
    device.active = active
    if not active:
        device.network_state = False
    device.save(update_fields=["active", "network_state"])
    audit.record(AuditAction.UPDATE, device, actor=actor, before=before, after={"active": active},
                 event=DeviceAudit.REACTIVATE if active else DeviceAudit.DEACTIVATE)
    events.emit(REGISTRY_CHANGED, school_ids=[device.school_id])
    return device


@transaction.atomic
def do_rotate_device_secret(device: Device, *, actor) -> str:
    """Give the device a new HTTP signing secret; returns it (shown once, stored encrypted). From the
    commit on, requests and heartbeat entries signed with the old secret are refused. The audit entry
    records the rotation, never either secret."""
    require(actor, "devices.register_device", device)
    raw_secret = secrets.token_hex(32)
    device.secret_encrypted = crypto.encrypt(raw_secret)
    device.save(update_fields=["secret_encrypted"])
    audit.record(AuditAction.UPDATE, device, actor=actor, after={"secret": "rotated"}, event=DeviceAudit.ROTATE_SECRET)
    return raw_secret


def device_secret(device: Device) -> str:
    return crypto.decrypt(device.secret_encrypted)


def dc09_key(encrypted: str) -> str:
    """A DC-09 AES key as stored (encrypted at rest), in clear; "" for an unencrypted account."""
    return crypto.decrypt(encrypted) if encrypted else ""


def device_dc09_key(device: Device) -> str:
    return dc09_key(device.dc09_key_encrypted)


class StaleHeartbeat(Exception):
    """``strict`` ingestion found a device whose last heartbeat is not older than the new one (a replay,
    or a concurrent batch that got there first); the transaction is rolled back."""


@transaction.atomic(savepoint=False)  # callers inside a transaction roll it back whole on error
def record_heartbeats(entries: Iterable[tuple[int, object]], source=HeartbeatSource.HTTP, *, strict=False,
                      min_step: datetime.timedelta | None = None) -> int:
    """Store heartbeats ``(device_id, at)`` and move each device's ``last_seen_at`` forward (never back).

    On PostgreSQL the rows go in with one COPY and the devices with one UPDATE … FROM unnest(…); devices
    whose networked state changes are announced after the commit (``devices.network_changed``).
    With ``strict``, every device must move forward, else StaleHeartbeat (the row locks taken by the
    UPDATE make this exact under concurrent batches). With ``min_step`` (signs of life that are not
    heartbeats, e.g. alarms), a device heard less than ``min_step`` before is left alone and no row is
    written for it: a burst of alarms does not rewrite the same device rows again and again.
    """
    now = timezone.now()
    rows = [(device_id, at) for device_id, at in entries]
    if not rows:
        return 0
    latest: dict[int, datetime.datetime] = {}
    for device_id, at in rows:
        at = min(at, now)
        if device_id not in latest or at > latest[device_id]:
            latest[device_id] = at
    if connection.vendor == "postgresql":
        moved, changed = _record_pg(rows, latest, now, source, min_step)
    else:
        moved, changed = _record_orm(rows, latest, now, source, min_step)
    if strict and moved != len(latest):
        raise StaleHeartbeat(len(latest) - moved)
    if changed:
        events.emit(NETWORK_CHANGED, school_ids=sorted(changed), at=now.isoformat())
    return len(rows)


def _record_pg(rows, latest, now, source, min_step) -> tuple[int, set]:
    with connection.cursor() as cursor:
        raw = cursor.cursor
        # arrays as text literals: psycopg's per-element list dumping costs more than the UPDATE itself
        ids = "{" + ",".join(str(pk) for pk in latest) + "}"
        epochs = "{" + ",".join(repr(at.timestamp()) for at in latest.values()) + "}"
        device_table = Device._meta.db_table
        # "= ANY(ids)" on both sides lets the planner fetch the devices by primary key instead of
        # hashing the whole table; "old" is the row as it was before this statement (for the state change)
        raw.execute(
            f"UPDATE {device_table} AS d SET last_seen_at = v.at, "
            f"network_state = (d.active AND v.at >= %s - d.supervision_window) "
            f"FROM (SELECT id, to_timestamp(e) AS at FROM unnest(%s::bigint[], %s::float8[]) AS u(id, e)) AS v, "
            f"{device_table} AS old "
            f"WHERE d.id = v.id AND old.id = v.id AND d.id = ANY(%s::bigint[]) AND old.id = ANY(%s::bigint[]) "
            f"AND (d.last_seen_at IS NULL OR d.last_seen_at < v.at - %s) "
            f"RETURNING d.id, d.school_id, old.network_state, d.network_state",
            (now, ids, epochs, ids, ids, min_step or datetime.timedelta(0)))
        result = raw.fetchall()
        if min_step is not None:
            moved_ids = {pk for pk, *_ in result}
            rows = [row for row in rows if row[0] in moved_ids]
        if rows:
            with raw.copy(f"COPY {Heartbeat._meta.db_table} (device_id, at, received_at, source) "
                          f"FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(["int8", "timestamptz", "timestamptz", "varchar"])  # binary: ~40% cheaper than text
                for device_id, at in rows:
                    copy.write_row((device_id, at, now, source))
        return len(result), {school_id for _, school_id, was, is_now in result if was != is_now}


def _record_orm(rows, latest, now, source, min_step) -> tuple[int, set]:
    changed, moved_ids = set(), set()
    step = min_step or datetime.timedelta(0)
    current = Device.objects.filter(pk__in=list(latest)).values_list(
        "pk", "school_id", "last_seen_at", "network_state", "active", "supervision_window")
    for pk, school_id, last_seen, state, active, window in current:
        at = latest[pk]
        if last_seen is not None and last_seen >= at - step:
            continue
        new_state = bool(active and at >= now - window)
        if Device.objects.filter(pk=pk).filter(Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=at - step)).update(
                last_seen_at=at, network_state=new_state):
            moved_ids.add(pk)
            if new_state != state:
                changed.add(school_id)
    if min_step is not None:
        rows = [row for row in rows if row[0] in moved_ids]
    Heartbeat.objects.bulk_create([Heartbeat(device_id=d, at=at, received_at=now, source=source) for d, at in rows],
                                  batch_size=5000)
    return len(moved_ids), changed


def _online(now) -> Q:
    return Q(active=True, last_seen_at__isnull=False, last_seen_at__gte=now - F("supervision_window"))


@transaction.atomic
def sweep_network_states(now=None) -> int:
    """Devices whose networked state changed without a heartbeat to say so (silent past their window; or
    heard again when the heartbeat's own update could not tell): store the new state, announce it after the
    commit (``devices.silent`` for the ones gone quiet, ``devices.network_changed`` for every school
    concerned). Run on every ``clock.tick``; returns the number of devices changed."""
    now = now or timezone.now()
    online = _online(now)
    silent = list(Device.objects.filter(network_state=True).exclude(online).values_list("pk", "school_id"))
    back = list(Device.objects.filter(online, network_state=False).values_list("pk", "school_id"))
    if silent:
        # the condition again in the UPDATE: a heartbeat in between keeps its device networked
        Device.objects.filter(pk__in=[pk for pk, _school in silent], network_state=True).exclude(online).update(
            network_state=False)
        events.emit(SILENT, device_ids=sorted(pk for pk, _school in silent),
                    school_ids=sorted({school for _pk, school in silent}))
    if back:
        Device.objects.filter(online, pk__in=[pk for pk, _school in back], network_state=False).update(
            network_state=True)
    schools = {school for _pk, school in silent + back}
    if schools:
        events.emit(NETWORK_CHANGED, school_ids=sorted(schools), at=now.isoformat())
    return len(silent) + len(back)


def catch_up_network_states(now=None) -> list[int]:
    """The sweep at read time: before figures are read, store the networked state of the devices whose
    window ran out (or that were heard again) since the last sweep, so that a silent device changes the
    rates whether or not a clock or a background worker runs. One query when nothing changed (the
    devices whose stored state differs from what their last heartbeat says now); returns the ids of the
    schools whose devices changed state, for a reader that re-evaluates them at once (the
    ``devices.network_changed`` handlers may be queued for a worker that is not running)."""
    now = now or timezone.now()
    online = _online(now)
    changed = sorted(set(Device.objects.order_by().filter((Q(network_state=True) & ~online) | (Q(network_state=False) & online))
                         .values_list("school_id", flat=True)))
    if changed:
        sweep_network_states(now)
    return changed


def models_q_last_seen_before(at):
    return Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=at)


def last_heartbeat(device: Device):
    return device.heartbeats.aggregate(m=Max("at"))["m"]
