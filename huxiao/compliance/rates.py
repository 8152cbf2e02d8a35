"""Rates from the evaluation table: GROUP BY over region-code prefixes, nothing typed twice."""

from dataclasses import dataclass, field

from django.db.models import Sum
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from huxiao.compliance.choices import CARD_PARTS, CARDS, Status, ThreeHundred
from huxiao.compliance.models import Campaign, RateSnapshot, RegionRuleCount, RuleStatus
from huxiao.compliance.services import campaigns_for, refresh_school_ids
from huxiao.core import regions
from huxiao.core.models import Region
from huxiao.core.models.regions import PREFIX_LENGTH
from huxiao.core.regions import q_within
from huxiao.core.scoping import scope_for
from huxiao.devices.services import catch_up_network_states

PERM = "compliance.view_dashboard"


@dataclass
class Cell:
    applicable: int = 0
    met: int = 0

    @property
    def not_met(self) -> int:
        return self.applicable - self.met

    @property
    def rate(self):
        return round(self.met / self.applicable, 4) if self.applicable else None

    @property
    def percent(self) -> str:
        return "—" if self.rate is None else f"{self.rate * 100:.1f}%"


@dataclass
class RuleRow:
    rule: object
    total: Cell
    by_child: dict = field(default_factory=dict)  # child prefix -> Cell
    days_left: int | None = None
    at_deadline: Cell | None = None  # from the last daily snapshot on or before the deadline
    source: str = "live"  # live (the evaluation table), snapshot or records (rates as of a past day: asof.py)

    @property
    def direct(self):
        """Schools registered directly at this region, not in one of its sub-regions."""
        return self.by_child.get("")

    @property
    def on_target(self) -> bool:
        return self.total.rate is not None and self.total.rate >= self.rule.target


class Nation:
    """The whole country, for users whose jurisdiction is everything (its children are the provinces)."""

    code, name, prefix, level = "000000", "全国", "", "nation"

    class children:  # noqa: N801 - quacks like a related manager
        @staticmethod
        def order_by(*fields):
            return Region.objects.filter(level="province").order_by(*fields)

    def ancestors(self):
        return []


NATION = Nation()


def user_regions(user) -> list[Region]:
    """Top regions of the user's dashboard jurisdiction."""
    return list(scope_for(user, PERM).top_regions())


def resolve_region(user, code: str | None) -> Region:
    """The region the user asked for, if inside their jurisdiction (404 otherwise), else their top one."""
    scope = scope_for(user, PERM)
    if not code:
        if scope.covers_region(NATION):
            return NATION
        regions = user_regions(user)
        if not regions:
            raise Http404(_("没有可查看的区划"))
        return regions[0]
    if code == NATION.code:
        if scope.covers_region(NATION):
            return NATION
        raise Http404(_("该区划不在您的管辖范围内"))
    region = Region.objects.filter(pk=code).first()
    if region is None or not scope.covers_region(region):
        raise Http404(_("该区划不在您的管辖范围内"))
    return region


def default_campaign(region: Region, code: str | None = None, today=None) -> Campaign:
    """The campaign asked for (404 if not run in the region), else the one in force for the region: among
    the campaigns covering the whole region and running today, the most specific (a city's official is not
    sent to one district's campaign, nor anyone to an expired one). None in force: the latest covering the
    region; none covering it: the latest overlapping it."""
    campaigns = campaigns_for(region.prefix)
    if code:
        for c in campaigns:
            if c.code == code:
                return c
        raise Http404(_("该区划没有此专项行动"))
    if not campaigns:
        raise Http404(_("该区划没有专项行动"))
    today = today or timezone.localdate()
    covering = [c for c in campaigns if regions.within(region.prefix, c.region_code)]
    in_force = [c for c in covering if c.start <= today <= c.end]
    if in_force:
        return max(in_force, key=lambda c: (len(c.region_code), c.start))
    return max(covering or campaigns, key=lambda c: (c.end, len(c.region_code), c.start))


def resolve(user, region_code: str | None, campaign_code: str | None = None) -> tuple[Region, Campaign]:
    """(region, campaign) a request asks for: ``resolve_region`` and the campaign asked for or in force
    there (``default_campaign``); 404 out of reach or not run there."""
    region = resolve_region(user, region_code)
    return region, default_campaign(region, campaign_code)


def child_regions(region: Region) -> list[Region]:
    return list(region.children.order_by("code"))


