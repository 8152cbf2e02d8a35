"""Answers of the compliance API, and how the rate tables become them.

The campaigns, a school's checklist and the region map are ninja Schemas read from their records. The
rates, the drill-down and the trend are answered often and large (every rule for a region and each
sub-region; pages of failing schools): they are plain pydantic models, faster to serialise, filled from
dicts built here from the rate table (``rates.region_table`` / ``asof.table_as_of``)."""

import datetime

from ninja import Field, Schema
from pydantic import BaseModel


class PhaseOut(Schema):
    name: str
    start: datetime.date
    end: datetime.date


class RuleOut(Schema):
    id: str
    name: str
    target: float
    deadline: datetime.date | None
    three_100: str
    cite: str
    assumption: str = Field("", description="种子文件未给出、可在规则集中调整的假定（如按在校生数配备保安员的档次）")
    national: bool = Field(False, description="是否为补入的全国“三个100%”指标（本专项行动规则集未定义该项）")


class CampaignOut(Schema):
    code: str
    name: str
    issuer: str
    region_code: str
    start: datetime.date
    end: datetime.date
    phases: list[PhaseOut]
    rules: list[RuleOut] = Field(alias="ruleset.rules")


# --- the rates (plain pydantic: faster to serialise) ----------------------------------------------------

class CellOut(BaseModel):  # plain pydantic: faster to serialise
    applicable: int
    met: int
    rate: float | None


class SubRegionOut(CellOut):
    region_code: str
    region_name: str


class RuleRateOut(BaseModel):  # plain pydantic: faster to serialise
    rule_id: str
    name: str
    three_100: str
    target: float
    deadline: datetime.date | None
    days_left: int | None
    applicable: int
    met: int
    rate: float | None
    on_target: bool
    rate_at_deadline: float | None = Field(None, description="截止日（或之前最近一日）快照中的达标率")
    cite: str = ""
    assumption: str = ""
    national: bool = False
    source: str = Field("live", description="live 实时；snapshot 当日快照；records 按台账记录日期重算（as_of）")
    sub_regions: list[SubRegionOut]


class CardPartOut(BaseModel):
    key: str
    label: str
    rule_id: str | None
    rate: float | None


class CardOut(CardPartOut):
    """One of the three "三个100%" cards (every campaign has them: its own rule, else the national one)."""

    applicable: int
    met: int
    parts: list[CardPartOut]


class RatesOut(BaseModel):  # plain pydantic: faster to serialise
    campaign: str
    region_code: str
    region_name: str
    as_of: datetime.date | None = Field(None, description="截至该日日终的达标率（未指定为实时）")
    source: str = Field("live", description="live / snapshot / records")
    three_100: list[CardOut]
    rules: list[RuleRateOut]


def _card(card) -> dict:
    row = card["row"]
    return {"key": card["key"], "label": str(card["label"]), "rule_id": row.rule.id if row else None,
            "rate": row.total.rate if row else None, "applicable": row.total.applicable if row else 0,
            "met": row.total.met if row else 0,
            "parts": [{"key": p["key"], "label": str(p["label"]), "rule_id": p["row"].rule.id if p["row"] else None,
                       "rate": p["row"].total.rate if p["row"] else None} for p in card["parts"]]}


def _rule_rate(row, region, children: dict) -> dict:
    subs = [{"region_code": children[p].code if p in children else region.code,
             "region_name": children[p].name if p in children else f"{region.name}（直属）",
             "applicable": c.applicable, "met": c.met, "rate": c.rate} for p, c in sorted(row.by_child.items())]
    return {"rule_id": row.rule.id, "name": row.rule.name, "three_100": row.rule.three_100,
            "target": row.rule.target, "deadline": row.rule.deadline, "days_left": row.days_left,
            "applicable": row.total.applicable, "met": row.total.met, "rate": row.total.rate,
            "on_target": row.on_target, "sub_regions": subs, "cite": row.rule.cite,
            "assumption": row.rule.assumption, "national": row.rule.national, "source": row.source,
            "rate_at_deadline": row.at_deadline.rate if row.at_deadline else None}


