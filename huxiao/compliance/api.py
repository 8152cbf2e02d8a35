"""Compliance API: campaigns, regional rates with sub-regions, drill-down, a school's checklist."""

import datetime
from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from pydantic import BaseModel

from huxiao.compliance import asof, rates, schoolmap
from huxiao.compliance.checklist import school_checklist
from huxiao.compliance.filters import COLUMNS, RuleStatusFilterSet, resolved, school_results
from huxiao.compliance.models import Campaign
from huxiao.core.models import School
from huxiao.core.records.api import add_export_operation, api_filtered, need
from huxiao.core.records.filters import query_schema
from huxiao.core.validators import RegionCode

router = Router(tags=["compliance"])
ORDERING = ("region_code", "school__name", "rule_id")


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
    rules: list[RuleOut]


def _campaign_out(c: Campaign) -> dict:
    rules = [{"id": r.id, "name": r.name, "target": r.target, "deadline": r.deadline, "three_100": r.three_100,
              "cite": r.cite, "assumption": r.assumption, "national": r.national} for r in c.ruleset.rules]
    return {"code": c.code, "name": c.name, "issuer": c.issuer, "region_code": c.region_code, "start": c.start,
            "end": c.end, "phases": c.phases, "rules": rules}


@router.get("/campaigns", response=list[CampaignOut], summary="专项行动及其规则集")
def list_campaigns(request):
    need(request, "compliance.view_checklist")
    from huxiao.compliance.rules import shipped_rulesets

    return [_campaign_out(c) for c in Campaign.objects.order_by("-start") if c.code in shipped_rulesets()]


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


@router.get("/rates", response=RatesOut, summary="管辖区域各指标达标率（含下级区划；as_of 为截至某日日终）")
def get_rates(request, campaign: str | None = None, region: RegionCode | None = None,
              as_of: datetime.date | None = Query(None, description="YYYY-MM-DD：截至该日日终（不晚于今天）；"
                                                                    "有当日快照用快照，否则按台账记录日期重算")):
    need(request, rates.PERM)
    reg = rates.resolve_region(request.user, region)
    camp = rates.default_campaign(reg, campaign)
    table = (asof.table_as_of(request.user, camp, reg, as_of) if as_of
             else rates.region_table(request.user, camp, reg))
    names = {c.prefix: c for c in table["children"]}
    out = []
    for row in table["rows"]:
        subs = [{"region_code": names[p].code if p in names else reg.code,
                 "region_name": names[p].name if p in names else f"{reg.name}（直属）",
                 "applicable": c.applicable, "met": c.met, "rate": c.rate} for p, c in sorted(row.by_child.items())]
        out.append({"rule_id": row.rule.id, "name": row.rule.name, "three_100": row.rule.three_100,
                    "target": row.rule.target, "deadline": row.rule.deadline, "days_left": row.days_left,
                    "applicable": row.total.applicable, "met": row.total.met, "rate": row.total.rate,
                    "on_target": row.on_target, "sub_regions": subs, "cite": row.rule.cite,
                    "assumption": row.rule.assumption, "national": row.rule.national, "source": row.source,
                    "rate_at_deadline": row.at_deadline.rate if row.at_deadline else None})
    return {"campaign": camp.code, "region_code": reg.code, "region_name": reg.name, "as_of": table["as_of"],
            "source": table["source"], "three_100": [_card(c) for c in table["three"]], "rules": out}


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


FailingFilters = query_schema(RuleStatusFilterSet, "FailingFilters")


def _results(request):
    region, campaign = resolved(request)
    return school_results(request, region, campaign)


@router.get("/failing", response=FailingPage, summary="未达标学校及原因（下钻；可按专项行动/区划/指标/评估结果/学校筛选）")
def get_failing(request, filters: FailingFilters = Query(...), offset: Annotated[int, Field(ge=0)] = 0,
                limit: Annotated[int, Field(ge=1, le=1000)] = 100):
    need(request, rates.PERM)
    qs, _data = api_filtered(request, RuleStatusFilterSet, _results(request), ORDERING)
    items = [{"school_id": r.school_id, "school_name": r.school.name, "region_code": r.region_code,
              "rule_id": r.rule_id, "reason": r.reason, "status": r.status} for r in qs[offset:offset + limit]]
    return {"count": qs.count(), "items": items}


add_export_operation(router, name="school_results", path="/failing/export", perm=rates.PERM,
                     filterset=RuleStatusFilterSet, queryset=_results, columns=COLUMNS, ordering=ORDERING,
                     export_title="达标评估结果", filters_schema=FailingFilters,
                     summary="未达标学校及原因（与下钻相同的筛选条件；加 status 可导出达标/不适用的评估结果）")


class CheckItemOut(Schema):
    campaign: str
    campaign_name: str
    rule_id: str
    name: str
    status: str
    status_label: str
    reason: str
    deadline: datetime.date | None


@router.get("/schools/{school_id}/checklist", response=list[CheckItemOut], summary="学校达标清单（待整改项在前）")
def get_checklist(request, school_id: int):
    need(request, "compliance.view_checklist")
    school = get_object_or_404(School.objects.visible_to(request.user, "compliance.view_checklist"), pk=school_id)
    return [{"campaign": g["campaign"].code, "campaign_name": g["campaign"].name, "rule_id": item["rule"].id,
             "name": item["rule"].name, "status": item["status"], "status_label": item["status_label"],
             "reason": item["reason"], "deadline": item["rule"].deadline}
            for g in school_checklist(school) for item in g["items"]]


class TrendPoint(BaseModel):
    day: datetime.date
    rate: float | None


class TrendOut(BaseModel):
    campaign: str
    region_code: str
    rules: dict[str, list[TrendPoint]]


@router.get("/trend", response=TrendOut, summary="达标率每日快照趋势（默认近 90 天）")
def get_trend(request, campaign: str | None = None, region: RegionCode | None = None, rule: str | None = None,
              days: Annotated[int, Field(ge=1, le=3660)] = 90):
    need(request, rates.PERM)
    reg = rates.resolve_region(request.user, region)
    camp = rates.default_campaign(reg, campaign)
    series = rates.trend(camp, reg, [rule] if rule else None, days=days)
    return {"campaign": camp.code, "region_code": reg.code,
            "rules": {rid: [{"day": d, "rate": r} for d, r in points] for rid, points in series.items()}}


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


@router.get("/map", response=MapOut, summary="区划地图：学校位置、三个100%结果、未销号隐患与未处置报警")
def school_map(request, region: RegionCode | None = None):
    need(request, rates.PERM)
    return schoolmap.region_map(request, rates.resolve_region(request.user, region))
