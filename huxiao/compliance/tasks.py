"""Periodic work: devices going silent (heartbeat windows) and the daily rate snapshot."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from huxiao.compliance.services import rebuild_counts, sweep_networked, take_snapshot


@db_periodic_task(crontab(minute="*"))
@lock_task("compliance-sweep")
def sweep_networked_task():
    """Every minute: devices past their supervision window (or heard again) re-evaluate their schools."""
    return sweep_networked()


@db_periodic_task(crontab(minute="55", hour="23"))
@lock_task("compliance-sweep")
def daily_snapshot_task():
    """Every day before midnight: recount the region counters from the evaluation table (a consistency
    check that costs one GROUP BY), then store the day's rates per campaign, rule and region."""
    rebuild_counts()
    return take_snapshot()
