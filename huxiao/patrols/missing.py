"""Who is missing now: the duty windows of a day whose 缺岗 time has passed with nobody checked in (the
dashboard's list, the clock's 缺岗 alerts), for a province at once.

Fast by design: the windows due on a day are written ahead of time as duty slots (``slots.py``: the
timetable, the school calendar, boarding schools' weekly windows, the roster with its exceptions), the
check-in path marks a slot manned in the check-in's transaction, and the answer is one query on a
partial index — date, 缺岗 time passed, nobody checked in — within the caller's posts.
"""

from huxiao.patrols.slots import unmanned, unmanned_query  # noqa: F401 - the public names of this module
