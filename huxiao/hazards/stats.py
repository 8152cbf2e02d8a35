"""Dashboard numbers of the ledger, derived from the hazard records at query time (never typed twice).
Voided hazards (作废) are not counted."""

import statistics

from django.db import connection
from django.db.models import Aggregate, Count, FloatField, Q
from django.db.models.functions import Substr
from django.utils import timezone

from huxiao.core.models import Region
from huxiao.core.regions import in_region, within
from huxiao.core.scoping import scope_for
from huxiao.hazards.choices import OPEN_STATUSES, OWED_STATUSES, HazardStatus
from huxiao.hazards.models import Hazard

PERM = "hazards.view_dashboard"
CHILD_PREFIX = {"province": 4, "city": 6, "county": 9, "town": 12}


class Median(Aggregate):
    """PostgreSQL's percentile_cont(0.5) — the median of an ordered set."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def dashboard_region(user, code=None, perm=PERM):
    """The region the dashboard breaks down: the one asked for when within reach, else the user's top one."""
    scope = scope_for(user, perm)
    if code:
        region = Region.objects.filter(pk=code).first()
        if region and scope.covers_region(region):
            return region
        return None
    return scope.top_regions().first()


def dashboard(user, region, today=None) -> dict:
    """Open / overdue / closed, closure rate and median days to close, per child region of ``region``."""
    today = today or timezone.localdate()
    qs = in_region(Hazard.objects.visible_to(user, PERM).live(), region)  # voided hazards never count
    width = CHILD_PREFIX[region.level]
    counts = (qs.annotate(g=Substr("region_code", 1, width)).values("g").annotate(
        total=Count("region_code"),
        open=Count("region_code", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("region_code", filter=Q(status__in=OWED_STATUSES, deadline__lt=today)),
        closed=Count("region_code", filter=Q(status=HazardStatus.CLOSED)),
        major_open=Count("region_code", filter=Q(status__in=OPEN_STATUSES, severity="major")),
    ).order_by("g"))
    medians = _medians(qs, width)
    names = {r.code: r.name for r in Region.objects.filter(parent=region)}
    zero = {"total": 0, "open": 0, "overdue": 0, "closed": 0, "major_open": 0}
    counts = list(counts)
    seen = {row["g"] for row in counts}
    counts += [{"g": code[:width], **zero} for code in names if code[:width] not in seen]  # regions with none
    counts.sort(key=lambda row: row["g"])
    rows, totals = [], dict(zero)
    for row in counts:
        code = row["g"]
        code = code.ljust(6, "0") if len(code) < 6 else code
        name = names.get(code) or (region.name + "（直属）" if within(code, region.code[:len(row["g"])]) else code)
        rows.append({"code": code, "name": name, **{k: row[k] for k in totals},
                     "closure_rate": _rate(row["closed"], row["total"]), "median_days": medians.get(row["g"])})
        for k in totals:
            totals[k] += row[k]
    totals.update(code=region.code, name=region.name, closure_rate=_rate(totals["closed"], totals["total"]),
                  median_days=_overall_median(qs))
    return {"region": region, "rows": rows, "totals": totals, "today": today}


def _rate(closed, total):
    return round(100.0 * closed / total, 1) if total else None


def _medians(qs, width) -> dict:
    closed = qs.filter(status=HazardStatus.CLOSED, days_to_close__isnull=False)
    if connection.vendor == "postgresql":
        return {r["g"]: r["m"] for r in closed.annotate(g=Substr("region_code", 1, width)).values("g").annotate(
            m=Median("days_to_close")).order_by()}
    groups = {}
    for code, days in closed.values_list("region_code", "days_to_close"):
        groups.setdefault(code[:width], []).append(days)
    return {g: float(statistics.median(v)) for g, v in groups.items()}


def _overall_median(qs):
    closed = qs.filter(status=HazardStatus.CLOSED, days_to_close__isnull=False)
    if connection.vendor == "postgresql":
        return closed.aggregate(m=Median("days_to_close"))["m"]
    values = list(closed.values_list("days_to_close", flat=True))
    return float(statistics.median(values)) if values else None