def rates_out(table: dict, campaign, region) -> dict:
    """The rate table of ``campaign`` in ``region`` as :class:`RatesOut` (sub-regions by name; the schools
    directly under the region as "（直属）")."""
    children = {c.prefix: c for c in table["children"]}
    return {"campaign": campaign.code, "region_code": region.code, "region_name": region.name,
            "as_of": table["as_of"], "source": table["source"], "three_100": [_card(c) for c in table["three"]],
            "rules": [_rule_rate(row, region, children) for row in table["rows"]]}


# --- the drill-down and the trend ------------------------------------------------------------------------

class FailingOut(BaseModel):  # plain pydantic: faster to serialise
    school_id: int
    school_name: str
    region_code: str
    rule_id: str
    reason: str
    status: str = Field("not_met", description="评估结果（默认只列未达标）")


class FailingPage(BaseModel):  # plain pydantic: faster to serialise
    count: int
    items: list[FailingOut]


def failing_out(status) -> dict:
    """One school's result (a ``RuleStatus`` with its school) as :class:`FailingOut`."""
    return {"school_id": status.school_id, "school_name": status.school.name, "region_code": status.region_code,
            "rule_id": status.rule_id, "reason": status.reason, "status": status.status}


class TrendPoint(BaseModel):
    day: datetime.date
    rate: float | None


class TrendOut(BaseModel):
    campaign: str
    region_code: str
    rules: dict[str, list[TrendPoint]]


def trend_out(series: dict, campaign, region) -> dict:
    """``rates.trend``'s {rule id: [(day, rate)]} as :class:`TrendOut`."""
    return {"campaign": campaign.code, "region_code": region.code,
            "rules": {rid: [{"day": d, "rate": r} for d, r in points] for rid, points in series.items()}}


# --- a school's checklist ----------------------------------------------------------------------------------

class CheckItemOut(Schema):
    campaign: str
    campaign_name: str
    rule_id: str
    name: str
    status: str
    status_label: str
    reason: str
    deadline: datetime.date | None


def check_items(groups) -> list[dict]:
    """``checklist.school_checklist``'s groups (one per campaign) as one list of :class:`CheckItemOut`."""
    return [{"campaign": g["campaign"].code, "campaign_name": g["campaign"].name, "rule_id": item["rule"].id,
             "name": item["rule"].name, "status": item["status"], "status_label": item["status_label"],
             "reason": item["reason"], "deadline": item["rule"].deadline}
            for g in groups for item in g["items"]]


# --- the region map -----------------------------------------------------------------------------------------

class MapCardOut(Schema):
    key: str = Field(description="closed 封闭化管理；networked 一键式报警和视频监控联网；urban_guards 专职保安员配备")
    label: str
    status: str = Field(description="met / not_met / na；空：未评估或本专项行动未设此指标")
    status_label: str


class MapPointOut(Schema):
    id: int
    name: str
    lat: float
    lon: float
    type: str
    state: str = Field(description="alarm 报警中；not_met 未达标；met 达标；unknown 未评估")
    three: list[MapCardOut]
    open_hazards: int | None = Field(description="未销号隐患数（无隐患查看权限为 null）")
    open_alarms: int | None = Field(description="未处置完毕的报警数（无报警查看权限为 null）")
    url: str
    checklist_url: str
    hazards_url: str
    alarms_url: str


class MapLegendOut(Schema):
    key: str
    label: str
    note: str


class MapOut(Schema):
    campaign: str
    campaign_name: str
    region_code: str
    legend: list[MapLegendOut]
    points: list[MapPointOut]
    truncated: bool = Field(description="学校多于地图可显示的数量，只返回了前一部分")
