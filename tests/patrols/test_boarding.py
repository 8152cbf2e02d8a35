"""Boarding schools' weekly windows: 寄宿生离校 on the last school day before days off, 寄宿生返校 on the
evening before school resumes, from the timetable, moved by the school calendar (holidays, 调休, local
entries), seen through the timetable API, the post's API and page, and check-ins."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huxiao.core.models import AuditLog, CalendarDay, School
from huxiao.patrols import duty
from huxiao.patrols.models import Timetable
from tests.patrols.helpers import at, body, post_at

API = "/api/v1/patrols"
pytestmark = pytest.mark.django_db
D = datetime.date


def put(client, data):
    return client.post(f"{API}/timetables/", data=json.dumps(data), content_type="application/json")


def boarding_table(w, key="a1", **kw):
    data = {"school_id": w.schools[key].pk, "season": "summer", "starts_on_month": 1, "starts_on_day": 1,
            "gate_open_time": "07:20", "noon_dismissal_time": "11:40", "afternoon_dismissal_time": "16:30",
            "boarding_leave_time": "15:30", "boarding_return_time": "18:00"}
    data.update(kw)
    return data


@pytest.fixture
def boarding(pw, client_for):
    School.objects.filter(pk=pw.schools["a1"].pk).update(boarding=True, boarding_students=600)
    r = put(client_for(pw.users["security_a1"]), boarding_table(pw))
    assert r.status_code == 200, r.content
    assert r.json()["boarding_leave_time"] == "15:30:00" and r.json()["boarding_return_time"] == "18:00:00"
    return pw


def windows(client, post, day):
    r = client.get(f"{API}/posts/{post.pk}?date={day.isoformat()}")
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["date"] == day.isoformat()
    return out["duty_today"], [(w["kind"], w["start"][11:16]) for w in out["today"]]


DAILY = [("gate_open", "07:05"), ("noon", "11:25"), ("afternoon", "16:15")]
LEAVE = ("leave", "15:15")  # 15:30 less the post's 15 minutes' lead
RETURN = ("return", "17:45")


@pytest.mark.parametrize("day, due, expected", [
    (D(2026, 3, 11), True, DAILY),  # an ordinary Wednesday
    (D(2026, 3, 13), True, sorted([*DAILY, LEAVE], key=lambda w: w[1])),  # Friday: 离校
    (D(2026, 3, 14), False, []),  # Saturday: nobody at school
    (D(2026, 3, 15), True, [RETURN]),  # Sunday evening: 返校
    # 劳动节 1–5 May (Friday to Tuesday), Saturday 9 May worked (调休)
    (D(2026, 4, 30), True, sorted([*DAILY, LEAVE], key=lambda w: w[1])),  # Thursday before the holiday
    (D(2026, 5, 1), False, []),
    (D(2026, 5, 3), False, []),  # the Sunday inside the holiday: no 返校
    (D(2026, 5, 5), True, [RETURN]),  # Tuesday, the holiday's last day
    (D(2026, 5, 8), True, DAILY),  # Friday before a 调休 Saturday: no 离校
    (D(2026, 5, 9), True, sorted([*DAILY, LEAVE], key=lambda w: w[1])),  # the 调休 Saturday
    (D(2026, 5, 10), True, [RETURN]),
    # 元旦 1–3 January, Sunday 4 January worked: 返校 on the Saturday evening
    (D(2026, 1, 3), True, [RETURN]),
    (D(2026, 1, 4), True, DAILY),
    # 清明 4–6 April (Saturday to Monday): 返校 on the Monday evening, not the Sunday
    (D(2026, 4, 5), False, []),
    (D(2026, 4, 6), True, [RETURN]),
])
def test_weekly_windows_follow_the_calendar(boarding, client_for, day, due, expected):
    assert windows(client_for(boarding.users["edu_a"]), boarding.extra["post_a1"], day) == (due, expected)


def test_a_local_entry_moves_them(boarding, client_for):
    """A school's own 停课 on a Friday moves 离校 to the Thursday; an exam on a Saturday keeps boarders
    in until then."""
    school = boarding.schools["a1"]
    CalendarDay.objects.create(school=school, date=D(2026, 3, 20), kind="closure", name="台风停课")
    CalendarDay.objects.create(school=school, date=D(2026, 3, 28), kind="exam", name="月考")
    edu, post = client_for(boarding.users["edu_a"]), boarding.extra["post_a1"]
    assert LEAVE in windows(edu, post, D(2026, 3, 19))[1]
    assert windows(edu, post, D(2026, 3, 20)) == (False, [])
    assert LEAVE not in windows(edu, post, D(2026, 3, 27))[1]
    assert LEAVE in windows(edu, post, D(2026, 3, 28))[1]


def test_instead_of_the_daily_windows(boarding, client_for):
    """A boarding school whose timetable has no daily bells (all pupils board) has only the weekly ones."""
    school = client_for(boarding.users["security_a1"])
    r = put(school, boarding_table(boarding, gate_open_time=None, noon_dismissal_time=None,
                                   afternoon_dismissal_time=None))
    assert r.status_code == 200, r.content
    edu, post = client_for(boarding.users["edu_a"]), boarding.extra["post_a1"]
    assert windows(edu, post, D(2026, 3, 11)) == (True, [])
    assert windows(edu, post, D(2026, 3, 13)) == (True, [LEAVE])


def test_post_page_shows_the_return_window(boarding, client_for):
    page = client_for(boarding.users["edu_a"]).get(f"/patrols/posts/{boarding.extra['post_a1'].pk}/?date=2026-03-15")
    text = page.content.decode()
    assert page.status_code == 200 and "2026-03-15 值守时段" in text and "寄宿生返校：17:45–18:15" in text
    assert "不是上学日" not in text
    bad = client_for(boarding.users["edu_a"]).get(f"/patrols/posts/{boarding.extra['post_a1'].pk}/?date=2026-02-30")
    assert bad.status_code == 200 and "日期格式不正确" in bad.content.decode()


def test_a_return_evening_check_in_belongs_to_its_window(boarding, client_for):
    guard = client_for(boarding.users["guard_a1"])
    post = boarding.extra["post_a1"]
    r = guard.post(f"{API}/check-ins", data=json.dumps(body(post, when=at(D(2026, 3, 15), 17, 50))),
                   content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["window"] == "return" and r.json()["late"] is True  # after 17:45
    r = guard.post(f"{API}/check-ins", data=json.dumps(body(post, when=at(D(2026, 3, 14), 17, 50))),
                   content_type="application/json")
    assert r.status_code == 201 and r.json()["window"] == ""  # a Saturday: no window


def test_boarding_times_refused_for_a_day_school(pw, client_for):
    r = put(client_for(pw.users["principal_a1"]), boarding_table(pw))
    assert r.status_code == 400
    assert r.json()["errors"] == {"boarding_leave_time": ["该学校在学校台账中不是寄宿制学校，不能设置寄宿生离校、返校时间"]}
    r = put(client_for(pw.users["principal_a1"]), boarding_table(pw, boarding_return_time="24:00"))
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "boarding_return_time"
    assert not Timetable.objects.exists() and not AuditLog.objects.filter(event="patrols.set_timetable").exists()


def test_post_date_must_be_a_date(pw, client_for):
    r = client_for(pw.users["edu_a"]).get(f"{API}/posts/{pw.extra['post_a1'].pk}?date=2026-13-01")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "date"]


def test_windows_on_reads_a_fixed_number_of_queries(boarding):
    """Many posts, boarding or not, on a return evening: the same few queries whatever their number."""
    sunday = D(2026, 3, 15)

    def queries(posts):
        with CaptureQueriesContext(connection) as ctx:
            found = duty.windows_on(posts, sunday)
        return len(ctx.captured_queries), found

    one = [boarding.extra["post_a1"]]
    many = one + [post_at(boarding, "a1", name=f"{n}号岗") for n in range(3)] + [boarding.extra["post_b1"]]
    for p in many:
        p.school.refresh_from_db()
    n_one, found_one = queries(one)
    n_many, found_many = queries(many)
    assert n_one == n_many
    assert [w.kind for w in found_one] == ["return"] and [w.kind for w in found_many] == ["return"] * 4
