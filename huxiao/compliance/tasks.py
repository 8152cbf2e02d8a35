"""Periodic work: devices going silent (heartbeat windows) and the daily rate snapshot."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from huxiao.compliance.services import sweep_networked, take_snapshot


@db_periodic_task(crontab(minute="*"))
@lock_task("compliance-sweep")
def sweep_networked_task():
    """Every minute: devices past their supervision window (or heard again) re-evaluate their schools."""
    return sweep_networked()


@db_periodic_task(crontab(minute="55", hour="23"))
def daily_snapshot_task():
    """Every day before midnight: the day's rates per campaign, rule and region, for trends."""
    return take_snapshot()
