"""护学岗 records (SPEC §5; 000 §三(二)1 and 八项措施 一、六; 001 §二(三)(七); 002 §二(三); 003 §三(四)).

A :class:`Post` is a school's gate duty post with its WGS-84 position (entered in any datum); its duty
windows come from the school's timetable (:class:`Timetable`, summer and winter) with the post's lead and
tail minutes. :class:`Person` s (police, auxiliary police, guards, staff and 群防群治 volunteers) are put
on posts by :class:`Roster` (weekday × window, with :class:`RosterException` s), and prove it with
:class:`CheckIn` s from their phones (check-in, check-out, patrol, liaison visit), stored exactly once
per client key.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from huxiao.core.crypto import EncryptedCharField
from huxiao.core.models import SchoolRecord
from huxiao.patrols.choices import (
    WEEKDAYS,
    CheckKind,
    Evidence,
    PatrolMode,
    PersonKind,
    PostKind,
    Season,
    WindowKind,
)
from huxiao.patrols.geo import Datum

LAT = [MinValueValidator(-90), MaxValueValidator(90)]
LNG = [MinValueValidator(-180), MaxValueValidator(180)]


class Timetable(SchoolRecord):
    """A school's 上放学 times for one season; each season runs from its start date to the other season's."""

    season = models.CharField(_("作息"), max_length=8, choices=Season.choices)
    starts_on_month = models.PositiveSmallIntegerField(_("起始月"), validators=[MinValueValidator(1),
                                                                               MaxValueValidator(12)])
    starts_on_day = models.PositiveSmallIntegerField(_("起始日"), default=1,
                                                     validators=[MinValueValidator(1), MaxValueValidator(31)])
    gate_open_time = models.TimeField(_("开校门时间"), null=True, blank=True)
    noon_dismissal_time = models.TimeField(_("中午放学时间"), null=True, blank=True)
    afternoon_dismissal_time = models.TimeField(_("下午放学时间"), null=True, blank=True)
    # boarding schools only: the weekly windows' bells (on which dates: duty.py, from the school calendar)
    boarding_leave_time = models.TimeField(_("寄宿生离校时间"), null=True, blank=True,
                                           help_text=_("放假前最后一个上学日（通常为周五）的离校时间"))
    boarding_return_time = models.TimeField(_("寄宿生返校时间"), null=True, blank=True,
                                            help_text=_("开学前一天（通常为周日）晚上的返校时间"))

    class Meta:
        verbose_name = _("作息时间")
        verbose_name_plural = _("作息时间")
        constraints = [models.UniqueConstraint(fields=["school", "season"], name="patrols_timetable_season")]


class Post(SchoolRecord):
    name = models.CharField(_("岗位名称"), max_length=64)
    kind = models.CharField(_("岗位类型"), max_length=8, choices=PostKind.choices)
    entered_latitude = models.DecimalField(_("录入纬度"), max_digits=10, decimal_places=7, validators=LAT)
    entered_longitude = models.DecimalField(_("录入经度"), max_digits=10, decimal_places=7, validators=LNG)
    datum = models.CharField(_("坐标系"), max_length=8, choices=Datum.choices, default=Datum.WGS84)
    latitude = models.FloatField(_("纬度（WGS-84）"), editable=False)
    longitude = models.FloatField(_("经度（WGS-84）"), editable=False)
    radius_m = models.PositiveIntegerField(_("电子围栏半径（米）"), default=200,
                                           validators=[MinValueValidator(20), MaxValueValidator(2000)])
    lead_minutes = models.PositiveSmallIntegerField(_("提前到岗（分钟）"), default=15,
                                                    validators=[MaxValueValidator(120)])
    tail_minutes = models.PositiveSmallIntegerField(_("延后离岗（分钟）"), default=15,
                                                    validators=[MaxValueValidator(120)])
    grace_minutes = models.PositiveSmallIntegerField(_("缺岗判定（开始后分钟）"), default=10,
                                                     validators=[MaxValueValidator(60)])
    windows = models.JSONField(_("值守时段"), default=list, blank=True,
                               help_text=_("为空时为学校作息的全部时段"))
    active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("登记人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # the gate QR code's version: raising it refuses every code printed before (gate_codes.py)
    gate_code_version = models.PositiveIntegerField(_("校门二维码版本"), default=1, editable=False)

    class Meta:
        ordering = ["region_code", "school_id", "name"]
        verbose_name = _("护学岗")
        verbose_name_plural = _("护学岗")
        indexes = [models.Index(fields=["region_code"], name="patrols_post_region",
                                opclasses=["varchar_pattern_ops"])]

    def __str__(self):
        return f"{self.school.name} {self.name}"

    def get_absolute_url(self):
        return reverse("patrol-post-detail", args=[self.pk])

    def window_kinds(self) -> list[str]:
        return list(self.windows) or [w.value for w in WindowKind]


class Person(SchoolRecord):
    """Someone who stands at a post or patrols it, registered with their unit at the school they serve."""

    name = models.CharField(_("姓名"), max_length=32)
    kind = models.CharField(_("人员类别"), max_length=12, choices=PersonKind.choices)
    unit_name = models.CharField(_("所在单位"), max_length=64)
    phone = EncryptedCharField(_("联系电话"), max_length=32, blank=True)  # AES-GCM at rest
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                             related_name="patrol_people", verbose_name=_("系统账号"))
    active = models.BooleanField(_("在岗"), default=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["region_code", "school_id", "name"]
        verbose_name = _("护学岗人员")
        verbose_name_plural = _("护学岗人员")

    def __str__(self):
        return f"{self.name}（{self.get_kind_display()}）"


class Roster(SchoolRecord):
    """``person`` stands at ``post`` on ``weekday`` in ``window`` from ``valid_from`` (to ``valid_to``)."""

    post = models.ForeignKey(Post, models.CASCADE, related_name="rosters", verbose_name=_("护学岗"))
    person = models.ForeignKey(Person, models.PROTECT, related_name="rosters", verbose_name=_("人员"))
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=WEEKDAYS)
    window = models.CharField(_("时段"), max_length=12, choices=WindowKind.choices)
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("截止日期"), null=True, blank=True)

    class Meta:
        ordering = ["post_id", "weekday", "window"]
        verbose_name = _("排班")
        verbose_name_plural = _("排班")

    def __str__(self):
        return f"{self.person.name} {self.get_weekday_display()} {self.get_window_display()}"


class RosterException(SchoolRecord):
    """One date on which a roster line does not hold: cancelled, or another person stands in."""

    roster = models.ForeignKey(Roster, models.CASCADE, related_name="exceptions", verbose_name=_("排班"))
    date = models.DateField(_("日期"))
    substitute = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("替班人员"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("排班例外")
        verbose_name_plural = _("排班例外")
        constraints = [models.UniqueConstraint(fields=["roster", "date"], name="patrols_roster_exception_day")]

    def __str__(self):
        change = _("由 %(p)s 替班") % {"p": self.substitute.name} if self.substitute_id else _("取消")
        return f"{self.date:%Y-%m-%d} {self.roster}：{change}"


class CheckIn(SchoolRecord):
    """One check from a phone. ``client_key`` (a UUID made on the phone) is stored once: a replay of the
    same body returns this row, a different body under the same key is refused."""

    post = models.ForeignKey(Post, models.PROTECT, related_name="check_ins", verbose_name=_("护学岗"))
    person = models.ForeignKey(Person, models.PROTECT, related_name="check_ins", verbose_name=_("人员"))
    kind = models.CharField(_("类型"), max_length=12, choices=CheckKind.choices)
    mode = models.CharField(_("方式"), max_length=8, choices=PatrolMode.choices, default=PatrolMode.FIXED)
    duty_date = models.DateField(_("值守日期"), db_index=True)
    window = models.CharField(_("时段"), max_length=12, choices=WindowKind.choices, blank=True)
    device_time = models.DateTimeField(_("手机时间"))
    received_at = models.DateTimeField(_("接收时间"), auto_now_add=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True, validators=LAT)
    longitude = models.FloatField(_("经度"), null=True, blank=True, validators=LNG)
    accuracy_m = models.FloatField(_("定位精度（米）"), null=True, blank=True, validators=[MinValueValidator(0)])
    distance_m = models.FloatField(_("距岗位（米）"), null=True, blank=True)
    late = models.BooleanField(_("迟到"), default=False)
    outside_fence = models.BooleanField(_("围栏外"), default=False)
    large_skew = models.BooleanField(_("时间偏差大"), default=False)
    client_key = models.UUIDField(_("客户端编号"), unique=True)
    body_hash = models.CharField(max_length=64)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("提交账号"))
    evidence = models.CharField(_("到岗凭据"), max_length=8, choices=Evidence.choices, blank=True)

    class Meta:
        ordering = ["-device_time", "-id"]
        verbose_name = _("签到记录")
        verbose_name_plural = _("签到记录")
        indexes = [
            models.Index(fields=["region_code", "duty_date"], name="patrols_checkin_region_day",
                         opclasses=["varchar_pattern_ops", "date_ops"]),
            models.Index(fields=["post", "duty_date", "kind"], name="patrols_checkin_post_day"),
        ]

    def __str__(self):
        return f"{self.person.name} {self.get_kind_display()} {self.device_time:%Y-%m-%d %H:%M}"

    @property
    def flags(self) -> list[str]:
        names = [("late", _("迟到")), ("outside_fence", _("围栏外")), ("large_skew", _("时间偏差大"))]
        return [str(label) for attr, label in names if getattr(self, attr)]


class MissedWindow(SchoolRecord):
    """A duty window nobody checked in to by its 缺岗 time (found by the clock; the station is told once)."""

    post = models.ForeignKey(Post, models.CASCADE, related_name="missed_windows", verbose_name=_("护学岗"))
    duty_date = models.DateField(_("值守日期"))
    window = models.CharField(_("时段"), max_length=12, choices=WindowKind.choices)
    noticed_at = models.DateTimeField(_("发现时间"), auto_now_add=True)

    class Meta:
        ordering = ["-duty_date", "post_id"]
        verbose_name = _("缺岗记录")
        verbose_name_plural = _("缺岗记录")
        constraints = [models.UniqueConstraint(fields=["post", "duty_date", "window"], name="patrols_missed_once")]

    def __str__(self):
        return f"{self.post} {self.duty_date} {self.get_window_display()}"


class PhoneContact(SchoolRecord):
    """The last time a phone sent its queue (or said it had none): how many check-ins it still held
    unsent, so a supervisor sees phones that have not synced. ``school`` is that of the post the phone
    was at."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("账号"))
    device = models.UUIDField(_("手机编号"))
    post = models.ForeignKey(Post, models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("护学岗"))
    last_contact = models.DateTimeField(_("最近联系"))
    pending = models.PositiveIntegerField(_("未上传（条）"), default=0)
    sent = models.PositiveIntegerField(_("本次上传（条）"), default=0)

    class Meta:
        ordering = ["-last_contact"]
        verbose_name = _("签到手机")
        verbose_name_plural = _("签到手机")
        constraints = [models.UniqueConstraint(fields=["user", "device"], name="patrols_phone_once")]

    def __str__(self):
        return f"{self.user} {str(self.device)[:8]}"


