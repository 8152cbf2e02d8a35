"""Storing incoming alarms: one transaction per batch, each alarm once whatever the retries.

The DC-09 receiver and the HTTP API both call ``receive_alarms``; they acknowledge the sender only
after it returned, i.e. after the commit.
"""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from huxiao.alarms import realtime
from huxiao.alarms.choices import RESPONSE_CATEGORIES, AlarmCategory, AlarmStatus, EventKind
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


def _alarm(item: Incoming, now) -> Alarm:
    category, label = classify(item.code)
    needs_police = category in RESPONSE_CATEGORIES and item.code.upper() not in RESTORE_CODES
    return Alarm(school_id=item.device.school_id, region_code=item.device.region_code, device=item.device,
                 source=item.source, dedup_key=item.dedup_key[:160], code=item.code.upper()[:8], label=label[:64],
                 category=category, zone=item.zone[:16], message=item.message[:200],
                 is_test=category == AlarmCategory.TEST, raw=item.raw[:2000], occurred_at=item.occurred_at,
                 received_at=now, status=AlarmStatus.RECEIVED if needs_police else AlarmStatus.RECORDED)


@transaction.atomic
def do_receive_alarms(items: list[Incoming], *, now=None) -> list[tuple[int, bool]]:
    """Store the alarms not stored yet; returns ``(alarm id, newly stored)`` for each item, in order."""
    now = now or timezone.now()
    keys = [i.dedup_key[:160] for i in items]
    stored = dict(Alarm.objects.filter(dedup_key__in=set(keys)).values_list("dedup_key", "id"))
    new, fresh = [], set()
    for item, key in zip(items, keys, strict=True):
        if key in stored or key in fresh:
            continue
        fresh.add(key)
        new.append(_alarm(item, now))
    if new:
        Alarm.objects.bulk_create(new, batch_size=1000)
        if any(a.pk is None for a in new):  # backends without RETURNING
            ids = dict(Alarm.objects.filter(dedup_key__in=fresh).values_list("dedup_key", "id"))
            for alarm in new:
                alarm.pk = alarm.id = ids[alarm.dedup_key]
        stored.update({a.dedup_key: a.pk for a in new})
        AlarmEvent.objects.bulk_create([
            AlarmEvent(alarm_id=a.pk, region_code=a.region_code, school_id=a.school_id, kind=EventKind.RECEIVED,
                       at=now, detail=f"{a.get_source_display()} {a.label}"[:300]) for a in new], batch_size=1000)
        AuditLog.objects.bulk_create([
            AuditLog(username="", action=AuditAction.CREATE, model="alarms.Alarm", object_id=str(a.pk),
                     object_repr=str(a)[:200], region_code=a.region_code, school_id=a.school_id,
                     after={"code": a.code, "source": a.source, "device": a.device_id, "zone": a.zone})
            for a in new], batch_size=1000)
        transaction.on_commit(_publish_latest)
    heard = {}
    for item in items:
        at = min(item.occurred_at or now, now)
        if item.device.pk not in heard or at > heard[item.device.pk]:
            heard[item.device.pk] = at
    record_heartbeats(list(heard.items()), source=HeartbeatSource.DC09 if items and items[0].source == "dc09"
                      else HeartbeatSource.HTTP)
    return [(stored[k], k in fresh) for k in keys]


def _publish_latest():
    last = AlarmEvent.objects.order_by("-id").values_list("id", flat=True).first()
    if last:
        realtime.publish(last)


def receive_alarms(items: list[Incoming], *, now=None) -> list[tuple[int, bool]]:
    """``do_receive_alarms``, retried once when another process stored one of the same alarms meanwhile."""
    try:
        return do_receive_alarms(items, now=now)
    except IntegrityError:
        return do_receive_alarms(items, now=now)
