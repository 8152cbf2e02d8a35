"""Compliance API: campaigns, regional rates with sub-regions, drill-down, a school's checklist."""

import datetime
from typing import Annotated

from ninja import Field, Query, Router

from huxiao.compliance import asof, rates, schoolmap
from huxiao.compliance import schemas as sc
from huxiao.compliance.checklist import school_checklist
from huxiao.compliance.filters import COLUMNS, RuleStatusFilterSet, resolved, school_results
from huxiao.compliance.models import Campaign
from huxiao.compliance.rules import shipped_rulesets
from huxiao.core.models import School
from huxiao.core.records.api import add_detail_operation, add_export_operation, api_filtered, need
from huxiao.core.records.filters import query_schema
from huxiao.core.validators import RegionCode

router = Router(tags=["compliance"])
CHECKLIST = "compliance.view_checklist"
ORDERING = ("region_code", "school__name", "rule_id")


@router.get("/campaigns", response=list[sc.CampaignOut], summary="专项行动及其规则集")
def list_campaigns(request):
    need(request, CHECKLIST)
    return [c for c in Campaign.objects.order_by("-start") if c.code in shipped_rulesets()]


@router.get("/rates", response=sc.RatesOut, summary="管辖区域各指标达标率（含下级区划；as_of 为截至某日日终）")
def get_rates(request, campaign: str | None = None, region: RegionCode | None = None,
              as_of: datetime.date | None = Query(None, description="YYYY-MM-DD：截至该日日终（不晚于今天）；"
                                                                    "有当日快照用快照，否则按台账记录日期重算")):
    need(request, rates.PERM)
    reg, camp = rates.resolve(request.user, region, campaign)
    return sc.rates_out(asof.table(request.user, camp, reg, as_of), camp, reg)


FailingFilters = query_schema(RuleStatusFilterSet, "FailingFilters")


def _results(request):
    region, campaign = resolved(request)
    return school_results(request, region, campaign)


@router.get("/failing", response=sc.FailingPage, summary="未达标学校及原因（下钻；可按专项行动/区划/指标/评估结果/学校筛选）")
def get_failing(request, filters: FailingFilters = Query(...), offset: Annotated[int, Field(ge=0)] = 0,
                limit: Annotated[int, Field(ge=1, le=1000)] = 100):
    need(request, rates.PERM)
    qs, _data = api_filtered(request, RuleStatusFilterSet, _results(request), ORDERING)
    return {"count": qs.count(), "items": [sc.failing_out(r) for r in qs[offset:offset + limit]]}


add_export_operation(router, name="school_results", path="/failing/export", perm=rates.PERM,
                     filterset=RuleStatusFilterSet, queryset=_results, columns=COLUMNS, ordering=ORDERING,
                     export_title="达标评估结果", filters_schema=FailingFilters,
                     summary="未达标学校及原因（与下钻相同的筛选条件；加 status 可导出达标/不适用的评估结果）")

add_detail_operation(router, "/schools/{school_id}/checklist", name="compliance_school_checklist", queryset=School,
                     perm=CHECKLIST, convert=lambda school, _request: sc.check_items(school_checklist(school)),
                     response=list[sc.CheckItemOut], summary="学校达标清单（待整改项在前）")


@router.get("/trend", response=sc.TrendOut, summary="达标率每日快照趋势（默认近 90 天）")
def get_trend(request, campaign: str | None = None, region: RegionCode | None = None, rule: str | None = None,
              days: Annotated[int, Field(ge=1, le=3660)] = 90):
    need(request, rates.PERM)
    reg, camp = rates.resolve(request.user, region, campaign)
    return sc.trend_out(rates.trend(camp, reg, [rule] if rule else None, days=days), camp, reg)


@router.get("/map", response=sc.MapOut, summary="区划地图：学校位置、三个100%结果、未销号隐患与未处置报警")
def school_map(request, region: RegionCode | None = None):
    need(request, rates.PERM)
    return schoolmap.region_map(request, rates.resolve_region(request.user, region))
