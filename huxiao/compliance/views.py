"""Compliance pages: the regional dashboard, drill-down, Excel export and a school's checklist."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from huxiao.compliance import asof, rates
from huxiao.compliance.checklist import school_checklist
from huxiao.compliance.choices import Status
from huxiao.compliance.export import workbook
from huxiao.compliance.filters import COLUMNS, RuleStatusFilterSet, resolved, rule_choices, school_results
from huxiao.compliance.models import RuleStatus
from huxiao.compliance.services import campaigns_for
from huxiao.core import audit
from huxiao.core.choices import AuditAction
from huxiao.core.models import School
from huxiao.core.records.export import ExportAudit
from huxiao.core.records.views import RecordListView
from huxiao.core.scoping import has_perm, scope_for
from huxiao.core.views import require_perm


def _context(request):
    region = rates.resolve_region(request.user, request.GET.get("region"))
    campaign = rates.default_campaign(region, request.GET.get("campaign"))
    return region, campaign


def _chart_data(table, trend):
    rows = table["rows"]
    return {
        "rules": [{"id": r.rule.id, "name": r.rule.name, "rate": r.total.rate, "target": r.rule.target}
                  for r in rows],
        "children": [{"name": c.name, "rates": [r.by_child.get(c.prefix).rate if c.prefix in r.by_child else None
                                                for r in rows]} for c in table["children"]],
        "trend": trend,
    }


class AsOfForm(forms.Form):
    """The dashboard's "as of" picker: the rates at the end of a past day (blank: now)."""

    as_of = forms.DateField(label=_lazy("截至日期"), required=False, input_formats=["%Y-%m-%d"],
                            widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}))


def _table(request, campaign, region):
    """The table now, or as of the day asked for (a bad or future day: the error on the picker, figures now)."""
    form = AsOfForm(request.GET or None)
    form.fields["as_of"].widget.attrs["max"] = timezone.localdate().isoformat()
    day = form.cleaned_data.get("as_of") if form.is_valid() else None
    if day:
        try:
            return asof.table_as_of(request.user, campaign, region, day), form
        except ValidationError as exc:
            form.add_error("as_of", exc.message_dict.get("as_of") or exc.messages)
    return rates.region_table(request.user, campaign, region), form


@require_perm(rates.PERM)
def dashboard(request):
    region, campaign = _context(request)
    table, as_of_form = _table(request, campaign, region)
    three_ids = [card["row"].rule.id for card in table["three"] if card["row"]]
    trend = rates.trend(campaign, region, three_ids or None)
    scope = scope_for(request.user, rates.PERM)
    ancestors = [a for a in region.ancestors() if scope.covers_region(a)]
    child_cells = []
    for row in table["rows"]:
        child_cells.append((row, [(c, row.by_child.get(c.prefix)) for c in table["children"]]))
    today = (table["as_of"] or timezone.localdate()).isoformat()
    phases = [{**p, "current": p["start"] <= today <= p["end"], "past": p["end"] < today} for p in campaign.phases]
    assumptions = [row.rule for row in table["rows"] if row.rule.assumption]
    return render(request, "compliance/dashboard.html", {
        "phases": phases, "as_of_form": as_of_form, "assumptions": assumptions,
        "region": region, "campaign": campaign, "campaigns": campaigns_for(region.prefix), "table": table,
        "child_cells": child_cells, "ancestors": ancestors, "chart": _chart_data(table, trend),
        "chart_height": max(360, 34 * len(table["rows"]) + 60), "today": timezone.localdate()})


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


failing = SchoolResultListView.as_view()


@require_perm(rates.PERM)
def export(request):
    """The dashboard's figures as a workbook: now, or as of the day the dashboard shows (``as_of``); a bad
    day is refused by name (400), never exported as today's figures."""
    region, campaign = _context(request)
    form = AsOfForm(request.GET or None)
    day = form.cleaned_data.get("as_of") if form.is_valid() else None
    try:
        if form.errors:
            raise ValidationError({"as_of": form.errors["as_of"]})
        data = workbook(request.user, campaign, region, day)
    except ValidationError as exc:
        message = "；".join(exc.message_dict.get("as_of") or exc.messages)
        return render(request, "compliance/no_school.html", {"message": f"{form.fields['as_of'].label}：{message}",
                                                                "title": _("导出 Excel")},
                      status=400)
    when = f"截至{day.isoformat()}" if day else _("实时")
    audit.record(AuditAction.EXPORT, None, actor=request.user, model="compliance.RuleStatus",
                 object_repr=f"{campaign.name}·{region.name}·{when}", region_code=region.code,
                 event=ExportAudit.EXPORT)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    filename = f"compliance-{campaign.code}-{region.code}-{(day or timezone.localdate()):%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_perm("compliance.view_checklist")
def checklist(request, pk):
    school = get_object_or_404(School.objects.visible_to(request.user, "compliance.view_checklist"), pk=pk)
    groups = school_checklist(school)
    return render(request, "compliance/checklist.html", {
        "school": school, "groups": groups, "can_dashboard": has_perm(request.user, rates.PERM)})


@require_perm("compliance.view_checklist")
def my_checklist(request):
    """School users go to their own school's checklist; officials to the list of their schools by result
    (the dashboard is a menu entry of its own)."""
    if has_perm(request.user, rates.PERM):
        return redirect("compliance-failing")
    school = School.objects.visible_to(request.user, "compliance.view_checklist").order_by("pk").first()
    if school is None:
        return render(request, "compliance/no_school.html", {"message": _("您的账号未关联学校")}, status=404)
    return redirect("compliance-checklist", pk=school.pk)
