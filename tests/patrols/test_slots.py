"""Duty slots: "who is missing now" read from the slots written ahead, kept true to the records — the
check-in path marks them manned, roster exceptions and calendar entries write them again, the clock's
day event writes a day once — and boarding schools' 返校 evenings counted in 到岗率."""

import datetime
import json

import pytest
from django.utils import timezone

from huxiao.core import calendar
from huxiao.core.models import AuditLog, School
from huxiao.core.models.calendar import CalendarDay
from huxiao.patrols import counts, handlers, missing
from huxiao.patrols.models import CheckIn, DutySlot, Post, SlotDay
from tests.patrols.helpers import DAY, at, body
from tests.patrols.test_boarding import boarding_table, put

pytestmark = pytest.mark.django_db
API = "/api/v1/patrols"
SUNDAY = datetime.date(2026, 3, 15)  # a boarding school's 返校 evening (bell 18:00, window from 17:45)


def send(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def kinds(posts, day, now):
    return sorted((w.post_id, w.kind) for w in missing.unmanned(posts, day, now))


def test_a_check_in_mans_its_slot(pw, client_for):
    posts = Post.objects.filter(pk=pw.extra["post_a1"].pk)
    p1 = pw.extra["post_a1"].pk
    assert kinds(posts, DAY, at(DAY, 18, 0)) == [(p1, "afternoon"), (p1, "gate_open"), (p1, "noon")]
    r = send(client_for(pw.users["guard_a1"]), f"{API}/check-ins", body(pw.extra["post_a1"], when=at(DAY, 7, 10)))
    assert r.status_code == 201, r.content
    assert kinds(posts, DAY, at(DAY, 18, 0)) == [(p1, "afternoon"), (p1, "noon")]
    slot = DutySlot.objects.get(post_id=p1, duty_date=DAY, window="gate_open")
    assert slot.manned_at == at(DAY, 7, 10)
    # before the afternoon window's 缺岗 time (16:15 + 10 minutes) it is not missing yet
    assert kinds(posts, DAY, at(DAY, 16, 24)) == [(p1, "noon")]


def test_a_cancelled_line_is_not_due_and_its_deletion_makes_it_due_again(pw, client_for):
    posts = Post.objects.filter(pk=pw.extra["post_a1"].pk)
    p1, roster = pw.extra["post_a1"].pk, pw.extra["roster_a1"]  # the officer, Wednesdays from today, afternoon
    today = timezone.localdate()
    wednesday = today + datetime.timedelta(days=(2 - today.weekday()) % 7)
    if not calendar.day_kind(pw.schools["a1"], wednesday).school_day:
        pytest.skip("the coming Wednesday is not a school day")
    evening = at(wednesday, 18, 0)
    assert (p1, "afternoon") in kinds(posts, wednesday, evening)
    assert DutySlot.objects.get(post_id=p1, duty_date=wednesday, window="afternoon").people == [roster.person_id]
    officer = client_for(pw.users["station_a1"])
    r = send(officer, f"{API}/roster-exceptions/", {"roster_id": roster.pk, "date": wednesday.isoformat(),
                                                    "note": "开会"})
    assert r.status_code == 201, r.content
    assert (p1, "afternoon") not in kinds(posts, wednesday, evening)
    assert officer.delete(f"{API}/roster-exceptions/{r.json()['id']}").status_code == 204
    assert (p1, "afternoon") in kinds(posts, wednesday, evening)


def test_a_calendar_entry_written_later_is_honoured(pw):
    posts = Post.objects.filter(pk=pw.extra["post_a1"].pk)
    assert len(kinds(posts, DAY, at(DAY, 18, 0))) == 3
    CalendarDay.objects.create(school=pw.schools["a1"], date=DAY, kind="closure", name="台风停课")
    assert kinds(posts, DAY, at(DAY, 18, 0)) == []


def test_the_day_event_writes_the_day_once(pw):
    handlers.write_duty_slots(day=DAY.isoformat(), at=at(DAY, 0, 0).isoformat())
    first = sorted(DutySlot.objects.filter(duty_date=DAY).values_list("post_id", "window"))
    assert first and SlotDay.objects.filter(date=DAY).count() == 1
    handlers.write_duty_slots(day=DAY.isoformat(), at=at(DAY, 0, 1).isoformat())
    assert sorted(DutySlot.objects.filter(duty_date=DAY).values_list("post_id", "window")) == first


def test_a_boarding_return_evening_is_counted(pw, client_for):
    School.objects.filter(pk=pw.schools["a1"].pk).update(boarding=True, boarding_students=600)
    assert put(client_for(pw.users["security_a1"]), boarding_table(pw)).status_code == 200
    posts = Post.objects.filter(pk=pw.extra["post_a1"].pk)
    p1 = pw.extra["post_a1"].pk
    figures = counts.attendance(posts, SUNDAY, at(SUNDAY, 18, 30))
    assert (figures["due"], figures["on_time"], len(figures["missing"])) == (1, 0, 1)  # a Sunday: 返校 only
    assert kinds(posts, SUNDAY, at(SUNDAY, 18, 30)) == [(p1, "return")]
    r = send(client_for(pw.users["guard_a1"]), f"{API}/check-ins", body(pw.extra["post_a1"], when=at(SUNDAY, 17, 40)))
    assert r.status_code == 201 and r.json()["window"] == "return" and r.json()["late"] is False
    figures = counts.attendance(posts, SUNDAY, at(SUNDAY, 18, 30))
    assert (figures["due"], figures["on_time"], figures["rate"]) == (1, 1, 100.0)
    assert kinds(posts, SUNDAY, at(SUNDAY, 18, 30)) == []


def test_a_batch_is_audited_once_with_its_keys(pw, client_for):
    post = pw.extra["post_a1"]
    items = [body(post, when=at(DAY, 16, 5 + i), kind="patrol") for i in range(3)]
    r = send(client_for(pw.users["guard_a1"]), f"{API}/check-ins/sync", {"items": items})
    assert r.status_code == 200 and r.json()["stored"] == 3, r.content
    entry = AuditLog.objects.get(event="patrols.check_in")
    assert sorted(entry.after["client_keys"]) == sorted(i["client_key"] for i in items)
    assert sorted(entry.after["ids"]) == sorted(CheckIn.objects.values_list("pk", flat=True))
    assert entry.school_id == post.school_id and entry.username == "guard_a1"
    again = send(client_for(pw.users["guard_a1"]), f"{API}/check-ins/sync", {"items": items})
    assert again.json()["replayed"] == 3 and AuditLog.objects.filter(event="patrols.check_in").count() == 1
