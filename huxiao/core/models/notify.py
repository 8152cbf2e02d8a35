"""Notification channels' records: each user's choice of channels per level, and every delivery attempt
by e-mail or SMS (the in-app ``Notification`` row is always written; see ``huxiao.core.notifications``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationLevel(models.TextChoices):
    INFO = "info", _("一般")
    WARNING = "warning", _("提醒")
    DANGER = "danger", _("紧急")


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败，待重试")
    GAVE_UP = "gave_up", _("发送失败，已放弃")


class NotificationPreference(models.Model):
    """Whether notifications of ``level`` also go to the user by ``channel``. A missing row means the
    default of ``settings.NOTIFY_DEFAULT_CHANNELS``."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="notification_preferences",
                             verbose_name=_("用户"))
    level = models.CharField(_("级别"), max_length=16, choices=NotificationLevel.choices)
    channel = models.CharField(_("渠道"), max_length=8, choices=NotificationChannel.choices)
    enabled = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")
        constraints = [models.UniqueConstraint(fields=["user", "level", "channel"], name="notifypref_unique")]

    def __str__(self):
        return f"{self.user} {self.level} {self.channel} {'on' if self.enabled else 'off'}"


class Delivery(models.Model):
    """One notification sent (or to be sent) by one channel. The destination is kept masked only
    (138****5678, a***@example.cn): the address is read from the user at each attempt."""

    notification = models.ForeignKey("core.Notification", models.CASCADE, related_name="deliveries",
                                     verbose_name=_("通知"))
    channel = models.CharField(_("渠道"), max_length=8, choices=NotificationChannel.choices)
    destination = models.CharField(_("接收地址"), max_length=64, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("失败原因"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    attempted_at = models.DateTimeField(_("最近尝试"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("下次重试"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("通知投递")
        verbose_name_plural = _("通知投递")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.destination} ({self.get_status_display()})"
