"""Rates "as of" a past day (a month end for the monthly report): from the daily snapshots where the day has
them, otherwise re-evaluated from the records' own dates.

* **Snapshots** (``RateSnapshot``, stored each night for the day that ended) hold what the evaluation table
  said at the end of that day, region by region; a rule the snapshot of that day does not have (a rule
  added to the rule set later) is re-evaluated from the records.
* **Records**: the schools registered by the end of the day, each in the region it belonged to that day
  (``SchoolRegionPeriod``); the guards first hired by then and not yet left; the facility record, the
  equipment and the devices registered by then; a device counts as networked when its last heartbeat up
  to the end of the day lies within its supervision window. What the records do not date (a facility
  field changed since, a device taken out of use since) is read as it stands: the snapshot of the day is
  the better source, and is preferred.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from huxiao.compliance import rates
from huxiao.compliance.choices import Status
from huxiao.compliance.facts import FACILITY_FIELDS, DeviceFact, GuardFact, SchoolFacts
from huxiao.compliance.models import RateSnapshot
from huxiao.core import regions
from huxiao.core.models import School, SchoolRegionPeriod
from huxiao.core.models.regions import PREFIX_LENGTH
from huxiao.core.scoping import scope_for

SNAPSHOT, RECORDS = "snapshot", "records"


def check_day(day: datetime.date, today=None) -> None:
    today = today or timezone.localdate()
    if day > today:
        raise ValidationError({"as_of": [_("查询日期不能晚于今天（%(d)s）") % {"d": today.isoformat()}]})


def end_of(day: datetime.date) -> datetime.datetime:
    """The first instant after ``day`` (local time)."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def table_as_of(user, campaign, region, day: datetime.date) -> dict:
    """The dashboard's table (``rates.region_table``'s shape) as it stood at the end of ``day``; today's is
    the live one. Each row says its ``source``; the table's ``source`` is the one used for most rows."""
    check_day(day)
    if day == timezone.localdate():
        table = rates.region_table(user, campaign, region)
        table["as_of"] = day
        return table
    children = rates.child_regions(region)
    child_len = PREFIX_LENGTH[children[0].level] if children else None
    table = rates.new_table(campaign, day)
    from_snapshot = _snapshot_counts(table, campaign, region, children, child_len, day)
    missing = [rule_id for rule_id in table if rule_id not in from_snapshot]
    if missing:
        _record_counts(table, user, campaign, region, children, child_len, day, missing)
    for row in table.values():
        row.source = SNAPSHOT if row.rule.id in from_snapshot else RECORDS
    source = SNAPSHOT if len(from_snapshot) * 2 >= len(table) else RECORDS
    return rates.finish_table(table, campaign, region, children, day, as_of=day, source=source)


def table(user, campaign, region, day: datetime.date | None = None) -> dict:
    """The dashboard's table now (``day`` None: ``rates.region_table``) or as it stood at the end of ``day``
    (a future day is refused naming ``as_of``)."""
    return table_as_of(user, campaign, region, day) if day else rates.region_table(user, campaign, region)


def _snapshot_counts(table, campaign, region, children, child_len, day) -> set:
    """Fill the table from the snapshots of ``day``; returns the rule ids the day's snapshot holds."""
    held = set(RateSnapshot.objects.filter(campaign=campaign, day=day).values_list("rule_id", flat=True)
               .distinct())
    held &= set(table)
    if not held:
        return set()
    snaps = RateSnapshot.objects.filter(campaign=campaign, day=day, rule_id__in=sorted(held))
    prefixes = [c.prefix for c in children]
    if children:
        rows = snaps.filter(region_prefix__in=prefixes).values_list("region_prefix", "rule_id", "applicable", "met")
        rates.add_counts(table, rows, children, child_len)
    if region.prefix:  # schools registered at the region itself, in none of its children: the difference
        for rule_id, applicable, met in snaps.filter(region_prefix=region.prefix).values_list(
                "rule_id", "applicable", "met"):
            row = table[rule_id]
            extra_a, extra_m = applicable - row.total.applicable, met - row.total.met
            if extra_a > 0:
                rates.add_counts(table, [("", rule_id, extra_a, extra_m)], children, child_len)
    return held


def regions_on(school_ids, day) -> dict:
    """{school id: its region code on ``day``} from the schools' region history (a school with no period
    on that day: where it was first registered; with no period at all: left out, the caller uses its
    present code)."""
    out, first = {}, {}
    for school_id, code, valid_from, valid_to in SchoolRegionPeriod.objects.filter(
            school_id__in=school_ids).order_by("school_id", "valid_from", "id").values_list(
            "school_id", "region_code", "valid_from", "valid_to"):
        first.setdefault(school_id, code)
        if valid_from <= day and (valid_to is None or valid_to > day):
            out[school_id] = code
    return {**first, **out}


