"""The school calendar: whether a day is a school day at a school (or in a region), and why.

What a day is, from the most to the least specific source:

1. **Local entries** (``CalendarDay`` of kind 考试, 开学, 活动, 停课) of the school itself, then of its
   乡镇街道, 区县, 市, 省, then nation-wide: the most specific entry of the date decides. 考试, 开学 and
   活动 make the day a school day (even a Saturday), 停课 makes it none.
2. **Public holidays and 调休** from the ``chinesecalendar`` library (State Council notices; holiday names
   in Chinese), replaced or completed by the administrator-edited table (``CalendarDay`` of kind
   法定节假日 / 调休上班, nation-wide or for a province: a provincial holiday such as 广西 三月三). For a year the
   library has no data for (its data ends with its last published year: 2026 in version 1.11) only
   weekends and that table count: the day is ``estimated`` and the calendar page says so
   (:func:`coverage_warning`).
3. **Terms** (``Term``, 学期): a working day outside every term of its school year is a term break
   (寒暑假). Terms are inherited downward: for each school year and semester the most specific place that
   set one wins (a province sets it, a district or a school may override it). When no place set any term
   of the day's school year, terms are unknown and do not make breaks.

Entry points: :func:`day_kind` / :func:`is_school_day` for one place and date, :func:`days` for a date
range at one place (two queries whatever the range), :func:`school_days` for many schools on one date
(two queries whatever their number). A *place* is a ``School``, a ``Region`` or a region code. Changes go
through the audited services at the end of this module.
"""

import datetime
import functools
from dataclasses import dataclass

import chinese_calendar
from chinese_calendar.constants import holidays as LIBRARY_HOLIDAYS
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huxiao.core import audit
from huxiao.core.actions import is_system, require
from huxiao.core.audit import audit_events
from huxiao.core.choices import AuditAction
from huxiao.core.models.calendar import PUBLIC_KINDS, CalendarDay, CalendarDayKind, Term
from huxiao.core.reach import ancestors
from huxiao.core.scoping import scope_for

VIEW = "core.view_calendar"
MANAGE = "core.manage_calendar"
LIBRARY_YEARS = range(min(LIBRARY_HOLIDAYS).year, max(LIBRARY_HOLIDAYS).year + 1)
SCHOOL_RANK = 100  # a school's own entry beats every region's


class DayKind(models.TextChoices):
    WORKDAY = "workday", gettext_lazy("工作日")
    WEEKEND = "weekend", gettext_lazy("周末")
    HOLIDAY = "holiday", gettext_lazy("法定节假日")
    SHIFTED_WORKDAY = "shifted", gettext_lazy("调休上班")
    TERM_BREAK = "break", gettext_lazy("寒暑假（学期外）")
    EXAM = "exam", gettext_lazy("考试")
    OPENING = "opening", gettext_lazy("开学")
    EVENT = "event", gettext_lazy("活动")
    CLOSURE = "closure", gettext_lazy("停课")


LOCAL_SCHOOL_DAYS = frozenset({DayKind.EXAM, DayKind.OPENING, DayKind.EVENT})


@audit_events
class CalendarAudit(models.TextChoices):
    ADD_TERM = "core.add_term", gettext_lazy("设定学期")
    DELETE_TERM = "core.delete_term", gettext_lazy("删除学期")
    ADD_DAY = "core.add_calendar_day", gettext_lazy("添加校历日期")
    DELETE_DAY = "core.delete_calendar_day", gettext_lazy("删除校历日期")


@dataclass(frozen=True)
class Day:
    date: datetime.date
    kind: str  # a DayKind value
    school_day: bool
    name: str = ""  # the holiday's or the entry's name
    estimated: bool = False  # the year lacks library data and no table entry names this date
    source: str = "library"  # library | table | weekends | local | term

    @property
    def label(self) -> str:
        return DayKind(self.kind).label


