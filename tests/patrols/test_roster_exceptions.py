"""Roster exceptions (a date cancelled, or a substitute standing in) through the API and the post page."""

import datetime
import json

import pytest
from django.utils import timezone

from huxiao.core.actions import SYSTEM
from huxiao.core.models import AuditLog
from huxiao.patrols import services
from huxiao.patrols.models import RosterException
from tests.patrols.helpers import person_at

API = "/api/v1/patrols/roster-exceptions/"
pytestmark = pytest.mark.django_db


def wednesday(weeks=1):
    """A Wednesday (roster_a1's weekday) ``weeks`` weeks from this week's."""
    today = timezone.localdate()
    return today + datetime.timedelta(days=(2 - today.weekday()) % 7, weeks=weeks)


def send(client, data):
    return client.post(API, data=json.dumps(data), content_type="application/json")


def exc_json(w, **kw):
    data = {"roster_id": w.extra["roster_a1"].pk, "date": wednesday().isoformat()}
    data.update(kw)
    return data


def test_cancel_and_substitute_listed_and_deleted(pw, client_for):
    officer = client_for(pw.users["station_a1"])
    r = send(officer, exc_json(pw, note="张民警参加培训"))
    assert r.status_code == 201, r.content
    cancelled = r.json()
    assert cancelled["cancelled"] is True and cancelled["substitute_id"] is None
    assert cancelled["person_name"] == "张民警" and cancelled["window"] == "afternoon"
    r = send(officer, exc_json(pw, date=wednesday(2).isoformat(), substitute_id=pw.extra["guard_person_a1"].pk))
    assert r.status_code == 201 and r.json()["substitute_name"] == "李保安" and r.json()["cancelled"] is False
    # a police officer of another school may stand in (police serve any school's post): the district's
    # police, who reach both schools, name him
    police_a2 = person_at(pw, "a2", name="钱民警", unit_name="金城派出所")
    r = send(client_for(pw.users["police_a"]), exc_json(pw, date=wednesday(3).isoformat(), substitute_id=police_a2.pk))
    assert r.status_code == 201, r.content
    listed = client_for(pw.users["edu_a"]).get(f"{API}?post={pw.extra['post_a1'].pk}").json()
    assert listed["count"] == 3 and [e["date"] for e in listed["items"]][0] == wednesday(3).isoformat()
    assert client_for(pw.users["edu_b"]).get(API).json()["count"] == 0  # another district's officials
    assert AuditLog.objects.filter(event="patrols.add_roster_exception").count() == 3

    r = officer.delete(f"{API}{cancelled['id']}")
    assert r.status_code == 204 and not RosterException.objects.filter(pk=cancelled["id"]).exists()
    entry = AuditLog.objects.get(event="patrols.delete_roster_exception")
    assert entry.username == "station_a1" and entry.before["note"] == "张民警参加培训"
    assert officer.delete(f"{API}{cancelled['id']}").status_code == 404


def test_bad_exceptions_refused_with_the_reason(pw, client_for):
    officer = client_for(pw.users["station_a1"])
    roster = pw.extra["roster_a1"]
    cases = [
        (exc_json(pw, date=(roster.valid_from - datetime.timedelta(days=7)).isoformat()), "date", "不在该排班的有效期内"),
        (exc_json(pw, date=(wednesday() + datetime.timedelta(days=1)).isoformat()), "date", "该排班在周三"),
        (exc_json(pw, substitute_id=pw.extra["person_a1"].pk), "substitute_id", "替班人员就是该排班的人员"),
    ]
    staff_a2 = person_at(pw, "a2", name="孙老师", kind="staff", unit_name="金城中心幼儿园")
    cases.append((exc_json(pw, substitute_id=staff_a2.pk), "substitute_id", "不属于此护学岗所在学校"))
    district = client_for(pw.users["police_a"])  # reaches a2's staff too
    for data, field, words in cases:
        r = send(district, data)
        assert r.status_code == 400, (data, r.content)
        assert words in r.json()["errors"][field][0], r.json()
    for data, field in [(exc_json(pw, date="2026-02-30"), "date"), (exc_json(pw, roster_id=0), "roster_id"),
                        (exc_json(pw, note="长" * 201), "note")]:
        r = send(officer, data)
        assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == field
    assert not RosterException.objects.exists()
    assert not AuditLog.objects.filter(event="patrols.add_roster_exception").exists()


