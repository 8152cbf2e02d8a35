"""The life cycle through the API and the pages: every transition, every refusal, bad input changes nothing."""

import pytest

from huxiao.core.models import AuditLog, Notification
from huxiao.hazards.models import Hazard, HazardEvent
from tests.hazards.helpers import PNG, api, hazard_payload, in_days
from tests.world import REACH_A1, ROLE_USERS, SCHOOL_STAFF_A1

pytestmark = pytest.mark.django_db


def report(world, user="edu_a", **kw):
    response = api(world.users[user]).post("/hazards/", hazard_payload(world, **kw))
    assert response.status_code == 201, response.content
    return response.json()


def transition(world, user, hazard_id, action, **kw):
    return api(world.users[user]).post(f"/hazards/{hazard_id}/transitions", {"action": action, **kw})


def evidence(world, user="principal_a1"):
    response = api(world.users[user]).upload(world.schools["a1"].pk)
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_whole_loop_with_rework(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the notifications are written after the commit
        h = report(world)
    assert h["status"] == "pending" and h["number"].startswith("YH")
    # the three parties are told (school staff, education, police), not the reporter
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert {"principal_a1", "security_a1", "station_a1", "police_a", "inspector_a"} <= told and "edu_a" not in told
    assert transition(world, "principal_a1", h["id"], "start").json()["status"] == "rectifying"
    photo = evidence(world)
    r = transition(world, "security_a1", h["id"], "submit", note="已加高围墙", evidence=[photo])
    assert r.status_code == 200 and r.json()["status"] == "awaiting"
    r = transition(world, "inspector_a", h["id"], "rework", note="东段仍不足 2 米")
    assert r.json()["status"] == "rectifying"
    photo2 = evidence(world)
    transition(world, "principal_a1", h["id"], "submit", note="东段已加高", evidence=[photo2])
    r = transition(world, "station_a1", h["id"], "close", note="验收合格")
    body = r.json()
    assert body["status"] == "closed" and body["closed_at"] and body["actions"] == []
    actions = [e["action"] for e in body["events"]]
    assert actions == ["report", "start", "submit", "rework", "submit", "close"]
    submit = body["events"][2]
    assert submit["actor"] == "principal_a1" or submit["actor"] == "security_a1"
    assert submit["evidence"] == [photo] and submit["note"] == "已加高围墙"
    assert AuditLog.objects.filter(model="hazards.Hazard", object_id=str(h["id"])).count() == 6
    assert Hazard.objects.get(pk=h["id"]).days_to_close == 0


def test_school_cannot_accept_or_close_its_own_hazard(world):
    h = report(world, user="principal_a1", source="self_check")
    transition(world, "principal_a1", h["id"], "start")
    transition(world, "principal_a1", h["id"], "submit", note="完成", evidence=[evidence(world)])
    for user in sorted(SCHOOL_STAFF_A1):
        r = transition(world, user, h["id"], "close", note="自己验收")
        assert r.status_code == 403, (user, r.content)
    assert Hazard.objects.get(pk=h["id"]).status == "awaiting"
    # and an official cannot do the school's part
    h2 = report(world)
    assert transition(world, "edu_a", h2["id"], "start").status_code == 403


def test_other_district_cannot_see_or_act(world):
    h = report(world)
    for user in sorted(ROLE_USERS - REACH_A1):  # the other district, the other school
        assert api(world.users[user]).get(f"/hazards/{h['id']}").status_code == 404
        assert transition(world, user, h["id"], "close").status_code == 404
        assert h["id"] not in [x["id"] for x in api(world.users[user]).get("/hazards/").json()["items"]]


@pytest.mark.parametrize("steps,action", [
    ([], "submit"), ([], "close"), ([], "rework"),
    (["start"], "start"), (["start"], "close"), (["start"], "rework"),
])
def test_illegal_transitions_are_refused_with_a_message(world, steps, action):
    h = report(world)
    for step in steps:
        transition(world, "principal_a1", h["id"], step)
    before = Hazard.objects.get(pk=h["id"]).status
    user = "inspector_a" if action in ("close", "rework") else "principal_a1"
    r = transition(world, user, h["id"], action, note="x", evidence=[evidence(world)])
    assert r.status_code == 400
    assert "不能执行" in r.json()["detail"] and "status" in r.json()["errors"]
    assert Hazard.objects.get(pk=h["id"]).status == before
    assert HazardEvent.objects.filter(hazard_id=h["id"]).count() == 1 + len(steps)


def test_closed_hazard_cannot_move(world):
    h = report(world)
    transition(world, "principal_a1", h["id"], "start")
    transition(world, "principal_a1", h["id"], "submit", note="完成", evidence=[evidence(world)])
    transition(world, "edu_a", h["id"], "close")
    for action, user in (("rework", "edu_a"), ("close", "edu_a"), ("start", "principal_a1")):
        assert transition(world, user, h["id"], action, note="x").status_code == 400


def test_submit_needs_note_and_evidence(world):
    h = report(world)
    transition(world, "principal_a1", h["id"], "start")
    r = transition(world, "principal_a1", h["id"], "submit", note="完成")
    assert r.status_code == 400 and "evidence" in r.json()["errors"]
    r = transition(world, "principal_a1", h["id"], "submit", evidence=[evidence(world)])
    assert r.status_code == 400 and "note" in r.json()["errors"]
    # evidence of another school is refused
    other = api(world.users["edu_a"]).upload(world.schools["a2"].pk).json()["id"]
    r = transition(world, "principal_a1", h["id"], "submit", note="完成", evidence=[other])
    assert r.status_code == 400 and "evidence" in r.json()["errors"]
    assert Hazard.objects.get(pk=h["id"]).status == "rectifying"
    r = transition(world, "inspector_a", h["id"], "rework")
    assert r.status_code == 400


@pytest.mark.parametrize("change,field,status", [
    ({"deadline": str(in_days(-1))}, "deadline", 400),
    ({"deadline": str(in_days(400))}, "deadline", 400),
    ({"found_on": str(in_days(1))}, "found_on", 400),  # tomorrow: plausible, but not yet
    ({"found_on": str(in_days(2))}, "found_on", 422),  # beyond a clock slip: refused by the schema
    ({"found_on": "1900-01-01"}, "found_on", 422),
    ({"deadline": "2026-13-45"}, "deadline", 422),
    ({"place": ""}, "place", 422),
    ({"category": "volcano"}, "category", 422),
    ({"photos": [999999]}, "photos", 400),
])
def test_bad_input_is_refused_and_nothing_changes(world, change, field, status, django_capture_on_commit_callbacks):
    before = (Hazard.objects.count(), HazardEvent.objects.count(), Notification.objects.count())
    with django_capture_on_commit_callbacks(execute=True):  # what a commit would send: nothing
        r = api(world.users["edu_a"]).post("/hazards/", hazard_payload(world, **change))
    assert r.status_code == status, r.content
    assert field in r.content.decode()
    assert (Hazard.objects.count(), HazardEvent.objects.count(), Notification.objects.count()) == before


def test_missing_fields_refused(world):
    payload = hazard_payload(world)
    del payload["responsible_person"], payload["deadline"]
    r = api(world.users["edu_a"]).post("/hazards/", payload)
    assert r.status_code == 422 and Hazard.objects.count() == 0


def test_wrong_file_types_refused(world):
    client = api(world.users["principal_a1"])
    r = client.upload(world.schools["a1"].pk, name="photo.png", content=b"MZ\x90\x00 not an image")
    assert r.status_code == 400 and "file" in r.json()["errors"]
    r = client.upload(world.schools["a1"].pk, name="empty.png", content=b"")
    assert r.status_code in (400, 422)
    assert client.upload(world.schools["a2"].pk).status_code == 404  # another school
    assert api(None).upload(world.schools["a1"].pk).status_code == 401
    assert api(world.users["norole"]).upload(world.schools["a1"].pk).status_code == 403


def test_filters(world):
    report(world)
    report(world, severity="major", category="area_internet_cafe", source="public")
    report(world, school="a2", source="patrol")
    client = api(world.users["edu_a"])
    assert client.get("/hazards/?severity=major").json()["count"] == 1
    assert client.get("/hazards/?category=area_internet_cafe").json()["count"] == 1
    assert client.get("/hazards/?source=patrol").json()["count"] == 1
    assert client.get("/hazards/?region=320413101").json()["count"] == 1
    assert client.get("/hazards/?status=pending").json()["count"] == 3
    assert client.get("/hazards/?overdue=true").json()["count"] == 0
    Hazard.objects.filter(source="patrol").update(deadline=in_days(-3))
    overdue = client.get("/hazards/?overdue=true").json()
    assert overdue["count"] == 1 and overdue["items"][0]["overdue_days"] == 3
    assert client.get("/hazards/?severity=bogus").status_code == 422


def test_pages_report_and_transition(world, client_for):
    c = client_for(world.users["inspector_a"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = hazard_payload(world)
    data["school"] = data.pop("school_id")
    data["found_on"] = str(in_days(0))
    data["photos"] = SimpleUploadedFile("a.png", PNG, content_type="image/png")
    r = c.post("/hazards/new/", data)
    assert r.status_code == 302, r.content.decode()[:2000]
    h = Hazard.objects.get()
    assert h.photos.count() == 1
    # a wrong file type is refused and nothing is created
    data["photos"] = SimpleUploadedFile("a.png", b"GIF89a....", content_type="image/png")
    r = c.post("/hazards/new/", data)
    assert r.status_code == 200 and "不支持的文件类型" in r.content.decode() and Hazard.objects.count() == 1
    school = client_for(world.users["principal_a1"])
    assert school.post(f"/hazards/{h.pk}/transition/", {"action": "start"}).status_code == 302
    r = school.post(f"/hazards/{h.pk}/transition/", {"action": "submit", "note": "完成",
                                                     "evidence": SimpleUploadedFile("e.png", PNG)})
    assert r.status_code == 302
    h.refresh_from_db()
    assert h.status == "awaiting"
    page = c.get(f"/hazards/{h.pk}/").content.decode()
    assert "验收销号" in page and "退回返工" in page and "e.png" in page
    assert "验收销号" not in school.get(f"/hazards/{h.pk}/").content.decode()
