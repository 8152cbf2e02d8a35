"""Background work of the core app."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

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
