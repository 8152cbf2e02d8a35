"""The 三防 records of each school (SPEC §2; 000 §三(一)2-3; 001 §二(一) and its report form).

人防: the guard roster with trainings; protective equipment by kind and count. 物防: one facility
record per school. 技防 devices live in huxiao.devices. Every record carries the school's region code
for the jurisdiction filter, who recorded it and when, and evidence (photos, documents).
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huxiao.core.crypto import EncryptedCharField
from huxiao.core.models import SchoolRecord as BaseSchoolRecord
from huxiao.defense.choices import (
    BackgroundResult,
    BarrierKind,
    EnclosureType,
    EquipmentKind,
    GuardCategory,
    HealthStatus,
    TrafficFacility,
)


class SchoolRecord(BaseSchoolRecord):
    """Fields shared by every 三防 record: school, region code (stamped when written), who and when.

    The 三防 records are the school's present state (its guards, facility and equipment): they move with
    the school to its new district's reach."""

    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("登记人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    evidence = models.ManyToManyField("core.Attachment", blank=True, related_name="+", verbose_name=_("佐证材料"))

    MOVES_WITH_SCHOOL = True

    class Meta:
        abstract = True


class Guard(SchoolRecord):
    """A member of the school's security staff (专职保安员 / 兼职安全保卫人员 / 门卫 / 宿舍管理员).

    The ID number is stored encrypted with a keyed hash for look-ups and shown as its last 4 characters;
    the phone is encrypted at rest. The birth date stays on the row for the first-hire age rule but is
    never shown: the roster shows the age at first hire (``hire_age``), computed here."""

    name = models.CharField(_("姓名"), max_length=32)
    category = models.CharField(_("类别"), max_length=16, choices=GuardCategory.choices)
    id_number_encrypted = models.CharField(max_length=200, editable=False)
    id_number_index = models.CharField(max_length=64, db_index=True, editable=False)
    id_number_masked = models.CharField(_("身份证号"), max_length=18, editable=False)  # last 4 characters only
    license_number = models.CharField(_("保安员证号"), max_length=32, blank=True)
    birth_date = models.DateField(_("出生日期"))
    first_hired_on = models.DateField(_("首次聘用日期"))
    background_checked_on = models.DateField(_("背景审查日期"), null=True, blank=True)
    background_result = models.CharField(_("背景审查结果"), max_length=8, choices=BackgroundResult.choices,
                                         default=BackgroundResult.PENDING)
    health_status = models.CharField(_("健康状况"), max_length=8, choices=HealthStatus.choices,
                                     default=HealthStatus.HEALTHY)
    phone = EncryptedCharField(_("联系电话"), max_length=32, blank=True)  # personal information: AES-GCM
    active = models.BooleanField(_("在岗"), default=True)
    left_on = models.DateField(_("离岗日期"), null=True, blank=True)

    class Meta:
        ordering = ["school_id", "category", "name"]
        verbose_name = _("安保人员")
        verbose_name_plural = _("安保人员")
        indexes = [models.Index(fields=["region_code"], name="guard_region", opclasses=["varchar_pattern_ops"]),
                   models.Index(fields=["school", "active"], name="guard_school_active")]

    def __str__(self):
        return f"{self.name}（{self.get_category_display()}）"

    def age_on(self, day: datetime.date) -> int:
        """Age in full years on ``day``."""
        return day.year - self.birth_date.year - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))

    @property
    def hire_age(self) -> int:
        return self.age_on(self.first_hired_on)


class GuardTraining(models.Model):
    """One training a guard took part in (岗前培训, 业务培训, 应急演练…)."""

    guard = models.ForeignKey(Guard, models.CASCADE, related_name="trainings", verbose_name=_("安保人员"))
    held_on = models.DateField(_("培训日期"))
    topic = models.CharField(_("培训内容"), max_length=100)
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1, default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("登记人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    evidence = models.ManyToManyField("core.Attachment", blank=True, related_name="+", verbose_name=_("佐证材料"))

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("培训记录")
        verbose_name_plural = _("培训记录")

    def __str__(self):
        return f"{self.held_on} {self.topic}"


class Equipment(SchoolRecord):
    """Protective equipment of one kind held by a school (安全叉 etc., 001 附件)."""

    kind = models.CharField(_("装备类别"), max_length=16, choices=EquipmentKind.choices)
    count = models.PositiveIntegerField(_("数量"), default=0)

    class Meta:
        ordering = ["school_id", "kind"]
        verbose_name = _("防护装备")
        verbose_name_plural = _("防护装备")
        constraints = [models.UniqueConstraint(fields=["school", "kind"], name="equipment_school_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} × {self.count}"


class Facility(SchoolRecord):
    """The school's 物防: enclosure, gate duty room, closed management, anti-ramming, traffic around it."""

    school = models.OneToOneField("core.School", models.PROTECT, related_name="facility", verbose_name=_("学校"))
    enclosure_type = models.CharField(_("围墙/护栏"), max_length=8, choices=EnclosureType.choices,
                                      default=EnclosureType.NONE)
    enclosure_height_m = models.DecimalField(_("围墙高度(米)"), max_digits=4, decimal_places=2, null=True, blank=True)
    gate_duty_room = models.BooleanField(_("门卫值班室"), default=False)
    closed_management = models.BooleanField(_("封闭化管理"), default=False)
    vehicle_access = models.BooleanField(_("校门前可通行机动车"), default=True)
    anti_ramming_needed = models.BooleanField(_("需安装硬质防冲撞设施"), default=True)
    anti_ramming_kinds = models.JSONField(_("已安装防冲撞设施"), default=list, blank=True)
    parent_waiting_area = models.BooleanField(_("家长等候区"), default=False)
    traffic_needed = models.JSONField(_("周边需设交通设施"), default=list, blank=True)
    traffic_installed = models.JSONField(_("周边已设交通设施"), default=list, blank=True)

    class Meta:
        verbose_name = _("物防设施")
        verbose_name_plural = _("物防设施")
        indexes = [models.Index(fields=["region_code"], name="facility_region", opclasses=["varchar_pattern_ops"])]

    def __str__(self):
        return f"{self.school}·物防"

    @property
    def anti_ramming_installed(self) -> bool:
        return bool(self.anti_ramming_kinds)

    @property
    def traffic_missing(self) -> list:
        return [k for k in self.traffic_needed if k not in self.traffic_installed]

    @property
    def anti_ramming_labels(self) -> list:
        labels = dict(BarrierKind.choices)
        return [str(labels.get(k, k)) for k in self.anti_ramming_kinds]

    @property
    def traffic_missing_labels(self) -> list:
        labels = dict(TrafficFacility.choices)
        return [str(labels.get(k, k)) for k in self.traffic_missing]
