"""作废: a hazard or an inspection entered by mistake is voided with a reason, once, by whom the permission
allows, and no longer counts anywhere."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from huxiao.core.models import AuditLog
from huxiao.core.void import do_void
from huxiao.hazards.models import Hazard
from huxiao.inspections.models import Inspection
from tests.hazards.helpers import api, hazard_payload
from tests.inspections.test_inspections import payload as inspection_payload
from tests.inspections.test_inspections import results


def report(world, user="edu_a", **kw):
    r = api(world.users[user]).post("/hazards/", hazard_payload(world, **kw))
    assert r.status_code == 201, r.content
    return Hazard.objects.get(pk=r.json()["id"])


def totals(user, region="320413"):
    r = api(user).get(f"/hazards/dashboard?region={region}")
    assert r.status_code == 200, r.content
    return r.json()["totals"]


def void_entries():
    return AuditLog.objects.filter(event="core.void")


def test_a_voided_hazard_stays_readable_and_counts_nowhere(world):
    u = world.users
    kept, wrong = report(world), report(world, place="重复登记的围墙")
    assert (totals(u["edu_a"])["open"], totals(u["edu_a"])["total"]) == (2, 2)
    voided = do_void(wrong, " 与 YH 重复登记 ", actor=u["inspector_a"])
    assert voided.is_voided and voided.void_reason == "与 YH 重复登记" and voided.voided_by == u["inspector_a"]
    figures = totals(u["edu_a"])
    assert (figures["open"], figures["total"], figures["overdue"]) == (1, 1, 0)
    assert list(Hazard.objects.live().values_list("pk", flat=True)) == [kept.pk]
    assert list(Hazard.objects.open().values_list("pk", flat=True)) == [kept.pk]
    assert api(u["edu_a"]).get(f"/hazards/{wrong.pk}").status_code == 200  # still readable
    entry = void_entries().get()
    assert (entry.object_id, entry.username, entry.model) == (str(wrong.pk), "inspector_a", "hazards.Hazard")
    assert entry.after == {"void_reason": "与 YH 重复登记"} and entry.region_code == wrong.region_code


def test_a_voided_hazard_moves_no_further(world):
    wrong = report(world)
    do_void(wrong, "误录", actor=world.users["inspector_a"])
    r = api(world.users["principal_a1"]).post(f"/hazards/{wrong.pk}/transitions", {"action": "start"})
    assert r.status_code == 400 and "已作废" in r.content.decode()
    wrong.refresh_from_db()
    assert wrong.status == "pending" and not wrong.events.filter(action="start").exists()


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_the_reason_is_required(world, reason):
    wrong = report(world)
    with pytest.raises(ValidationError) as exc:
        do_void(wrong, reason, actor=world.users["inspector_a"])
    assert exc.value.message_dict == {"void_reason": ["请填写作废原因"]}
    wrong.refresh_from_db()
    assert not wrong.is_voided and not void_entries().exists()


def test_a_reason_too_long_is_refused(world):
    wrong = report(world)
    with pytest.raises(ValidationError) as exc:
        do_void(wrong, "长" * 501, actor=world.users["inspector_a"])
    assert "作废原因不超过 500 个字符" in exc.value.message_dict["void_reason"]
    assert not Hazard.objects.voided().exists()


def test_a_second_void_is_refused_and_changes_nothing(world):
    wrong = report(world)
    do_void(wrong, "误录", actor=world.users["inspector_a"])
    first = Hazard.objects.get(pk=wrong.pk)
    with pytest.raises(ValidationError) as exc:
        do_void(wrong, "再次作废", actor=world.users["edu_a"])
    assert "不能重复作废" in exc.value.messages[0]
    again = Hazard.objects.get(pk=wrong.pk)
    assert (again.voided_at, again.voided_by, again.void_reason) == (first.voided_at, first.voided_by, "误录")
    assert void_entries().count() == 1


@pytest.mark.parametrize("user", ["principal_a1", "security_a1", "plc_a", "edu_b", "police_b", "norole"])
def test_who_may_not_void(world, user):
    """The school that owes the rectification never voids its hazard; nor officials without the role or out
    of reach. Refused before the reason is looked at; nothing changes."""
    wrong = report(world)
    with pytest.raises(PermissionDenied):
        do_void(wrong, "", actor=world.users[user])
    wrong.refresh_from_db()
    assert not wrong.is_voided and not void_entries().exists()


def test_no_actor_is_refused(world):
    with pytest.raises(PermissionDenied):
        do_void(report(world), "误录", actor=None)


def test_a_voided_inspection_takes_its_hazards_and_leaves_coverage(world):
    from huxiao.inspections.coverage import coverage
    from huxiao.inspections.services import current_semester

    u = world.users
    template_id = inspection_payload(world)["template_id"]
    from huxiao.inspections.models import ChecklistTemplate

    template = ChecklistTemplate.objects.get(pk=template_id)
    r = api(u["inspector_a"]).post("/inspections/", inspection_payload(
        world, results=results(template, failed=(1, 4), note="专职保安仅 1 名")))
    assert r.status_code == 201, r.content
    inspection = Inspection.objects.get(pk=r.json()["id"])
    raised = [x["hazard_id"] for x in r.json()["results"] if not x["passed"]]
    covered = api(u["edu_a"]).get("/inspections/coverage").json()
    assert covered["covered"] == 1 and totals(u["edu_a"])["open"] == 2
    do_void(inspection, "录错学校", actor=u["inspector_a"])
    assert Inspection.objects.get(pk=inspection.pk).is_voided
    assert set(Hazard.objects.voided().values_list("pk", flat=True)) == set(raised)
    assert all(h.void_reason == "录错学校" for h in Hazard.objects.filter(pk__in=raised))
    covered = api(u["edu_a"]).get("/inspections/coverage").json()
    assert covered["covered"] == 0
    assert next(s for s in covered["schools"] if s["school_id"] == world.schools["a1"].pk)["inspections"] == 0
    assert totals(u["edu_a"])["open"] == 0
    region = world.regions["district_a"]
    assert coverage(u["edu_a"], region, current_semester())["covered"] == 0
    # one entry per voided record: the inspection (naming what went with it) and each hazard
    entries = void_entries()
    assert entries.count() == 3
    assert len(entries.get(model="inspections.Inspection").after["voided_with"]) == 2


def test_a_voided_inspection_leaves_the_plan_progress(world):
    client = api(world.users["edu_a"])
    template_id = inspection_payload(world)["template_id"]
    r = client.post("/inspections/plans", {"name": "金坛区期中检查", "region": "320413", "template_id": template_id,
                                           "times": 2})
    assert r.status_code == 201, r.content
    plan_id = r.json()["id"]
    ids = []
    for school in ("a1", "a2"):
        r = api(world.users["inspector_a"]).post("/inspections/", inspection_payload(
            world, plan_id=plan_id, school_id=world.schools[school].pk))
        ids.append(r.json()["id"])

    def progress():
        plan = next(p for p in client.get("/inspections/plans").json() if p["id"] == plan_id)
        return plan["schools_done"], plan["rounds_done"]

    assert progress() == (2, 1)
    do_void(Inspection.objects.get(pk=ids[1]), "误录", actor=world.users["inspector_a"])
    assert progress() == (1, 0)


def test_voiding_needs_the_model_permission(world):
    """Only models declared voidable are voided; their permission is <app>.void_<model>."""
    from huxiao.core.permissions import roles_with
    from huxiao.core.scoping import perm_for
    from huxiao.defense.models import Guard

    assert perm_for(Hazard, "void") == "hazards.void_hazard" and roles_with("inspections.void_inspection")
    with pytest.raises(TypeError):
        do_void(Guard(), "误录", actor=world.users["edu_a"])


def test_a_voided_hazard_climbs_no_ladder(world):
    import datetime

    from django.utils import timezone

    from huxiao.hazards.ladder import apply_ladder, deadlines_passed
    from huxiao.hazards.models import EscalationStep

    kept, wrong = report(world), report(world, place="重复登记")
    do_void(wrong, "误录", actor=world.users["inspector_a"])
    later = timezone.now() + datetime.timedelta(days=20)
    steps = apply_ladder(now=later)
    assert {s.hazard_id for s in steps} == {kept.pk}
    assert not EscalationStep.objects.filter(hazard=wrong).exists()
    assert deadlines_passed(kept.deadline + datetime.timedelta(days=1)) == [kept.pk]
