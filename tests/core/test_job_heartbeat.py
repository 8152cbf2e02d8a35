"""Import jobs survive a dead worker: a real worker process running the import is killed with SIGKILL in
the middle of writing; the silent job is retried once (and completes, every school exactly once) or,
when the retry dies too, failed with a Chinese reason on the job page, and nothing from it is written."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from huxiao.core.importing import reap_stale_imports
from huxiao.core.models import ImportJob, School, Unit
from tests.core.test_import import row, workbook

ROOT = Path(__file__).resolve().parents[2]
CODES = [f"21324136{i:02d}" for i in range(6)]


def make_job(world, tmp_path) -> ImportJob:
    path = tmp_path / "upload.xlsx"
    path.write_bytes(workbook([row(code=c, name=f"心跳小学{i}") for i, c in enumerate(CODES)]).getvalue())
    return ImportJob.objects.create(original_name="upload.xlsx", path=str(path), created_by=world.users["edu_a"])


class Worker:
    """A worker process (Django, the test database) running the import task for one job, stopped by the
    test-only hook at ``stage`` until it is killed."""

    def __init__(self, tmp_path, job, stage="write", pause=60):
        self.folder = tmp_path / f"worker-{job.pk}-{job.attempts}"
        self.folder.mkdir()
        self.marker = self.folder / "paused"
        env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTEST_CURRENT_TEST")}
        env.update(HUXIAO_TESTING="1", HUXIAO_VAR_DIR=str(self.folder), HUXIAO_TEST_IMPORT_PAUSE=stage,
                   HUXIAO_TEST_IMPORT_MARKER=str(self.marker), HUXIAO_TEST_IMPORT_PAUSE_SECONDS=str(pause),
                   JOB_HEARTBEAT_SECONDS="0.2")
        env.pop("DATABASE_URL", None)
        if connection.vendor == "postgresql":
            s = connection.settings_dict
            auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
            env["DATABASE_URL"] = f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
        else:  # the test database lives in this process's memory: hand the worker a file copy of it
            share_sqlite(to=self.folder / "huxiao.sqlite3")
        code = ("from huxiao.core.tasks import import_schools_task; "
                f"import_schools_task.call_local({job.pk})")
        self.process = subprocess.Popen([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def wait_paused(self, timeout=90):
        deadline = time.monotonic() + timeout
        while not self.marker.exists():
            if self.process.poll() is not None:
                raise AssertionError("worker exited early: " + self.process.stdout.read().decode())
            assert time.monotonic() < deadline, "worker never reached the pause"
            time.sleep(0.05)

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        assert self.process.returncode == -signal.SIGKILL
        if connection.vendor == "sqlite":
            share_sqlite(back_from=self.folder / "huxiao.sqlite3")


def share_sqlite(to=None, back_from=None):
    """Copy the in-memory test database to a file for a worker process, or the worker's file back."""
    connection.ensure_connection()
    if to is not None:
        target = sqlite3.connect(to)
        connection.connection.backup(target)
        target.close()
    else:
        source = sqlite3.connect(back_from)
        source.backup(connection.connection)
        source.close()


def open_job_page_until(client, job, done, timeout=30):
    """Open the job page (which checks the job's liveness) until ``done(job)``; returns the last page."""
    deadline = time.monotonic() + timeout
    while True:
        page = client.get(f"/schools/import/{job.pk}/").content.decode()
        job.refresh_from_db()
        if done(job):
            return page
        assert time.monotonic() < deadline, f"job stayed {job.status}"
        time.sleep(0.2)


def nothing_written():
    return not School.objects.filter(code__in=CODES).exists() and \
        not Unit.objects.filter(name__startswith="心跳小学").exists()


@pytest.fixture
def quick_staleness(settings):
    settings.JOB_STALE_SECONDS = 2
    settings.JOB_HEARTBEAT_SECONDS = 0  # this process's own retries run without a beat thread


@pytest.mark.django_db(transaction=True)
def test_worker_killed_while_writing_is_retried_once_and_completes(world, tmp_path, client, quick_staleness):
    job = make_job(world, tmp_path)
    worker = Worker(tmp_path, job, stage="write")
    worker.wait_paused()
    if connection.vendor == "postgresql":  # a live worker keeps beating and is left alone
        time.sleep(2.5)
        assert reap_stale_imports() == []
        job.refresh_from_db()
        assert job.status == "writing" and nothing_written()  # its writes are not committed
    worker.kill()
    client.force_login(world.users["edu_a"])
    page = open_job_page_until(client, job, lambda j: j.status == "done")
    assert job.retries == 1 and job.attempts == 2 and job.imported == len(CODES)
    assert "已自动重新排队" in job.reason and "已导入 6 所学校" in page
    assert sorted(School.objects.filter(code__in=CODES).values_list("code", flat=True)) == CODES  # once each


