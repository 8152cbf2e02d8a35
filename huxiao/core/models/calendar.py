"""The school calendar's own records: terms (学期) and dated entries (校历调整 and the fallback holiday table).

Both belong to one place: a region (its officials set them for everything below) or one school, and
carry the place's ``region_code`` so the jurisdiction filter reaches them. How a day is decided from them
and from the public-holiday data is in ``huxiao.core.calendar``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from huxiao.core.scoping import ScopedQuerySet


class Semester(models.IntegerChoices):
    AUTUMN = 1, _("第一学期（秋季）")
    SPRING = 2, _("第二学期（春季）")


class CalendarDayKind(models.TextChoices):
    """What a dated calendar entry says about its day. The first two form the fallback holiday/调休 table
    (for years the chinesecalendar data does not cover, or a provincial holiday); the rest are local."""

    HOLIDAY = "holiday", _("法定节假日（放假）")
    SHIFTED_WORKDAY = "shifted", _("调休上班")
    EXAM = "exam", _("考试")
    OPENING = "opening", _("开学")
    EVENT = "event", _("活动")
    CLOSURE = "closure", _("停课")


PUBLIC_KINDS = frozenset({CalendarDayKind.HOLIDAY, CalendarDayKind.SHIFTED_WORKDAY})


class PlacedRecord(models.Model):
    """A calendar record of one region or one school (exactly one of the two; neither: nation-wide)."""

    region = models.ForeignKey("core.Region", models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("区划"))
    school = models.ForeignKey("core.School", models.CASCADE, null=True, blank=True, related_name="+",
                               verbose_name=_("学校"))
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True, editable=False, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("录入人"))
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    SCOPE_SCHOOL_FIELD = "school_id"

    class Meta:
        abstract = True

    @property
    def place_name(self) -> str:
        if self.school_id:
            return self.school.name
        if self.region_id:
            return self.region.name
        return gettext("全国")

    def save(self, *args, **kwargs):
        if self.school_id:
            self.region_code, self.region = self.school.region_code, None
        else:
            self.region_code = self.region_id or ""
        super().save(*args, **kwargs)


class Term(PlacedRecord):
    """One term of a school year at a region or a school. A place's term replaces the same term
    (school year and semester) of the places above it: the province sets it, a district or a school may
    override it."""

    school_year = models.PositiveSmallIntegerField(_("学年"), help_text=_("学年起始年份，如 2026 表示 2026—2027 学年"))
    semester = models.PositiveSmallIntegerField(_("学期"), choices=Semester.choices)
    start = models.DateField(_("开学日期"))
    end = models.DateField(_("学期结束日期"))

    class Meta:
        ordering = ["-school_year", "-semester", "region_code"]
        verbose_name = _("学期")
        verbose_name_plural = _("学期")
        constraints = [
            models.UniqueConstraint(fields=["region_code", "school_year", "semester"], condition=Q(school__isnull=True),
                                    name="term_unique_region"),
            models.UniqueConstraint(fields=["school", "school_year", "semester"], condition=Q(school__isnull=False),
                                    name="term_unique_school"),
        ]

    def __str__(self):
        return f"{self.place_name} {self.school_year}—{self.school_year + 1} {self.get_semester_display()}"

    def clean(self):
        errors = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = gettext("学期结束日期不能早于开学日期")
        if self.school_year is not None and not 2000 <= self.school_year <= 2100:
            errors["school_year"] = gettext("学年须在 2000 至 2100 之间")
        elif self.start and self.school_year and self.semester:
            # the autumn term starts in its school year's first calendar year, the spring term in the next
            expected = self.school_year + (0 if self.semester == Semester.AUTUMN else 1)
            if self.start.year != expected:
                errors["start"] = gettext("开学日期与学年、学期不符：%(y)s—%(z)s 学年%(s)s应在 %(e)s 年开学") % {
                    "y": self.school_year, "z": self.school_year + 1, "s": self.get_semester_display(),
                    "e": expected}
        if self.start and self.end and (self.end - self.start).days > 220:
            errors["end"] = gettext("一个学期不能超过 220 天")
        if errors:
            raise ValidationError(errors)


class CalendarDay(PlacedRecord):
    """A dated entry of a place's calendar: an exam day, 开学, an event or a closure, or — nation-wide or
    for a province — a public holiday or 调休 workday of the fallback table."""

    date = models.DateField(_("日期"), db_index=True)
    kind = models.CharField(_("类型"), max_length=16, choices=CalendarDayKind.choices)
    name = models.CharField(_("名称"), max_length=64, help_text=_("如：国庆节、期中考试、秋季开学、运动会、台风停课"))

    class Meta:
        ordering = ["date", "region_code"]
        verbose_name = _("校历日期")
        verbose_name_plural = _("校历日期")
        constraints = [
            models.UniqueConstraint(fields=["date", "region_code"], condition=Q(school__isnull=True),
                                    name="calendarday_unique_region"),
            models.UniqueConstraint(fields=["date", "school"], condition=Q(school__isnull=False),
                                    name="calendarday_unique_school"),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.place_name} {self.name}"
