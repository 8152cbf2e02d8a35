"""Inspections through the API and pages: failed items become hazards without retyping, frequency rules,
templates, coverage order, and refusals that change nothing."""

import datetime

import pytest
from django.utils import timezone

from huxiao.hazards.models import Hazard
from huxiao.inspections.models import ChecklistTemplate, Inspection, InspectionPlan
from tests.hazards.helpers import api

pytestmark = pytest.mark.django_db


def baicheng():
    return ChecklistTemplate.objects.get(builtin=True, name__startswith="白城")


def results(template, failed=(0,), note="问题"):
    return [{"item": i.pk, "passed": n not in failed, "note": note if n in failed else ""}
            for n, i in enumerate(template.items.all())]


def payload(world, template=None, **kw):
    template = template or baicheng()
    data = {"school_id": world.schools["a1"].pk, "template_id": template.pk,
            "inspected_on": str(timezone.localdate()), "joint": True, "inspectors": "卫督学、吴民警",
            "results": results(template)}
    data.update(kw)
    return data


def test_builtin_templates_shipped():
    names = {t.name: [i.text for i in t.items.all()] for t in ChecklistTemplate.objects.filter(builtin=True)}
    baicheng_items = next(v for k, v in names.items() if k.startswith("白城"))
    assert baicheng_items == ["安保制度是否健全", "保卫力量配备是否达标", "落实安保制度是否严格", "技防物防设施是否齐全",
                              "校园周边防控机制是否落实", "应急处置预案及演练是否到位"]
    jiangsu = next(v for k, v in names.items() if k.startswith("江苏"))
    assert len(jiangsu) == 8


def test_failed_items_become_hazards_with_deadlines(world):
    template = baicheng()
    r = api(world.users["inspector_a"]).post("/inspections/", payload(
        world, results=results(template, failed=(1, 4), note="专职保安仅 1 名")))
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["failed"] == 2
    hazard_ids = [x["hazard_id"] for x in body["results"] if not x["passed"]]
    assert all(hazard_ids) and all(x["hazard_id"] is None for x in body["results"] if x["passed"])
    hazards = Hazard.objects.filter(pk__in=hazard_ids).order_by("pk")
    assert [h.place for h in hazards] == ["保卫力量配备是否达标", "校园周边防控机制是否落实"]
    assert hazards[1].category == "area_other" and hazards[0].source == "joint_inspection"
    assert hazards[0].deadline == timezone.localdate() + datetime.timedelta(days=30)
    assert hazards[0].description == "专职保安仅 1 名" and hazards[0].found_by == world.users["inspector_a"]
    # the school sees them at once
    seen = [h["id"] for h in api(world.users["principal_a1"]).get("/hazards/").json()["items"]]
    assert set(hazard_ids) <= set(seen)
    assert api(world.users["principal_a1"]).get(f"/inspections/{body['id']}").status_code == 200


def test_unannounced_and_special_sources(world):
    r = api(world.users["edu_a"]).post("/inspections/", payload(world, mode="unannounced", joint=False))
    assert Hazard.objects.get(pk=r.json()["results"][0]["hazard_id"]).source == "unannounced"
    plan = InspectionPlan.objects.create(name="开学专项排查", region=world.regions["district_a"], level="county",
                                         semester_id=None or _semester().pk, times=2, kind="special",
                                         template=baicheng(), created_by=world.users["edu_a"])
    r = api(world.users["edu_a"]).post("/inspections/", payload(world, plan_id=plan.pk, joint=False))
    assert Hazard.objects.get(pk=r.json()["results"][0]["hazard_id"]).source == "special"
    r = api(world.users["inspector_a"]).post("/inspections/", payload(world, joint=False))
    assert Hazard.objects.get(pk=r.json()["results"][0]["hazard_id"]).source == "inspector"


def _semester():
    from huxiao.inspections.services import semester_for

    return semester_for()


@pytest.mark.parametrize("change,status,field", [
    ({"results": "missing"}, 400, "results"),
    ({"results": "note"}, 400, "results[0].note"),
    ({"inspected_on": "2099-01-01"}, 422, "inspected_on"),
    ({"inspected_on": "2000-01-01"}, 400, "inspected_on"),
    ({"inspectors": ""}, 422, "inspectors"),
    ({"mode": "covert"}, 422, "mode"),
    ({"results": "photo"}, 400, "photos"),
])
def test_bad_inspections_refused_and_nothing_changes(world, change, status, field):
    data = payload(world)
    if change.get("results") == "missing":
        data["results"] = data["results"][:-1]
    elif change.get("results") == "note":
        data["results"][0]["note"] = ""
    elif change.get("results") == "photo":
        data["results"][2]["photos"] = [987654]
    else:
        data.update(change)
    r = api(world.users["inspector_a"]).post("/inspections/", data)
    assert r.status_code == status, r.content
    assert field in r.content.decode()
    assert Inspection.objects.count() == 0 and Hazard.objects.count() == 0


def test_school_and_other_district_cannot_record(world):
    assert api(world.users["principal_a1"]).post("/inspections/", payload(world)).status_code == 403
    assert api(world.users["edu_b"]).post("/inspections/", payload(world)).status_code == 404
    assert Inspection.objects.count() == 0


