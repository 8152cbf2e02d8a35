"""Permission matrix cases of the inspection pages and API."""

import datetime

from django.utils import timezone

from huxiao.inspections.models import ChecklistTemplate, Inspection, InspectionPlan
from huxiao.inspections.services import semester_for
from tests.matrix import Case

VIEW, RECORD = "inspections.view_inspection", "inspections.record_inspection"
VIEW_TEMPLATE, MANAGE_TEMPLATE = "inspections.view_template", "inspections.manage_template"
VIEW_PLAN, MANAGE_PLAN = "inspections.view_plan", "inspections.manage_plan"
COVERAGE, BULLETIN = "inspections.view_coverage", "inspections.issue_bulletin"


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

    # a bulletin of last week: issuing one now (this semester up to today) is a new bulletin, not that one
    week_ago = timezone.localdate() - datetime.timedelta(days=7)
    w.extra["bulletin_a"], _created = do_issue_bulletin(w.users["edu_a"], w.regions["district_a"], week_ago,
                                                        week_ago)


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


# Where a new template's or plan's region (or an inspection's school) is a field of the form or body, out
# of reach it is refused as that field's error (the form shown again, 422), not 404: out_of_reach=None.
CASES = [
    Case("inspection-list", lambda w: "/inspections/", perm=VIEW),
    Case("inspection-create", lambda w: "/inspections/new/", perm=RECORD),
    Case("inspection-create", lambda w: "/inspections/new/", perm=RECORD, reach="a1", out_of_reach=None,
         method="POST", data=inspection_form, audit_entries=2),  # the failed item opens a hazard, audited too
    Case("inspection-detail", lambda w: f"/inspections/{w.extra['inspection_a1'].pk}/", perm=VIEW, reach="a1"),
    Case("template-list", lambda w: "/inspections/templates/", perm=VIEW_TEMPLATE),
    Case("template-list", lambda w: "/inspections/templates/", perm=MANAGE_TEMPLATE, reach="district_a",
         out_of_reach=None, method="POST",
         data=lambda w: {"name": "自建检查表", "region": "320413", "items": "宿舍值守\n食堂安全"}),
    Case("plan-list", lambda w: "/inspections/plans/", perm=VIEW_PLAN),
    Case("plan-list", lambda w: "/inspections/plans/", perm=MANAGE_PLAN, reach="district_a", out_of_reach=None,
         method="POST", data=lambda w: {"name": "期末检查", "region": "320413", "times": "2", "kind": "routine",
                                        "mode": "announced", "template": w.extra["template"].pk, "joint": "on"}),
    Case("inspection-coverage", lambda w: "/inspections/coverage/", perm=COVERAGE),
    # a station officer's reach is the town, not the district: 404 too
    Case("inspection-bulletin-issue", lambda w: "/inspections/bulletins/", perm=BULLETIN, reach="district_a",
         method="POST", data=lambda w: {"region": "320413"}),
    Case("inspection-bulletin", lambda w: f"/inspections/bulletins/{w.extra['bulletin_a'].pk}.docx", perm=BULLETIN,
         reach="district_a"),
    # API
    Case("GET /api/v1/inspections/templates", lambda w: "/api/v1/inspections/templates", perm=VIEW_TEMPLATE),
    Case("GET /api/v1/inspections/templates/{template_id}",
         lambda w: f"/api/v1/inspections/templates/{w.extra['template'].pk}", perm=VIEW_TEMPLATE),  # a shipped one
    Case("POST /api/v1/inspections/templates", lambda w: "/api/v1/inspections/templates", perm=MANAGE_TEMPLATE,
         reach="district_a", out_of_reach=None, method="POST", data=template_json),
    Case("GET /api/v1/inspections/plans", lambda w: "/api/v1/inspections/plans", perm=VIEW_PLAN),
    Case("POST /api/v1/inspections/plans", lambda w: "/api/v1/inspections/plans", perm=MANAGE_PLAN,
         reach="district_a", out_of_reach=None, method="POST", data=plan_json),
    Case("GET /api/v1/inspections/", lambda w: "/api/v1/inspections/", perm=VIEW),
    Case("POST /api/v1/inspections/", lambda w: "/api/v1/inspections/", perm=RECORD, reach="a1", method="POST",
         data=inspection_json, audit_entries=2),  # the failed item opens a hazard, audited too
    Case("GET /api/v1/inspections/coverage", lambda w: "/api/v1/inspections/coverage", perm=COVERAGE),
    Case("GET /api/v1/inspections/{inspection_id}",
         lambda w: f"/api/v1/inspections/{w.extra['inspection_a1'].pk}", perm=VIEW, reach="a1"),
]
