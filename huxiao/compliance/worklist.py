"""The compliance entry on the officials' 工作台: schools of their region failing the 三个100% (closed
management; alarm and video networked; urban full-time guards) in the campaign in force there, one line per
indicator, each linking to the drill-down list (未达标学校) of that rule."""

from django.db.models import Count
from django.http import Http404
from django.utils.translation import gettext as _

from huxiao.compliance import rates
from huxiao.compliance.choices import CARDS, Status
from huxiao.compliance.filters import RuleStatusFilterSet
from huxiao.compliance.models import RuleStatus
from huxiao.core.scoping import has_perm
from huxiao.core.worklist import WARNING, Item, Line, list_url, listed


def work_items(request) -> list[Item]:
    user = request.user
    if not has_perm(user, rates.PERM):
        return []
    try:
        region = rates.resolve_region(user, None)
        campaign = rates.default_campaign(region)
    except Http404:
        return []
    rules = [r for r in campaign.ruleset.rules if r.three_100 in CARDS]
    if not rules:
        return []
    base = {"campaign": campaign.code, "region": region.code if region.prefix else ""}
    failing = RuleStatus.objects.visible_to(user, rates.PERM).filter(campaign=campaign, status=Status.NOT_MET,
                                                                    rule_id__in=[r.id for r in rules])
    qs = listed(RuleStatusFilterSet, base, failing, request)
    per_rule = dict(qs.order_by().values_list("rule_id").annotate(n=Count("id")))
    schools = qs.order_by().values("school_id").distinct().count() if per_rule else 0
    lines = [Line(r.name, list_url("compliance-failing", {**base, "rule": r.id}), per_rule.get(r.id, 0),
                  note=_("目标 %(t)s%%") % {"t": f"{r.target * 100:g}"}) for r in rules]
    return [Item("compliance.three_100_failing", _("未达到“三个100%”的学校"), schools,
                 list_url("compliance-failing", base),
                 detail=_("%(c)s · %(r)s") % {"c": campaign.name, "r": region.name}, level=WARNING, lines=lines,
                 order=45)]
