"""What the dashboard shows beside the rate table: the campaign's phases on the day shown, the regions
above it the user may open, each rule's cells per sub-region, the assumptions and the chart's data."""

from django.utils import timezone

from huxiao.compliance import rates
from huxiao.compliance.services import campaigns_for
from huxiao.core.scoping import scope_for


def chart_data(table, trend) -> dict:
    """The bar chart (each rule's rate and target, per sub-region) and the trend lines."""
    rows = table["rows"]
    return {
        "rules": [{"id": r.rule.id, "name": r.rule.name, "rate": r.total.rate, "target": r.rule.target}
                  for r in rows],
        "children": [{"name": c.name, "rates": [r.by_child.get(c.prefix).rate if c.prefix in r.by_child else None
                                                for r in rows]} for c in table["children"]],
        "trend": trend,
    }


def dashboard(user, campaign, region, table) -> dict:
    """The dashboard's context for ``table`` (now or as of a day) of ``campaign`` in ``region``."""
    three_ids = [card["row"].rule.id for card in table["three"] if card["row"]]
    trend = rates.trend(campaign, region, three_ids or None)
    scope = scope_for(user, rates.PERM)
    child_cells = [(row, [(c, row.by_child.get(c.prefix)) for c in table["children"]]) for row in table["rows"]]
    shown = (table["as_of"] or timezone.localdate()).isoformat()
    phases = [{**p, "current": p["start"] <= shown <= p["end"], "past": p["end"] < shown} for p in campaign.phases]
    return {
        "phases": phases, "assumptions": [row.rule for row in table["rows"] if row.rule.assumption],
        "region": region, "campaign": campaign, "campaigns": campaigns_for(region.prefix), "table": table,
        "child_cells": child_cells, "ancestors": [a for a in region.ancestors() if scope.covers_region(a)],
        "chart": chart_data(table, trend), "chart_height": max(360, 34 * len(table["rows"]) + 60),
        "today": timezone.localdate()}
