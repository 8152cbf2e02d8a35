"""The figures on a small world, against hand-computed numbers.

District A (金坛区): a1 (city school, post), a2 (rural kindergarten, 村校联防 post, no noon dismissal),
a3 (乡镇中心学校 in 金城镇, post), a4 (县城 school at the district itself, no post). On DAY (a Wednesday):
a1's post is manned on time in the afternoon and late at the gate; a1 is patrolled twice, a3 once;
a1 has two liaison visits in the month.
"""

import datetime

import pytest

from huxiao.core.choices import Setting
from huxiao.patrols import counts, services
from huxiao.patrols.models import Person, Post
from tests.patrols.helpers import DAY, at, body, person_at, post_at
from tests.world import make_school

pytestmark = pytest.mark.django_db
HOLIDAY = datetime.date(2026, 10, 1)  # 国庆节
SHIFTED_SATURDAY = datetime.date(2026, 10, 10)  # 调休上班


@pytest.fixture
def cw(pw):
    w = pw
    r = w.regions
    w.schools["a3"] = make_school("2132413003", "金城中心小学", r["town_a2"], w.units["station_a2"],
                                  setting=Setting.RURAL, township_central=True)
    w.schools["a4"] = make_school("2132413004", "金坛县城小学", r["district_a"], None, setting=Setting.TOWN,
                                  county_town=True)
    w.extra["post_a3"] = post_at(w, "a3")
    person_at(w, "a2", name="村民兵", kind="militia", unit_name="金城村")
    person_at(w, "a1", name="治安积极分子", kind="activist", unit_name="东城社区")
    actor, police, guard = w.users["police_a"], w.extra["person_a1"], w.extra["guard_person_a1"]
    p1, p3 = w.extra["post_a1"], w.extra["post_a3"]
    checks = [
        (p1, guard, "check_in", at(DAY, 16, 10)),  # afternoon, on time
        (p1, police, "check_in", at(DAY, 7, 10)),  # gate opening, late (window starts 7:05)
        (p1, guard, "check_out", at(DAY, 16, 45)),
        (p1, police, "patrol", at(DAY, 9, 0)),
        (p1, police, "patrol", at(DAY, 14, 0)),
        (p3, police, "patrol", at(DAY, 10, 0)),
        (p1, police, "liaison", at(DAY, 10, 30)),
        (p1, police, "liaison", at(DAY + datetime.timedelta(days=7), 10, 30)),
    ]
    for post, person, kind, when in checks:
        services.do_check_in(post, body(post, person, when=when, kind=kind), actor=actor)
    registered = at(datetime.date(2026, 2, 1), 9)  # posts and people were registered before the month
    Post.objects.update(created_at=registered)
    Person.objects.update(created_at=registered)
    return w


def district(w):
    return w.regions["district_a"]


def test_setting_rate(cw):
    from huxiao.core.models import School
    schools = School.objects.filter(region_code__in=[s.region_code for s in cw.schools.values()])
    a = schools.filter(pk__in=[cw.schools[k].pk for k in ("a1", "a2", "a3", "a4")])
    # must have a post: a1 (city), a3 (乡镇中心学校), a4 (县城); a2 is rural; with one: a1, a3
    assert counts.setting_rate(a) == {"required": 3, "with_post": 2, "rate": 66.7}


def test_attendance_after_dismissal(cw, client_for):
    posts = Post.objects.filter(pk__in=[cw.extra[k].pk for k in ("post_a1", "post_a2", "post_a3")])
    figures = counts.attendance(posts, DAY, at(DAY, 18, 0))
    # windows due: a1 3, a2 2 (no noon dismissal), a3 3; on time: a1's afternoon; late: a1's gate
    assert (figures["due"], figures["on_time"], figures["late"], len(figures["missing"])) == (8, 1, 1, 6)
    assert figures["rate"] == 12.5
    # at 11:00 only the gate windows are due (7:05 + 10 minutes); 11:40's noon is not yet
    early = counts.attendance(posts, DAY, at(DAY, 11, 0))
    assert (early["due"], early["on_time"], early["late"]) == (3, 0, 1)


