"""What the hazard ledger does when time passes (core.events): the clock drives the overdue ladder and the
missing self-check flags, as periodic tasks did."""

import datetime

from django.utils import timezone

from huxiao.core import clock, events
from huxiao.core.events import on
from huxiao.hazards.ladder import apply_ladder, deadlines_passed
from huxiao.hazards.selfcheck import flag_missing_self_checks
from huxiao.hazards.signals import DEADLINE_PASSED

FLAG_FROM_HOUR = 8  # missing self-checks are flagged from the start of the working day (idempotent)


@on(clock.HOUR)
def escalate_overdue(at: str):
    """Every hour: each owed hazard climbs to the rung of the ladder it has reached (reminder before the
    deadline, 通报, 约谈, 挂牌督办); each rung once."""
    apply_ladder(now=clock.parse_at(at))


@on(clock.HOUR)
def flag_self_checks(at: str):
    """From 8 o'clock: schools without last month's self-check past the due day are flagged, once."""
    now = clock.parse_at(at)
    if timezone.localtime(now).hour >= FLAG_FROM_HOUR:
        flag_missing_self_checks(now=now)


@on(clock.DAY)
def announce_deadlines(day: str, at: str):
    """A new day: the hazards whose deadline passed yesterday are announced (``hazards.deadline_passed``)."""
    passed = deadlines_passed(datetime.date.fromisoformat(day))
    if passed:
        events.emit(DEADLINE_PASSED, hazard_ids=passed, day=day)
