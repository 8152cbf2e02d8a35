"""Permission matrix cases of what the record layer added to inspections: the Excel exports of the
inspection, plan and checklist lists and 作废 (void) of an inspection on the page and the API."""

from django.utils import timezone

from huxiao.inspections.models import ChecklistTemplate, Inspection
from tests.matrix import Case

VIEW, VIEW_PLAN, VIEW_TEMPLATE, VOID = ("inspections.view_inspection", "inspections.view_plan",
                                        "inspections.view_template", "inspections.void_inspection")


def extend_world(w):
    w.extra["inspection_to_void"] = Inspection.objects.create(
        school=w.schools["a1"], template=ChecklistTemplate.objects.filter(builtin=True).first(),
        inspected_on=timezone.localdate(), inspectors="卫督学", recorded_by=w.users["edu_a"])


def to_void(w):
    return w.extra["inspection_to_void"].pk


CASES = [
    Case("inspection-list", lambda w: "/inspections/?export=xlsx", perm=VIEW),
    Case("plan-list", lambda w: "/inspections/plans/?export=xlsx", perm=VIEW_PLAN),
    Case("template-list", lambda w: "/inspections/templates/?export=xlsx", perm=VIEW_TEMPLATE),
    Case("inspection-void", lambda w: f"/inspections/{to_void(w)}/void/", method="POST",
         data=lambda w: {"void_reason": "录入有误"}, perm=VOID, reach="a1"),
    # API
    Case("GET /api/v1/inspections/export", lambda w: "/api/v1/inspections/export", perm=VIEW),
    Case("GET /api/v1/inspections/plans/export", lambda w: "/api/v1/inspections/plans/export", perm=VIEW_PLAN),
    Case("GET /api/v1/inspections/templates/export", lambda w: "/api/v1/inspections/templates/export",
         perm=VIEW_TEMPLATE),
    Case("POST /api/v1/inspections/{inspection_id}/void", lambda w: f"/api/v1/inspections/{to_void(w)}/void",
         method="POST", data=lambda w: {"reason": "录入有误"}, perm=VOID, reach="a1"),
]
