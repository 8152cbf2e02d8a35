"""Restores (DC-03 ``BR``, ``FR`` …; Contact ID qualifier 3): the panel says an alarm's condition is over.

A restore is stored as a record of its own (status 已记录: it never rings a console and never escalates)
and, when the same device has an open alarm of the same area, zone and event group (codes.event_group:
a burglary restore restores a burglary alarm), it is written on that alarm's timeline (a ``restored``
feed event, which consoles show on the alarm's card) and the alarm's ``restored_at`` is set. The alarm
stays open: the detector being back to normal does not tell the police there was nobody at the gate,
so the officer still closes it with a disposition. A restore without an open alarm is only the record.
"""

from django.utils.translation import gettext as _

from huxiao.alarms.choices import AlarmStatus, EventKind
from huxiao.alarms.codes import event_group
from huxiao.alarms.models import Alarm, AlarmEvent

OPEN = (AlarmStatus.RECEIVED, AlarmStatus.ACKNOWLEDGED, AlarmStatus.DISPATCHED, AlarmStatus.ARRIVED)


def _number(value: str) -> str:
    """Zone and area numbers as panels write them: ``004`` (Contact ID) and ``4`` (SIA) are one zone."""
    return (value or "").strip().lstrip("0") or ("0" if value else "")


def place(area: str, zone: str) -> str:
    """分区 2 防区 4, as the timeline says where."""
    parts = []
    if area:
        parts.append(_("分区 %(n)s") % {"n": area})
    if zone:
        parts.append(_("防区 %(n)s") % {"n": zone})
    return " ".join(parts)


def apply_restores(rows: list, new: dict, now, lock) -> int:
    """Annotate the open alarms the new restore ``rows`` (intake rows) restore; ``lock``: takes the feed
    lock before the first event is written. Returns how many alarms were annotated. One query for the
    devices' open alarms, one insert for the events, one update."""
    from huxiao.alarms.intake import R_AREA, R_CODE, R_ZONE

    if not rows:
        return 0
    devices = {r[2] for r in rows}
    candidates = list(Alarm.objects.filter(device_id__in=devices, status__in=OPEN, restored_at__isnull=True)
                      .order_by("-received_at", "-id")
                      .values_list("id", "device_id", "area", "zone", "code", "region_code", "school_id"))
    taken, events = set(), []
    for r in rows:
        group = event_group(r[R_CODE])
        for pk, device_id, area, zone, code, region_code, school_id in candidates:
            if (pk in taken or device_id != r[2] or _number(area) != _number(r[R_AREA])
                    or _number(zone) != _number(r[R_ZONE]) or not group or event_group(code) != group):
                continue
            taken.add(pk)
            detail = " ".join(x for x in (r[6], place(r[R_AREA], r[R_ZONE]),
                                          _("（恢复记录 #%(id)s）") % {"id": new[r[4]]}) if x)
            events.append(AlarmEvent(alarm_id=pk, region_code=region_code, school_id=school_id,
                                     kind=EventKind.RESTORED, at=now, detail=detail[:300]))
            break
    if not events:
        return 0
    lock()
    AlarmEvent.objects.bulk_create(events)
    Alarm.objects.filter(pk__in=taken).update(restored_at=now)
    return len(events)