def schools_on(user, campaign, region, day) -> list[tuple[School, str]]:
    """``(school, region code that day)`` of the schools registered by the end of ``day`` that were then in
    ``region``, in the campaign's region and in the user's dashboard jurisdiction."""
    end = end_of(day)
    scope = scope_for(user, rates.PERM)
    moved_in = SchoolRegionPeriod.objects.filter(regions.q_within(region)).values("school_id")
    candidates = list(School.objects.filter(created_at__lt=end).filter(
        regions.q_within(region) | Q(pk__in=moved_in)).order_by("pk"))
    codes = regions_on([s.pk for s in candidates], day)
    schools = []
    for s in candidates:
        code = codes.get(s.pk, s.region_code)
        if regions.within(code, region) and regions.within(code, campaign.region_code) and scope.covers(code):
            schools.append((s, code))
    return schools


def _evaluated(user, campaign, region, day, rules):
    """``(school, code, rule, status, reason)`` for every school of the day (``schools_on``) and rule."""
    schools = schools_on(user, campaign, region, day)
    facts = facts_as_of([s for s, _code in schools], day, {s.pk: code for s, code in schools})
    for school, code in schools:
        for rule in rules:
            status, reason = rule.evaluate(facts[school.pk])
            yield school, code, rule, status, reason


def failing_as_of(user, campaign, region, day) -> list[tuple[School, str, object, str]]:
    """The schools not meeting each rule at the end of ``day``, re-evaluated from the records' dates:
    ``(school, region code that day, rule, reason)`` ordered as the live drill-down (region, school, rule)."""
    rows = [(school, code, rule, reason) for school, code, rule, status, reason
            in _evaluated(user, campaign, region, day, campaign.ruleset.rules) if status == Status.NOT_MET]
    return sorted(rows, key=lambda r: (r[1], r[0].name, r[2].id))


def _record_counts(table, user, campaign, region, children, child_len, day, rule_ids) -> None:
    rules = [table[rule_id].rule for rule_id in rule_ids]
    counts = {}
    child_prefixes = {c.prefix for c in children}
    for _school, code, rule, status, _reason in _evaluated(user, campaign, region, day, rules):
        sub = code[:child_len] if child_len else ""
        sub = sub if sub in child_prefixes else ""
        if status == Status.NOT_APPLICABLE:
            continue
        cell = counts.setdefault((sub, rule.id), [0, 0])
        cell[0] += 1
        cell[1] += status == Status.MET
    rates.add_counts(table, [(sub, rule_id, a, m) for (sub, rule_id), (a, m) in counts.items()], children, child_len)


def facts_as_of(schools, day: datetime.date, codes=None) -> dict:
    """What the engine knew of ``schools`` at the end of ``day``, from the records' dates (see the module
    docstring). ``codes``: {school id: region code on that day}."""
    from huxiao.defense.models import Equipment, Facility, Guard
    from huxiao.devices.models import Device, Heartbeat

    end = end_of(day)
    codes = codes or {}
    out = {s.pk: SchoolFacts(
        school_id=s.pk, region_code=codes.get(s.pk, s.region_code), school_type=s.school_type,
        ownership=s.ownership, setting=s.setting, boarding=s.boarding, complex_environment=s.complex_environment,
        students=s.students, boarding_students=s.boarding_students) for s in schools}
    ids = list(out)
    for start in range(0, len(ids), 2000):
        chunk = ids[start:start + 2000]
        for g in Guard.objects.filter(school_id__in=chunk, first_hired_on__lte=day).filter(
                Q(active=True) | Q(left_on__gt=day)).values_list(
                "school_id", "name", "category", "license_number", "birth_date", "first_hired_on",
                "background_result", "health_status"):
            out[g[0]].guards.append(GuardFact(g[1], g[2], bool(g[3]), g[4], g[5], g[6], g[7]))
        for f in Facility.objects.filter(school_id__in=chunk, created_at__lt=end).values("school_id",
                                                                                         *FACILITY_FIELDS):
            out[f.pop("school_id")].facility = f
        for school_id, kind, count in Equipment.objects.filter(school_id__in=chunk, created_at__lt=end).values_list(
                "school_id", "kind", "count"):
            out[school_id].equipment[kind] = count
        devices = list(Device.objects.filter(school_id__in=chunk, active=True, created_at__lt=end).values_list(
            "pk", "school_id", "kind", "location", "police_built", "supervision_window"))
        heard = dict(Heartbeat.objects.filter(device_id__in=[d[0] for d in devices], at__lt=end).values(
            "device_id").annotate(last=Max("at")).values_list("device_id", "last").order_by())
        for pk, school_id, kind, location, police_built, window in devices:
            last = heard.get(pk)
            networked = last is not None and end - last <= window
            out[school_id].devices.append(DeviceFact(kind, location, police_built, networked))
    return out
