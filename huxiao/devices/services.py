"""State changes of the device registry; heartbeats from every source go through record_heartbeats."""

import secrets
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from huxiao.core import audit, crypto
from huxiao.core.choices import AuditAction
from huxiao.devices.choices import HeartbeatSource
from huxiao.devices.models import Device, Heartbeat


@transaction.atomic
def do_register_device(school, data: dict, *, actor) -> tuple[Device, str]:
    """Register a device; returns it with its raw HTTP secret (shown once, stored encrypted)."""
    raw_secret = secrets.token_hex(32)
    device = Device(school=school, secret_encrypted=crypto.encrypt(raw_secret), **data)
    device.full_clean(exclude=["region_code"])
    device.save()
    audit.record(AuditAction.CREATE, device, actor=actor, after=audit.snapshot(
        device, exclude=("secret_encrypted", "dc09_key_encrypted")))
    return device, raw_secret


def device_secret(device: Device) -> str:
    return crypto.decrypt(device.secret_encrypted)


def device_dc09_key(device: Device) -> str:
    return crypto.decrypt(device.dc09_key_encrypted) if device.dc09_key_encrypted else ""


@transaction.atomic
def record_heartbeats(entries: Iterable[tuple[int, object]], source=HeartbeatSource.HTTP) -> int:
    """Store heartbeats ``(device_id, at)`` and move each device's ``last_seen_at`` forward (never back)."""
    now = timezone.now()
    rows = [Heartbeat(device_id=device_id, at=at, received_at=now, source=source) for device_id, at in entries]
    if not rows:
        return 0
    Heartbeat.objects.bulk_create(rows, batch_size=5000)
    latest = {}
    for row in rows:
        if row.device_id not in latest or row.at > latest[row.device_id]:
            latest[row.device_id] = min(row.at, now)
    for device_id, at in latest.items():
        Device.objects.filter(pk=device_id).filter(
            models_q_last_seen_before(at)).update(last_seen_at=at)
    return len(rows)


def models_q_last_seen_before(at):
    from django.db.models import Q

    return Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=at)


def last_heartbeat(device: Device):
    return device.heartbeats.aggregate(m=Max("at"))["m"]
