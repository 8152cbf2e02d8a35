"""Time travel: the overdue ladder and the missing self-check flags, run as the core clock's periodic task
runs them (its hourly event)."""

import datetime
from unittest import mock

import pytest
from django.test import TestCase
from django.utils import timezone

from huxiao.core.models import Notification
from huxiao.core.tasks import clock_task
from huxiao.hazards.models import EscalationPolicy, EscalationStep, Hazard, SelfCheckFlag
from tests.hazards.helpers import api, hazard_payload

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()


def at(day: datetime.date, hour=9):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ)


def tick(day, model):
    """The clock's minute at 9:00 of ``day`` (its events dispatched as after a commit); the rows of
    ``model`` it added."""
    before = model.objects.count()
    with mock.patch("django.utils.timezone.now", return_value=at(day)), \
            TestCase.captureOnCommitCallbacks(execute=True):
        clock_task.call_local()
    return model.objects.count() - before


def run_ladder(day):
    return tick(day, EscalationStep)


def report(world, **kw):
    r = api(world.users["edu_a"]).post("/hazards/", hazard_payload(world, **kw))
    assert r.status_code == 201, r.content
    return Hazard.objects.get(pk=r.json()["id"])


def levels(hazard):
    return list(EscalationStep.objects.filter(hazard=hazard).order_by("at", "id").values_list("level", flat=True))


def test_general_hazard_climbs_to_interview_and_never_to_listing(world):
    h = report(world)
    d = h.deadline
    assert run_ladder(d - datetime.timedelta(days=5)) == 0
    assert run_ladder(d - datetime.timedelta(days=3)) == 1
    assert run_ladder(d - datetime.timedelta(days=2)) == 0  # once per rung
    assert run_ladder(d) == 0  # due today is not overdue
    assert run_ladder(d + datetime.timedelta(days=1)) == 1
    assert run_ladder(d + datetime.timedelta(days=14)) == 0
    assert run_ladder(d + datetime.timedelta(days=15)) == 1
    assert run_ladder(d + datetime.timedelta(days=90)) == 0
    assert levels(h) == ["reminder", "notice", "interview"]
    h.refresh_from_db()
    assert h.escalation == "interview"
    # the three parties are told, the city is not (below 挂牌督办)
    interview = Notification.objects.filter(title__contains="约谈")
    told = set(interview.values_list("recipient__username", flat=True))
    assert {"principal_a1", "security_a1", "edu_a", "inspector_a", "station_a1", "police_a"} <= told
    assert not told & {"edu_city", "police_city", "edu_b", "principal_a2"}


def test_major_hazard_is_listed_at_the_next_level_up(world):
    h = report(world, severity="major")
    step_count = run_ladder(h.deadline + datetime.timedelta(days=30))
    assert step_count == 1  # jumps straight to the rung it has reached
    step = EscalationStep.objects.get(hazard=h)
    assert step.level == "listed" and step.supervising_region == "320400" and step.overdue_days == 30
    told = set(Notification.objects.filter(title__contains="挂牌督办").values_list("recipient__username", flat=True))
    assert {"edu_city", "police_city", "principal_a1", "edu_a", "police_a"} <= told
    # visible to school, education and police at once through the API
    for user in ("principal_a1", "edu_a", "station_a1"):
        body = api(world.users[user]).get(f"/hazards/{h.pk}").json()
        assert [s["level"] for s in body["escalations"]] == ["listed"]


def test_rectified_or_awaiting_hazards_do_not_climb(world):
    h = report(world)
    Hazard.objects.filter(pk=h.pk).update(status="awaiting")
    assert run_ladder(h.deadline + datetime.timedelta(days=20)) == 0
    Hazard.objects.filter(pk=h.pk).update(status="closed")
    assert run_ladder(h.deadline + datetime.timedelta(days=40)) == 0


def test_thresholds_per_campaign(world):
    policy = EscalationPolicy.objects.create(name="开学专项", region_code="320413", remind_days_before=0,
                                             notice_after_days=2, interview_after_days=5, listing_after_days=7)
    r = api(world.users["edu_a"]).post("/hazards/", hazard_payload(world, severity="major", policy_id=policy.pk))
    h = Hazard.objects.get(pk=r.json()["id"])
    default = report(world, severity="major")
    d = h.deadline
    assert run_ladder(d - datetime.timedelta(days=1)) == 1  # only the default policy reminds
    assert run_ladder(d + datetime.timedelta(days=1)) == 1  # default: notice after 1 day
    assert run_ladder(d + datetime.timedelta(days=2)) == 1  # campaign: notice after 2 days
    run_ladder(d + datetime.timedelta(days=7))
    assert levels(h) == ["notice", "listed"]
    assert levels(default) == ["reminder", "notice"]


