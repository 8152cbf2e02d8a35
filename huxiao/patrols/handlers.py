"""What the 护学岗 records do when time passes (core.clock's events)."""

import datetime

from huxiao.core.events import on
from huxiao.patrols import alerts


@on("clock.tick", background=True)
def flag_missed_windows(at):
    alerts.flag_missed_windows(now=datetime.datetime.fromisoformat(at))
