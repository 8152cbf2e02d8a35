"""The school registry (学校台账, SPEC §1)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from huxiao.core.choices import Ownership, RegionLevel, SchoolType, Setting, UnitKind
from huxiao.core.crypto import EncryptedCharField, mask_phone
from huxiao.core.scoping import ScopedQuerySet, can
from huxiao.core.validators import validate_coordinates, validate_phone, validate_school_code


class School(models.Model):
    """A primary/secondary school or kindergarten, in exactly one district, served by one police station."""

    code = models.CharField(_("学校标识码"), max_length=10, unique=True)
    name = models.CharField(_("学校名称"), max_length=128)
    school_type = models.CharField(_("学校类型"), max_length=16, choices=SchoolType.choices)
    ownership = models.CharField(_("办学性质"), max_length=8, choices=Ownership.choices)
    setting = models.CharField(_("城乡分类"), max_length=8, choices=Setting.choices)
    complex_environment = models.BooleanField(_("治安交通环境复杂"), default=False)
    boarding = models.BooleanField(_("寄宿制"), default=False)
    township_central = models.BooleanField(_("乡镇中心学校"), default=False)  # 000 八项措施 一、六
    county_town = models.BooleanField(_("县城"), default=False)  # located in the county town (000 §三(二)1)
    students = models.PositiveIntegerField(_("在校生数"), default=0)
    boarding_students = models.PositiveIntegerField(_("住宿生数"), default=0)
    staff = models.PositiveIntegerField(_("教职工数"), default=0)
    address = models.CharField(_("地址"), max_length=255)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    region = models.ForeignKey("core.Region", models.PROTECT, related_name="schools", verbose_name=_("所在区划"))
    district = models.ForeignKey("core.Region", models.PROTECT, related_name="district_schools",
                                 verbose_name=_("所属区县"), editable=False)
    region_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    police_station = models.ForeignKey("core.Unit", models.PROTECT, null=True, blank=True,
                                       related_name="served_schools", verbose_name=_("属地派出所"))
    unit = models.OneToOneField("core.Unit", models.PROTECT, null=True, blank=True, related_name="school",
                                verbose_name=_("学校单位"), editable=False)
    principal_name = models.CharField(_("校长/园长"), max_length=32, blank=True)
    principal_phone = EncryptedCharField(_("校长电话"), max_length=32, blank=True)  # AES-GCM at rest
    security_name = models.CharField(_("安保负责人"), max_length=32, blank=True)
    security_phone = EncryptedCharField(_("安保负责人电话"), max_length=32, blank=True)
    key_security_unit = models.BooleanField(_("治安保卫重点单位"), default=False)
    gate_open_time = models.TimeField(_("开校门时间"), null=True, blank=True)
    noon_dismissal_time = models.TimeField(_("中午放学时间"), null=True, blank=True)
    afternoon_dismissal_time = models.TimeField(_("下午放学时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    SCOPE_SCHOOL_FIELD = "id"

    class Meta:
        ordering = ["region_code", "name"]
        verbose_name = _("学校")
        verbose_name_plural = _("学校")
        indexes = [
            models.Index(fields=["region_code", "name"], name="school_region_name",
                         opclasses=["varchar_pattern_ops", "varchar_pattern_ops"]),
            models.Index(fields=["name"], name="school_name"),
        ]

    def __str__(self):
        return self.name

    @property
    def school_id(self):
        return self.pk

    def _district_of(self, region):
        if region.level == RegionLevel.COUNTY:
            return region
        if region.level == RegionLevel.TOWN:
            return region.parent
        return None

    def clean(self):
        errors = {}
        region = self.region if self.region_id else None
        if region is not None and self._district_of(region) is None:
            errors["region"] = gettext("学校所在区划须为区县或乡镇街道，不能是%(level)s") % {
                "level": region.get_level_display()}
        try:
            validate_school_code(self.code, self.school_type, region.code[:2] if region else None)
        except ValidationError as exc:
            errors["code"] = exc.messages
        try:
            validate_coordinates(self.longitude, self.latitude)
        except ValidationError as exc:
            errors["longitude"] = exc.messages
        for field in ("principal_phone", "security_phone"):
            try:
                validate_phone(getattr(self, field))
            except ValidationError as exc:
                errors[field] = exc.messages
        times = [(f, getattr(self, f)) for f in ("gate_open_time", "noon_dismissal_time",
                                                  "afternoon_dismissal_time") if getattr(self, f)]
        for (f1, t1), (f2, t2) in zip(times, times[1:], strict=False):
            if t1 >= t2:
                errors[f2] = gettext("%(later)s应晚于%(earlier)s") % {
                    "later": self._meta.get_field(f2).verbose_name,
                    "earlier": self._meta.get_field(f1).verbose_name}
        if self.boarding_students and self.boarding_students > self.students:
            errors["boarding_students"] = gettext("住宿生数不能多于在校生数")
        if self.boarding_students and not self.boarding:
            errors["boarding"] = gettext("有住宿生的学校应标记为寄宿制")
        station = self.police_station if self.police_station_id else None
        if station is not None and region is not None:
            district = self._district_of(region)
            if station.kind != UnitKind.POLICE:
                errors["police_station"] = gettext("属地派出所须为公安单位")
            elif district is not None and not station.region_id.startswith(district.code[:6]):
                errors["police_station"] = gettext("属地派出所%(s)s不在学校所在区县") % {"s": station.name}
        if errors:
            raise ValidationError(errors)

    def contacts_for(self, user) -> dict:
        """The contact phones as ``user`` may see them: in full for the school's security staff and the
        supervising education and police officials whose jurisdiction covers the school
        (``core.view_contacts``), masked (138****5678) for everyone else."""
        full = can(user, "core.view_contacts", self)
        phones = {f: getattr(self, f) for f in ("principal_phone", "security_phone")}
        return phones if full else {f: mask_phone(v) for f, v in phones.items()}

    def save(self, *args, **kwargs):
        adding = self._state.adding
        self.region_code = self.region_id
        self.district = self._district_of(self.region)
        super().save(*args, **kwargs)
        if adding:  # where the school was registered, from the day it was (a move: core.moves)
            SchoolRegionPeriod.objects.create(school=self, region_code=self.region_code,
                                              valid_from=timezone.localdate(self.created_at))


class SchoolRegionPeriod(models.Model):
    """Where a school was when: its region code from ``valid_from`` until ``valid_to`` (the day it moved
    away, not included; empty while it is there). Written when the school is registered and whenever it
    moves (``core.moves``), so that "as of" figures find the district responsible on a past day.
    Schools inserted in bulk (imports, demo data) get their first period when they first move."""

    school = models.ForeignKey(School, models.CASCADE, related_name="region_periods", verbose_name=_("学校"))
    region_code = models.CharField(_("区划代码"), max_length=12)
    valid_from = models.DateField(_("起始日期"))
    valid_to = models.DateField(_("截止日期"), null=True, blank=True)

    class Meta:
        ordering = ["school_id", "valid_from", "id"]
        verbose_name = _("学校区划沿革")
        verbose_name_plural = _("学校区划沿革")
        constraints = [
            models.UniqueConstraint(fields=["school"], condition=models.Q(valid_to__isnull=True),
                                    name="school_region_one_open_period"),
            models.CheckConstraint(condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F(
                "valid_from")), name="school_region_period_ordered"),
        ]

    def __str__(self):
        return f"{self.school_id} {self.region_code} {self.valid_from}–{self.valid_to or ''}"
