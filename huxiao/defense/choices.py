"""Enumerations of the 三防 registry (SPEC §2; 000 §三(一)2-4; 001 附件 report form)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class GuardCategory(models.TextChoices):
    FULL_TIME = "full_time", _("专职保安员")
    PART_TIME = "part_time", _("兼职安全保卫人员")
    DOORKEEPER = "doorkeeper", _("门卫")
    DORM_KEEPER = "dorm_keeper", _("宿舍管理员")


class BackgroundResult(models.TextChoices):
    PENDING = "pending", _("待审查")
    PASSED = "passed", _("通过")
    FAILED = "failed", _("不通过")


class HealthStatus(models.TextChoices):
    HEALTHY = "healthy", _("健康")
    LIMITED = "limited", _("身体状况受限")
    UNFIT = "unfit", _("不适合值勤")


class EnclosureType(models.TextChoices):
    WALL = "wall", _("实体围墙")
    FENCE = "fence", _("通透式护栏")
    MIXED = "mixed", _("围墙与护栏结合")
    NONE = "none", _("无围墙护栏")


class BarrierKind(models.TextChoices):
    RAILING = "railing", _("隔离栏")
    BOLLARD = "bollard", _("隔离墩")
    RISING_BOLLARD = "rising_bollard", _("升降柱")


class TrafficFacility(models.TextChoices):
    SPEED_BUMP = "speed_bump", _("减速带")
    SIGN = "sign", _("警示标志")
    CROSSWALK = "crosswalk", _("人行横道")
    SIGNAL = "signal", _("信号灯")


class EquipmentKind(models.TextChoices):
    SAFETY_FORK = "safety_fork", _("安全叉（钢叉）")
    SHIELD = "shield", _("防暴盾牌")
    HELMET = "helmet", _("防暴头盔")
    STAB_VEST = "stab_vest", _("防刺背心")
    BATON = "baton", _("防暴棍")
    GLOVES = "gloves", _("防割手套")
    SPRAY = "spray", _("催泪喷射器")
