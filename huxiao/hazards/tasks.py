"""Periodic work of the hazard ledger: the overdue ladder and the missing self-check flags."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from huxiao.hazards.ladder import apply_ladder
from huxiao.hazards.selfcheck import flag_missing_self_checks


@db_periodic_task(crontab(minute="10", hour="*"))
def apply_escalation_ladder():
    return len(apply_ladder())


@db_periodic_task(crontab(minute="20", hour="8"))
def flag_self_checks():
    return len(flag_missing_self_checks())