class DutySlot(SchoolRecord):
    """A duty window due at a post on a date, written ahead of time (``slots.py``) from the timetable,
    the calendar, the post and its roster: when it starts and when it becomes 缺岗, who is rostered
    (``people``: person ids, substitutes standing in; empty when nobody is rostered, then anyone's
    check-in mans it), and when somebody first checked in to it (``manned_at``, set by the check-in path
    in the check-in's transaction). A window whose every roster line is cancelled that day has no slot."""

    post = models.ForeignKey(Post, models.CASCADE, related_name="slots", verbose_name=_("护学岗"))
    duty_date = models.DateField(_("值守日期"))
    window = models.CharField(_("时段"), max_length=12, choices=WindowKind.choices)
    bell = models.DateTimeField(_("铃声时间"))
    starts_at = models.DateTimeField(_("开始"))
    ends_at = models.DateTimeField(_("结束"))
    missing_after = models.DateTimeField(_("缺岗判定时间"))
    people = models.JSONField(_("排班人员"), default=list, blank=True)
    manned_at = models.DateTimeField(_("到岗时间"), null=True, blank=True)

    class Meta:
        ordering = ["duty_date", "starts_at", "post_id"]
        verbose_name = _("值守时段")
        verbose_name_plural = _("值守时段")
        constraints = [models.UniqueConstraint(fields=["post", "duty_date", "window"], name="patrols_slot_once")]
        indexes = [models.Index(fields=["duty_date", "missing_after"], name="patrols_slot_unmanned",
                                condition=models.Q(manned_at__isnull=True))]

    def __str__(self):
        return f"{self.post_id} {self.duty_date} {self.get_window_display()}"


class SlotDay(models.Model):
    """A date whose duty slots are written, with a digest of the calendar they were written under (a
    calendar change of the date or the next day writes them again)."""

    date = models.DateField(_("日期"), unique=True)
    calendar_digest = models.CharField(max_length=64)
    written_at = models.DateTimeField(_("生成时间"), auto_now=True)

    class Meta:
        verbose_name = _("值守时段生成日")
        verbose_name_plural = _("值守时段生成日")

    def __str__(self):
        return f"{self.date}"
