"""Pages of inspections: list, on-site recording (mobile-friendly), detail, templates, plans, coverage
and the 检查通报 (签发 by POST, then downloads of what was issued). The lists are record-layer lists
(filters, paging, sorting, "导出 Excel"); templates and plans carry their create form below the list."""

import datetime
import re
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from huxiao.core.attachments import store_files
from huxiao.core.audit import record_read
from huxiao.core.forms import field_label, form_errors
from huxiao.core.models import Region, School
from huxiao.core.records.views import RecordListView, get_visible_or_404, mark_invalid
from huxiao.core.scoping import has_perm, scope_for
from huxiao.core.views import require_perm
from huxiao.hazards.choices import Severity
from huxiao.hazards.documents import render_issued
from huxiao.hazards.services import policies_for
from huxiao.hazards.stats import dashboard_region
from huxiao.hazards.voiding import VoidForm, can_void, void_from_page
from huxiao.inspections import services
from huxiao.inspections.choices import InspectionMode
from huxiao.inspections.documents import bulletins_of, do_issue_bulletin
from huxiao.inspections.filters import (
    INSPECTION_COLUMNS,
    PLAN_COLUMNS,
    TEMPLATE_COLUMNS,
    InspectionFilterSet,
    PlanFilterSet,
    TemplateFilterSet,
)
from huxiao.inspections.forms import PlanForm, TemplateForm
from huxiao.inspections.models import ChecklistTemplate, Inspection, InspectionPlan

VIEW = "inspections.view_inspection"
RECORD = "inspections.record_inspection"


class InspectionListView(RecordListView):
    model, filterset_class, columns, perm = Inspection, InspectionFilterSet, INSPECTION_COLUMNS, VIEW
    title = _lazy("检查督导")
    template_name = "inspections/inspection_list.html"
    ordering = ("-inspected_on", "-id")
    select_related = ("school", "template", "plan")
    prefetch_related = ("results",)
    empty_text = _lazy("暂无检查记录")

    def export_title(self):
        return _("检查记录")

    def extra_context(self, filterset):
        return {"can_record": has_perm(self.request.user, RECORD)}


inspection_list = InspectionListView.as_view()


def _regions_in_reach(user, perm):
    scope = scope_for(user, perm)
    regions = Region.objects.filter(level__in=["province", "city", "county"])
    regions = regions.filter(scope.q("code", None))
    return regions.order_by("code")


# --- recording an inspection on site ---------------------------------------------------------

FIELD_LABELS = {"school": _lazy("学校"), "inspected_on": _lazy("检查日期"), "mode": _lazy("方式"),
                "inspectors": _lazy("检查人员"), "summary": _lazy("检查小结"), "results": _lazy("检查项"),
                "template": _lazy("检查表"), "plan": _lazy("检查计划"), "joint": _lazy("联合检查")}
ITEM_LABELS = {"verdict": _lazy("结果"), "note": _lazy("情况说明"), "place": _lazy("隐患部位"),
               "severity": _lazy("等级"), "photos": _lazy("照片"), "deadline": _lazy("整改时限"),
               "measures": _lazy("整改措施"), "category": _lazy("隐患类别")}
ITEM_INPUTS = ("verdict", "note", "place", "severity", "photos")


def _sort_errors(errors: dict, items) -> tuple[dict, dict, list]:
    """Service and form errors by where the page shows them: the top fields, each checklist item's inputs
    (``results[n].note`` is the note of the n-th item), and one list led by the Chinese labels."""
    fields, per_item, listed = {}, {item.pk: {} for item in items}, []
    for key, message in errors.items():
        m = re.fullmatch(r"results\[(\d+)\]\.(\w+)", key)
        if m and int(m.group(1)) < len(items):
            item = items[int(m.group(1))]
            name = {"description": "note", "passed": "verdict"}.get(m.group(2), m.group(2))
            per_item[item.pk][name if name in ITEM_INPUTS else "verdict"] = message
            listed.append(_("第 %(n)d 项 %(f)s：%(m)s") % {
                "n": item.order, "f": ITEM_LABELS.get(name, name), "m": message})
        else:
            fields[key] = message
            listed.append(f"{field_label(key, FIELD_LABELS)}：{message}")
    return fields, per_item, listed


@require_perm(RECORD)
def inspection_create(request):
    schools = School.objects.visible_to(request.user, RECORD).order_by("region_code", "name")
    templates = ChecklistTemplate.objects.available_to(request.user)
    plans = InspectionPlan.objects.visible_to(request.user, "inspections.view_plan").select_related("template")
    src = request.POST if request.method == "POST" else request.GET
    template = templates.filter(pk=_pk(src.get("template"))).first() or templates.first()
    school = schools.filter(pk=_pk(src.get("school"))).first()
    plan = plans.filter(pk=_pk(src.get("plan"))).first()
    items = list(template.items.all()) if template else []
    errors, values = {}, {}
    if request.method == "POST":
        results = []
        for n, item in enumerate(items):
            verdict = request.POST.get(f"item-{item.pk}")
            note = request.POST.get(f"note-{item.pk}", "")
            values[item.pk] = {"verdict": verdict, "note": note, "severity": request.POST.get(f"severity-{item.pk}"),
                               "place": request.POST.get(f"place-{item.pk}", "")}
            if verdict not in ("pass", "fail"):
                errors[f"results[{n}].passed"] = _("请选择合格或不合格")
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
    fields, per_item, listed = _sort_errors(errors, items)
    return render(request, "inspections/inspection_form.html", {
        "schools": schools, "templates": templates, "plans": plans, "template": template, "school": school,
        "plan": plan, "items": [(i, values.get(i.pk, {}), per_item.get(i.pk, {})) for i in items],
        "field_errors": fields, "error_list": listed, "severities": Severity.choices,
        "modes": InspectionMode.choices, "post": request.POST, "today": timezone.localdate().isoformat(),
        "default_inspectors": request.user.display_name})


