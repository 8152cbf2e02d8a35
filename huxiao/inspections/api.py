"""Inspections API: checklist templates, plans, inspections item by item (failed items become hazards)
and semester coverage. Every query goes through the jurisdiction filter."""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from huxiao.core.audit import record_read
from huxiao.core.models import Region, School
from huxiao.core.pagination import CountedPagination
from huxiao.core.records.paging import LazyRows
from huxiao.core.scoping import has_perm
from huxiao.core.validators import DateKind, PlausibleDate, RegionCode, RegionPrefix
from huxiao.hazards.choices import HazardCategory, Severity
from huxiao.hazards.stats import dashboard_region
from huxiao.inspections import services
from huxiao.inspections.choices import InspectionMode, PlanKind
from huxiao.inspections.models import ChecklistTemplate, Inspection, InspectionPlan

router = Router(tags=["inspections"])


def _need(request, perm):
    if not has_perm(request.user, perm):
        raise PermissionDenied("您的角色无权执行此操作")


class ItemOut(Schema):
    id: int
    order: int
    text: str
    category: str
    severity: str
    deadline_days: int


class TemplateOut(Schema):
    id: int
    name: str
    source: str
    builtin: bool
    region_code: str
    items: list[ItemOut]


class ItemIn(Schema):
    text: str = Field(..., min_length=1, max_length=200)
    category: HazardCategory = HazardCategory.CAMPUS
    severity: Severity = Severity.GENERAL
    deadline_days: int = Field(30, ge=1, le=365)


class TemplateIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    source: str = Field("", max_length=200)
    region: RegionCode = Field(..., description="适用区划代码（须在管辖范围内）")
    items: list[ItemIn] = Field(..., min_length=1, max_length=100)


def template_out(t) -> dict:
    return {"id": t.pk, "name": t.name, "source": t.source, "builtin": t.builtin, "region_code": t.region_code,
            "items": list(t.items.all())}


@router.get("/templates", response=list[TemplateOut], summary="检查表模板（内置及本辖区）")
def list_templates(request):
    _need(request, "inspections.view_template")
    return [template_out(t) for t in ChecklistTemplate.objects.available_to(request.user).prefetch_related("items")]


@router.get("/templates/{template_id}", response=TemplateOut, summary="检查表模板详情")
def get_template(request, template_id: int):
    _need(request, "inspections.view_template")
    return template_out(get_object_or_404(ChecklistTemplate.objects.available_to(request.user), pk=template_id))


@router.post("/templates", response={201: TemplateOut}, summary="新建检查表模板")
def create_template(request, payload: TemplateIn):
    _need(request, "inspections.manage_template")
    region = Region.objects.filter(pk=payload.region).first()
    template = services.do_create_template(payload.name, [i.dict() for i in payload.items], actor=request.user,
                                           region=region, source=payload.source)
    return Status(201, template_out(template))


class PlanOut(Schema):
    id: int
    name: str
    region_code: str
    level: str
    semester: str
    times: int
    kind: str
    joint: bool
    mode: str
    template_id: int
    rounds_done: int = Field(..., description="完成轮次：区域内每所学校均已按本计划检查的次数")
    schools_done: int
    schools_total: int


class PlanIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    region: RegionCode
    times: int = Field(..., ge=1, le=30, description="本学期检查次数（省级≥1，市县级≥2）")
    kind: PlanKind = PlanKind.ROUTINE
    joint: bool = True
    mode: InspectionMode = InspectionMode.ANNOUNCED
    template_id: int
    policy_id: int | None = Field(None, description="督办规则（专项行动）；计划中发现的隐患按此规则督办")


def plan_out(plan, rounds, schools, total) -> dict:
    return {"id": plan.pk, "name": plan.name, "region_code": plan.region_code, "level": plan.level,
            "semester": plan.semester.name, "times": plan.times, "kind": plan.kind, "joint": plan.joint,
            "mode": plan.mode, "template_id": plan.template_id, "rounds_done": rounds, "schools_done": schools,
            "schools_total": total}


@router.get("/plans", response=list[PlanOut], summary="检查督导计划（管辖范围内）")
def list_plans(request):
    _need(request, "inspections.view_plan")
    plans = list(InspectionPlan.objects.visible_to(request.user, "inspections.view_plan").select_related(
        "semester")[:500])
    return [plan_out(*row) for row in services.plan_progress(plans)]


@router.post("/plans", response={201: PlanOut}, summary="新建检查督导计划（校验频次下限）")
def create_plan(request, payload: PlanIn):
    _need(request, "inspections.manage_plan")
    template = get_object_or_404(ChecklistTemplate.objects.available_to(request.user), pk=payload.template_id)
    policy = None
    if payload.policy_id is not None:
        from huxiao.hazards.services import policies_for

        policy = get_object_or_404(policies_for(request.user), pk=payload.policy_id)
    plan = services.do_create_plan(dict(payload.dict(), template=template, policy=policy), actor=request.user)
    return Status(201, plan_out(*services.plan_progress([plan])[0]))


