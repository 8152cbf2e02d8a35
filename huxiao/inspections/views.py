"""Pages of inspections: list, on-site recording (mobile-friendly), detail, templates, plans, coverage
and the 检查通报 (签发 by POST, then downloads of what was issued)."""

import datetime
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huxiao.core.attachments import store_files
from huxiao.core.audit import record_read
from huxiao.core.models import Region, School
from huxiao.core.scoping import has_perm, scope_for
from huxiao.core.views import require_perm
from huxiao.hazards.choices import HazardCategory, Severity
from huxiao.hazards.documents import render_issued
from huxiao.hazards.services import policies_for
from huxiao.hazards.stats import dashboard_region
from huxiao.inspections import services
from huxiao.inspections.choices import InspectionMode, PlanKind
from huxiao.inspections.documents import bulletins_of, do_issue_bulletin
from huxiao.inspections.models import ChecklistTemplate, Inspection, InspectionPlan

VIEW = "inspections.view_inspection"
RECORD = "inspections.record_inspection"


@require_perm(VIEW)
def inspection_list(request):
    qs = Inspection.objects.visible_to(request.user, VIEW).select_related("school", "template").prefetch_related(
        "results")
    page = Paginator(qs.order_by("-inspected_on", "-id"), 25).get_page(request.GET.get("page"))
    return render(request, "inspections/inspection_list.html", {
        "page": page, "can_record": has_perm(request.user, RECORD), "query": ""})


def _regions_in_reach(user, perm):
    scope = scope_for(user, perm)
    regions = Region.objects.filter(level__in=["province", "city", "county"])
    regions = regions.filter(scope.q("code", None))
    return regions.order_by("code")


@require_perm(RECORD)
def inspection_create(request):
    schools = School.objects.visible_to(request.user, RECORD).order_by("region_code", "name")
    templates = ChecklistTemplate.objects.available_to(request.user)
    plans = InspectionPlan.objects.visible_to(request.user, "inspections.view_plan").select_related("template")
    src = request.POST if request.method == "POST" else request.GET
    template = templates.filter(pk=src.get("template") or 0).first() or templates.first()
    school = schools.filter(pk=src.get("school") or 0).first()
    plan = plans.filter(pk=src.get("plan") or 0).first()
    items = list(template.items.all()) if template else []
    errors, values = {}, {}
    if request.method == "POST":
        results = []
        for item in items:
            verdict = request.POST.get(f"item-{item.pk}")
            note = request.POST.get(f"note-{item.pk}", "")
            values[item.pk] = {"verdict": verdict, "note": note, "severity": request.POST.get(f"severity-{item.pk}"),
                               "place": request.POST.get(f"place-{item.pk}", "")}
            if verdict not in ("pass", "fail"):
                errors[f"item-{item.pk}"] = _("请选择合格或不合格")
            results.append({"item": item.pk, "passed": verdict == "pass", "note": note,
                            "place": request.POST.get(f"place-{item.pk}", "")[:200],
                            "severity": request.POST.get(f"severity-{item.pk}") or None,
                            "files": request.FILES.getlist(f"photos-{item.pk}")})
        if school is None:
            errors["school"] = _("请选择学校")
        if not errors:
            try:
                with transaction.atomic():
                    for r in results:
                        r["photos"] = store_files(r.pop("files"), actor=request.user, school=school)
                    inspection = services.do_record_inspection(
                        school, template=template, plan=plan, actor=request.user,
                        inspected_on=request.POST.get("inspected_on") or "", joint=bool(request.POST.get("joint")),
                        mode=request.POST.get("mode", InspectionMode.ANNOUNCED),
                        inspectors=request.POST.get("inspectors", ""), summary=request.POST.get("summary", ""),
                        results=results)
            except ValidationError as exc:
                errors.update({k: "；".join(v) for k, v in exc.message_dict.items()})
            else:
                n = sum(1 for r in results if not r["passed"])
                messages.success(request, _("已保存检查记录，%(n)d 个不合格项已列入隐患台账") % {"n": n})
                return redirect("inspection-detail", pk=inspection.pk)
    return render(request, "inspections/inspection_form.html", {
        "schools": schools, "templates": templates, "plans": plans, "template": template, "school": school,
        "plan": plan, "items": [(i, values.get(i.pk, {})) for i in items], "errors": errors,
        "severities": Severity.choices, "modes": InspectionMode.choices, "post": request.POST,
        "today": timezone.localdate().isoformat(), "default_inspectors": request.user.display_name})


@require_perm(VIEW)
def inspection_detail(request, pk):
    inspection = get_object_or_404(Inspection.objects.visible_to(request.user, VIEW).select_related(
        "school", "template", "plan", "recorded_by"), pk=pk)
    record_read(inspection, actor=request.user, request=request, what=_("检查记录详情"))
    results = inspection.results.select_related("item", "hazard").prefetch_related("photos")
    return render(request, "inspections/inspection_detail.html", {"inspection": inspection, "results": results})


