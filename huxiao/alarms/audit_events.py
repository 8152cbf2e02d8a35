"""What the audit log records of the alarm life cycle (typed events, core.audit)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from huxiao.core.audit import audit_events


@audit_events
class AlarmAudit(models.TextChoices):
    ACKNOWLEDGE = "alarms.acknowledge", _("确认报警")
    DISPATCH = "alarms.dispatch", _("派警")
    ASSIGN = "alarms.assign", _("指派出警民警")
    ARRIVE = "alarms.arrive", _("登记到场")
    CLOSE = "alarms.close", _("报警处置完毕")
    ESCALATE = "alarms.escalate", _("报警超时升级")
    SET_DC09_ACCOUNT = "alarms.set_dc09_account", _("设置 DC-09 账号")
