"""Permission matrix cases of the inspection pages and API."""

from django.utils import timezone

from huxiao.inspections.models import ChecklistTemplate, Inspection, InspectionPlan
from huxiao.inspections.services import semester_for
from tests.matrix import Case
from tests.world import WORLD_USERS

ROLE_USERS = set(WORLD_USERS)
INSPECT_A1 = {"station_a1", "police_a", "edu_a", "inspector_a", "police_city", "edu_city"}
INSPECTORS = {"station_a1", "police_a", "edu_a", "inspector_a", "edu_b", "police_b", "police_city", "edu_city"}
PLANNERS = {"police_a", "edu_a", "inspector_a", "edu_b", "police_b", "police_city", "edu_city", "admin_province",
            "admin_b"}
VIEWERS = INSPECTORS | {"principal_a1", "security_a1", "principal_a2", "plc_a", "admin_province", "admin_b"}
TEMPLATE_VIEWERS = INSPECTORS | PLANNERS
PLAN_VIEWERS = TEMPLATE_VIEWERS | {"plc_a"}
REACH_INSPECTION_A1 = INSPECT_A1 | {"principal_a1", "security_a1", "plc_a", "admin_province"}
HIDDEN_A1 = {"principal_a2", "edu_b", "police_b", "admin_b"}


def baicheng():
    return ChecklistTemplate.objects.get(builtin=True, name__startswith="白城")


def extend_world(w):
    template = baicheng()
    w.extra["template"] = template
    w.extra["plan_a"] = InspectionPlan.objects.create(
        name="金坛区秋季联合检查", region=w.regions["district_a"], level="county", semester=semester_for(), times=2,
        template=template, created_by=w.users["edu_a"])
    w.extra["inspection_a1"] = Inspection.objects.create(
        school=w.schools["a1"], template=template, inspected_on=timezone.localdate(), joint=True,
        inspectors="卫督学、吴民警", recorded_by=w.users["edu_a"])
    from huxiao.inspections.documents import do_issue_bulletin

    today = timezone.localdate()
    w.extra["bulletin_a"], _created = do_issue_bulletin(w.users["edu_a"], w.regions["district_a"],
                                                        semester_for().start, today)


def results(w, fail_first=True):
    items = list(w.extra["template"].items.all())
    return [{"item": i.pk, "passed": not (fail_first and n == 0), "note": "围墙破损" if n == 0 else ""}
            for n, i in enumerate(items)]


def inspection_json(w):
    return {"school_id": w.schools["a1"].pk, "template_id": w.extra["template"].pk,
            "inspected_on": timezone.localdate().isoformat(), "joint": True, "inspectors": "卫督学",
            "results": results(w)}


def inspection_form(w):
    data = {"school": w.schools["a1"].pk, "template": w.extra["template"].pk, "plan": "",
            "inspected_on": timezone.localdate().isoformat(), "mode": "announced", "inspectors": "卫督学",
            "joint": "on"}
    for r in results(w):
        data[f"item-{r['item']}"] = "pass" if r["passed"] else "fail"
        data[f"note-{r['item']}"] = r["note"]
    return data


def template_json(w):
    return {"name": "金坛区寄宿制学校检查表", "region": "320413", "items": [{"text": "宿舍夜间值守是否落实"}]}


def plan_json(w):
    return {"name": "金坛区期末检查", "region": "320413", "times": 2, "template_id": w.extra["template"].pk}


CASES = [
    Case("inspection-list", lambda w: "/inspections/", VIEWERS),
    Case("inspection-create", lambda w: "/inspections/new/", INSPECTORS),
    Case("inspection-create", lambda w: "/inspections/new/", INSPECT_A1, method="POST", data=inspection_form),
    Case("inspection-detail", lambda w: f"/inspections/{w.extra['inspection_a1'].pk}/", REACH_INSPECTION_A1,
         hidden=HIDDEN_A1),
    Case("template-list", lambda w: "/inspections/templates/", TEMPLATE_VIEWERS),
    Case("template-list", lambda w: "/inspections/templates/", {"police_a", "edu_a", "inspector_a", "police_city",
                                                                 "edu_city", "admin_province"}, method="POST",
         data=lambda w: {"name": "自建检查表", "region": "320413", "items": "宿舍值守\n食堂安全"}),
    Case("plan-list", lambda w: "/inspections/plans/", PLAN_VIEWERS),
    Case("plan-list", lambda w: "/inspections/plans/", {"police_a", "edu_a", "inspector_a", "police_city", "edu_city",
                                                         "admin_province"}, method="POST",
         data=lambda w: {"name": "期末检查", "region": "320413", "times": "2", "kind": "routine",
                         "mode": "announced", "template": w.extra["template"].pk, "joint": "on"}),
    Case("inspection-coverage", lambda w: "/inspections/coverage/", PLAN_VIEWERS),
    Case("inspection-bulletin-issue", lambda w: "/inspections/bulletins/", INSPECT_A1 - {"station_a1"},
         method="POST", data=lambda w: {"region": "320413"},
         hidden={"edu_b", "police_b", "station_a1"}),  # a station officer's reach is the town, not the district
    Case("inspection-bulletin", lambda w: f"/inspections/bulletins/{w.extra['bulletin_a'].pk}.docx",
         INSPECT_A1 - {"station_a1"}, hidden={"edu_b", "police_b", "station_a1"}),
    # API
    Case("GET /api/v1/inspections/templates", lambda w: "/api/v1/inspections/templates", TEMPLATE_VIEWERS),
    Case("GET /api/v1/inspections/templates/{template_id}",
         lambda w: f"/api/v1/inspections/templates/{w.extra['template'].pk}", TEMPLATE_VIEWERS),
    Case("POST /api/v1/inspections/templates", lambda w: "/api/v1/inspections/templates",
         {"police_a", "edu_a", "inspector_a", "police_city", "edu_city", "admin_province"}, method="POST",
         data=template_json),
    Case("GET /api/v1/inspections/plans", lambda w: "/api/v1/inspections/plans", PLAN_VIEWERS),
    Case("POST /api/v1/inspections/plans", lambda w: "/api/v1/inspections/plans",
         {"police_a", "edu_a", "inspector_a", "police_city", "edu_city", "admin_province"}, method="POST",
         data=plan_json),
    Case("GET /api/v1/inspections/", lambda w: "/api/v1/inspections/", VIEWERS),
    Case("POST /api/v1/inspections/", lambda w: "/api/v1/inspections/", INSPECT_A1, method="POST",
         data=inspection_json, hidden={"edu_b", "police_b"}),
    Case("GET /api/v1/inspections/coverage", lambda w: "/api/v1/inspections/coverage", PLAN_VIEWERS),
    Case("GET /api/v1/inspections/{inspection_id}",
         lambda w: f"/api/v1/inspections/{w.extra['inspection_a1'].pk}", REACH_INSPECTION_A1, hidden=HIDDEN_A1),
]