def test_patrols_lacking_today(cw):
    from huxiao.core.models import School
    a = School.objects.filter(pk__in=[cw.schools[k].pk for k in ("a1", "a2", "a3", "a4")])
    # owed two a day: a1 (city) and a3 (乡镇中心学校); a3 had one
    assert counts.patrol_counts(a, DAY) == {cw.schools["a1"].pk: 2, cw.schools["a3"].pk: 1}
    assert [s["school_name"] for s in counts.lacking_patrols(a, DAY)] == ["金城中心小学"]


def test_no_duty_on_a_holiday_but_on_a_shifted_saturday(cw):
    from huxiao.core.models import School
    posts = Post.objects.filter(pk__in=[cw.extra[k].pk for k in ("post_a1", "post_a2", "post_a3")])
    a = School.objects.filter(pk__in=[cw.schools[k].pk for k in ("a1", "a3")])
    assert counts.attendance(posts, HOLIDAY, at(HOLIDAY, 18, 0))["due"] == 0
    assert counts.lacking_patrols(a, HOLIDAY) == []
    assert counts.attendance(posts, SHIFTED_SATURDAY, at(SHIFTED_SATURDAY, 18, 0))["due"] == 8
    assert len(counts.lacking_patrols(a, SHIFTED_SATURDAY)) == 2


def test_liaison_visits_per_month(cw):
    from huxiao.core.models import School
    a = School.objects.filter(pk__in=[cw.schools[k].pk for k in ("a1", "a2", "a3", "a4")])
    visits = {v["school_name"]: (v["visits"], v["enough"]) for v in counts.liaison_visits(a, DAY)}
    assert visits == {"东城实验小学": (2, True), "金城中心小学": (0, False), "金坛县城小学": (0, False)}


def test_monthly_form_columns(cw):
    figures = counts.monthly_form(district(cw), DAY)
    assert figures == {
        "volunteers": 2,  # the militiaman and the activist (群防群治); police and guards are not
        "patrol_person_times": 5,  # 2 check-ins + 3 patrols (no check-outs, no liaison visits)
        "rural_schools_patrolled": 1,  # a3 (a2's post saw nobody)
        "schools_with_post": 3,  # a1, a2, a3
        "daily_police_person_times": 0.2,  # 4 police checks over March 2026's 22 school days
    }
    assert counts.monthly_form(cw.regions["district_b"], DAY)["patrol_person_times"] == 0
    assert counts.monthly_form(district(cw), datetime.date(2026, 4, 1))["patrol_person_times"] == 0
    # what was registered after a month does not count in it
    assert counts.monthly_form(district(cw), datetime.date(2026, 1, 1))["schools_with_post"] == 0


def test_dashboard_api_and_page(cw, client_for):
    edu = client_for(cw.users["edu_a"])
    out = edu.get(f"/api/v1/patrols/dashboard?date={DAY}").json()
    assert out["region"] == "320413"
    total = out["total"]
    assert (total["schools_required"], total["schools_with_post"], total["setting_rate"]) == (3, 2, 66.7)
    assert (total["windows_due"], total["windows_on_time"], total["windows_missing"]) == (8, 1, 6)
    assert [s["school_name"] for s in total["lacking"]] == ["金城中心小学"]
    rows = {r["name"]: r for r in out["rows"]}
    assert rows["东城街道"]["windows_due"] == 3 and rows["金城镇"]["schools_lacking_patrols"] == 1
    assert rows["金坛区（直属）"]["schools_required"] == 1
    assert edu.get(f"/api/v1/patrols/dashboard?date={HOLIDAY}").json()["total"]["windows_due"] == 0
    assert edu.get("/api/v1/patrols/dashboard?region=320481").status_code == 404
    assert edu.get("/api/v1/patrols/dashboard?region=3204133").status_code == 422
    monthly = edu.get("/api/v1/patrols/monthly-form?month=2026-03").json()
    assert monthly["patrol_person_times"] == 5 and monthly["region"] == "320413"
    assert edu.get("/api/v1/patrols/monthly-form?month=2026-13").status_code == 422
    page = edu.get("/patrols/dashboard/?region=320413101")
    assert page.status_code == 200 and "patrol-chart-data" in page.content.decode()
    assert "金坛区" in page.content.decode()  # the breadcrumb back up
    assert edu.get("/patrols/dashboard/?region=320481").status_code == 404


# --- a day of simulated duty with rosters and their exceptions, against hand-computed figures ----------

ROSTERED_FROM = datetime.date(2026, 3, 1)