class ResultIn(Schema):
    item: int
    passed: bool
    note: str = Field("", max_length=4000)
    photos: list[int] = Field(default_factory=list, max_length=20)
    place: str = Field("", max_length=200)
    severity: Severity | None = None
    measures: str = Field("", max_length=4000)
    deadline: PlausibleDate(DateKind.PLANNED, _("整改时限")) | None = None


class InspectionIn(Schema):
    school_id: int
    template_id: int
    plan_id: int | None = None
    inspected_on: PlausibleDate(DateKind.EVENT, _("检查日期"))
    joint: bool = False
    mode: InspectionMode = InspectionMode.ANNOUNCED
    inspectors: str = Field(..., min_length=1, max_length=200)
    summary: str = Field("", max_length=4000)
    results: list[ResultIn] = Field(..., min_length=1, max_length=100)


class ResultOut(Schema):
    item: int
    text: str
    passed: bool
    note: str
    photos: list[int]
    hazard_id: int | None


class InspectionOut(Schema):
    id: int
    school_id: int
    school_name: str
    template_id: int
    plan_id: int | None
    inspected_on: datetime.date
    joint: bool
    mode: str
    inspectors: str
    summary: str
    failed: int
    results: list[ResultOut]


def inspection_out(i) -> dict:
    results = [{"item": r.item_id, "text": r.item.text, "passed": r.passed, "note": r.note,
                "photos": [p.pk for p in r.photos.all()], "hazard_id": r.hazard_id}
               for r in i.results.select_related("item").prefetch_related("photos")]
    return {"id": i.pk, "school_id": i.school_id, "school_name": i.school.name, "template_id": i.template_id,
            "plan_id": i.plan_id, "inspected_on": i.inspected_on, "joint": i.joint, "mode": i.mode,
            "inspectors": i.inspectors, "summary": i.summary, "failed": sum(not r["passed"] for r in results),
            "results": results}


@router.get("/", response=list[InspectionOut], summary="检查记录（管辖范围内）")
@paginate(CountedPagination)
def list_inspections(request, school: int | None = None, region: RegionPrefix | None = None):
    _need(request, "inspections.view_inspection")
    qs = Inspection.objects.visible_to(request.user, "inspections.view_inspection").select_related("school")
    if school:
        qs = qs.filter(school_id=school)
    if region:
        qs = qs.filter(region_code__startswith=region)
    return LazyRows(qs.order_by("-inspected_on", "-id"), inspection_out)


@router.post("/", response={201: InspectionOut}, summary="录入检查结果（不合格项自动生成隐患）")
def record_inspection(request, payload: InspectionIn):
    _need(request, "inspections.record_inspection")
    school = get_object_or_404(School.objects.visible_to(request.user, "inspections.record_inspection"),
                               pk=payload.school_id)
    template = get_object_or_404(ChecklistTemplate.objects.available_to(request.user), pk=payload.template_id)
    plan = None
    if payload.plan_id is not None:
        plan = get_object_or_404(InspectionPlan.objects.visible_to(request.user, "inspections.view_plan"),
                                 pk=payload.plan_id)
    inspection = services.do_record_inspection(
        school, template=template, plan=plan, actor=request.user, inspected_on=payload.inspected_on,
        joint=payload.joint, mode=payload.mode, inspectors=payload.inspectors, summary=payload.summary,
        results=[r.dict() for r in payload.results])
    return Status(201, inspection_out(inspection))


class CoverageRow(Schema):
    school_id: int
    school_name: str
    setting: str
    ownership: str
    priority: bool
    inspections: int
    last_inspected_on: datetime.date | None


class CoverageOut(Schema):
    region: str
    semester: str
    start: datetime.date
    end: datetime.date
    covered: int
    total: int
    rate: float | None
    priority_uncovered: int
    schools: list[CoverageRow]


@router.get("/coverage", response=CoverageOut, summary="本学期检查覆盖（农村、城乡结合部、民办学校优先）")
def get_coverage(request, region: RegionCode | None = None):
    _need(request, "inspections.view_coverage")
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


@router.get("/{inspection_id}", response=InspectionOut, summary="检查记录详情")
def get_inspection(request, inspection_id: int):
    _need(request, "inspections.view_inspection")
    inspection = get_object_or_404(
        Inspection.objects.visible_to(request.user, "inspections.view_inspection").select_related("school"),
        pk=inspection_id)
    out = inspection_out(inspection)
    record_read(inspection, actor=request.user, request=request, what="检查记录详情")
    return out
