"""Alarm statistics over a period, derived from the alarm records (nothing typed twice).

A period is whole Beijing days: the last 7, 30 or 90 days (today included), a calendar month or a custom
range of dates. The page's table, its charts and the API give the same figures from ``compute``.
"""

import dataclasses
import datetime
import re
import statistics

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huxiao.alarms.choices import AlarmCategory, AlarmStatus, Disposition
from huxiao.alarms.models import Alarm
from huxiao.core.models import Region
from huxiao.devices.models import Device

VIEW = "alarms.view_stats"
PRESET_DAYS = (7, 30, 90)
NEVER_TESTED_SHOWN = 20  # alarm devices never tested listed on the page (the rest: the filtered device list)
MAX_DAYS = 3660
FIRST_DAY, LAST_DAY = datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
# response-time bands of the chart and its table: (upper bound in seconds, label)
BANDS = ((30, gettext_lazy("≤30 秒")), (60, gettext_lazy("30 秒–1 分钟")), (180, gettext_lazy("1–3 分钟")),
         (300, gettext_lazy("3–5 分钟")), (600, gettext_lazy("5–10 分钟")), (None, gettext_lazy("10 分钟以上")))


@dataclasses.dataclass(frozen=True)
class Period:
    """Whole days ``start`` … ``end`` (both included), Beijing time."""

    start: datetime.date
    end: datetime.date
    kind: str  # "days", "month" or "range"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[first instant, instant after the last day) as aware datetimes of the site's time zone."""
        tz = timezone.get_default_timezone()
        first = datetime.datetime.combine(self.start, datetime.time(), tzinfo=tz)
        after = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time(), tzinfo=tz)
        return first, after

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("%(y)d 年 %(m)d 月") % {"y": self.start.year, "m": self.start.month}
        if self.kind == "days":
            return _("近 %(n)d 天") % {"n": self.days}
        return _("%(a)s 至 %(b)s") % {"a": self.start.isoformat(), "b": self.end.isoformat()}

    def as_dict(self) -> dict:
        return {"kind": self.kind, "start": self.start.isoformat(), "end": self.end.isoformat(), "days": self.days,
                "label": self.label}


def _in_range(field, value: datetime.date):
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValidationError({field: _("日期须在 2000-01-01 至 2100-12-31 之间")})


def resolve_period(*, days=None, month=None, start=None, end=None, today=None) -> Period:
    """The period asked for: ``month`` ("YYYY-MM"), else ``start``/``end`` (dates, both needed), else the
    last ``days`` days (default 30). Refusals name the field (ValidationError)."""
    today = today or timezone.localdate()
    if month:
        m = MONTH_RE.match(str(month))
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise ValidationError({"month": _("月份格式应为 YYYY-MM，如 2026-11")})
        first = datetime.date(int(m.group(1)), int(m.group(2)), 1)
        _in_range("month", first)
        last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        return Period(first, last, "month")
    if start or end:
        if not start:
            raise ValidationError({"start": _("请填写开始日期")})
        if not end:
            raise ValidationError({"end": _("请填写结束日期")})
        _in_range("start", start)
        _in_range("end", end)
        if end < start:
            raise ValidationError({"end": _("结束日期不能早于开始日期")})
        if (end - start).days + 1 > MAX_DAYS:
            raise ValidationError({"end": _("统计区间不超过 %(n)d 天") % {"n": MAX_DAYS}})
        return Period(start, end, "range")
    days = 30 if days is None else days
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": _("天数应在 1 至 %(n)d 之间") % {"n": MAX_DAYS}})
    return Period(today - datetime.timedelta(days=days - 1), today, "days")


def _seconds(values):
    values = sorted(values)
    if not values:
        return {"count": 0, "median": None, "p90": None, "max": None}
    return {"count": len(values), "median": round(statistics.median(values), 1),
            "p90": round(values[min(len(values) - 1, int(len(values) * 0.9))], 1), "max": round(values[-1], 1)}


def _bands(values) -> list[int]:
    counts = [0] * len(BANDS)
    for v in values:
        counts[next(i for i, (upper, _label) in enumerate(BANDS) if upper is None or v <= upper)] += 1
    return counts