def _line(w, post, person, window, weekday=2):
    from huxiao.core.actions import SYSTEM

    return services.do_add_roster(post, person, {"weekday": weekday, "window": window, "valid_from": ROSTERED_FROM},
                                  actor=SYSTEM)


@pytest.fixture
def duty_day(pw):
    """DAY (Wednesday 2026-03-11); bells 7:20 / 11:40 / 16:30, windows from 15 minutes before each.

    a1's post: gate — the guard (rostered) at 7:04, on time; noon — the officer's line cancelled today
    (not due); afternoon — the officer (late, 16:20) and the guard (on time, 16:10) both rostered, and an
    activist nobody rostered at 16:05 (mans no slot). a2's post (no noon dismissal): gate — nobody
    rostered, nobody came (缺岗); afternoon — the militiaman rostered, his substitute came at 16:12.
    Patrols: a1 (city) twice, a3 (乡镇中心学校, no post) once."""
    from huxiao.patrols.models import RosterException

    w = pw
    w.schools["a3"] = make_school("2132413003", "金城中心小学", w.regions["town_a2"], w.units["station_a2"],
                                  setting=Setting.RURAL, township_central=True)
    p1, p2 = w.extra["post_a1"], w.extra["post_a2"]
    officer, guard = w.extra["person_a1"], w.extra["guard_person_a1"]
    militia = person_at(w, "a2", name="村民兵", kind="militia", unit_name="金城村")
    substitute = person_at(w, "a2", name="替班积极分子", kind="activist", unit_name="金城村")
    activist = person_at(w, "a1", name="未排班积极分子", kind="activist", unit_name="东城社区")
    _line(w, p1, guard, "gate_open")
    noon = _line(w, p1, officer, "noon")
    _line(w, p1, officer, "afternoon")
    _line(w, p1, guard, "afternoon")
    village = _line(w, p2, militia, "afternoon")
    RosterException.objects.create(school=p1.school, roster=noon, date=DAY, note="开会")
    RosterException.objects.create(school=p2.school, roster=village, date=DAY, substitute=substitute)
    checks = [(p1, guard, "check_in", at(DAY, 7, 4)), (p1, activist, "check_in", at(DAY, 16, 5)),
              (p1, guard, "check_in", at(DAY, 16, 10)), (p1, officer, "check_in", at(DAY, 16, 20)),
              (p2, substitute, "check_in", at(DAY, 16, 12)),
              (p1, officer, "patrol", at(DAY, 9, 0)), (p1, officer, "patrol", at(DAY, 14, 0))]
    a3_post = post_at(w, "a2", name="临时岗")  # a post to carry a3's patrol check (police serve any school)
    Post.objects.filter(pk=a3_post.pk).update(school=w.schools["a3"], region_code=w.schools["a3"].region_code,
                                              active=False)
    a3_post.refresh_from_db()
    checks.append((a3_post, officer, "patrol", at(DAY, 10, 0)))
    for post, person, kind, when in checks:
        services.do_check_in(post, body(post, person, when=when, kind=kind), actor=w.users["police_a"])
    w.extra["duty_posts"] = Post.objects.filter(pk__in=[p1.pk, p2.pk])
    return w


def test_a_day_of_duty_matches_the_hand_count(duty_day):
    from huxiao.core.models import School
    from huxiao.patrols import missing

    w, posts = duty_day, duty_day.extra["duty_posts"]
    figures = counts.attendance(posts, DAY, at(DAY, 18, 0))
    # slots: a1 gate 1 + a1 afternoon 2 + a2 gate 1 + a2 afternoon 1 = 5 (a1 noon cancelled)
    # on time: a1 gate (guard), a1 afternoon (guard), a2 afternoon (substitute) = 3; late: the officer
    assert (figures["due"], figures["on_time"], figures["late"], figures["absent"]) == (5, 3, 1, 1)
    assert figures["rate"] == 60.0
    assert [(m.post_id, m.kind) for m in figures["missing"]] == [(w.extra["post_a2"].pk, "gate_open")]
    assert [(m.post_id, m.kind) for m in missing.unmanned(posts, DAY, at(DAY, 18, 0))] == \
        [(w.extra["post_a2"].pk, "gate_open")]
    schools = School.objects.filter(pk__in=[w.schools[k].pk for k in ("a1", "a2", "a3")])
    assert counts.setting_rate(schools) == {"required": 2, "with_post": 1, "rate": 50.0}  # a1 yes, a3 no
    assert counts.patrol_counts(schools, DAY) == {w.schools["a1"].pk: 2, w.schools["a3"].pk: 1}
    assert [s["school_name"] for s in counts.lacking_patrols(schools, DAY)] == ["金城中心小学"]
    # at 11:00 only the gate windows are due: a1's on time, a2's nobody
    early = counts.attendance(posts, DAY, at(DAY, 11, 0))
    assert (early["due"], early["on_time"], len(early["missing"])) == (2, 1, 1)


