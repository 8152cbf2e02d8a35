"""Enumerations of the one-button alarm domain, with their Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AlarmSource(models.TextChoices):
    DC09 = "dc09", _("DC-09 报警主机")
    HTTP = "http", _("HTTP 签名接口")


class AlarmCategory(models.TextChoices):
    EMERGENCY = "emergency", _("紧急报警")
    INTRUSION = "intrusion", _("入侵")
    FIRE = "fire", _("火警")
    FAULT = "fault", _("故障")
    ARMING = "arming", _("布撤防")
    TEST = "test", _("测试")
    OTHER = "other", _("其他")


# Categories that call for police action (shown on the console, escalated when unanswered)
RESPONSE_CATEGORIES = {AlarmCategory.EMERGENCY, AlarmCategory.INTRUSION, AlarmCategory.FIRE, AlarmCategory.OTHER}


class AlarmStatus(models.TextChoices):
    RECEIVED = "received", _("接警")
    ACKNOWLEDGED = "acknowledged", _("已确认")
    DISPATCHED = "dispatched", _("已派警")
    ARRIVED = "arrived", _("已到场")
    CLOSED = "closed", _("处置完毕")
    RECORDED = "recorded", _("已记录")  # test, fault and arming messages: no police action


class Disposition(models.TextChoices):
    REAL = "real", _("真实警情")
    FALSE = "false", _("误报")
    TEST = "test", _("测试")
    FAULT = "fault", _("设备故障")


class EventKind(models.TextChoices):
    RECEIVED = "received", _("接警")
    ACKNOWLEDGED = "acknowledged", _("确认")
    DISPATCHED = "dispatched", _("派警")
    ASSIGNED = "assigned", _("指派民警")  # the unit dispatched by the 110 centre names its officer
    ARRIVED = "arrived", _("到场")
    CLOSED = "closed", _("处置完毕")
    ESCALATED = "escalated", _("超时升级")
    RESTORED = "restored", _("报警恢复")  # the panel reported the condition restored (DC-03 BR, Contact ID 3xxx)


class EventNature(models.TextChoices):
    """What a reported event is (codes.sia_kind / codes.cid_event)."""

    ALARM = "alarm", _("报警")
    RESTORE = "restore", _("恢复")
    OPENING = "opening", _("撤防")
    CLOSING = "closing", _("布防")
    STATUS = "status", _("状态")
    TEST = "test", _("测试")
