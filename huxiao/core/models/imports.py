"""Bulk import jobs: an uploaded Excel file, its progress, its per-row error report, and the heartbeat
that tells a running job from one whose worker died (huxiao.core.jobs)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    VALIDATING = "validating", _("校验中")
    WRITING = "writing", _("写入中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("未导入（有错误）")


class ImportJob(models.Model):
    """One upload of the school template; all rows are imported or none."""

    kind = models.CharField(_("类别"), max_length=32, default="schools")
    original_name = models.CharField(_("文件名"), max_length=255)
    path = models.CharField(max_length=255)
    status = models.CharField(_("状态"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    total = models.PositiveIntegerField(_("总行数"), default=0)
    processed = models.PositiveIntegerField(_("已处理"), default=0)
    imported = models.PositiveIntegerField(_("已导入"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Liveness: the worker running the job beats (database clock) every JOB_HEARTBEAT_SECONDS; a running job
    # silent for JOB_STALE_SECONDS is taken for dead. ``attempts`` counts starts (each start is a lease: only
    # the worker holding the latest may finish the job), ``retries`` the restarts after a dead worker.
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("运行次数"), default=0)
    retries = models.PositiveSmallIntegerField(_("自动重试次数"), default=0)
    reason = models.CharField(_("说明"), max_length=300, blank=True)

    RUNNING = (ImportStatus.VALIDATING, ImportStatus.WRITING)  # the statuses a worker holds (and beats in)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="import_job_liveness")]
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        return int(self.processed * 100 / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

