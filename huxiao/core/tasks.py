"""Background work of the core app."""

from huey.contrib.djhuey import db_task

from huxiao.core.importing import run_import
from huxiao.core.models import ImportJob


@db_task()
def import_schools_task(job_id: int):
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    run_import(job)