def test_plan_frequency_rules(world):
    client = api(world.users["edu_a"])
    base = {"name": "金坛区期中检查", "region": "320413", "template_id": baicheng().pk}
    r = client.post("/inspections/plans", dict(base, times=1))
    assert r.status_code == 400 and "至少 2 次" in r.json()["detail"]
    r = client.post("/inspections/plans", dict(base, times=2))
    assert r.status_code == 201 and r.json()["level"] == "county"
    plan_id = r.json()["id"]
    assert (r.json()["schools_total"], r.json()["schools_done"], r.json()["rounds_done"]) == (2, 0, 0)
    for school in ("a1", "a2"):
        api(world.users["inspector_a"]).post("/inspections/", payload(world, plan_id=plan_id,
                                                                      school_id=world.schools[school].pk))
    plan = next(p for p in client.get("/inspections/plans").json() if p["id"] == plan_id)
    assert (plan["schools_done"], plan["rounds_done"]) == (2, 1)  # one full round of two
    r = api(world.users["admin_province"]).post("/inspections/plans", dict(base, region="320000", times=1))
    assert r.status_code == 201 and r.json()["level"] == "province"
    assert client.post("/inspections/plans", dict(base, region="320481", times=2)).status_code == 400
    assert client.post("/inspections/plans", dict(base, region="320000", times=2)).status_code == 400


def test_officials_build_templates(world):
    client = api(world.users["edu_a"])
    r = client.post("/inspections/templates", {"name": "寄宿制学校夜间检查", "region": "320413", "items": [
        {"text": "宿舍夜间值守是否落实", "severity": "major", "deadline_days": 7}, {"text": "消防通道是否畅通",
                                                                        "category": "fire"}]})
    assert r.status_code == 201
    template = ChecklistTemplate.objects.get(pk=r.json()["id"])
    assert [i.order for i in template.items.all()] == [1, 2]
    # usable by the district, invisible to another district
    assert template.pk in [t["id"] for t in api(world.users["inspector_a"]).get("/inspections/templates").json()]
    assert api(world.users["edu_b"]).get(f"/inspections/templates/{template.pk}").status_code == 404
    r = api(world.users["inspector_a"]).post("/inspections/", payload(
        world, template=template, results=results(template, failed=(0,), note="无人值守")))
    h = Hazard.objects.get(pk=r.json()["results"][0]["hazard_id"])
    assert h.severity == "major" and h.deadline == timezone.localdate() + datetime.timedelta(days=7)
    assert client.post("/inspections/templates", {"name": "x", "region": "320413", "items": []}).status_code == 422
    assert client.post("/inspections/templates", {"name": "x", "region": "320481",
                                                  "items": [{"text": "y"}]}).status_code == 400


def test_coverage_puts_rural_and_private_first(world):
    from tests.world import make_school

    city = make_school("2132413050", "东城城区小学", world.regions["town_a1"], world.units["station_a1"])
    api(world.users["edu_a"]).post("/inspections/", payload(world))
    body = api(world.users["edu_a"]).get("/inspections/coverage").json()
    names = [s["school_name"] for s in body["schools"]]
    assert names[0] == world.schools["a2"].name  # rural private kindergarten, not yet inspected
    assert body["total"] == 3 and body["covered"] == 1 and body["priority_uncovered"] == 1
    assert names.index(city.name) > names.index(world.schools["a2"].name)
    assert body["schools"][names.index(world.schools["a1"].name)]["inspections"] == 1
    assert api(world.users["edu_a"]).get("/inspections/coverage?region=320481").status_code == 404


def test_mobile_page_records_an_inspection(world, client_for):
    c = client_for(world.users["station_a1"])
    template = baicheng()
    page = c.get(f"/inspections/new/?template={template.pk}")
    assert page.status_code == 200 and "应急处置预案及演练是否到位" in page.content.decode()
    data = {"school": world.schools["a1"].pk, "template": template.pk, "inspected_on": str(timezone.localdate()),
            "mode": "announced", "inspectors": "吴民警"}
    items = list(template.items.all())
    for n, item in enumerate(items):
        data[f"item-{item.pk}"] = "fail" if n == 3 else "pass"
    r = c.post("/inspections/new/", data)
    assert r.status_code == 200 and "不合格项须填写问题说明" in r.content.decode()
    assert Inspection.objects.count() == 0
    data[f"note-{items[3].pk}"] = "周界无入侵报警"
    r = c.post("/inspections/new/", data)
    assert r.status_code == 302
    assert Hazard.objects.get().place == "技防物防设施是否齐全"


def test_plan_page_applies_a_campaign_policy(world, client_for):
    from huxiao.hazards.models import EscalationPolicy

    policy = EscalationPolicy.objects.create(name="开学专项", region_code="320413", notice_after_days=2,
                                             interview_after_days=5, listing_after_days=7)
    c = client_for(world.users["edu_a"])
    r = c.post("/inspections/plans/", {"name": "开学专项排查", "region": "320413", "times": "2", "kind": "special",
                                       "mode": "announced", "template": baicheng().pk, "policy": policy.pk})
    assert r.status_code == 302
    plan = InspectionPlan.objects.get(name="开学专项排查")
    assert plan.policy == policy
    r = api(world.users["edu_a"]).post("/inspections/", payload(world, plan_id=plan.pk))
    assert Hazard.objects.get(pk=r.json()["results"][0]["hazard_id"]).policy == policy
    r = c.post("/inspections/plans/", {"name": "太少", "region": "320413", "times": "1", "template": baicheng().pk})
    assert r.status_code == 200 and "至少 2 次" in r.content.decode()
