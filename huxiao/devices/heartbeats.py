"""Batched heartbeats over HTTP, each entry signed by its own device.

A gateway (the school's NVR or alarm host, a county collector, or a device itself) posts
``{"heartbeats": [{"serial": "...", "ts": 1763880000, "sig": "<hex>"}, ...]}`` where ``sig`` is the
hex HMAC-SHA256, keyed with the device's secret, of ``"{serial}\\n{ts}"`` (see ``entry_signature``).
Each entry is judged on its own: the good ones are stored (in one transaction), an unknown device, a
bad signature, a stale or replayed entry is reported by its index and field, and does not cost the
gateway the other devices' heartbeats. Replays are refused without storing signatures: an entry must be
newer than the device's last accepted heartbeat (and, within a batch, than the previous entry of the same
device) and within ±MAX_SKEW seconds of the server clock.
"""

import datetime
import hashlib
import hmac
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huxiao.core import crypto
from huxiao.devices.models import Device
from huxiao.devices.services import StaleHeartbeat, record_heartbeats
from huxiao.devices.signing import MAX_SKEW, decoy_secret, not_authentic, signatures_match

MAX_BATCH = 5000
_secrets: dict[str, str] = {}  # secret_encrypted -> secret (decrypting is the costly part)


class BatchError(Exception):
    """A rejected batch; ``field`` names the entry and field (e.g. ``heartbeats[3].sig``)."""

    def __init__(self, field, message, status=400):
        super().__init__(message)
        self.field, self.message, self.status = field, message, status


def entry_signature(secret: str, serial: str, ts: int) -> str:
    return hmac.new(secret.encode(), f"{serial}\n{ts}".encode(), hashlib.sha256).hexdigest()


def _secret(encrypted: str) -> str:
    secret = _secrets.get(encrypted)
    if secret is None:
        if len(_secrets) > 200_000:
            _secrets.clear()
        secret = _secrets[encrypted] = crypto.decrypt(encrypted)
    return secret


def _devices(serials: list[str]) -> dict:
    """serial -> (id, encrypted secret, last_seen_at in Unix seconds or 0) of the active devices."""
    if connection.vendor == "postgresql":  # one array parameter instead of a thousand placeholders
        with connection.cursor() as cursor:
            literal = "{" + ",".join('"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"' for s in serials) + "}"
            cursor.execute("SELECT serial, id, secret_encrypted, "
                           "COALESCE(floor(extract(epoch FROM last_seen_at)), 0)::bigint "
                           f"FROM {Device._meta.db_table} WHERE serial = ANY(%s::text[]) AND active", [literal])
            return {serial: (pk, enc, last) for serial, pk, enc, last in cursor.fetchall()}
    return {serial: (pk, enc, int(last.timestamp()) if last else 0) for serial, pk, enc, last in
            Device.objects.filter(serial__in=serials, active=True).values_list(
                "serial", "pk", "secret_encrypted", "last_seen_at")}


@dataclass
class Outcome:
    """What became of a batch: how many entries were stored, and each refused entry with its reason."""

    accepted: int = 0
    rejected: list = field(default_factory=list)  # {"index", "field", "detail", "status"}

    def refuse(self, index, field_name, detail, status):
        self.rejected.append({"index": index, "field": field_name, "detail": str(detail), "status": status})


def _judge(entries, devices, now_s, outcome) -> list:
    """Check each entry on its own; the good ones as rows ``(device_id, at)``, the bad ones into ``outcome``."""
    newest: dict[str, int] = {}
    rows = []
    for i, e in enumerate(entries):
        if "\x00" in e.serial:
            outcome.refuse(i, f"heartbeats[{i}].serial", _("设备编号含非法字符"), 400)
            continue
        if abs(now_s - e.ts) > MAX_SKEW:
            outcome.refuse(i, f"heartbeats[{i}].ts",
                           _("时间戳超出允许范围（±%(s)d 秒），请校准设备时钟") % {"s": MAX_SKEW}, 400)
            continue
        # an unknown device and a bad signature: one answer, after the same work (signing.py)
        pk, encrypted, last_seen = devices.get(e.serial) or (None, decoy_secret(), 0)
        expected = entry_signature(_secret(encrypted), e.serial, e.ts)
        if not signatures_match(expected, e.sig.lower()) or pk is None:
            outcome.refuse(i, f"heartbeats[{i}]", not_authentic(), 401)
            continue
        floor = newest.get(e.serial, last_seen)
        if e.ts <= floor:
            outcome.refuse(i, f"heartbeats[{i}].ts", _("重复或过期的心跳（不晚于该设备上一次心跳），已拒绝"), 409)
            continue
        newest[e.serial] = e.ts
        rows.append((pk, datetime.datetime.fromtimestamp(e.ts, tz=datetime.UTC)))
    return rows


def accept_batch(entries: list, *, now=None) -> Outcome:
    """Verify every entry on its own, store the good ones in one transaction and report the bad ones per
    entry (``Outcome.rejected``). Raises BatchError only for the batch as a whole (empty, too large).

    Every stored entry is signed by its device and newer than that device's last heartbeat (and than the
    previous entry of the same device in the batch), so a replayed entry is refused wherever it appears.
    Two concurrent batches carrying the same entry: the strict UPDATE's row locks let only one store it;
    the other judges its entries again against the devices as they now are (locked) and refuses it."""
    now = now or timezone.now()
    now_s = int(now.timestamp())
    if not entries:
        raise BatchError("heartbeats", _("心跳批次为空"))
    if len(entries) > MAX_BATCH:
        raise BatchError("heartbeats", _("每批最多 %(max)d 条心跳，本批 %(n)d 条") % {"max": MAX_BATCH, "n": len(entries)})
    serials = list({e.serial for e in entries if "\x00" not in e.serial})
    with transaction.atomic():
        if connection.vendor == "postgresql" and getattr(settings, "HEARTBEAT_ASYNC_COMMIT", True):
            # a heartbeat is a supervision signal, not an alarm: do not wait for the WAL flush
            # (a crash may lose the last few hundred milliseconds of heartbeats, never corrupt anything)
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        # no row locks here: the strict UPDATE below re-checks "newer than last_seen_at" under its own
        # row locks, so two concurrent batches with the same entry cannot both be stored
        outcome = Outcome()
        rows = _judge(entries, _devices(serials), now_s, outcome)
        if not rows:
            return outcome
        try:
            with transaction.atomic():
                outcome.accepted = record_heartbeats(rows, strict=True)
        except StaleHeartbeat:
            # a concurrent batch got there first: judge again, with the devices locked as they now are
            outcome = Outcome()
            list(Device.objects.select_for_update().filter(serial__in=serials, active=True).values_list("pk"))
            rows = _judge(entries, _devices(serials), now_s, outcome)
            if rows:
                outcome.accepted = record_heartbeats(rows, strict=True)
        return outcome
