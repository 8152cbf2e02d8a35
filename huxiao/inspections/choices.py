"""Enumerations of inspections and supervision (检查督导), with their Chinese labels (SPEC §4)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InspectionMode(models.TextChoices):
    ANNOUNCED = "announced", _("明查")
    UNANNOUNCED = "unannounced", _("暗访")


class PlanKind(models.TextChoices):
    ROUTINE = "routine", _("常规检查督导")
    SPECIAL = "special", _("专项排查（开学/放假/敏感节点）")


class PlanLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
