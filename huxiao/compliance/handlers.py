"""Compliance follows the records it reads, after their commit (core.events): the evaluation table is
rewritten for the schools registered, imported, changed or moved, and for those whose devices, 三防
records or calendar day changed. A failure here is logged and never reaches the transaction that changed
the record (an alarm batch, a guard saved, a school imported)."""

import datetime

from huxiao.compliance.models import RateSnapshot
from huxiao.compliance.services import rebuild_counts, refresh_school_ids, take_snapshot
from huxiao.core import clock
from huxiao.core.events import on
from huxiao.core.signals import SCHOOLS_CHANGED
from huxiao.defense.signals import CHANGED as DEFENSE_CHANGED
from huxiao.devices.signals import NETWORK_CHANGED, REGISTRY_CHANGED


@on(NETWORK_CHANGED, background=True)
def devices_networked(school_ids: list, at: str):
    """Devices heard again or gone silent: re-evaluate their schools (each once per committed batch) as of
    the instant their state was judged."""
    refresh_school_ids(school_ids, now=clock.parse_at(at))


@on(REGISTRY_CHANGED, background=True)
def devices_registered(school_ids: list):
    refresh_school_ids(school_ids)


@on(SCHOOLS_CHANGED)
def schools_changed(school_ids: list):
    """Schools registered (one by one, through the API or by an import), changed (type, size, setting) or
    moved: evaluated as soon as they are committed, so the dashboard counts every school of the registry."""
    refresh_school_ids(school_ids)


@on(DEFENSE_CHANGED)
def defense_changed(school_ids: list):
    """A guard, facility or equipment record changed: the school's rows follow before the page reloads."""
    refresh_school_ids(school_ids)


@on(clock.DAY)
def daily_snapshot(day: str, at: str):
    """At the start of each day: recount the region counters from the evaluation table (a consistency
    check that costs one GROUP BY), then store the rates of the day that ended, per campaign, rule and
    region — unless that day has its snapshot already (a clock started again later the same day)."""
    ended = datetime.date.fromisoformat(day) - datetime.timedelta(days=1)
    rebuild_counts()
    if not RateSnapshot.objects.filter(day=ended).exists():
        take_snapshot(ended)
