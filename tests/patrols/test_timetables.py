"""Summer and winter timetables: the duty windows follow the season of the day."""

import datetime
import json

import pytest

from huxiao.core.models import AuditLog
from huxiao.patrols import duty
from huxiao.patrols.models import Timetable

URL = "/api/v1/patrols/timetables/"
pytestmark = pytest.mark.django_db


def put(client, data):
    return client.post(URL, data=json.dumps(data), content_type="application/json")


def season(w, name, month, gate, noon, afternoon):
    return {"school_id": w.schools["a1"].pk, "season": name, "starts_on_month": month, "starts_on_day": 1,
            "gate_open_time": gate, "noon_dismissal_time": noon, "afternoon_dismissal_time": afternoon}


def test_windows_follow_the_season(pw, client_for):
    school = client_for(pw.users["security_a1"])
    assert put(school, season(pw, "summer", 5, "07:10", "11:50", "17:00")).status_code == 200
    assert put(school, season(pw, "winter", 10, "07:30", "11:40", "16:20")).status_code == 200
    post = pw.extra["post_a1"]
    post.refresh_from_db()

    def afternoon(day):
        return next(w for w in duty.windows_of(post, day) if w.kind == "afternoon").bell.time()

    assert afternoon(datetime.date(2026, 6, 10)) == datetime.time(17, 0)  # summer (from 1 May)
    assert afternoon(datetime.date(2026, 11, 10)) == datetime.time(16, 20)  # winter (from 1 October)
    assert afternoon(datetime.date(2026, 3, 10)) == datetime.time(16, 20)  # still last year's winter
    # the same season set again is changed, not doubled
    assert put(school, season(pw, "winter", 10, "07:30", "11:40", "16:10")).status_code == 200
    assert Timetable.objects.count() == 2 and afternoon(datetime.date(2026, 11, 10)) == datetime.time(16, 10)
    assert AuditLog.objects.filter(event="patrols.set_timetable").count() == 3


def test_timetable_bad_input(pw, client_for):
    school = client_for(pw.users["security_a1"])
    r = put(school, season(pw, "summer", 5, "07:10", "11:50", "11:00"))
    assert r.status_code == 400 and r.json()["errors"] == {"afternoon_dismissal_time": ["下午放学时间应晚于中午放学时间"]}
    r = put(school, dict(season(pw, "summer", 2, "07:10", "11:50", "17:00"), starts_on_day=30))
    assert r.status_code == 400 and "starts_on_day" in r.json()["errors"]
    assert put(school, dict(season(pw, "summer", 13, "07:10", "11:50", "17:00"))).status_code == 422
    assert put(school, dict(season(pw, "summer", 5, "25:10", "11:50", "17:00"))).status_code == 422
    assert not Timetable.objects.exists()
    assert put(client_for(pw.users["principal_a2"]), season(pw, "summer", 5, "07:10", "11:50", "17:00")).status_code == 404
    assert put(client_for(pw.users["edu_a"]), season(pw, "summer", 5, "07:10", "11:50", "17:00")).status_code == 403
    assert not Timetable.objects.exists()
