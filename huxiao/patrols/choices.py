"""Enumerations of the 护学岗 / patrol records, with their Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PostKind(models.TextChoices):
    POLICE = "police", _("公安护学岗")
    VILLAGE = "village", _("村校联防")
    SCHOOL = "school", _("学校自管")


class PersonKind(models.TextChoices):
    POLICE = "police", _("民警")
    AUXILIARY = "auxiliary", _("辅警")
    SECURITY = "security", _("保安")
    STAFF = "staff", _("教职员工")
    SECURITY_CADRE = "cadre", _("治保干部")
    MILITIA = "militia", _("民兵")
    ACTIVIST = "activist", _("治安积极分子")


# 群防群治 forces (001 monthly form: 发动群防群治力量)
VOLUNTEER_KINDS = frozenset({PersonKind.SECURITY_CADRE, PersonKind.MILITIA, PersonKind.ACTIVIST})
POLICE_KINDS = frozenset({PersonKind.POLICE, PersonKind.AUXILIARY})


class WindowKind(models.TextChoices):
    GATE_OPEN = "gate_open", _("早上入校")
    NOON = "noon", _("中午放学")
    AFTERNOON = "afternoon", _("下午放学")
    # boarding schools' weekly windows (dates follow the school calendar: see duty.py)
    BOARDING_LEAVE = "leave", _("寄宿生离校")
    BOARDING_RETURN = "return", _("寄宿生返校")


class Season(models.TextChoices):
    SUMMER = "summer", _("夏季作息")
    WINTER = "winter", _("冬季作息")


class CheckKind(models.TextChoices):
    CHECK_IN = "check_in", _("到岗签到")
    CHECK_OUT = "check_out", _("离岗签退")
    PATROL = "patrol", _("巡逻打卡")
    LIAISON = "liaison", _("联络员到校")


class PatrolMode(models.TextChoices):
    CAR = "car", _("车巡")
    FOOT = "foot", _("步巡")
    FIXED = "fixed", _("定点值守")


WEEKDAYS = [(0, _("周一")), (1, _("周二")), (2, _("周三")), (3, _("周四")), (4, _("周五")), (5, _("周六")),
            (6, _("周日"))]


class Evidence(models.TextChoices):
    """What proves a check was made at the post: the phone's position, or the gate's QR code scanned."""

    POSITION = "position", _("定位")
    QR = "qr", _("扫码")
