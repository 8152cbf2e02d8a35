"""What the hazard ledger does when time passes (core.events): the clock drives the missing self-check
flags and announces the deadlines passed. The overdue ladder is declared in hazards/ladder.py and climbed
by the core clock's daily run (core/handlers.py) with every other declared ladder."""

import datetime

from django.utils import timezone

from huxiao.core import clock, events
from huxiao.core.events import on
from huxiao.hazards.ladder import deadlines_passed
from huxiao.hazards.selfcheck import flag_missing_self_checks
from huxiao.hazards.signals import DEADLINE_PASSED

FLAG_FROM_HOUR = 8  # missing self-checks are flagged from the start of the working day (idempotent)


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