def _by_day(alarms, period: Period) -> list[dict]:
    rows = alarms.annotate(day=TruncDate("received_at", tzinfo=timezone.get_default_timezone())).values_list(
        "day", "is_test").annotate(n=Count("id"))
    total, real = {}, {}
    for day, is_test, n in rows:
        total[day] = total.get(day, 0) + n
        if not is_test:
            real[day] = real.get(day, 0) + n
    days = (period.start + datetime.timedelta(days=i) for i in range(period.days))
    return [{"date": d.isoformat(), "count": total.get(d, 0), "real": real.get(d, 0)} for d in days]


def compute(user, period: Period | None = None, *, days=30, now=None) -> dict:
    """Every figure of the statistics page for ``user``'s jurisdiction over ``period`` (default: the last
    ``days`` days up to ``now``)."""
    if period is None:
        period = resolve_period(days=days, today=timezone.localdate(now) if now else None)
    first, after = period.bounds()
    alarms = Alarm.objects.visible_to(user, VIEW).filter(received_at__gte=first, received_at__lt=after)
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
    to_ack = [(a - r).total_seconds() for r, a, _v in timings if a]
    to_arrive = [(v - r).total_seconds() for r, _a, v in timings if v]
    closed = sum(by_disposition.values())
    false_n = by_disposition.get(Disposition.FALSE, 0)
    panels = Device.objects.visible_to(user, VIEW).alarm_devices()
    untested = panels.never_tested()
    never = [{"id": d.pk, "name": d.name, "serial": d.serial, "school": d.school.name}
             for d in untested.select_related("school").order_by("school__name", "name", "pk")[:NEVER_TESTED_SHOWN]]
    # DC-09 frames the receiver refused as forged (plaintext to an encrypted account, wrong key), per device
    forged = [{"id": d.pk, "name": d.name, "serial": d.serial, "school": d.school.name, "account": d.dc09_account,
               "count": d.forged_frames, "last_at": d.last_forged_at}
              for d in Device.objects.visible_to(user, VIEW).filter(forged_frames__gt=0).select_related("school")
              .order_by("-last_forged_at")[:50]]
    ack_bands, arrive_bands = _bands(to_ack), _bands(to_arrive)
    return {
        "period": period.as_dict(), "days": period.days,
        "total": alarms.count(), "real": real.count(), "tests": alarms.filter(is_test=True).count(),
        "open": real.exclude(status__in=[AlarmStatus.CLOSED, AlarmStatus.RECORDED]).count(),
        "by_day": _by_day(alarms, period),
        "by_category": [{"category": c, "label": str(AlarmCategory(c).label), "count": by_category.get(c, 0)}
                        for c in AlarmCategory.values],
        "by_disposition": [{"disposition": d, "label": str(Disposition(d).label), "count": by_disposition.get(d, 0)}
                           for d in Disposition.values],
        "by_school": [{"school_id": r["school_id"], "school": r["school__name"], "count": r["n"]} for r in by_school],
        "by_region": [{"region_code": c, "region": names.get(c, c), "count": n}
                      for c, n in sorted(by_district.items(), key=lambda kv: -kv[1])],
        "time_to_acknowledge": _seconds(to_ack),
        "time_to_arrive": _seconds(to_arrive),
        "response_bands": [{"label": str(label), "acknowledge": ack_bands[i], "arrive": arrive_bands[i]}
                           for i, (_upper, label) in enumerate(BANDS)],
        "false_alarm_rate": round(false_n / closed, 4) if closed else None,
        "devices": panels.count(),
        "devices_never_tested": never,  # the first NEVER_TESTED_SHOWN; the device list has them all
        "devices_never_tested_count": untested.count(),
        "forged_frames": sum(d["count"] for d in forged),
        "devices_forged": forged,
    }


def chart_data(s: dict) -> dict:
    """What the page's charts draw: the same figures as its tables."""
    return {
        "days": [d["date"][5:] for d in s["by_day"]], "day_total": [d["count"] for d in s["by_day"]],
        "day_real": [d["real"] for d in s["by_day"]],
        "categories": [r["label"] for r in s["by_category"]], "category_counts": [r["count"] for r in s["by_category"]],
        "dispositions": [{"name": r["label"], "value": r["count"]} for r in s["by_disposition"]],
        "bands": [r["label"] for r in s["response_bands"]],
        "band_ack": [r["acknowledge"] for r in s["response_bands"]],
        "band_arrive": [r["arrive"] for r in s["response_bands"]],
        "labels": {"total": _("报警总数"), "real": _("真实报警（不含测试）"), "count": _("数量"),
                   "ack": _("确认用时"), "arrive": _("到场用时")},
    }
