"""The 护学岗 figures, counted live from the records (never typed twice).

- 设置率: schools that must have a post (city, county-town and township schools, 000 §三(二)1; the rest
  are rural schools, reached through 村校联防) and have an active one, over those that must.
- 到岗率: the duty slots due so far today manned on time, over the slots due. A window is due once its 缺岗
  time has passed, on school days only; its slots are the people rostered for it that day (a cancelled
  line is not due, a substitute's check-in mans the line), or the window itself when nobody is rostered
  (anyone's check-in mans it).
- Schools lacking today's two patrols: city schools and 乡镇中心学校 with fewer than two patrol checks today
  (000 八项措施 六).
- Liaison visits: 公安联络员 visits per school and month, against at least two (001 §二(七)).
- The 001 monthly-form columns as functions of (region, month): :func:`monthly_form`.
"""

import calendar as month_calendar
import datetime
from collections import Counter

from django.db.models import Q
from django.utils import timezone

from huxiao.core import calendar
from huxiao.core.choices import Setting
from huxiao.core.models import Region, School
from huxiao.core.regions import in_region
from huxiao.patrols import duty, missing
from huxiao.patrols.choices import POLICE_KINDS, VOLUNTEER_KINDS, CheckKind
from huxiao.patrols.models import CheckIn, Person, Post, Roster, RosterException

PATROLS_PER_DAY = 2
LIAISON_VISITS_PER_MONTH = 2
DUTY_KINDS = (CheckKind.CHECK_IN, CheckKind.PATROL)
CHILD_PREFIX = {"province": 4, "city": 6, "county": 9, "town": 12}


def post_required_q() -> Q:
    """Schools that must have a 护学岗 of their own: all but rural ones, and any county-town or township
    central school whatever its classification."""
    return ~Q(setting=Setting.RURAL) | Q(county_town=True) | Q(township_central=True)


def patrol_required_q() -> Q:
    """Schools owed two patrol checks a day: city schools and 乡镇中心学校."""
    return Q(setting=Setting.URBAN) | Q(township_central=True)


def _rate(part, whole):
    return round(100.0 * part / whole, 1) if whole else None


def setting_rate(schools) -> dict:
    required = schools.filter(post_required_q())
    with_post = required.filter(pk__in=Post.objects.filter(active=True).values("school_id"))
    total, done = required.count(), with_post.count()
    return {"required": total, "with_post": done, "rate": _rate(done, total)}


def windows_due(posts, date, now) -> list:
    """The duty windows of ``posts`` on ``date`` whose 缺岗 time has passed by ``now``: the daily ones on
    school days and boarding schools' weekly ones where the calendar puts them (``duty.windows_on``)."""
    return [w for w in duty.windows_on(posts, date) if w.missing_after <= now]


def roster_lines(post_ids, date) -> dict:
    """``{(post id, window): [person id, …]}``: who is rostered at each post and window on ``date``. A line
    cancelled that day (an exception without a substitute) is left out, a substitute stands for the
    person; a window whose every line is cancelled maps to ``[]`` (not due). Windows nobody is rostered
    for are absent."""
    lines = Roster.objects.filter(post_id__in=post_ids, weekday=date.weekday(), valid_from__lte=date).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=date))
    exceptions = dict(RosterException.objects.filter(roster__in=lines, date=date).values_list(
        "roster_id", "substitute_id"))
    out: dict = {}
    for pk, post_id, window, person_id in lines.values_list("pk", "post_id", "window", "person_id"):
        people = out.setdefault((post_id, window), [])
        if pk not in exceptions:
            people.append(person_id)
        elif exceptions[pk] is not None:
            people.append(exceptions[pk])
    return out


def attendance(posts, date, now=None) -> dict:
    """到岗率 of ``posts`` on ``date`` up to ``now``, and the windows nobody checked in to (缺岗).

    Counted per duty slot: each rostered person (or their substitute) of a window due, or the window
    itself when nobody is rostered for it (then anyone's check-in mans it). A cancelled roster line is not
    due. ``missing`` lists the windows with no check-in at all."""
    now = now or timezone.now()
    due = windows_due(posts.select_related("school"), date, now)
    lines = roster_lines({w.post_id for w in due}, date)
    arrivals: dict = {}  # (post, window) -> {person: on time}
    for post_id, window, person_id, late in CheckIn.objects.filter(
            post_id__in={w.post_id for w in due}, duty_date=date, kind=CheckKind.CHECK_IN).values_list(
            "post_id", "window", "person_id", "late"):
        came = arrivals.setdefault((post_id, window), {})
        came[person_id] = came.get(person_id, False) or not late  # on time if any arrival was
    slots = on_time = late = 0
    missing = []
    for w in due:
        key = (w.post_id, w.kind)
        expected, came = lines.get(key), arrivals.get(key, {})
        if expected == []:
            continue  # every line of it cancelled today
        if not came:
            missing.append(w)
        marks = [any(came.values())] if expected is None and came else [came[p] for p in expected or () if p in came]
        slots += len(expected) if expected is not None else 1
        on_time += sum(marks)
        late += len(marks) - sum(marks)
    return {"due": slots, "on_time": on_time, "late": late, "absent": slots - on_time - late,
            "missing": missing, "rate": _rate(on_time, slots)}