def new_table(campaign: Campaign, today) -> dict:
    """{rule id: RuleRow} with empty cells and the days left to each deadline from ``today``."""
    return {rule.id: RuleRow(rule=rule, total=Cell(), days_left=(rule.deadline - today).days if rule.deadline
                             else None) for rule in campaign.ruleset.rules}


def add_counts(table: dict, rows, children, child_len) -> None:
    """Add ``(sub-region prefix, rule id, applicable, met)`` counts to the table's cells."""
    child_prefixes = {c.prefix for c in children}
    for sub, rule_id, applicable, met in rows:
        row = table.get(rule_id)
        if row is None or not applicable:
            continue
        row.total.applicable += applicable
        row.total.met += met
        if child_len:
            key = sub if sub in child_prefixes else ""
            cell = row.by_child.setdefault(key, Cell())
            cell.applicable += applicable
            cell.met += met


def three_cards(table: dict) -> list[dict]:
    """The three "三个100%" cards, each with its rule's row (and, for the networked one, its two parts)."""
    by_key = {row.rule.three_100: row for row in table.values() if row.rule.three_100}
    labels = dict(ThreeHundred.choices)
    return [{"key": key, "label": labels[key], "row": by_key.get(key),
             "parts": [{"key": part, "label": labels[part], "row": by_key.get(part)}
                       for part in CARD_PARTS.get(key, ())]} for key in CARDS]


def finish_table(table: dict, campaign: Campaign, region, children, today, **extra) -> dict:
    """The dashboard's table: rows, the rate each rule had at its deadline (the last daily snapshot on or
    before it, for deadlines up to ``today``), the three cards."""
    deadlines = {r.rule.id: r.rule.deadline for r in table.values() if r.rule.deadline and r.rule.deadline <= today}
    if deadlines and region.prefix:
        for snap in RateSnapshot.objects.filter(campaign=campaign, region_prefix=region.prefix,
                                                rule_id__in=list(deadlines),
                                                day__lte=max(deadlines.values())).order_by("day"):
            if snap.day <= deadlines[snap.rule_id]:
                table[snap.rule_id].at_deadline = Cell(snap.applicable, snap.met)
    has_direct = any("" in r.by_child for r in table.values())
    return {"rows": list(table.values()), "children": children, "three": three_cards(table),
            "has_direct": has_direct, "as_of": None, "source": "live", **extra}


def region_table(user, campaign: Campaign, region: Region) -> dict:
    """Every rule's rate in ``region`` and per sub-region, now, in one GROUP BY over the region counters."""
    refresh_school_ids(catch_up_network_states())  # devices silent since the last sweep count, worker or not
    children = child_regions(region)
    child_len = PREFIX_LENGTH[children[0].level] if children else None
    today = timezone.localdate()
    table = new_table(campaign, today)
    # the region counters, filtered by the same jurisdiction (dashboard scopes are regions, never schools)
    scope = scope_for(user, PERM)
    if scope.reaches_regions:
        qs = RegionRuleCount.objects.filter(scope.q("region_code", None)).filter(
            q_within(region), campaign=campaign)
        if child_len:
            rows = qs.annotate(sub=Substr("region_code", 1, child_len)).values_list("sub", "rule_id")
        else:
            rows = qs.values_list("rule_id", "rule_id")
        add_counts(table, rows.annotate(a=Sum("applicable"), m=Sum("met")).order_by(), children, child_len)
    return finish_table(table, campaign, region, children, today)


def trend(campaign: Campaign, region: Region, rule_ids=None, days=90) -> dict:
    """Daily snapshots of the region's rates, per rule: {rule_id: [(day, rate), …]}."""
    since = timezone.localdate() - timezone.timedelta(days=days)
    qs = RateSnapshot.objects.filter(campaign=campaign, region_prefix=region.prefix, day__gte=since)
    if rule_ids:
        qs = qs.filter(rule_id__in=rule_ids)
    out = {}
    for s in qs.order_by("day"):
        out.setdefault(s.rule_id, []).append((s.day.isoformat(), s.rate))
    return out


def failing_schools(user, campaign: Campaign, region: Region, rule_id: str | None = None):
    """Rows not met, with the school, for the drill-down (a queryset; callers paginate)."""
    qs = RuleStatus.objects.visible_to(user, PERM).filter(
        q_within(region), campaign=campaign, status=Status.NOT_MET)
    if rule_id:
        qs = qs.filter(rule_id=rule_id)
    return qs.select_related("school").order_by("region_code", "school__name", "rule_id")