@dataclass(frozen=True)
class Place:
    chain: tuple  # region codes, the province first
    school_id: int | None = None

    @functools.cached_property
    def owners(self) -> tuple:
        """Whose rows apply here (see ``_owner``): the nation, each region of the chain, the school."""
        owners = [("region", ""), *(("region", code) for code in self.chain)]
        if self.school_id is not None:
            owners.append(("school", self.school_id))
        return tuple(owners)

    def rank(self, row) -> int | None:
        """How specific ``row`` (a Term or CalendarDay) is for this place; None when it does not apply."""
        if row.school_id is not None:
            return SCHOOL_RANK if row.school_id == self.school_id else None
        if not row.region_code:
            return 0
        try:
            return self.chain.index(row.region_code) + 1
        except ValueError:
            return None


def region_chain(code: str) -> tuple:
    """A region code's own and upper region codes, the province first (320413101 → 320000, 320400,
    320413, 320413101)."""
    return tuple(reversed(ancestors(code)))


def place_of(where) -> Place:
    """A ``School``, a ``Region`` or a region code as a calendar place."""
    from huxiao.core.models import Region, School

    if isinstance(where, Place):
        return where
    if isinstance(where, School):
        return Place(region_chain(where.region_code), where.pk)
    if isinstance(where, Region):
        return Place(region_chain(where.code))
    return Place(region_chain(str(where)))


def school_year_of(date: datetime.date) -> int:
    """The school year a date belongs to (its autumn's calendar year): August starts the next one."""
    return date.year if date.month >= 8 else date.year - 1


def library_covers(year: int) -> bool:
    return year in LIBRARY_YEARS


@functools.lru_cache(maxsize=4096)
def _library_day(date) -> tuple:
    """(kind, Chinese holiday name) from chinesecalendar, for a covered year (cached: the library scans
    its whole table on every call)."""
    on_holiday, name = chinese_calendar.get_holiday_detail(date)
    chinese = str(chinese_calendar.Holiday(name).chinese) if name else ""
    if on_holiday:
        return (DayKind.HOLIDAY, chinese) if name else (DayKind.WEEKEND, "")
    if name:  # a weekend day worked in exchange for a holiday
        return DayKind.SHIFTED_WORKDAY, chinese
    return DayKind.WORKDAY, ""


def choose_terms(place: Place, terms, years) -> list:
    """Of ``terms``, those that apply at ``place`` in ``years``: per school year and semester the one of
    the most specific place (a school's own, else its town's, district's …), in term order."""
    chosen = {}
    for term in terms:
        if term.school_year not in years or (rank := place.rank(term)) is None:
            continue
        slot = (term.school_year, term.semester)
        if slot not in chosen or rank > chosen[slot][0]:
            chosen[slot] = (rank, term)
    return [chosen[slot][1] for slot in sorted(chosen)]


def _owner(row) -> tuple:
    """Whose a Term or CalendarDay row is: ``("school", id)`` or ``("region", code)`` (``""``: the nation)."""
    return ("school", row.school_id) if row.school_id is not None else ("region", row.region_code)


