"""Compliance pages: the regional dashboard, drill-down, Excel export and a school's checklist."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from huxiao.compliance import asof, rates, selectors
from huxiao.compliance.checklist import school_checklist
from huxiao.compliance.choices import Status
from huxiao.compliance.export import download
from huxiao.compliance.filters import COLUMNS, RuleStatusFilterSet, resolved, rule_choices, school_results
from huxiao.compliance.forms import AsOfForm
from huxiao.compliance.models import RuleStatus
from huxiao.compliance.services import campaigns_for
from huxiao.core.models import School
from huxiao.core.records.pages import RecordDetailView
from huxiao.core.records.views import RecordListView
from huxiao.core.scoping import has_perm
from huxiao.core.views import require_perm

CHECKLIST = "compliance.view_checklist"


def _asked(request):
    """(region, campaign) of the request's ``region`` and ``campaign`` (404 out of reach, not run there)."""
    return rates.resolve(request.user, request.GET.get("region"), request.GET.get("campaign"))


@require_perm(rates.PERM)
def dashboard(request):
    """The rates now, or as of the day asked for (a bad or future day: the error on the picker, figures now)."""
    region, campaign = _asked(request)
    form = AsOfForm(request.GET or None)
    try:
        table = asof.table(request.user, campaign, region, form.day)
    except ValidationError as exc:
        form.add_error("as_of", exc.message_dict.get("as_of") or exc.messages)
        table = asof.table(request.user, campaign, region)
    return render(request, "compliance/dashboard.html",
                  {"as_of_form": form, **selectors.dashboard(request.user, campaign, region, table)})


class SchoolResultListView(RecordListView):
    """未达标学校 (the dashboard's drill-down): the schools' results of a campaign in a region, not met by
    default, with the results filterset and "导出 Excel" of the filtered rows."""

    model, filterset_class, columns, perm = RuleStatus, RuleStatusFilterSet, COLUMNS, rates.PERM
    title = _lazy("未达标学校")
    template_name = "compliance/failing.html"
    ordering = ("region_code", "school__name", "rule_id")
    paginate_by = 50
    empty_text = _lazy("没有未达标的学校")

    def get(self, request, *args, **kwargs):
        self.region, self.campaign = resolved(request)
        # the form shows what the page shows: the resolved campaign (and region, unless the nation)
        query = request.GET.copy()
        query.setdefault("campaign", self.campaign.code)
        if self.region.prefix and not query.get("region"):
            query["region"] = self.region.code
        request.GET = query
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return school_results(self.request, self.region, self.campaign)

    def export_title(self):
        return _("达标评估结果")

    def extra_context(self, filterset):
        form = filterset.form
        form.fields["rule"].widget.choices = [("", _("全部指标")), *rule_choices(self.campaign.ruleset)]
        form.fields["campaign"].widget.choices = [(c.code, c.name) for c in campaigns_for(self.region.prefix)]
        data = form.cleaned_data if form.is_valid() else {}
        rule = None
        if data.get("rule"):
            rule = next((r for r in self.campaign.ruleset.rules if r.id == data["rule"]), None)
        status = data.get("status") or Status.NOT_MET
        return {"region": self.region, "campaign": self.campaign, "rule": rule,
                "status_label": dict(Status.choices)[status], "failing_only": status == Status.NOT_MET}


@require_perm(rates.PERM)
def export(request):
    """The dashboard's figures as a workbook: now, or as of the day the dashboard shows (``as_of``); a bad
    day is refused by name (400), never exported as today's figures."""
    region, campaign = _asked(request)
    form = AsOfForm(request.GET or None)
    try:
        if form.errors:
            raise ValidationError({"as_of": form.errors["as_of"]})
        return download(request.user, campaign, region, form.day)
    except ValidationError as exc:
        message = "；".join(exc.message_dict.get("as_of") or exc.messages)
        return render(request, "compliance/no_school.html", {"message": f"{form.fields['as_of'].label}：{message}",
                                                                "title": _("导出 Excel")},
                      status=400)


class ChecklistView(RecordDetailView):
    """A school's checklist: every applicable rule of every campaign covering it, what to fix first."""

    model, perm, template_name = School, CHECKLIST, "compliance/checklist.html"

    def get_context(self, school):
        return {"groups": school_checklist(school), "can_dashboard": has_perm(self.request.user, rates.PERM)}


@require_perm(CHECKLIST)
def my_checklist(request):
    """School users go to their own school's checklist; officials to the list of their schools by result
    (the dashboard is a menu entry of its own)."""
    if has_perm(request.user, rates.PERM):
        return redirect("compliance-failing")
    school = School.objects.visible_to(request.user, CHECKLIST).order_by("pk").first()
    if school is None:
        return render(request, "compliance/no_school.html", {"message": _("您的账号未关联学校")}, status=404)
    return redirect("compliance-checklist", pk=school.pk)