def test_one_exception_a_day_conflicts(pw, client_for):
    officer = client_for(pw.users["station_a1"])
    assert send(officer, exc_json(pw)).status_code == 201
    r = send(officer, exc_json(pw, substitute_id=pw.extra["guard_person_a1"].pk))
    assert r.status_code == 409 and "已有例外" in r.json()["detail"]
    assert RosterException.objects.count() == 1


def test_out_of_reach(pw, client_for):
    # a roster or a substitute out of the officer's jurisdiction: 404; a role that only views: 403
    police_b = client_for(pw.users["police_b"])
    assert send(police_b, exc_json(pw)).status_code == 404
    b1_roster = services.do_add_roster(pw.extra["post_b1"], pw.extra["person_b1"], {"weekday": 2, "window": "noon"},
                                       actor=SYSTEM)
    station = client_for(pw.users["station_a1"])
    assert send(station, exc_json(pw, substitute_id=pw.extra["person_b1"].pk)).status_code == 404
    assert send(station, exc_json(pw, roster_id=b1_roster.pk)).status_code == 404
    assert send(client_for(pw.users["edu_a"]), exc_json(pw)).status_code == 403
    assert not RosterException.objects.exists()
    entry = services.do_add_roster_exception(b1_roster, {"date": wednesday()}, actor=SYSTEM)
    assert station.delete(f"{API}{entry.pk}").status_code == 404
    assert client_for(pw.users["edu_b"]).delete(f"{API}{entry.pk}").status_code == 403
    assert RosterException.objects.filter(pk=entry.pk).exists()


def test_the_post_page_adds_and_deletes(pw, client_for):
    officer = client_for(pw.users["station_a1"])
    post = pw.extra["post_a1"]
    page = officer.get(f"/patrols/posts/{post.pk}/").content.decode()
    assert 'id="exception-form"' in page and "暂无排班例外" in page
    form = {"roster": pw.extra["roster_a1"].pk, "date": wednesday().isoformat(),
            "substitute_id": pw.extra["guard_person_a1"].pk, "note": "换班"}
    r = officer.post(f"/patrols/posts/{post.pk}/exceptions/", form, follow=True)
    text = r.content.decode()
    assert r.redirect_chain and "已登记排班例外" in text and "由 李保安 替班" in text
    # the same day again: the form says why, nothing stored
    r = officer.post(f"/patrols/posts/{post.pk}/exceptions/", form)
    assert r.status_code == 400 and "已有例外" in r.content.decode()
    r = officer.post(f"/patrols/posts/{post.pk}/exceptions/", {**form, "date": (wednesday() + datetime.timedelta(days=2)).isoformat()})
    assert r.status_code == 400 and "该排班在周三" in r.content.decode() and "is-invalid" in r.content.decode()
    r = officer.post(f"/patrols/posts/{post.pk}/exceptions/", {**form, "date": "明天"})
    assert r.status_code == 400 and "有效的日期" in r.content.decode()
    assert RosterException.objects.count() == 1
    entry = RosterException.objects.get()
    r = officer.post(f"/patrols/roster-exceptions/{entry.pk}/delete/", follow=True)
    assert "已删除" in r.content.decode() and not RosterException.objects.exists()
    # viewers see the exceptions, not the form
    services.do_add_roster_exception(pw.extra["roster_a1"], {"date": wednesday()}, actor=SYSTEM)
    page = client_for(pw.users["principal_a1"]).get(f"/patrols/posts/{post.pk}/").content.decode()
    assert 'id="exception-form"' not in page and "取消" in page