def test_bad_policy_refused(world):
    bad = {"name": "坏规则", "region_code": "320413", "notice_after_days": 10, "interview_after_days": 5,
           "listing_after_days": 20, "remind_days_before": 3, "self_check_due_day": 5}
    r = api(world.users["edu_a"]).post("/hazards/policies", bad)
    assert r.status_code == 400 and "interview_after_days" in r.json()["errors"]
    r = api(world.users["edu_a"]).post("/hazards/policies", dict(bad, interview_after_days=15, region_code="320481"))
    assert r.status_code == 400  # another district's region
    r = api(world.users["edu_a"]).post("/hazards/policies", dict(bad, interview_after_days=15, self_check_due_day=40))
    assert r.status_code == 422
    assert EscalationPolicy.objects.count() == 1


def flag(day):
    return tick(day, SelfCheckFlag)


def test_missing_self_check_flagged_after_due_day(world):
    today = timezone.localdate()
    month = today.replace(day=1)
    # school a1 files "nothing found" for this month; a2 files with a hazard; b1 files nothing
    r = api(world.users["principal_a1"]).post("/hazards/self-checks", {
        "school_id": world.schools["a1"].pk, "month": f"{month:%Y-%m}", "no_hazards": True})
    assert r.status_code == 201, r.content
    payload = hazard_payload(world, school="a2")
    del payload["school_id"], payload["source"]
    r = api(world.users["principal_a2"]).post("/hazards/self-checks", {
        "school_id": world.schools["a2"].pk, "month": f"{month:%Y-%m}", "hazards": [payload]})
    assert r.status_code == 201, r.content
    assert Hazard.objects.get(school=world.schools["a2"]).source == "self_check"
    next_month = (month + datetime.timedelta(days=32)).replace(day=1)
    assert flag(next_month.replace(day=5)) == 0  # due day (5th) not passed yet
    assert flag(next_month.replace(day=6)) == 1
    assert flag(next_month.replace(day=7)) == 0  # once
    f = SelfCheckFlag.objects.get()
    assert f.school == world.schools["b1"] and f.month == month
    told = set(Notification.objects.filter(title__contains="自查缺报").values_list("recipient__username", flat=True))
    assert "edu_b" in told and not told & {"edu_a", "principal_a1", "police_b"}
    missing = api(world.users["edu_b"]).get("/hazards/self-checks/missing").json()
    assert [m["school_id"] for m in missing] == [world.schools["b1"].pk]
    assert api(world.users["edu_a"]).get("/hazards/self-checks/missing").json() == []


def test_self_check_refusals(world):
    client = api(world.users["principal_a1"])
    school = world.schools["a1"].pk
    this_month = f"{timezone.localdate():%Y-%m}"
    r = client.post("/hazards/self-checks", {"school_id": school, "month": this_month})
    assert r.status_code == 400 and "hazards" in r.json()["errors"]  # neither nothing-found nor hazards
    payload = hazard_payload(world)
    del payload["school_id"], payload["source"]
    r = client.post("/hazards/self-checks", {"school_id": school, "month": this_month, "no_hazards": True,
                                             "hazards": [payload]})
    assert r.status_code == 400
    r = client.post("/hazards/self-checks", {"school_id": school, "month": "2099-01", "no_hazards": True})
    assert r.status_code == 400 and "month" in r.json()["errors"]
    bad = dict(payload, deadline="2000-01-01")
    r = client.post("/hazards/self-checks", {"school_id": school, "month": this_month, "hazards": [payload, bad]})
    assert r.status_code == 400 and "hazards[1].deadline" in r.json()["errors"]
    assert Hazard.objects.count() == 0  # all or nothing
    assert client.post("/hazards/self-checks", {"school_id": school, "month": this_month,
                                                "no_hazards": True}).status_code == 201
    r = client.post("/hazards/self-checks", {"school_id": school, "month": this_month, "no_hazards": True})
    assert r.status_code == 400 and "已填报" in r.json()["detail"]
    assert api(world.users["guard_a1"]).post("/hazards/self-checks", {
        "school_id": school, "month": this_month, "no_hazards": True}).status_code == 403
