"""What the 护学岗 records do when time passes (core.clock's events)."""

import datetime

from huxiao.core.events import on
from huxiao.patrols import alerts, slots


@on("clock.tick", background=True)
def flag_missed_windows(at):
    alerts.flag_missed_windows(now=datetime.datetime.fromisoformat(at))


@on("clock.day", background=True)
def write_duty_slots(day, at=None):
    """The day's duty slots, written when the date changes (a missed midnight is caught up)."""
    slots.ensure(datetime.date.fromisoformat(day))


@on("core.schools_changed", background=True)
def school_changed(school_ids: list):
    """A school's registry times (its bells without a timetable) or flags changed."""
    slots.refresh_school(school_ids)