@require_perm("inspections.view_template")
def template_list(request):
    templates = ChecklistTemplate.objects.available_to(request.user).prefetch_related("items")
    can_manage = has_perm(request.user, "inspections.manage_template")
    regions = _regions_in_reach(request.user, "inspections.manage_template") if can_manage else []
    errors = {}
    if request.method == "POST":
        if not can_manage:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied(_("您的角色无权访问此页面"))
        lines = [line.strip() for line in request.POST.get("items", "").splitlines() if line.strip()]
        region = Region.objects.filter(pk=request.POST.get("region", "")).first()
        try:
            template = services.do_create_template(
                request.POST.get("name", ""), [{"text": line, "category": request.POST.get("category", "campus")}
                                               for line in lines],
                actor=request.user, region=region, source=request.POST.get("source", ""))
        except ValidationError as exc:
            errors = {k: "；".join(v) for k, v in exc.message_dict.items()}
        else:
            messages.success(request, _("已新建检查表“%(n)s”") % {"n": template.name})
            return redirect("template-list")
    return render(request, "inspections/template_list.html", {
        "templates": templates, "can_manage": can_manage, "regions": regions, "errors": errors,
        "categories": HazardCategory.choices, "post": request.POST})


@require_perm("inspections.view_plan")
def plan_list(request):
    plans = list(InspectionPlan.objects.visible_to(request.user, "inspections.view_plan").select_related(
        "semester", "template", "region"))
    can_manage = has_perm(request.user, "inspections.manage_plan")
    errors = {}
    if request.method == "POST":
        if not can_manage:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied(_("您的角色无权访问此页面"))
        template = ChecklistTemplate.objects.available_to(request.user).filter(
            pk=request.POST.get("template") or 0).first()
        try:
            times = int(request.POST.get("times") or 0)
        except ValueError:
            times = 0
        try:
            services.do_create_plan({
                "name": request.POST.get("name", ""), "region": request.POST.get("region", ""), "times": times,
                "kind": request.POST.get("kind", PlanKind.ROUTINE), "joint": bool(request.POST.get("joint")),
                "mode": request.POST.get("mode", InspectionMode.ANNOUNCED), "template": template,
                "policy": policies_for(request.user).filter(pk=request.POST.get("policy") or 0).first()},
                actor=request.user)
        except ValidationError as exc:
            errors = {k: "；".join(v) for k, v in exc.message_dict.items()}
        else:
            messages.success(request, _("已新建检查计划"))
            return redirect("plan-list")
    return render(request, "inspections/plan_list.html", {
        "rows": services.plan_progress(plans), "can_manage": can_manage, "errors": errors, "post": request.POST,
        "regions": _regions_in_reach(request.user, "inspections.manage_plan") if can_manage else [],
        "templates": ChecklistTemplate.objects.available_to(request.user), "kinds": PlanKind.choices,
        "modes": InspectionMode.choices, "semester": services.current_semester(),
        "policies": policies_for(request.user) if can_manage else []})


@require_perm("inspections.view_coverage")
def coverage_page(request):
    region = dashboard_region(request.user, request.GET.get("region"), "inspections.view_coverage")
    if region is None:
        raise Http404(_("该区划不在您的管辖范围内"))
    semester = services.current_semester()
    data = services.coverage(request.user, region, semester)
    can_bulletin = has_perm(request.user, BULLETIN)
    return render(request, "inspections/coverage.html", {
        "region": region, "semester": semester, **data, "can_bulletin": can_bulletin,
        "today": timezone.localdate(),
        "bulletins": bulletins_of(request.user, region).order_by("-issued_at", "-id")[:10] if can_bulletin else []})


def _date(value, default):
    try:
        return datetime.date.fromisoformat(value) if value else default
    except ValueError:
        return None


BULLETIN = "inspections.issue_bulletin"


@require_POST
@require_perm(BULLETIN)
def bulletin_issue(request):
    """签发 the 检查通报 of a region and period: numbered here, once; downloads never number."""
    region = dashboard_region(request.user, request.POST.get("region"), BULLETIN)
    if region is None:
        raise Http404(_("该区划不在您的管辖范围内"))
    semester = services.current_semester()
    start, end = _date(request.POST.get("start"), semester.start), _date(request.POST.get("end"),
                                                                          timezone.localdate())
    back = f"{reverse('inspection-coverage')}?region={region.code}"
    if start is None or end is None or end < start or start.year < 2000 or end > timezone.localdate():
        messages.error(request, _("通报期间有误：起止日期格式应为 YYYY-MM-DD，结束不早于开始且不晚于今天"))
        return redirect(back)
    doc, created = do_issue_bulletin(request.user, region, start, end)
    if created:
        messages.success(request, _("已签发检查通报 %(n)s") % {"n": doc.number})
    else:
        messages.info(request, _("今天已签发过该期间的检查通报 %(n)s，未重复编号") % {"n": doc.number})
    return redirect(back)


@require_perm(BULLETIN)
def bulletin_download(request, pk):
    """Download an issued 检查通报: the same document and number every time."""
    doc = get_object_or_404(bulletins_of(request.user), pk=pk)
    name, data = render_issued(doc)
    record_read(doc, actor=request.user, request=request, what=_("检查通报"))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml"
                                               ".document")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