def patrol_counts(schools, date) -> dict:
    """``{school id: patrol checks on date}`` for the schools owed two a day (school days only)."""
    owed = list(schools.filter(patrol_required_q()))
    on_duty = duty.duty_days(owed, date)
    counts = Counter(CheckIn.objects.filter(school_id__in=[s.pk for s in owed], duty_date=date,
                                            kind=CheckKind.PATROL).values_list("school_id", flat=True))
    return {s.pk: counts.get(s.pk, 0) for s in owed if on_duty.get(s.pk)}


def lacking_patrols(schools, date) -> list:
    """Schools (owed two patrols a day) that have fewer than two on ``date``."""
    counts = patrol_counts(schools, date)
    short = [pk for pk, n in counts.items() if n < PATROLS_PER_DAY]
    return [{"school_id": s.pk, "school_name": s.name, "region_code": s.region_code, "patrols": counts[s.pk]}
            for s in School.objects.filter(pk__in=short).order_by("region_code", "name")]


def _month_bounds(month: datetime.date):
    first = month.replace(day=1)
    last = first.replace(day=month_calendar.monthrange(first.year, first.month)[1])
    return first, last


def liaison_visits(schools, month: datetime.date) -> list:
    """Per school (with a post or owed patrols): liaison visits in ``month``, and whether ≥ 2."""
    first, last = _month_bounds(month)
    counts = Counter(CheckIn.objects.filter(school_id__in=schools.values("pk"), kind=CheckKind.LIAISON,
                                            duty_date__range=(first, last)).values_list("school_id", flat=True))
    return [{"school_id": s.pk, "school_name": s.name, "visits": counts.get(s.pk, 0),
             "enough": counts.get(s.pk, 0) >= LIAISON_VISITS_PER_MONTH}
            for s in schools.filter(post_required_q()).order_by("region_code", "name")]


def _school_days(region_code: str, first, last) -> int:
    """School days of ``[first, last]`` in the region, from the one school calendar (core.calendar)."""
    return sum(1 for day in calendar.days(region_code, first, last) if day.school_day)


def monthly_form(region, month: datetime.date) -> dict:
    """The 001 monthly-form columns of ``region`` (a ``Region`` or code prefix) for ``month``:
    发动群防群治力量 (人), 参与巡逻值守活动 (人次), 落实巡逻值守农村学校数, 设立"护校岗"学校数,
    校园周边每日巡逻警力 (人次, per school day of the month)."""
    first, last = _month_bounds(month)
    end = timezone.make_aware(datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time()))
    code = getattr(region, "code", region)
    checks = in_region(CheckIn.objects.filter(duty_date__range=(first, last), kind__in=DUTY_KINDS), region)
    volunteers = in_region(Person.objects.filter(kind__in=VOLUNTEER_KINDS, active=True, created_at__lt=end), region)
    rural = checks.filter(school__setting=Setting.RURAL).values("school_id").distinct().count()
    posts = in_region(Post.objects.filter(active=True, created_at__lt=end), region)
    police = checks.filter(person__kind__in=POLICE_KINDS).count()
    days = _school_days(code.ljust(6, "0") if len(code) < 6 else code, first, last)
    return {
        "volunteers": volunteers.count(),
        "patrol_person_times": checks.count(),
        "rural_schools_patrolled": rural,
        "schools_with_post": posts.values("school_id").distinct().count(),
        "daily_police_person_times": round(police / days, 1) if days else 0.0,
    }


def dashboard(user, region, date=None, now=None) -> dict:
    """Per child region of ``region``: 设置率, 到岗率, schools lacking today's patrols; and the totals."""
    date = date or timezone.localdate()
    now = now or timezone.now()
    schools = in_region(School.objects.visible_to(user, "patrols.view_dashboard"), region)
    posts = in_region(Post.objects.visible_to(user, "patrols.view_dashboard").filter(active=True), region)
    width = CHILD_PREFIX.get(region.level, 12)
    children = {r.code[:width] if len(r.code) >= width else r.code: r
                for r in Region.objects.filter(parent=region).order_by("code")}
    rows = []
    for prefix, child in children.items():
        rows.append(_figures(child.code, child.name, in_region(schools, prefix), in_region(posts, prefix), date, now))
    own = schools.filter(region_code=region.code)
    if own.exists():  # schools registered at the region itself, not in any child
        rows.append(_figures(region.code, f"{region.name}（直属）", own, posts.filter(region_code=region.code),
                             date, now))
    total = _figures(region.code, region.name, schools, posts, date, now)
    total["lacking"] = lacking_patrols(schools, date)
    total["missing"] = [{"post_id": w.post_id, "window": w.kind, "window_label": w.label, "start": w.start}
                        for w in missing.unmanned(posts, date, now)]
    return {"region": region.code, "region_name": region.name, "date": date, "rows": rows, "total": total}


def _figures(code, name, schools, posts, date, now) -> dict:
    setting = setting_rate(schools)
    att = attendance(posts, date, now)
    short = sum(1 for n in patrol_counts(schools, date).values() if n < PATROLS_PER_DAY)
    return {"code": code, "name": name, "schools_required": setting["required"],
            "schools_with_post": setting["with_post"], "setting_rate": setting["rate"],
            "windows_due": att["due"], "windows_on_time": att["on_time"], "windows_missing": len(att["missing"]),
            "attendance_rate": att["rate"], "schools_lacking_patrols": short}
