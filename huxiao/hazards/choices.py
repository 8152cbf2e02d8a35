"""Enumerations of the hazard ledger (挂账销号), with their Chinese labels (SPEC §3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HazardStatus(models.TextChoices):
    PENDING = "pending", _("待整改")
    RECTIFYING = "rectifying", _("整改中")
    AWAITING = "awaiting", _("待验收")
    CLOSED = "closed", _("已销号")


OPEN_STATUSES = (HazardStatus.PENDING, HazardStatus.RECTIFYING, HazardStatus.AWAITING)
# Statuses in which the school still owes the rectification: only these run overdue and climb the ladder.
OWED_STATUSES = (HazardStatus.PENDING, HazardStatus.RECTIFYING)


class HazardCategory(models.TextChoices):
    CAMPUS = "campus", _("校园内部安全隐患")
    AREA_INTERNET_CAFE = "area_internet_cafe", _("周边治安乱点·网吧")
    AREA_ARCADE = "area_arcade", _("周边治安乱点·游戏厅")
    AREA_RENTAL = "area_rental", _("周边治安乱点·出租屋")
    AREA_OTHER = "area_other", _("周边治安乱点·其他")
    TRAFFIC = "traffic", _("交通")
    FIRE = "fire", _("消防")
    SCHOOL_BUS = "school_bus", _("校车")
    OTHER = "other", _("其他")


class Severity(models.TextChoices):
    GENERAL = "general", _("一般")
    MAJOR = "major", _("重大")


class HazardSource(models.TextChoices):
    """How the hazard was found (002 §二(二), 003 §三(一), 004 §五(二))."""

    SELF_CHECK = "self_check", _("学校每月自查")
    JOINT_INSPECTION = "joint_inspection", _("联合检查")
    SUPERVISION = "supervision", _("督导检查")
    INSPECTOR = "inspector", _("责任督学督查")
    UNANNOUNCED = "unannounced", _("明查暗访")
    SPECIAL = "special", _("专项排查")
    PATROL = "patrol", _("巡查发现")
    PUBLIC = "public", _("群众反映")


class HazardAction(models.TextChoices):
    """The transitions of the life cycle; each one is kept as a HazardEvent."""

    REPORT = "report", _("登记挂账")
    START = "start", _("开始整改")
    SUBMIT = "submit", _("提交验收")
    CLOSE = "close", _("验收销号")
    REWORK = "rework", _("退回返工")


class EscalationLevel(models.TextChoices):
    """The overdue ladder (三方督办), in order of gravity."""

    REMINDER = "reminder", _("到期提醒")
    NOTICE = "notice", _("通报")
    INTERVIEW = "interview", _("约谈")
    LISTED = "listed", _("挂牌督办")


LEVEL_ORDER = [EscalationLevel.REMINDER, EscalationLevel.NOTICE, EscalationLevel.INTERVIEW, EscalationLevel.LISTED]