class Rules:
    """The calendar entries and terms read for a set of places and dates; decides each day in memory.
    Rows are kept by owner, so deciding a place reads only the rows of its own chain (many schools on
    one date stay linear in their number)."""

    def __init__(self, entries, terms):
        self.entries: dict = {}
        for row in entries:
            self.entries.setdefault((row.date, _owner(row)), []).append(row)
        self.terms: dict = {}
        for term in terms:
            self.terms.setdefault(_owner(term), []).append(term)

    def _terms_at(self, place: Place) -> list:
        return [term for owner in place.owners for term in self.terms.get(owner, ())]

    def _entries_at(self, place: Place, date) -> list:
        return [row for owner in place.owners for row in self.entries.get((date, owner), ())]

    def _most_specific(self, place: Place, rows):
        ranked = [(r, row) for row in rows if (r := place.rank(row)) is not None]
        return max(ranked, key=lambda pair: pair[0])[1] if ranked else None

    def _public(self, place: Place, date, rows) -> Day:
        entry = self._most_specific(place, [r for r in rows if r.kind in PUBLIC_KINDS])
        if entry is not None:
            kind = DayKind.HOLIDAY if entry.kind == CalendarDayKind.HOLIDAY else DayKind.SHIFTED_WORKDAY
            return Day(date, kind, kind == DayKind.SHIFTED_WORKDAY, entry.name, source="table")
        if library_covers(date.year):
            kind, name = _library_day(date)
            return Day(date, kind, kind in (DayKind.WORKDAY, DayKind.SHIFTED_WORKDAY), name)
        kind = DayKind.WEEKEND if date.weekday() >= 5 else DayKind.WORKDAY
        return Day(date, kind, kind == DayKind.WORKDAY, estimated=True, source="weekends")

    def term_state(self, place: Place, date) -> bool | None:
        """True in a term, False in a break, None when no term of the date's school year is known."""
        year = school_year_of(date)
        terms = choose_terms(place, self._terms_at(place), (year - 1, year))
        if any(t.start <= date <= t.end for t in terms):
            return True
        return False if any(t.school_year == year for t in terms) else None

    def day(self, place: Place, date) -> Day:
        rows = self._entries_at(place, date)
        top = self._most_specific(place, rows)
        if top is not None and top.kind not in PUBLIC_KINDS:
            return Day(date, top.kind, top.kind in LOCAL_SCHOOL_DAYS, top.name, source="local")
        public = self._public(place, date, rows)
        if public.school_day and self.term_state(place, date) is False:
            return Day(date, DayKind.TERM_BREAK, False, public.name, public.estimated, "term")
        return public


def _place_q(place: Place) -> Q:
    q = Q(school__isnull=True, region_code__in=("", *place.chain))
    if place.school_id is not None:
        q |= Q(school_id=place.school_id)
    return q


def rules_for(place: Place, start: datetime.date, end: datetime.date) -> Rules:
    """Two queries: the entries of the place's chain in [start, end] and the terms of its school years."""
    q = _place_q(place)
    entries = CalendarDay.objects.filter(q, date__range=(start, end)).only(
        "date", "kind", "name", "region_code", "school_id")
    years = range(school_year_of(start) - 1, school_year_of(end) + 1)
    terms = Term.objects.filter(q, school_year__in=list(years)).only(
        "school_year", "semester", "start", "end", "region_code", "school_id")
    return Rules(entries, terms)


def day_kind(where, date: datetime.date) -> Day:
    place = place_of(where)
    return rules_for(place, date, date).day(place, date)


def is_school_day(where, date: datetime.date) -> bool:
    return day_kind(where, date).school_day


def days(where, start: datetime.date, end: datetime.date) -> list[Day]:
    """Every day from ``start`` to ``end`` (inclusive) at one place."""
    place = place_of(where)
    rules = rules_for(place, start, end)
    return [rules.day(place, start + datetime.timedelta(n)) for n in range((end - start).days + 1)]


def school_days(schools, date: datetime.date) -> dict:
    """``{school id: Day}`` for many schools on one date: two queries (the date's entries nation-wide
    are few; the terms of two school years, per region or school, as many as were set)."""
    places = {s.pk: place_of(s) for s in schools}
    year = school_year_of(date)
    rules = Rules(CalendarDay.objects.filter(date=date).only("date", "kind", "name", "region_code", "school_id"),
                  Term.objects.filter(school_year__in=[year - 1, year]).only(
                      "school_year", "semester", "start", "end", "region_code", "school_id"))
    return {pk: rules.day(place, date) for pk, place in places.items()}


def terms_in_effect(where, school_years) -> list:
    """The terms that apply at a place in ``school_years`` (one query; each with its region or school)."""
    place = place_of(where)
    rows = Term.objects.filter(_place_q(place), school_year__in=list(school_years)).select_related("region", "school")
    return choose_terms(place, rows, tuple(school_years))


