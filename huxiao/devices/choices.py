"""Kinds and places of technical-defence (技防) devices."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeviceKind(models.TextChoices):
    ALARM_PANEL = "alarm_panel", _("一键式紧急报警主机")
    ALARM_BUTTON = "alarm_button", _("一键式紧急报警按钮")
    CAMERA = "camera", _("视频监控摄像机")
    NVR = "nvr", _("硬盘录像机(NVR)")
    INTRUSION = "intrusion", _("入侵报警")
    ACCESS_CONTROL = "access_control", _("出入口控制(门禁)")
    PATROL = "patrol", _("电子巡查")


class DeviceLocation(models.TextChoices):
    GATE = "gate", _("校门口")
    DUTY_ROOM = "duty_room", _("门卫室")
    PERIMETER = "perimeter", _("周界")
    TEACHING = "teaching", _("教学楼")
    DORMITORY = "dormitory", _("宿舍")
    CANTEEN = "canteen", _("食堂")
    OUTSIDE_GATE = "outside_gate", _("校门外")
    OTHER = "other", _("其他")


class HeartbeatSource(models.TextChoices):
    HTTP = "http", _("HTTP 心跳")
    DC09 = "dc09", _("DC-09 监测报文")


class Dc09KeyForm(models.TextChoices):
    """How a DC-09 AES key is written: the standard's hex digits, or a legacy panel's characters."""

    HEX = "hex", _("十六进制（32/48/64 位，标准）")
    CHARS = "chars", _("字符（16/24/32 个字符，旧式主机）")
