"""What core does when time passes (core.events): every day the declared deadline ladders climb."""

import datetime

from huxiao.core import clock, ladder
from huxiao.core.events import on


@on(clock.DAY)
def climb_ladders(day: str, at: str):
    """A new day: every declared ladder (core.ladder) moves each of its records up to the step it has
    reached — reminders before the deadline, then the escalations — each step once."""
    ladder.climb_all(datetime.date.fromisoformat(day), now=clock.parse_at(at))
