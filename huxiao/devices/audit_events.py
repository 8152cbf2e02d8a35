"""What the audit log records of the device registry (typed events, core.audit)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from huxiao.core.audit import audit_events


@audit_events
class DeviceAudit(models.TextChoices):
    REGISTER = "devices.register", _("登记技防设备")
    DEACTIVATE = "devices.deactivate", _("停用技防设备")
    REACTIVATE = "devices.reactivate", _("恢复使用技防设备")
    BULK_REGISTER = "devices.bulk_register", _("批量登记技防设备")
    ROTATE_SECRET = "devices.rotate_secret", _("轮换设备密钥")
