"""Duty windows: when a post must be manned, from the school's timetable and calendar.

A school has up to three bells a day (gate opening, noon and afternoon dismissal). The post is manned
from ``lead_minutes`` before each bell to ``tail_minutes`` after it: arriving after the window's start is
late, and the window is 缺岗 when nobody has checked in ``grace_minutes`` after it started. The bells come
from the school's :class:`~huxiao.patrols.models.Timetable` of the season (summer / winter, each from its
start date), or from the school registry's own times. No duty is due on a day that is not a school day
of the school calendar (holidays, weekends unless 调休, term breaks) — ``core.calendar``.

Boarding schools (the registry's 寄宿制 flag) also have two weekly windows, from their timetable's
离校 and 返校 times: 寄宿生离校 on the last school day before days off (a Friday afternoon in an ordinary
week) and 寄宿生返校 on the evening of the last day off before school resumes (a Sunday evening). Both
follow the school calendar: a Friday holiday moves 离校 to the Thursday, a Monday holiday moves 返校 to
the Monday evening, a 调休 Saturday moves 离校 to the Saturday, a 调休 Sunday moves 返校 to the Saturday
evening, and a term break has them at its two ends. For a boarding school :func:`bells_for` reads the
calendar of the date and the next day and gives only the bells due that day (no daily bells on a day
off). :func:`windows_on` gives every window due on a date for many posts at once.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from huxiao.patrols.choices import WindowKind

BELL_FIELDS = {WindowKind.GATE_OPEN: "gate_open_time", WindowKind.NOON: "noon_dismissal_time",
               WindowKind.AFTERNOON: "afternoon_dismissal_time"}
WEEKLY_FIELDS = {WindowKind.BOARDING_LEAVE: "boarding_leave_time", WindowKind.BOARDING_RETURN: "boarding_return_time"}
ONE_DAY = datetime.timedelta(days=1)
EARLIEST_CHECK_IN = datetime.timedelta(minutes=60)  # a check-in this long before a window belongs to it


@dataclass(frozen=True)
class DutyWindow:
    post_id: int
    kind: str
    bell: datetime.datetime
    start: datetime.datetime
    end: datetime.datetime
    missing_after: datetime.datetime  # 缺岗 when nobody has checked in by then

    @property
    def label(self) -> str:
        return str(WindowKind(self.kind).label)


def _season_start(timetable, year):
    try:
        return datetime.date(year, timetable.starts_on_month, timetable.starts_on_day)
    except ValueError:  # 31 in a short month: its last day
        return datetime.date(year, timetable.starts_on_month, 28)


def _season_of(timetables, date):
    """The timetable of the season ``date`` falls in: the one whose start is the latest on or before the
    date (last year's if none this year); None without timetables."""
    if not timetables:
        return None
    dated = [(_season_start(t, date.year), t) for t in timetables]
    earlier = [(d, t) for d, t in dated if d <= date]
    return max(earlier or [(_season_start(t, date.year - 1), t) for t in timetables], key=lambda pair: pair[0])[1]


def school_day_pair(school, date) -> tuple[bool, bool]:
    """Whether ``date`` and the day after are school days at ``school`` (two queries)."""
    from huxiao.core import calendar

    today, tomorrow = calendar.days(school, date, date + ONE_DAY)
    return today.school_day, tomorrow.school_day


def weekly_bells(table, today: bool, tomorrow: bool) -> dict:
    """A boarding school's weekly bells of a day, given whether it and the next day are school days:
    离校 on the last school day before days off, 返校 on the last day off before school resumes."""
    due = {WindowKind.BOARDING_LEAVE: today and not tomorrow, WindowKind.BOARDING_RETURN: tomorrow and not today}
    return {kind: getattr(table, name) for kind, name in WEEKLY_FIELDS.items()
            if due[kind] and getattr(table, name, None)}


def bells_for(school, date, timetables=None, *, school_days=None) -> dict:
    """``{window kind: time}`` of ``school`` on ``date`` (kinds without a bell left out). For a boarding
    school: the bells due that day by the calendar (``school_days``: whether the date and the next day
    are school days, read from the calendar when not given)."""
    if timetables is None:
        from huxiao.patrols.models import Timetable

        timetables = list(Timetable.objects.filter(school_id=school.pk))
    source = _season_of(timetables, date) or school
    bells = {kind: getattr(source, name) for kind, name in BELL_FIELDS.items() if getattr(source, name, None)}
    if not getattr(school, "boarding", False):
        return bells
    today, tomorrow = school_days if school_days is not None else school_day_pair(school, date)
    return {**(bells if today else {}), **weekly_bells(source, today, tomorrow)}


def windows_of(post, date, *, bells=None) -> list[DutyWindow]:
    """The duty windows of ``post`` on ``date``: its daily ones whether or not the day is a school day
    (callers check :func:`duty_days`), except at a boarding school, whose bells follow the calendar."""
    bells = bells if bells is not None else bells_for(post.school, date)
    lead = datetime.timedelta(minutes=post.lead_minutes)
    tail = datetime.timedelta(minutes=post.tail_minutes)
    grace = datetime.timedelta(minutes=post.grace_minutes)
    out = []
    for kind in post.window_kinds():
        bell = bells.get(kind)
        if bell is None:
            continue
        at = timezone.make_aware(datetime.datetime.combine(date, bell))
        out.append(DutyWindow(post.pk, kind, at, at - lead, at + tail, at - lead + grace))
    return sorted(out, key=lambda w: w.start)


def window_for(windows, moment) -> DutyWindow | None:
    """The window a check at ``moment`` belongs to: the first that has not ended and starts within the
    hour."""
    for window in windows:
        if window.start - EARLIEST_CHECK_IN <= moment <= window.end:
            return window
    return None


def duty_days(schools, date) -> dict:
    """``{school id: True/False}``: whether ``date`` is a school day at each school (the daily windows are
    due). A boarding school's 返校 evening falls on a day off: :func:`windows_on` gives it."""
    from huxiao.core import calendar

    return {pk: day.school_day for pk, day in calendar.school_days(list(schools), date).items()}


def windows_on(posts, date) -> list[DutyWindow]:
    """Every duty window of ``posts`` due on ``date`` by the school calendar — the daily ones on school
    days, a boarding school's weekly ones where the calendar puts them — in a fixed number of queries
    whatever the number of posts (the timetables, the calendar of the date and of the next day)."""
    from huxiao.core import calendar
    from huxiao.patrols.models import Timetable

    posts = list(posts)
    schools = {p.school_id: p.school for p in posts}
    today = calendar.school_days(schools.values(), date)
    boarders = [s for s in schools.values() if getattr(s, "boarding", False)]
    tomorrow = calendar.school_days(boarders, date + ONE_DAY) if boarders else {}
    tables: dict = {}
    for table in Timetable.objects.filter(school_id__in=schools):
        tables.setdefault(table.school_id, []).append(table)
    out = []
    for post in posts:
        school_day = today[post.school_id].school_day
        if post.school_id in tomorrow:
            pair = (school_day, tomorrow[post.school_id].school_day)
        elif school_day:
            pair = None
        else:
            continue
        bells = bells_for(post.school, date, tables.get(post.school_id, []), school_days=pair)
        out += windows_of(post, date, bells=bells)
    return sorted(out, key=lambda w: (w.start, w.post_id))


def today_at(post, date) -> tuple[bool, list[DutyWindow]]:
    """Whether duty is due at ``post`` on ``date`` (a school day, or a boarding school's weekly window)
    and the windows due then."""
    windows = windows_on([post], date)
    return bool(windows) or duty_days([post.school], date)[post.school_id], windows
