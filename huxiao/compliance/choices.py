"""Enumerations of the compliance domain."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    MET = "met", _("达标")
    NOT_MET = "not_met", _("未达标")
    NOT_APPLICABLE = "na", _("不适用")


class ThreeHundred(models.TextChoices):
    """The "三个100%" of 003 §一 and 002 §三(二)."""

    CLOSED = "closed", _("封闭化管理100%")
    NETWORKED = "networked", _("一键式报警和视频监控联网100%")
    URBAN_GUARDS = "urban_guards", _("城市中小学专职保安员100%")
