"""Alarm statistics, derived from the alarm records (nothing typed twice)."""

import datetime
import statistics

from django.db.models import Count
from django.utils import timezone

from huxiao.alarms.choices import AlarmCategory, AlarmStatus, Disposition
from huxiao.alarms.models import Alarm
from huxiao.core.models import Region
from huxiao.devices.choices import DeviceKind
from huxiao.devices.models import Device

VIEW = "alarms.view_stats"


def _seconds(pairs):
    values = sorted((b - a).total_seconds() for a, b in pairs if a and b)
    if not values:
        return {"count": 0, "median": None, "p90": None, "max": None}
    return {"count": len(values), "median": round(statistics.median(values), 1),
            "p90": round(values[min(len(values) - 1, int(len(values) * 0.9))], 1), "max": round(values[-1], 1)}


def compute(user, *, days=30, now=None) -> dict:
    now = now or timezone.now()
    since = now - datetime.timedelta(days=days)
    alarms = Alarm.objects.visible_to(user, VIEW).filter(received_at__gte=since)
    real = alarms.filter(is_test=False)
    by_category = dict(alarms.values_list("category").annotate(n=Count("id")))
    by_disposition = dict(real.exclude(disposition="").values_list("disposition").annotate(n=Count("id")))
    by_school = list(real.values("school_id", "school__name").annotate(n=Count("id")).order_by("-n", "school__name")[:20])
    by_district = {}
    for code, n in real.values_list("region_code").annotate(n=Count("id")):
        by_district[code[:6]] = by_district.get(code[:6], 0) + n
    names = dict(Region.objects.filter(pk__in=list(by_district)).values_list("code", "name"))
    timings = list(real.filter(category__in=[AlarmCategory.EMERGENCY, AlarmCategory.INTRUSION, AlarmCategory.FIRE,
                                             AlarmCategory.OTHER])
                   .values_list("received_at", "acknowledged_at", "arrived_at"))
    closed = sum(by_disposition.values())
    false_n = by_disposition.get(Disposition.FALSE, 0)
    panels = Device.objects.visible_to(user, VIEW).filter(
        active=True, kind__in=[DeviceKind.ALARM_PANEL, DeviceKind.ALARM_BUTTON])
    tested = set(Alarm.objects.filter(is_test=True, device__isnull=False).values_list("device_id", flat=True)
                 .distinct())
    never = [{"id": d.pk, "name": d.name, "serial": d.serial, "school": d.school.name}
             for d in panels.select_related("school") if d.pk not in tested]
    # DC-09 frames the receiver refused as forged (plaintext to an encrypted account, wrong key), per device
    forged = [{"id": d.pk, "name": d.name, "serial": d.serial, "school": d.school.name, "account": d.dc09_account,
               "count": d.forged_frames, "last_at": d.last_forged_at}
              for d in Device.objects.visible_to(user, VIEW).filter(forged_frames__gt=0).select_related("school")
              .order_by("-last_forged_at")[:50]]
    return {
        "days": days, "total": alarms.count(), "real": real.count(), "tests": alarms.filter(is_test=True).count(),
        "open": real.exclude(status__in=[AlarmStatus.CLOSED, AlarmStatus.RECORDED]).count(),
        "by_category": [{"category": c, "label": str(AlarmCategory(c).label), "count": by_category.get(c, 0)}
                        for c in AlarmCategory.values],
        "by_disposition": [{"disposition": d, "label": str(Disposition(d).label), "count": by_disposition.get(d, 0)}
                           for d in Disposition.values],
        "by_school": [{"school_id": r["school_id"], "school": r["school__name"], "count": r["n"]} for r in by_school],
        "by_region": [{"region_code": c, "region": names.get(c, c), "count": n}
                      for c, n in sorted(by_district.items(), key=lambda kv: -kv[1])],
        "time_to_acknowledge": _seconds((r, a) for r, a, _ in timings),
        "time_to_arrive": _seconds((r, v) for r, _, v in timings),
        "false_alarm_rate": round(false_n / closed, 4) if closed else None,
        "devices": panels.count(),
        "devices_never_tested": never,
        "forged_frames": sum(d["count"] for d in forged),
        "devices_forged": forged,
    }
