"""Duty windows: when a post must be manned, from the school's timetable and calendar.

A school has up to three bells a day (gate opening, noon and afternoon dismissal). The post is manned
from ``lead_minutes`` before each bell to ``tail_minutes`` after it: arriving after the window's start is
late, and the window is 缺岗 when nobody has checked in ``grace_minutes`` after it started. The bells come
from the school's :class:`~huxiao.patrols.models.Timetable` of the season (summer / winter, each from its
start date), or from the school registry's own times. No duty is due on a day that is not a school day
of the school calendar (holidays, weekends unless 调休, term breaks) — ``core.calendar``.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from huxiao.patrols.choices import WindowKind

BELL_FIELDS = {WindowKind.GATE_OPEN: "gate_open_time", WindowKind.NOON: "noon_dismissal_time",
               WindowKind.AFTERNOON: "afternoon_dismissal_time"}
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


def bells_for(school, date, timetables=None) -> dict:
    """``{window kind: time}`` of ``school`` on ``date`` (kinds without a bell left out)."""
    if timetables is None:
        from huxiao.patrols.models import Timetable

        timetables = list(Timetable.objects.filter(school_id=school.pk))
    source = school
    if timetables:
        # the season whose start is the latest on or before the date (last year's if none this year)
        dated = [(_season_start(t, date.year), t) for t in timetables]
        earlier = [(d, t) for d, t in dated if d <= date]
        source = max(earlier or [(_season_start(t, date.year - 1), t) for t in timetables],
                     key=lambda pair: pair[0])[1]
    return {kind: getattr(source, name) for kind, name in BELL_FIELDS.items() if getattr(source, name, None)}


def windows_of(post, date, *, bells=None) -> list[DutyWindow]:
    """The duty windows of ``post`` on ``date`` (whether or not the day is a school day)."""
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
    """``{school id: True/False}``: whether duty is due at each school on ``date``."""
    try:
        from huxiao.core import calendar
    except ImportError:  # the school calendar of core not present: public holidays and weekends only
        calendar = None
    if calendar is not None:
        return {pk: day.school_day for pk, day in calendar.school_days(list(schools), date).items()}
    import chinese_calendar

    try:
        workday = chinese_calendar.is_workday(date)
    except NotImplementedError:  # a year beyond the library's data
        workday = date.weekday() < 5
    return {s.pk: workday for s in schools}
