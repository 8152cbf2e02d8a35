"""Compliance pages: the regional dashboard, drill-down, Excel export and a school's checklist."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from huxiao.compliance import rates
from huxiao.compliance.checklist import school_checklist
from huxiao.compliance.export import workbook
from huxiao.compliance.services import campaigns_for
from huxiao.core import audit
from huxiao.core.choices import AuditAction
from huxiao.core.models import School
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


@require_perm(rates.PERM)
def dashboard(request):
    region, campaign = _context(request)
    table = rates.region_table(request.user, campaign, region)
    three_ids = [r.rule.id for r in table["rows"] if r.rule.three_100]
    trend = rates.trend(campaign, region, three_ids or None)
    scope = scope_for(request.user, rates.PERM)
    ancestors = [a for a in region.ancestors() if scope.covers_region(a)]
    child_cells = []
    for row in table["rows"]:
        child_cells.append((row, [(c, row.by_child.get(c.prefix)) for c in table["children"]]))
    today = timezone.localdate().isoformat()
    phases = [{**p, "current": p["start"] <= today <= p["end"], "past": p["end"] < today} for p in campaign.phases]
    return render(request, "compliance/dashboard.html", {
        "phases": phases,
        "region": region, "campaign": campaign, "campaigns": campaigns_for(region.prefix), "table": table,
        "child_cells": child_cells, "ancestors": ancestors, "chart": _chart_data(table, trend),
        "today": timezone.localdate()})


@require_perm(rates.PERM)
def failing(request):
    region, campaign = _context(request)
    rule_id = request.GET.get("rule") or None
    rule = None
    if rule_id:
        try:
            rule = campaign.ruleset.rule(rule_id)
        except KeyError:
            rule_id = None
    qs = rates.failing_schools(request.user, campaign, region, rule_id)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    names = {r.id: r.name for r in campaign.ruleset.rules}
    page.object_list = list(page.object_list)
    for r in page.object_list:
        r.rule_name = names.get(r.rule_id, r.rule_id)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "compliance/failing.html", {
        "region": region, "campaign": campaign, "rule": rule, "page": page, "names": names,
        "query": query.urlencode()})


@require_perm(rates.PERM)
def export(request):
    region, campaign = _context(request)
    data = workbook(request.user, campaign, region)
    audit.record(AuditAction.EXPORT, None, actor=request.user, model="compliance.RuleStatus",
                 object_repr=f"{campaign.name}·{region.name}", region_code=region.code)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    filename = f"compliance-{campaign.code}-{region.code}-{timezone.localdate():%Y%m%d}.xlsx"
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
    """School users go to their own school's checklist; officials to the dashboard."""
    if has_perm(request.user, rates.PERM):
        return redirect("compliance-dashboard")
    school = School.objects.visible_to(request.user, "compliance.view_checklist").order_by("pk").first()
    if school is None:
        return render(request, "compliance/no_school.html", {"message": _("您的账号未关联学校")}, status=404)
    return redirect("compliance-checklist", pk=school.pk)
