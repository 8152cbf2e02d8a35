"""The 技防 device registry and device heartbeats (SPEC §2 技防, §6).

A device is networked (联网) while it has been heard from within its supervision window; the
window and the last time heard are on the device, every heartbeat is kept for audit and trends.
"""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huxiao.core.models import SchoolRecord
from huxiao.core.scoping import ScopedQuerySet
from huxiao.devices.choices import Dc09KeyForm, DeviceKind, DeviceLocation, HeartbeatSource

ALARM_KINDS = (DeviceKind.ALARM_PANEL, DeviceKind.ALARM_BUTTON)


class DeviceQuerySet(ScopedQuerySet):
    def networked(self, now=None):
        """Devices heard from within their own supervision window."""
        now = now or timezone.now()
        return self.filter(active=True, last_seen_at__isnull=False,
                           last_seen_at__gte=now - models.F("supervision_window"))

    def offline(self, now=None):
        now = now or timezone.now()
        return self.filter(active=True).exclude(pk__in=self.networked(now).values("pk"))

    def alarm_devices(self):
        """One-button alarm panels and buttons in use: the devices a test alarm is expected from."""
        return self.filter(active=True, kind__in=ALARM_KINDS)

    def never_tested(self):
        """Alarm devices in use with no test alarm on record (the alarms' ``device`` link, reverse ``alarms``)."""
        return self.alarm_devices().exclude(alarms__is_test=True)

    def tested(self):
        return self.alarm_devices().filter(alarms__is_test=True).distinct()


class Device(SchoolRecord):
    """One technical-defence device of a school: alarm panel or button, camera, NVR, intrusion, …

    Part of the school's present equipment: re-stamped with the school's new region when it moves (the
    alarm intake copies the device's region code onto each alarm)."""

    school = models.ForeignKey("core.School", models.PROTECT, related_name="devices", verbose_name=_("学校"))
    kind = models.CharField(_("设备类型"), max_length=20, choices=DeviceKind.choices)
    location = models.CharField(_("安装位置"), max_length=20, choices=DeviceLocation.choices)
    name = models.CharField(_("名称"), max_length=100)
    serial = models.CharField(_("设备编号"), max_length=64, unique=True)
    police_built = models.BooleanField(_("公安自建探头"), default=False)
    active = models.BooleanField(_("在用"), default=True)
    installed_on = models.DateField(_("安装日期"), null=True, blank=True)
    supervision_window = models.DurationField(_("监测窗口"), default=datetime.timedelta(minutes=5))
    # DC-09 account (hex, 3–16 chars) and AES key (encrypted with core.crypto) for alarm panels
    dc09_account = models.CharField(_("DC-09 账号"), max_length=16, unique=True, null=True, blank=True)
    dc09_key_encrypted = models.CharField(max_length=200, blank=True)
    dc09_key_form = models.CharField(_("密钥格式"), max_length=8, choices=Dc09KeyForm.choices, default=Dc09KeyForm.HEX)
    # an old unencrypted panel that cannot send DC-09 timestamps (its frames could be replayed: warned)
    dc09_timestamp_optional = models.BooleanField(_("允许无时间戳报文"), default=False)
    # frames refused as forged (plaintext to an encrypted account, wrong key), counted by the receiver
    forged_frames = models.PositiveIntegerField(_("伪造报文数"), default=0, editable=False)
    last_forged_at = models.DateTimeField(_("最近伪造报文"), null=True, blank=True, editable=False)
    # per-device secret for signed HTTP heartbeats and alarms (encrypted with core.crypto)
    secret_encrypted = models.CharField(max_length=200, blank=True)
    # not indexed: heartbeats update it thousands of times a second, and without an index on it
    # PostgreSQL updates the row in place (HOT, with the table's fillfactor leaving room)
    last_seen_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    # networked state as last computed from last_seen_at (heartbeat ingestion and the periodic sweep),
    # so that a change of state re-evaluates the school's compliance exactly once
    network_state = models.BooleanField(_("联网状态"), default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DeviceQuerySet.as_manager()
    MOVES_WITH_SCHOOL = True

    class Meta:
        ordering = ["school_id", "kind", "name"]
        verbose_name = _("技防设备")
        verbose_name_plural = _("技防设备")
        indexes = [models.Index(fields=["region_code"], name="device_region",
                                opclasses=["varchar_pattern_ops"])]

    def __str__(self):
        return f"{self.name}（{self.get_kind_display()}）"

    def is_networked(self, now=None) -> bool:
        now = now or timezone.now()
        return bool(self.active and self.last_seen_at and now - self.last_seen_at <= self.supervision_window)


class Heartbeat(models.Model):
    """One supervision signal from a device (HTTP heartbeat or DC-09 NULL/supervision message)."""

    device = models.ForeignKey(Device, models.CASCADE, related_name="heartbeats", db_index=False)  # (device, at) below
    at = models.DateTimeField(_("设备时间"))
    received_at = models.DateTimeField(_("接收时间"), default=timezone.now)
    source = models.CharField(_("来源"), max_length=8, choices=HeartbeatSource.choices, default=HeartbeatSource.HTTP)

    class Meta:
        verbose_name = _("设备心跳")
        verbose_name_plural = _("设备心跳")
        indexes = [models.Index(fields=["device", "at"], name="heartbeat_device_at")]


class UsedSignature(models.Model):
    """A device request signature already accepted; kept for the timestamp window to refuse replays."""

    device = models.ForeignKey(Device, models.CASCADE, related_name="+")
    signature = models.CharField(max_length=64)
    timestamp = models.BigIntegerField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["device", "signature"], name="used_signature_unique")]