@pytest.mark.django_db(transaction=True)
def test_retry_killed_too_ends_failed_with_the_reason_and_nothing_written(world, tmp_path, client,
                                                                          quick_staleness, monkeypatch):
    from huxiao.core import tasks

    queued = []
    monkeypatch.setattr(tasks, "import_schools_task", queued.append)  # the queue hands the retry to a worker
    job = make_job(world, tmp_path)
    first = Worker(tmp_path, job, stage="write")
    first.wait_paused()
    first.kill()
    client.force_login(world.users["edu_a"])
    open_job_page_until(client, job, lambda j: j.status == "pending")
    assert queued == [job.pk] and job.retries == 1 and nothing_written()
    second = Worker(tmp_path, job, stage="write")  # the retry, on a worker that dies as well
    second.wait_paused()
    second.kill()
    page = open_job_page_until(client, job, lambda j: j.status == "failed")
    assert job.attempts == 2 and queued == [job.pk]  # not queued a third time
    assert "处理进程中断" in job.reason and "自动重试 1 次后仍未完成" in job.reason and "未导入任何数据" in job.reason
    assert job.reason in page and "未导入" in page
    assert nothing_written()


@pytest.mark.django_db(transaction=True)
def test_worker_given_up_as_dead_cannot_finish_afterwards(world, tmp_path, settings):
    """A worker that was only slow, not dead, and comes back after its job was failed: its writes roll back."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a database two processes share while one of them writes (SQLite: one file per process)")
    settings.JOB_STALE_SECONDS = 0
    settings.JOB_STALE_RETRIES = 0
    job = make_job(world, tmp_path)
    worker = Worker(tmp_path, job, stage="write", pause=3)
    worker.wait_paused()
    assert reap_stale_imports() == [(job.pk, "failed")]
    output = worker.process.communicate(timeout=60)[0].decode()
    assert worker.process.returncode == 0, output
    job.refresh_from_db()
    assert job.status == "failed" and job.imported == 0 and nothing_written()


def test_live_and_finished_jobs_are_not_reaped(world, settings):
    settings.JOB_STALE_SECONDS = 3600
    running = ImportJob.objects.create(original_name="a.xlsx", path="/nonexistent", created_by=world.users["edu_a"],
                                       status="validating", attempts=1)
    done = ImportJob.objects.create(original_name="b.xlsx", path="/nonexistent", created_by=world.users["edu_a"],
                                    status="done", attempts=1)
    from django.db.models.functions import Now

    ImportJob.objects.filter(pk=running.pk).update(heartbeat_at=Now())
    assert reap_stale_imports() == []
    settings.JOB_STALE_SECONDS = 0
    settings.JOB_STALE_RETRIES = 0
    assert reap_stale_imports() == [(running.pk, "failed")]
    done.refresh_from_db()
    assert done.status == "done" and done.reason == ""


def test_job_stuck_from_before_heartbeats_is_failed_when_its_page_opens(world, client, settings):
    """A job left 'validating' by a worker that died before jobs beat (no heartbeat at all)."""
    settings.JOB_STALE_SECONDS = 0
    settings.JOB_STALE_RETRIES = 0
    job = ImportJob.objects.create(original_name="old.xlsx", path="/nonexistent", created_by=world.users["edu_a"],
                                   status="validating")
    client.force_login(world.users["edu_a"])
    page = client.get(f"/schools/import/{job.pk}/").content.decode()
    job.refresh_from_db()
    assert job.status == "failed" and "处理进程中断" in page
    # someone else's job page is not theirs to open, and checks nothing
    other = ImportJob.objects.create(original_name="x.xlsx", path="/nonexistent", created_by=world.users["edu_a"],
                                     status="validating")
    client.force_login(world.users["admin_province"])
    assert client.get(f"/schools/import/{other.pk}/").status_code == 404
    other.refresh_from_db()
    assert other.status == "validating"


def test_the_minutely_worker_task_reaps_without_anyone_opening_the_page(world, settings):
    from huey.api import PeriodicTask

    from huxiao.core.tasks import reap_stale_jobs_task

    settings.JOB_STALE_SECONDS = 0
    settings.JOB_STALE_RETRIES = 0
    job = ImportJob.objects.create(original_name="x.xlsx", path="/nonexistent", created_by=world.users["edu_a"],
                                   status="writing", attempts=1)
    assert issubclass(reap_stale_jobs_task.task_class, PeriodicTask)
    assert reap_stale_jobs_task.s().validate_datetime(timezone.now())  # due every minute
    assert reap_stale_jobs_task.call_local() == [(job.pk, "failed")]
    job.refresh_from_db()
    assert job.status == "failed" and nothing_written()