def _pk(value) -> int:
    return int(value) if value and str(value).isdigit() and len(str(value)) < 19 else 0


DETAIL_RELATED = ("school", "template", "plan", "recorded_by", "voided_by")


@login_required
def inspection_detail(request, pk):
    inspection = get_visible_or_404(request, Inspection.objects.select_related(*DETAIL_RELATED), pk, VIEW)
    record_read(inspection, actor=request.user, request=request, what=_("检查记录详情"))
    return render(request, "inspections/inspection_detail.html", _detail_context(request, inspection))


def _detail_context(request, inspection, void_form=None) -> dict:
    results = inspection.results.select_related("item", "hazard").prefetch_related("photos")
    can_void_it = can_void(request.user, inspection)
    return {"inspection": inspection, "results": results, "can_void": can_void_it,
            "void_form": void_form or (VoidForm() if can_void_it else None)}


@require_POST
@login_required
def inspection_void(request, pk):
    """作废 an inspection entered by mistake, with the hazards it raised; refused, the detail page shows
    the reason marked."""
    inspection = get_visible_or_404(request, Inspection.objects.select_related(*DETAIL_RELATED), pk, action="void")
    form = void_from_page(request, inspection)
    if form is None:
        return redirect("inspection-detail", pk=pk)
    return render(request, "inspections/inspection_detail.html", _detail_context(request, inspection, form))


# --- templates and plans: a record list with its create form ---------------------------------

class ListWithCreateForm(RecordListView):
    """A record list whose page also creates one (POST): the form is shown again, marked, when refused."""

    manage_perm = ""
    created_message = ""

    def make_form(self, data=None):
        raise NotImplementedError

    def create(self, form):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        if not (has_perm(request.user, self.get_perm()) and has_perm(request.user, self.manage_perm)):
            raise PermissionDenied(_("您的角色无权访问此页面"))
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                created = self.create(form)
            except ValidationError as exc:
                form_errors(form, exc, form.LABELS)
            else:
                messages.success(request, self.created_message % {"n": created})
                return redirect(request.path)
        self.create_form = form
        return self.get(request, *args, **kwargs)

    def extra_context(self, filterset):
        can_manage = has_perm(self.request.user, self.manage_perm)
        form = getattr(self, "create_form", None) or (self.make_form() if can_manage else None)
        if form is not None:
            mark_invalid(form)
        return {"can_manage": can_manage, "create_form": form}


class TemplateListView(ListWithCreateForm):
    model, filterset_class, columns, perm = ChecklistTemplate, TemplateFilterSet, TEMPLATE_COLUMNS, \
        "inspections.view_template"
    title = _lazy("检查表")
    template_name = "inspections/template_list.html"
    ordering = ("-builtin", "name", "id")
    prefetch_related = ("items",)
    manage_perm = "inspections.manage_template"
    created_message = _lazy("已新建检查表“%(n)s”")
    empty_text = _lazy("没有符合条件的检查表")

    def get_queryset(self):
        return ChecklistTemplate.objects.available_to(self.request.user).prefetch_related("items")

    def make_form(self, data=None):
        return TemplateForm(data, regions=_regions_in_reach(self.request.user, self.manage_perm))

    def create(self, form):
        d = form.cleaned_data
        region = Region.objects.filter(pk=d["region"]).first()
        return services.do_create_template(d["name"], form.item_rows(), actor=self.request.user, region=region,
                                           source=d["source"]).name


class PlanListView(ListWithCreateForm):
    model, filterset_class, columns, perm = InspectionPlan, PlanFilterSet, PLAN_COLUMNS, "inspections.view_plan"
    title = _lazy("检查计划")
    template_name = "inspections/plan_list.html"
    ordering = ("-created_at", "-id")
    select_related = ("semester", "template", "region")
    manage_perm = "inspections.manage_plan"
    created_message = _lazy("已新建检查计划“%(n)s”")
    empty_text = _lazy("暂无检查计划")

    def make_form(self, data=None):
        user = self.request.user
        return PlanForm(data, regions=_regions_in_reach(user, self.manage_perm),
                        templates=ChecklistTemplate.objects.available_to(user), policies=policies_for(user))

    def create(self, form):
        return services.do_create_plan(dict(form.cleaned_data), actor=self.request.user).name

    def extra_context(self, filterset):
        return {**super().extra_context(filterset), "semester": services.current_semester()}


template_list = TemplateListView.as_view()
plan_list = PlanListView.as_view()


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
