"""Background work of the core app: school imports, the job reaper, the clock and background event handlers."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from huxiao.core.importing import reap_stale_imports, run_import
from huxiao.core.models import ImportJob
from huxiao.core.notifications import deliver_task, retry_deliveries_task  # noqa: F401 (registered for the consumer)


@db_task()
def import_schools_task(job_id: int):
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    run_import(job)


@db_periodic_task(crontab(minute="*"))
def reap_stale_jobs_task():
    """Every minute: a running job whose worker stopped beating is retried once, then failed."""
    return reap_stale_imports()


@db_periodic_task(crontab(minute="*"))
@lock_task("huxiao-clock")
def clock_task():
    """Every minute: the core clock's events (clock.tick, clock.hour, clock.day; see core.clock)."""
    from huxiao.core import clock

    return clock.tick()


@db_task()
def run_event_handler(name: str, key: str, data: dict):
    """A handler registered with ``@on(name, background=True)``, run isolated like any other."""
    from huxiao.core import events

    handler = events.handler_by_key(name, key)
    if handler is None:
        events.logger.error("event %s: no handler %s in this process", name, key)
        return False
    return events.run_handler(handler, data)