def test_the_calendar_decides_the_duty_day(duty_day):
    from huxiao.patrols import missing

    posts = duty_day.extra["duty_posts"]
    assert counts.attendance(posts, HOLIDAY, at(HOLIDAY, 18, 0))["due"] == 0  # 国庆节: no duty
    assert missing.unmanned(posts, HOLIDAY, at(HOLIDAY, 18, 0)) == []
    # the 调休 Saturday is a school day; nobody is rostered on Saturdays: each window is one slot, unmanned
    saturday = counts.attendance(posts, SHIFTED_SATURDAY, at(SHIFTED_SATURDAY, 18, 0))
    assert (saturday["due"], len(saturday["missing"])) == (5, 5)
    assert len(missing.unmanned(posts, SHIFTED_SATURDAY, at(SHIFTED_SATURDAY, 18, 0))) == 5
    assert counts.attendance(posts, datetime.date(2026, 3, 14), at(datetime.date(2026, 3, 14), 18, 0))["due"] == 0


def test_school_days_come_from_the_school_calendar(duty_day):
    from huxiao.core.models.calendar import CalendarDay, CalendarDayKind

    # 22 school days in March 2026; a district 停课 day and an exam Saturday move the count
    assert counts._school_days("320413", datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)) == 22
    region = duty_day.regions["district_a"]
    CalendarDay.objects.create(region=region, date=datetime.date(2026, 3, 12), kind=CalendarDayKind.CLOSURE, name="停课")
    CalendarDay.objects.create(region=region, date=datetime.date(2026, 3, 14), kind=CalendarDayKind.EXAM, name="统考")
    assert counts._school_days("320413", datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)) == 22
    assert counts._school_days("320413", datetime.date(2026, 3, 12), datetime.date(2026, 3, 14)) == 2  # 13th, 14th
    from huxiao.patrols import missing

    posts = duty_day.extra["duty_posts"]
    closed = datetime.date(2026, 3, 12)
    assert missing.unmanned(posts, closed, at(closed, 18, 0)) == [] and counts.attendance(
        posts, closed, at(closed, 18, 0))["due"] == 0


def test_unmanned_follows_the_timetable_season(duty_day):
    from huxiao.core.actions import SYSTEM
    from huxiao.patrols import missing

    w, posts = duty_day, duty_day.extra["duty_posts"]
    a1 = w.schools["a1"]
    services.do_set_timetable(a1, "summer", {"starts_on_month": 5, "starts_on_day": 1,
                                             "afternoon_dismissal_time": datetime.time(17, 30)}, actor=SYSTEM)
    services.do_set_timetable(a1, "winter", {"starts_on_month": 10, "starts_on_day": 1,
                                             "gate_open_time": datetime.time(7, 50),
                                             "afternoon_dismissal_time": datetime.time(16, 0)}, actor=SYSTEM)
    for day, now in ((DAY, at(DAY, 16, 0)), (datetime.date(2026, 6, 10), at(datetime.date(2026, 6, 10), 17, 20)),
                     (datetime.date(2026, 6, 10), at(datetime.date(2026, 6, 10), 17, 40))):
        fast = [(m.post_id, m.kind) for m in missing.unmanned(posts, day, now)]
        slow = [(m.post_id, m.kind) for m in counts.attendance(posts, day, now)["missing"]]
        assert sorted(fast) == sorted(slow), (day, now)
    p1 = w.extra["post_a1"].pk
    # summer in June: a1 has only an afternoon bell, 17:30 (缺岗 at 17:25)
    june = datetime.date(2026, 6, 10)
    assert [m for m in missing.unmanned(posts, june, at(june, 17, 20)) if m.post_id == p1] == []
    assert [m.kind for m in missing.unmanned(posts, june, at(june, 17, 40)) if m.post_id == p1] == ["afternoon"]
