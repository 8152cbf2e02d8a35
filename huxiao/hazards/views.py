"""Pages of the hazard ledger: list with filters, report, detail with timeline and actions, dashboard,
and the 整改通知书 (签发 by POST, then downloads of what was issued). Self-checks and policies are in views_selfcheck.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from huxiao.core.attachments import store_files
from huxiao.core.audit import record_read
from huxiao.core.models import Attachment, School
from huxiao.core.records.pages import RecordDetailView, RecordFormView, RecordTransitionView
from huxiao.core.records.views import RecordListView, get_visible_or_404
from huxiao.core.views import require_perm
from huxiao.hazards import services
from huxiao.hazards.choices import HazardAction
from huxiao.hazards.documents import do_issue_notice, notices_of, render_issued
from huxiao.hazards.filters import COLUMNS, HazardFilterSet
from huxiao.hazards.forms import HazardForm, TransitionForm
from huxiao.hazards.models import Hazard
from huxiao.hazards.stats import dashboard, dashboard_region

VIEW = "hazards.view_hazard"


class HazardListView(RecordListView):
    model, filterset_class, columns, perm = Hazard, HazardFilterSet, COLUMNS, VIEW
    title = _lazy("隐患台账（挂账销号）")
    template_name = "hazards/hazard_list.html"
    ordering = ("-created_at", "-id")
    prefetch_related = ("school",)
    create_url_name, create_perm, create_label = "hazard-create", "hazards.report_hazard", _lazy("登记隐患")

    def export_title(self):
        return _("隐患台账")

    def get(self, request, *args, **kwargs):
        if request.GET.get("overdue") and not request.GET.get("sort"):
            self.ordering = ("deadline", "id")
        return super().get(request, *args, **kwargs)

    def extra_context(self, filterset):
        school_id = filterset.form.cleaned_data.get("school") if filterset.form.is_valid() else None
        school = notices = None
        if school_id:
            school = School.objects.visible_to(self.request.user, ISSUE).filter(pk=school_id).first()
        if school is not None:
            notices = notices_of(self.request.user, school).order_by("-issued_at", "-id")[:10]
        # a notice lists the school's open hazards: offered only when it has some
        can_issue = school is not None and Hazard.objects.filter(school=school).open().exists()
        return {"today": timezone.localdate(), "notice_school": school if can_issue else None,
                "notice_list_school": school, "notices": notices or []}


hazard_list = HazardListView.as_view()


class HazardCreateView(RecordFormView):
    form_class, template_name, perm = HazardForm, "hazards/hazard_form.html", "hazards.report_hazard"
    success_message, success_url_name = _lazy("已登记隐患 %(obj)s"), "hazard-detail"

    def get_form_kwargs(self):
        user = self.request.user
        self.schools = School.objects.visible_to(user, self.perm).order_by("region_code", "name")
        return {"schools": self.schools, "policies": services.policies_for(user)}

    def get_initial(self):
        initial = {"found_on": timezone.localdate(), "severity": "general"}
        if self.schools.count() == 1:
            only = self.schools.first()
            initial.update(school=only, responsible_unit=only.name, source="self_check")
        return initial

    def save(self, form):
        d = dict(form.cleaned_data)
        school, photos, policy = d.pop("school"), d.pop("photos"), d.pop("policy")
        ids = store_files(photos, actor=self.request.user, school=school)
        return services.do_report_hazard(school, d, actor=self.request.user, photos=ids, policy=policy)


class HazardDetailView(RecordDetailView):
    model, perm, template_name = Hazard, VIEW, "hazards/hazard_detail.html"
    select_related = ("school", "found_by", "policy", "voided_by")
    read_what = _lazy("隐患详情")

    def get_context(self, hazard):
        voided = hazard.voided_at is not None
        actions = [] if voided else [(a, HazardAction(a).label)
                                     for a in services.available_actions(hazard, self.request.user)]
        return {"events": hazard.events.select_related("actor").prefetch_related("evidence"), "actions": actions,
                "escalations": hazard.escalations.all(), "photos": hazard.photos.all(), "form": TransitionForm(),
                "overdue_days": 0 if voided else hazard.overdue_days()}


class HazardTransitionView(RecordTransitionView):
    model, perm, select_related, form_class = Hazard, VIEW, ("school",), TransitionForm
    table, services = services.TRANSITIONS, services.DO
    labels = {"status": _lazy("状态"), "note": _lazy("说明"), "evidence": _lazy("佐证材料"), "action": _lazy("操作")}

    def transition_kwargs(self, hazard, data):
        return {"note": data["note"],
                "evidence": store_files(data["evidence"], actor=self.request.user, school=hazard.school)}

    def back_url(self, hazard):
        return reverse("hazard-detail", args=[hazard.pk])


hazard_create = HazardCreateView.as_view()
hazard_detail = HazardDetailView.as_view()
hazard_void = HazardDetailView.as_view(voiding=True)
hazard_transition = HazardTransitionView.as_view()


@require_perm("hazards.view_dashboard")
def hazard_dashboard(request):
    region = dashboard_region(request.user, request.GET.get("region"))
    if region is None:
        raise Http404(_("该区划不在您的管辖范围内"))
    data = dashboard(request.user, region)
    chart = {"names": [r["name"] for r in data["rows"]], "open": [r["open"] for r in data["rows"]],
             "overdue": [r["overdue"] for r in data["rows"]], "closed": [r["closed"] for r in data["rows"]],
             "labels": [_("未销号"), _("逾期"), _("已销号")]}
    return render(request, "hazards/dashboard.html", {**data, "chart": chart,
                                                      "ancestors": [a for a in region.ancestors()]})


@require_perm(VIEW)
def hazard_attachment(request, pk):
    """A photo or evidence file, served only within the jurisdiction (never from a public media URL)."""
    att = get_object_or_404(Attachment.objects.visible_to(request.user, VIEW), pk=pk)
    try:
        handle = att.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("文件不存在")) from None
    record_read(att, actor=request.user, request=request, what=_("附件下载"))
    return FileResponse(handle, content_type=att.content_type, as_attachment=not att.is_image,
                        filename=att.original_name)


ISSUE = "hazards.issue_document"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@require_POST
@login_required
def hazard_notice_issue(request, school_id):
    """签发 the 整改通知书 of a school's open hazards: numbered here, once; downloads never number."""
    school = get_visible_or_404(request, School, school_id, ISSUE)
    try:
        doc, created = do_issue_notice(school, actor=request.user)
    except ValidationError as exc:
        messages.info(request, "；".join(exc.messages))
    else:
        if created:
            messages.success(request, _("已签发整改通知书 %(n)s") % {"n": doc.number})
        else:
            messages.info(request, _("今天已就这些隐患签发过整改通知书 %(n)s，未重复编号") % {"n": doc.number})
    return redirect(f"/hazards/?school={school.pk}")


@require_perm(ISSUE)
def hazard_notice(request, pk):
    """Download an issued 整改通知书: the same document and number every time."""
    doc = get_object_or_404(notices_of(request.user).select_related("school"), pk=pk)
    name, data = render_issued(doc)
    record_read(doc, actor=request.user, request=request, what=_("整改通知书"),
                region_code=doc.school.region_code, school_id=doc.school_id)
    response = HttpResponse(data, content_type=DOCX)
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
