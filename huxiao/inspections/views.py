"""Pages of inspections: the list (record layer: filters, paging, sorting, "导出 Excel"), detail and 作废,
coverage and the 检查通报 (签发 by POST, then downloads of what was issued). The on-site recording form is
in views_record.py, the checklist and plan lists (with their create forms) in views_setup.py."""

import datetime
from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from huxiao.core.audit import record_read
from huxiao.core.records.pages import RecordDetailView
from huxiao.core.records.views import RecordListView
from huxiao.core.scoping import has_perm
from huxiao.core.views import require_perm
from huxiao.hazards.documents import render_issued
from huxiao.hazards.stats import dashboard_region
from huxiao.inspections import services
from huxiao.inspections.documents import bulletins_of, do_issue_bulletin
from huxiao.inspections.filters import INSPECTION_COLUMNS, InspectionFilterSet
from huxiao.inspections.models import Inspection

# urls.py routes every page from this module: the on-site form and the setup lists live next to it
from huxiao.inspections.views_record import RECORD, inspection_create  # noqa: F401
from huxiao.inspections.views_setup import plan_list, template_list  # noqa: F401

VIEW = "inspections.view_inspection"


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


class InspectionDetailView(RecordDetailView):
    """An inspection item by item; its 作废 voids the hazards it raised too."""

    model, perm, template_name = Inspection, VIEW, "inspections/inspection_detail.html"
    select_related = ("school", "template", "plan", "recorded_by", "voided_by")
    read_what = _lazy("检查记录详情")

    def get_context(self, inspection):
        return {"results": inspection.results.select_related("item", "hazard").prefetch_related("photos")}


inspection_detail = InspectionDetailView.as_view()
inspection_void = InspectionDetailView.as_view(voiding=True)


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
