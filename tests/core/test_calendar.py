"""The school calendar (issue 13 item 8): public holidays and 调休 from chinesecalendar, the fallback table
for a year the library lacks, terms inherited downward, local entries beating region terms; the month page
and the management page, with their refusals."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model

from huxiao.core import calendar as cal
from huxiao.core.models import AuditLog, CalendarDay, Term

D = datetime.date
LAST_LIBRARY_YEAR = cal.LIBRARY_YEARS[-1]
BEYOND = LAST_LIBRARY_YEAR + 1
MANAGE = "/calendar/manage/"


@pytest.fixture
def signed_in(client_for, world):
    return lambda key: client_for(world.users[key])


def cells(response) -> dict:
    """{date: (kind, school day)} of the month page."""
    html = response.content.decode()
    return {m[0]: (m[1], m[2] == "1") for m in re.findall(
        r'data-date="([\d-]+)" data-kind="(\w+)" data-school-day="([01])"', html)}


def add_term(client, region="", school_code="", year=2026, semester=1, start="2026-09-01", end="2027-01-22"):
    return client.post(MANAGE, {"form": "term", "term-region": region, "term-school_code": school_code,
                                "term-school_year": year, "term-semester": semester, "term-start": start,
                                "term-end": end})


def add_day(client, date, kind, name, region="", school_code=""):
    return client.post(MANAGE, {"form": "day", "day-region": region, "day-school_code": school_code,
                                "day-date": date, "day-kind": kind, "day-name": name})


# --- public holidays and 调休 -------------------------------------------------------------------------

def test_national_day_is_a_holiday_and_no_school_day(world, signed_in):
    day = cal.day_kind(world.schools["a1"], D(2026, 10, 1))
    assert (day.kind, day.name, day.school_day, day.estimated) == (cal.DayKind.HOLIDAY, "国庆节", False, False)
    r = signed_in("principal_a1").get("/calendar/", {"month": "2026-10"})
    assert r.status_code == 200
    month = cells(r)
    assert month["2026-10-01"] == ("holiday", False)
    assert month["2026-10-08"] == ("workday", True)  # the Thursday after the golden week
    assert "国庆节" in r.content.decode()


def test_a_shifted_saturday_is_a_school_day(world):
    # chinesecalendar 2026: Saturday 10 October is worked in exchange for the National Day holiday
    saturday = D(2026, 10, 10)
    assert saturday.weekday() == 5 and saturday in cal.chinese_calendar.workdays
    day = cal.day_kind(world.schools["a1"], saturday)
    assert (day.kind, day.name, day.school_day) == (cal.DayKind.SHIFTED_WORKDAY, "国庆节", True)
    assert cal.day_kind(world.schools["a1"], D(2026, 10, 17)).kind == cal.DayKind.WEEKEND  # an ordinary Saturday
    assert cal.is_school_day(world.regions["district_b"], saturday)


def test_a_year_beyond_the_library_counts_weekends_only_and_says_so(world, signed_in):
    friday = D(BEYOND, 10, 1)
    while friday.weekday() != 4:
        friday += datetime.timedelta(days=1)
    day = cal.day_kind(world.schools["a1"], friday)
    assert (day.kind, day.school_day, day.estimated) == (cal.DayKind.WORKDAY, True, True)
    r = signed_in("edu_a").get("/calendar/", {"month": f"{BEYOND}-10"})
    assert r.status_code == 200
    assert "尚未录入全国法定节假日和调休" in r.content.decode() and 'id="calendar-warning"' in r.content.decode()
    # a covered year shows no warning
    assert 'id="calendar-warning"' not in signed_in("edu_a").get("/calendar/", {"month": "2026-10"}).content.decode()


def test_the_administrators_table_fills_a_year_beyond_the_library(world, client_for):
    root = get_user_model().objects.create_superuser("root", password="Test-pass-2026-root")
    client = client_for(root)
    holiday, saturday = D(BEYOND, 10, 1), D(BEYOND, 10, 9)
    while saturday.weekday() != 5:
        saturday += datetime.timedelta(days=1)
    assert add_day(client, holiday, "holiday", "国庆节").status_code == 302
    assert add_day(client, saturday, "shifted", "国庆节调休").status_code == 302
    a1 = world.schools["a1"]
    day = cal.day_kind(a1, holiday)
    assert (day.kind, day.name, day.school_day, day.estimated, day.source) == (
        cal.DayKind.HOLIDAY, "国庆节", False, False, "table")
    assert cal.day_kind(a1, saturday).school_day and cal.day_kind(a1, saturday).kind == cal.DayKind.SHIFTED_WORKDAY
    r = client.get("/calendar/", {"month": f"{BEYOND}-10", "school": a1.pk})
    assert cells(r)[holiday.isoformat()] == ("holiday", False)
    assert "已录入 2 天" in r.content.decode()
    entries = AuditLog.objects.filter(event=cal.CalendarAudit.ADD_DAY)
    assert entries.count() == 2 and {e.username for e in entries} == {"root"}


def test_a_province_may_add_its_own_holiday_but_a_district_may_not(world, signed_in):
    date = D(2026, 4, 20)  # a Monday, a working day nation-wide
    assert add_day(signed_in("admin_province"), date, "holiday", "省级纪念日", region="320000").status_code == 302
    assert cal.day_kind(world.schools["b1"], date).kind == cal.DayKind.HOLIDAY
    r = add_day(signed_in("edu_a"), D(2026, 4, 21), "holiday", "区放假", region="320413")
    assert r.status_code == 400
    assert "法定节假日和调休只能由全国或省级设定" in r.content.decode()
    assert not CalendarDay.objects.filter(date=D(2026, 4, 21)).exists()


# --- terms, inherited downward, and local entries -----------------------------------------------------

def test_terms_are_inherited_and_overridden_downward(world, signed_in):
    assert add_term(signed_in("edu_city"), region="320400", start="2026-09-01", end="2027-01-22").status_code == 302
    a1, b1 = world.schools["a1"], world.schools["b1"]
    monday = D(2026, 8, 31)
    assert cal.day_kind(a1, monday).kind == cal.DayKind.TERM_BREAK  # summer: before the city's term
    assert cal.day_kind(a1, D(2026, 9, 1)).kind == cal.DayKind.WORKDAY
    assert cal.day_kind(a1, D(2026, 7, 20)).school_day  # no term of 2025—2026 known anywhere: no break
    # the district starts earlier; district B keeps the city's term
    assert add_term(signed_in("edu_a"), region="320413", start="2026-08-27", end="2027-01-20").status_code == 302
    friday = D(2026, 8, 28)
    assert cal.day_kind(a1, friday).school_day and cal.day_kind(world.schools["a2"], friday).school_day
    assert cal.day_kind(b1, friday).kind == cal.DayKind.TERM_BREAK
    # a school's own term beats its district's
    assert add_term(signed_in("edu_a"), school_code=a1.code, start="2026-09-02", end="2027-01-20").status_code == 302
    assert cal.day_kind(a1, friday).kind == cal.DayKind.TERM_BREAK
    assert cal.day_kind(world.schools["a2"], friday).school_day
    assert [t.place_name for t in cal.terms_in_effect(a1, [2026])] == ["东城实验小学"]
    assert AuditLog.objects.filter(event=cal.CalendarAudit.ADD_TERM).count() == 3


def test_a_school_entry_beats_the_region_term(world, signed_in):
    add_term(signed_in("edu_city"), region="320400", start="2026-09-01", end="2027-01-22")
    a1 = world.schools["a1"]
    opening = D(2026, 8, 31)
    assert not cal.is_school_day(a1, opening)
    assert add_day(signed_in("edu_a"), opening, "opening", "新生报到", school_code=a1.code).status_code == 302
    day = cal.day_kind(a1, opening)
    assert (day.kind, day.name, day.school_day) == (cal.DayKind.OPENING, "新生报到", True)
    assert not cal.is_school_day(world.schools["a2"], opening)  # only that school
    # a closure at the school beats a term weekday; an exam makes a Saturday a school day
    add_day(signed_in("edu_a"), D(2026, 9, 15), "closure", "台风停课", school_code=a1.code)
    assert cal.day_kind(a1, D(2026, 9, 15)).kind == cal.DayKind.CLOSURE and not cal.is_school_day(a1, D(2026, 9, 15))
    add_day(signed_in("edu_a"), D(2026, 9, 19), "exam", "月考", region="320413")
    assert cal.is_school_day(world.schools["a2"], D(2026, 9, 19))
    r = signed_in("principal_a1").get("/calendar/", {"month": "2026-09"})
    month = cells(r)
    assert month["2026-09-15"] == ("closure", False) and month["2026-09-19"] == ("exam", True)


def test_a_range_and_many_schools_are_read_in_two_queries(world, signed_in, django_assert_num_queries):
    add_term(signed_in("edu_city"), region="320400")
    add_day(signed_in("edu_a"), D(2026, 9, 10), "event", "运动会", region="320413")
    with django_assert_num_queries(2):
        september = cal.days(world.schools["a1"], D(2026, 9, 1), D(2026, 9, 30))
    assert len(september) == 30 and sum(d.school_day for d in september) == 22  # incl. shifted Sunday 20th
    schools = list(world.schools.values())
    with django_assert_num_queries(2):
        today = cal.school_days(schools, D(2026, 8, 31))
    assert {s.name: today[s.pk].kind for s in schools} == {s.name: "break" for s in schools}


# --- pages: who may, and bad input -------------------------------------------------------------------

def test_calendar_page_refuses_places_out_of_reach(world, signed_in):
    edu_b = signed_in("edu_b")
    assert edu_b.get("/calendar/", {"region": "320413"}).status_code == 404
    assert edu_b.get("/calendar/", {"school": world.schools["a1"].pk}).status_code == 404
    assert edu_b.get("/calendar/", {"school": world.schools["b1"].pk}).status_code == 200
    r = edu_b.get("/calendar/", {"month": "2026-13"})
    assert r.status_code == 200 and "月份：" in r.content.decode()
    assert signed_in("norole").get("/calendar/").status_code == 403


def test_management_is_for_education_officials_and_administrators(world, signed_in):
    assert signed_in("principal_a1").get(MANAGE).status_code == 403
    assert signed_in("police_a").get(MANAGE).status_code == 403
    assert add_term(signed_in("principal_a1"), school_code=world.schools["a1"].code).status_code == 403
    assert signed_in("edu_a").get(MANAGE).status_code == 200
    assert not Term.objects.exists()


def test_places_out_of_reach_and_bad_terms_are_refused_naming_the_field(world, signed_in):
    edu_a = signed_in("edu_a")
    r = add_term(edu_a, region="320481")  # district B: not offered
    assert r.status_code == 400 and "区划：" in r.content.decode()
    r = add_term(edu_a, school_code=world.schools["b1"].code)
    assert r.status_code == 400 and "学校标识码：" in r.content.decode() and "不在您的管辖范围内" in r.content.decode()
    r = add_term(edu_a, region="320413", start="2026-09-01", end="2026-08-01")
    assert r.status_code == 400 and "学期结束日期不能早于开学日期" in r.content.decode()
    r = add_term(edu_a, region="320413", start="2027-09-01", end="2027-12-01")
    assert r.status_code == 400 and "开学日期与学年、学期不符" in r.content.decode()
    r = add_term(edu_a, region="320413", year="二〇二六")
    assert r.status_code == 400 and "学年：" in r.content.decode()
    r = add_term(edu_a)
    assert r.status_code == 400 and "请选择区划或填写学校标识码" in r.content.decode()
    r = edu_a.post(MANAGE, {"form": "other"})
    assert r.status_code == 400
    assert not Term.objects.exists() and not AuditLog.objects.filter(event=cal.CalendarAudit.ADD_TERM).exists()
    assert add_term(edu_a, region="320413").status_code == 302
    r = add_term(edu_a, region="320413")  # the same term again
    assert r.status_code == 400 and "该范围已设定 2026—2027 学年第一学期" in r.content.decode()
    assert Term.objects.count() == 1


def test_deleting_out_of_reach_answers_404_and_in_reach_is_audited(world, signed_in):
    add_term(signed_in("edu_a"), region="320413")
    add_day(signed_in("edu_a"), D(2026, 9, 10), "event", "运动会", region="320413")
    term, entry = Term.objects.get(), CalendarDay.objects.get()
    for key in ("edu_b", "admin_b"):
        assert signed_in(key).post(f"/calendar/terms/{term.pk}/delete/").status_code == 404
        assert signed_in(key).post(f"/calendar/days/{entry.pk}/delete/").status_code == 404
    assert signed_in("principal_a1").post(f"/calendar/terms/{term.pk}/delete/").status_code == 403
    assert Term.objects.exists() and CalendarDay.objects.exists()
    assert signed_in("edu_city").post(f"/calendar/terms/{term.pk}/delete/").status_code == 302
    assert signed_in("edu_a").post(f"/calendar/days/{entry.pk}/delete/").status_code == 302
    assert not Term.objects.exists() and not CalendarDay.objects.exists()
    assert AuditLog.objects.filter(event=cal.CalendarAudit.DELETE_TERM, username="edu_city").count() == 1
    assert AuditLog.objects.filter(event=cal.CalendarAudit.DELETE_DAY, username="edu_a").count() == 1


def test_national_entries_are_for_the_national_administrator_only(world, signed_in):
    r = add_day(signed_in("admin_province"), D(BEYOND, 1, 1), "holiday", "元旦")
    assert r.status_code == 400 and "请选择区划或填写学校标识码" in r.content.decode()
    assert not CalendarDay.objects.exists()
    assert cal.coverage_warning(BEYOND) and "尚未录入" in cal.coverage_warning(BEYOND)
