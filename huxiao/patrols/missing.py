"""Who is missing now: the duty windows of today whose 缺岗 time has passed with nobody checked in, for a
province at once (the dashboard's list, the clock's 缺岗 alerts).

The database does the work: one query finds, for each window kind, the active posts whose bell (from the
school's timetable of the season, else the registry's own times) minus the lead plus the grace minutes
has passed and that have no check-in for that window today. The calendar is decided per region code
(and for the few schools with calendar entries of their own) and enters the query as exclusions, so a
province of 15,000 schools costs one scan. Only the candidates it returns — the unmanned few — are read
as records, their windows computed by ``duty`` and checked again, and a window whose roster lines are all
cancelled that day is not due.
"""

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Subquery, TimeField, Value, When
from django.db.models.functions import ExtractHour, ExtractMinute
from django.utils import timezone

from huxiao.core import calendar
from huxiao.core.models import School
from huxiao.core.models.calendar import CalendarDay, Term
from huxiao.patrols import duty
from huxiao.patrols.choices import CheckKind
from huxiao.patrols.models import CheckIn, Post, Timetable

PAST_DAY = 10 * 24 * 60  # minutes: later than any window's 缺岗 time


def off_duty_q(posts, date) -> Q:
    """A filter of the posts at schools where ``date`` is not a school day (decided per region code, and
    per school for the schools with calendar rows of their own)."""
    year = calendar.school_year_of(date)
    entries = list(CalendarDay.objects.filter(date=date).only("date", "kind", "name", "region_code", "school_id"))
    terms = list(Term.objects.filter(school_year__in=[year - 1, year]).only(
        "school_year", "semester", "start", "end", "region_code", "school_id"))
    rules = calendar.Rules(entries, terms)
    codes = posts.order_by().values_list("region_code", flat=True).distinct()
    off = [code for code in codes if not rules.day(calendar.Place(calendar.region_chain(code)), date).school_day]
    own = {row.school_id for row in entries + terms if row.school_id is not None}
    off_schools, on_schools = [], []
    for pk, code in School.objects.filter(pk__in=own).values_list("pk", "region_code"):
        school_day = rules.day(calendar.Place(calendar.region_chain(code), pk), date).school_day
        (on_schools if school_day else off_schools).append(pk)
    return (Q(region_code__in=off) & ~Q(school_id__in=on_schools)) | Q(school_id__in=off_schools)


def _bell(kind, date):
    """The bell of window ``kind`` at each post's school on ``date``: the field of the school's timetable
    of the season (the latest start on or before the date, else last year's latest), else the registry's."""
    field = duty.BELL_FIELDS[kind]
    md = date.month * 100 + date.day
    tables = Timetable.objects.filter(school_id=OuterRef("school_id")).annotate(
        start=F("starts_on_month") * 100 + F("starts_on_day")).annotate(
        rank=Case(When(start__lte=md, then=F("start") + 10000), default=F("start"), output_field=IntegerField()))
    season = Subquery(tables.order_by("-rank").values(field)[:1], output_field=TimeField())
    has_table = Exists(Timetable.objects.filter(school_id=OuterRef("school_id")))
    return Case(When(has_table, then=season), default=F(f"school__{field}"), output_field=TimeField())


def candidates(posts, date, now) -> list[tuple[int, str]]:
    """``(post id, window kind)`` of the windows past their 缺岗 time without any check-in (one query)."""
    local = timezone.localtime(now)
    if local.date() > date:
        minute = PAST_DAY  # every window of a past day
    elif local.date() < date:
        return []
    else:
        minute = local.hour * 60 + local.minute
    on_duty = posts.filter(active=True).exclude(off_duty_q(posts, date)).order_by()
    parts = []
    for kind in duty.BELL_FIELDS:
        arrived = CheckIn.objects.filter(post_id=OuterRef("pk"), duty_date=date, kind=CheckKind.CHECK_IN, window=kind)
        qs = on_duty.annotate(bell=_bell(kind, date)).filter(bell__isnull=False).annotate(
            due=ExtractHour("bell") * 60 + ExtractMinute("bell") - F("lead_minutes") + F("grace_minutes")).filter(
            due__lte=minute).exclude(Exists(arrived)).annotate(window_kind=Value(str(kind))).values_list("pk", "window_kind")
        parts.append(qs)
    return list(parts[0].union(*parts[1:], all=True))


def unmanned(posts, date, now) -> list:
    """The :class:`~huxiao.patrols.duty.DutyWindow` s of ``posts`` on ``date`` whose 缺岗 time has passed
    by ``now`` with nobody checked in, ordered by start and post."""
    from huxiao.patrols.counts import roster_lines

    found = candidates(posts, date, now)
    if not found:
        return []
    wanted = {(pk, kind) for pk, kind in found}
    ids = {pk for pk, _kind in found}
    tables: dict = {}
    for table in Timetable.objects.filter(school_id__in=Post.objects.filter(pk__in=ids).values("school_id")):
        tables.setdefault(table.school_id, []).append(table)
    lines = roster_lines(ids, date)
    out = []
    for post in Post.objects.filter(pk__in=ids).select_related("school"):
        bells = duty.bells_for(post.school, date, tables.get(post.school_id, []))
        for window in duty.windows_of(post, date, bells=bells):
            key = (post.pk, window.kind)
            if key in wanted and window.missing_after <= now and lines.get(key, None) != []:
                out.append(window)
    return sorted(out, key=lambda w: (w.start, w.post_id))