def coverage_warning(year: int) -> str | None:
    """What the calendar page says when ``year`` is beyond the public-holiday library's data."""
    if library_covers(year):
        return None
    entered = CalendarDay.objects.filter(kind__in=PUBLIC_KINDS, school__isnull=True, region_code="",
                                         date__year=year).count()
    last = LIBRARY_YEARS[-1]
    if not entered:
        return _("节假日数据只到 %(last)s 年：%(year)s 年尚未录入全国法定节假日和调休，目前只按周末计算。"
                 "请系统管理员在“校历管理”中按国务院办公厅通知录入。") % {"last": last, "year": year}
    return _("节假日数据只到 %(last)s 年：%(year)s 年按周末和管理员录入的节假日与调休表计算（已录入 %(n)s 天），"
             "请与国务院办公厅通知核对。") % {"last": last, "year": year, "n": entered}


# --- changes (audited) --------------------------------------------------------------------------------

def place_in_reach(actor, region=None, school=None) -> bool:
    """Whether ``actor`` manages the calendar of this place (neither given: nation-wide)."""
    if is_system(actor):
        return True
    scope = scope_for(actor, MANAGE)
    if school is not None:
        return scope.covers(school.region_code, school.pk)
    if region is not None:
        return scope.covers(region.code)
    return scope.everything


def _place_errors(actor, obj, public_only=False) -> dict:
    if obj.region_id and obj.school_id:
        return {"school": [_("区划和学校只能选择一项")]}
    region = obj.region if obj.region_id else None
    school = obj.school if obj.school_id else None
    if not place_in_reach(actor, region, school):
        return {"school" if school is not None else "region": [_("所选范围不在您的管辖范围内")]}
    if public_only and (school is not None or (region is not None and region.level != "province")):
        return {"kind": [_("法定节假日和调休只能由全国或省级设定")]}
    return {}


def _save_new(obj, clash_message: dict):
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise ValidationError(clash_message) from exc


@transaction.atomic
def do_add_term(data: dict, *, actor) -> Term:
    require(actor, MANAGE)
    term = Term(**data, created_by=actor if getattr(actor, "pk", None) else None)
    errors = _place_errors(actor, term)
    if errors:
        raise ValidationError(errors)
    term.full_clean(exclude=["region_code", "created_by"], validate_unique=False, validate_constraints=False)
    _save_new(term, {"semester": [_("该范围已设定 %(y)s—%(z)s 学年%(s)s，请先删除原设定") % {
        "y": term.school_year, "z": term.school_year + 1, "s": term.get_semester_display()}]})
    audit.record(AuditAction.CREATE, term, actor=actor, event=CalendarAudit.ADD_TERM, after=audit.snapshot(term))
    return term


@transaction.atomic
def do_delete_term(term: Term, *, actor):
    require(actor, MANAGE, term)
    audit.record(AuditAction.DELETE, term, actor=actor, event=CalendarAudit.DELETE_TERM, before=audit.snapshot(term))
    term.delete()


@transaction.atomic
def do_add_calendar_day(data: dict, *, actor) -> CalendarDay:
    require(actor, MANAGE)
    entry = CalendarDay(**data, created_by=actor if getattr(actor, "pk", None) else None)
    errors = _place_errors(actor, entry, public_only=entry.kind in PUBLIC_KINDS)
    if errors:
        raise ValidationError(errors)
    entry.full_clean(exclude=["region_code", "created_by"], validate_unique=False, validate_constraints=False)
    _save_new(entry, {"date": [_("%(d)s 在该范围已有校历日期，请先删除原设定") % {"d": f"{entry.date:%Y-%m-%d}"}]})
    audit.record(AuditAction.CREATE, entry, actor=actor, event=CalendarAudit.ADD_DAY, after=audit.snapshot(entry))
    return entry


@transaction.atomic
def do_delete_calendar_day(entry: CalendarDay, *, actor):
    require(actor, MANAGE, entry)
    audit.record(AuditAction.DELETE, entry, actor=actor, event=CalendarAudit.DELETE_DAY,
                 before=audit.snapshot(entry))
    entry.delete()
