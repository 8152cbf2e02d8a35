"""Enumerations of the compliance domain."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    MET = "met", _("达标")
    NOT_MET = "not_met", _("未达标")
    NOT_APPLICABLE = "na", _("不适用")


class ThreeHundred(models.TextChoices):
    """The "三个100%" (003 §一 and §三(一), "按照教育部、公安部的部署要求"; 002 §二(一), §三(二)) and the two
    indicators the networked one is made of: the seeds and 001's monthly form count the one-button alarm
    (``安装一键式报警装置并与公安机关联网校园数``) and the video (``视频监控与公安机关联网校园数``) apart."""

    CLOSED = "closed", _("封闭化管理100%")
    NETWORKED = "networked", _("一键式报警和视频监控联网100%")
    URBAN_GUARDS = "urban_guards", _("专职保安员配备100%")
    ALARM_NETWORKED = "alarm_networked", _("一键式紧急报警与公安机关联网")
    VIDEO_NETWORKED = "video_networked", _("视频监控与公安机关联网")


# the three cards of every dashboard, and the indicators shown inside a card
CARDS = (ThreeHundred.CLOSED, ThreeHundred.NETWORKED, ThreeHundred.URBAN_GUARDS)
CARD_PARTS = {ThreeHundred.NETWORKED: (ThreeHundred.ALARM_NETWORKED, ThreeHundred.VIDEO_NETWORKED)}
