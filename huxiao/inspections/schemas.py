"""API schemas of inspections and supervision."""

import datetime

from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema

from huxiao.core.validators import DateKind, PlausibleDate, RegionCode
from huxiao.hazards.choices import HazardCategory, Severity
from huxiao.inspections.choices import InspectionMode, PlanKind


class ItemOut(Schema):
    id: int
    order: int
    text: str
    category: str
    severity: str
    deadline_days: int


class TemplateOut(Schema):
    id: int
    name: str
    source: str
    builtin: bool
    region_code: str
    items: list[ItemOut]


class ItemIn(Schema):
    text: str = Field(..., min_length=1, max_length=200)
    category: HazardCategory = HazardCategory.CAMPUS
    severity: Severity = Severity.GENERAL
    deadline_days: int = Field(30, ge=1, le=365)


class TemplateIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    source: str = Field("", max_length=200)
    region: RegionCode = Field(..., description="适用区划代码（须在管辖范围内）")
    items: list[ItemIn] = Field(..., min_length=1, max_length=100)


class PlanOut(Schema):
    id: int
    name: str
    region_code: str
    level: str
    semester: str
    times: int
    kind: str
    joint: bool
    mode: str
    template_id: int
    rounds_done: int = Field(..., description="完成轮次：区域内每所学校均已按本计划检查的次数")
    schools_done: int
    schools_total: int


class PlanIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    region: RegionCode
    times: int = Field(..., ge=1, le=30, description="本学期检查次数（省级≥1，市县级≥2）")
    kind: PlanKind = PlanKind.ROUTINE
    joint: bool = True
    mode: InspectionMode = InspectionMode.ANNOUNCED
    template_id: int
    policy_id: int | None = Field(None, description="督办规则（专项行动）；计划中发现的隐患按此规则督办")


class ResultIn(Schema):
    item: int
    passed: bool
    note: str = Field("", max_length=4000)
    photos: list[int] = Field(default_factory=list, max_length=20)
    place: str = Field("", max_length=200)
    severity: Severity | None = None
    measures: str = Field("", max_length=4000)
    deadline: PlausibleDate(DateKind.PLANNED, _("整改时限")) | None = None


class InspectionIn(Schema):
    school_id: int
    template_id: int
    plan_id: int | None = None
    inspected_on: PlausibleDate(DateKind.EVENT, _("检查日期"))
    joint: bool = False
    mode: InspectionMode = InspectionMode.ANNOUNCED
    inspectors: str = Field(..., min_length=1, max_length=200)
    summary: str = Field("", max_length=4000)
    results: list[ResultIn] = Field(..., min_length=1, max_length=100)


class ResultOut(Schema):
    item: int = Field(alias="item_id")
    text: str = Field(alias="item.text")
    passed: bool
    note: str
    photos: list[int]
    hazard_id: int | None

    @staticmethod
    def resolve_photos(result):
        return [p.pk for p in result.photos.all()]


class InspectionOut(Schema):
    id: int
    school_id: int
    school_name: str = Field(alias="school.name")
    template_id: int
    plan_id: int | None
    inspected_on: datetime.date
    joint: bool
    mode: str
    inspectors: str
    summary: str
    failed: int
    results: list[ResultOut]
    voided_at: datetime.datetime | None = Field(None, description="作废时间（未作废为空）")
    void_reason: str = Field("", description="作废原因")

    @staticmethod
    def resolve_failed(inspection):
        return sum(not r.passed for r in inspection.results.all())


class CoverageRow(Schema):
    school_id: int
    school_name: str
    setting: str
    ownership: str
    priority: bool
    inspections: int
    last_inspected_on: datetime.date | None


class CoverageOut(Schema):
    region: str
    semester: str
    start: datetime.date
    end: datetime.date
    covered: int
    total: int
    rate: float | None
    priority_uncovered: int
    schools: list[CoverageRow]
