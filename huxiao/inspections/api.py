"""Inspections API: checklist templates, plans, inspections item by item (failed items become hazards)
and semester coverage. Every query goes through the jurisdiction filter; every list takes the filters
of its page (inspections/filters.py) and has an Excel export."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router

from huxiao.core.models import Attachment, Region, School
from huxiao.core.records.api import (
    add_create_operation,
    add_detail_operation,
    add_list_operations,
    add_plain_list,
    add_void_operation,
    need,
)
from huxiao.core.records.views import get_visible_or_404
from huxiao.core.validators import RegionCode
from huxiao.hazards.stats import dashboard_region
from huxiao.inspections import schemas as sc
from huxiao.inspections import services
from huxiao.inspections.filters import (
    INSPECTION_COLUMNS,
    PLAN_COLUMNS,
    TEMPLATE_COLUMNS,
    InspectionFilterSet,
    PlanFilterSet,
    TemplateFilterSet,
    plan_progress_of,
)
from huxiao.inspections.models import ChecklistTemplate, Inspection, InspectionPlan, InspectionResult

router = Router(tags=["inspections"])
VIEW = "inspections.view_inspection"
VIEW_TEMPLATE = "inspections.view_template"
VIEW_PLAN = "inspections.view_plan"


# --- templates -------------------------------------------------------------------------------

def _templates(request):
    return ChecklistTemplate.objects.available_to(request.user).prefetch_related("items")


add_plain_list(
    router, name="templates", path="/templates", perm=VIEW_TEMPLATE, filterset=TemplateFilterSet, queryset=_templates,
    response=sc.TemplateOut, ordering=("-builtin", "name", "id"), columns=TEMPLATE_COLUMNS, export_title="检查表",
    summary="检查表模板（内置及本辖区；可按关键词/区划/内置/检查项类别筛选）")
add_detail_operation(router, "/templates/{template_id}", name="templates_detail", queryset=_templates, perm=VIEW_TEMPLATE,
                     scoped=True, response=sc.TemplateOut, summary="检查表模板详情")


def _create_template(request, _target, payload):
    region = Region.objects.filter(pk=payload.region).first()
    return services.do_create_template(payload.name, [i.dict() for i in payload.items], actor=request.user,
                                       region=region, source=payload.source)


add_create_operation(router, "/templates", name="templates_create", payload=sc.TemplateIn, create=_create_template,
                     perm="inspections.manage_template", response=sc.TemplateOut, summary="新建检查表模板")


# --- plans -----------------------------------------------------------------------------------

def plan_out(plan) -> dict:
    rounds, schools, total = plan_progress_of(plan)
    return {"id": plan.pk, "name": plan.name, "region_code": plan.region_code, "level": plan.level,
            "semester": plan.semester.name, "times": plan.times, "kind": plan.kind, "joint": plan.joint,
            "mode": plan.mode, "template_id": plan.template_id, "rounds_done": rounds, "schools_done": schools,
            "schools_total": total}


def _plans(request):
    return InspectionPlan.objects.visible_to(request.user, VIEW_PLAN).select_related("semester", "region", "template")


add_plain_list(
    router, name="plans", path="/plans", perm=VIEW_PLAN, filterset=PlanFilterSet, queryset=_plans, convert=plan_out,
    response=sc.PlanOut, ordering=("-created_at", "-id"), columns=PLAN_COLUMNS, export_title="检查计划",
    summary="检查督导计划（管辖范围内；可按关键词/区划/层级/类型/方式/学期筛选）")


def _create_plan(request, _target, payload):
    template = get_object_or_404(ChecklistTemplate.objects.available_to(request.user), pk=payload.template_id)
    policy = None
    if payload.policy_id is not None:
        from huxiao.hazards.services import policies_for

        policy = get_object_or_404(policies_for(request.user), pk=payload.policy_id)
    plan = services.do_create_plan(dict(payload.dict(), template=template, policy=policy), actor=request.user)
    return InspectionPlan.objects.select_related("semester", "region").get(pk=plan.pk)


add_create_operation(router, "/plans", name="plans_create", payload=sc.PlanIn, create=_create_plan,
                     perm="inspections.manage_plan", convert=lambda p, r: plan_out(p), response=sc.PlanOut,
                     summary="新建检查督导计划（校验频次下限）")


# --- inspections -----------------------------------------------------------------------------

# every inspection is converted with its results, their items and photos prefetched (no query per row)
RESULTS = Prefetch("results", queryset=InspectionResult.objects.select_related("item").prefetch_related(
    Prefetch("photos", queryset=Attachment.objects.only("id"))))


def _one(pk):
    return Inspection.objects.select_related("school").prefetch_related(RESULTS).get(pk=pk)


def _inspections(request):
    return Inspection.objects.visible_to(request.user, VIEW).select_related("school", "template", "plan") \
        .prefetch_related(RESULTS)


add_list_operations(
    router, name="inspections", path="/", perm=VIEW, filterset=InspectionFilterSet, queryset=_inspections,
    response=sc.InspectionOut, ordering=("-inspected_on", "-id"),
    columns=INSPECTION_COLUMNS, export_title="检查记录",
    summary="检查记录（管辖范围内，可按学校/区划/检查日期/方式/联合/不合格/计划/检查表筛选、排序）")


def _record(request, school, payload):
    template = get_object_or_404(ChecklistTemplate.objects.available_to(request.user), pk=payload.template_id)
    plan = None
    if payload.plan_id is not None:
        plan = get_visible_or_404(request, InspectionPlan, payload.plan_id, VIEW_PLAN)
    return services.do_record_inspection(
        school, template=template, plan=plan, actor=request.user, results=[r.dict() for r in payload.results],
        **payload.dict(include={"inspected_on", "joint", "mode", "inspectors", "summary"}))


add_create_operation(router, "/", name="inspections_record", payload=sc.InspectionIn, create=_record, target=School,
                     target_perm="inspections.record_inspection", convert=lambda i, r: _one(i.pk),
                     response=sc.InspectionOut, summary="录入检查结果（不合格项自动生成隐患）")


@router.get("/coverage", response=sc.CoverageOut, summary="本学期检查覆盖（农村、城乡结合部、民办学校优先）")
def get_coverage(request, region: RegionCode | None = None):
    need(request, "inspections.view_coverage")
    target = dashboard_region(request.user, region, "inspections.view_coverage")
    if target is None:
        raise Http404("该区划不在您的管辖范围内")
    semester = services.current_semester()
    data = services.coverage(request.user, target, semester)
    return {"region": target.code, "semester": semester.name, "start": semester.start, "end": semester.end,
            "covered": data["covered"], "total": data["total"], "rate": data["rate"],
            "priority_uncovered": data["priority_uncovered"],
            "schools": [{"school_id": r["school"].pk, "school_name": r["school"].name, "setting": r["school"].setting,
                         "ownership": r["school"].ownership, "priority": r["priority"], "inspections": r["count"],
                         "last_inspected_on": r["last"]} for r in data["rows"]]}


add_detail_operation(router, "/{inspection_id}", name="inspections_detail", perm=VIEW, read_what="检查记录详情",
                     queryset=Inspection.objects.select_related("school").prefetch_related(RESULTS),
                     response=sc.InspectionOut, summary="检查记录详情")
add_void_operation(router, "/{inspection_id}/void", name="inspections_void", model=Inspection,
                   convert=lambda i, r: _one(i.pk), response=sc.InspectionOut,
                   summary="作废（录入有误的检查记录，须填写原因；其生成的隐患一并作废，不再计入任何统计，不能撤销）")
