"""What the audit log records of the device registry (typed events, core.audit)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from huxiao.core.audit import audit_events


@audit_events
class DeviceAudit(models.TextChoices):
    REGISTER = "devices.register", _("登记技防设备")
    DEACTIVATE = "devices.deactivate", _("停用技防设备")
    REACTIVATE = "devices.reactivate", _("恢复使用技防设备")
