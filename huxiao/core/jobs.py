"""Background jobs that survive a dead worker: a lease, a heartbeat, and a reaper for the silent ones.

A job model carries ``status``, ``heartbeat_at``, ``attempts`` (starts), ``retries`` (restarts after a dead
worker), ``reason`` and ``finished_at``, and names its ``RUNNING`` statuses. A worker *claims* a pending job
(the claim's ``attempts`` value is its lease), *beats* while it runs (a thread with its own connection, so
it also beats while the worker is busy in a long statement), and finishes only while it still holds the
lease. A job that is running but silent for ``JOB_STALE_SECONDS`` lost its worker (SIGKILL, OOM, a host
gone): the reaper puts it back in the queue once (``JOB_STALE_RETRIES``) or marks it failed with a
reason the user reads on the job page. All stamps and comparisons use the database's clock, never two
machines' clocks against each other.
"""

import datetime
import logging
import threading

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, Q
from django.db.models.functions import Now
from django.utils import timezone

log = logging.getLogger(__name__)


def beat_interval() -> float:
    return float(getattr(settings, "JOB_HEARTBEAT_SECONDS", 10))


def stale_after() -> float:
    return float(getattr(settings, "JOB_STALE_SECONDS", 120))


def retries_allowed() -> int:
    return int(getattr(settings, "JOB_STALE_RETRIES", 1))


class LeaseLost(Exception):
    """The job was given up as dead (and perhaps restarted) while this worker was still running it."""


def claim(model, pk, *, pending, running) -> int | None:
    """Take a pending job: status ``running``, one more attempt, a first beat. Returns the lease (the
    attempt number), or None when the job is not pending (done, failed, or another worker has it)."""
    with transaction.atomic():
        taken = model.objects.filter(pk=pk, status=pending).update(
            status=running, attempts=F("attempts") + 1, heartbeat_at=Now())
        if not taken:
            return None
        return model.objects.values_list("attempts", flat=True).get(pk=pk)


def held(model, pk, lease):
    """The job's row while ``lease`` still holds it (running, same attempt): a queryset for updates."""
    return model.objects.filter(pk=pk, attempts=lease, status__in=model.RUNNING)


def beat(model, pk, lease, **fields) -> bool:
    """One beat (with optional progress fields). False: the lease is lost."""
    return held(model, pk, lease).update(heartbeat_at=Now(), **fields) == 1


class Heartbeat:
    """``with Heartbeat(Model, pk, lease):`` beats every JOB_HEARTBEAT_SECONDS from a thread while the block
    runs; ``lost`` turns True when a beat finds the lease gone. Inside an open transaction (a test, or a
    caller's atomic block) another connection may not even see the job's row, so no thread is started."""

    def __init__(self, model, pk, lease, interval=None):
        self.model, self.pk, self.lease = model, pk, lease
        self.interval = beat_interval() if interval is None else interval
        self.lost = False
        self._stop = threading.Event()
        self._thread = None

    def __enter__(self):
        if self.interval > 0 and not connection.in_atomic_block:
            self._thread = threading.Thread(target=self._run, name=f"heartbeat-{self.pk}", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=max(self.interval, 1.0))
        return False

    def _run(self):
        try:
            while not self._stop.wait(self.interval):
                try:
                    if not beat(self.model, self.pk, self.lease):
                        self.lost = True
                        return
                except DatabaseError:  # e.g. SQLite busy while the worker writes: the next beat will do
                    log.debug("heartbeat of job %s skipped", self.pk, exc_info=True)
        finally:
            connection.close()  # this thread's own connection


def _stale(seconds):
    cutoff = ExpressionWrapper(Now() - datetime.timedelta(seconds=seconds), output_field=DateTimeField())
    return Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)


def reap(model, *, pending, failed, retry, pk=None) -> list[tuple[int, str]]:
    """Give up the running jobs that stopped beating: back to ``pending`` and ``retry(pk)`` after commit
    while retries are left, else ``failed`` with a reason. Returns [(pk, "retried" | "failed")].
    Each change is conditional on the job still being silent and on the same attempt, so a worker that
    finishes at the same moment wins or loses cleanly (its own finish is conditional on its lease)."""
    seconds = stale_after()
    candidates = model.objects.filter(_stale(seconds), status__in=model.RUNNING)
    if pk is not None:
        candidates = candidates.filter(pk=pk)
    done = []
    for job_pk, attempts, retries in candidates.values_list("pk", "attempts", "retries")[:100]:
        still = model.objects.filter(_stale(seconds), pk=job_pk, attempts=attempts, status__in=model.RUNNING)
        try:
            with transaction.atomic():
                if retries < retries_allowed():
                    reason = (f"处理进程中断（超过 {seconds:g} 秒无响应），未写入任何数据；"
                              f"已自动重新排队（第 {retries + 1} 次重试）")
                    if still.update(status=pending, retries=F("retries") + 1, heartbeat_at=None, reason=reason):
                        transaction.on_commit(lambda job_pk=job_pk: retry(job_pk))
                        done.append((job_pk, "retried"))
                else:
                    reason = (f"处理进程中断（超过 {seconds:g} 秒无响应）" +
                              (f"，自动重试 {retries} 次后仍未完成" if retries else "") +
                              "。未导入任何数据，请重新上传文件")
                    if still.update(status=failed, reason=reason, finished_at=timezone.now()):
                        done.append((job_pk, "failed"))
        except DatabaseError:  # the database is busy (SQLite: a worker is writing); the next check will do
            log.warning("stale check of job %s postponed", job_pk, exc_info=True)
    for job_pk, action in done:
        log.warning("job %s.%s lost its worker: %s", model._meta.label, job_pk, action)
    return done
