"""API schemas of the hazard ledger."""

import datetime
from typing import Literal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema

from huxiao.core.validators import DateKind, PlausibleDate
from huxiao.hazards.choices import HazardCategory, HazardSource, HazardStatus, Severity


class HazardOut(Schema):
    id: int
    number: str
    school_id: int
    school_name: str
    region_code: str
    place: str
    description: str
    category: str
    category_label: str
    severity: str
    source: str
    found_by: str
    found_on: datetime.date
    responsible_unit: str
    responsible_person: str
    measures: str
    deadline: datetime.date
    status: str
    status_label: str
    overdue_days: int
    escalation: str
    closed_at: datetime.datetime | None
    photos: list[int]
    voided_at: datetime.datetime | None = Field(None, description="作废时间（未作废为空）")
    void_reason: str = Field("", description="作废原因")


class EventOut(Schema):
    action: str
    action_label: str = Field(alias="get_action_display")
    from_status: str
    to_status: str
    actor: str = Field(alias="actor.display_name")
    at: datetime.datetime
    note: str
    evidence: list[int]

    @staticmethod
    def resolve_evidence(event):
        return [a.pk for a in event.evidence.all()]


class StepOut(Schema):
    level: str
    level_label: str = Field(alias="get_level_display")
    at: datetime.datetime
    overdue_days: int
    supervising_region: str
    recipients: int


class HazardDetailOut(HazardOut):
    events: list[EventOut]
    escalations: list[StepOut]
    actions: list[str]


class HazardFields(Schema):
    place: str = Field(..., min_length=1, max_length=200, description="隐患部位")
    description: str = Field(..., min_length=1, max_length=4000)
    category: HazardCategory
    severity: Severity = Severity.GENERAL
    responsible_unit: str = Field(..., min_length=1, max_length=128)
    responsible_person: str = Field(..., min_length=1, max_length=64)
    measures: str = Field("", max_length=4000)
    deadline: PlausibleDate(DateKind.PLANNED, _("整改时限")) = Field(..., description="整改时限")
    policy_id: int | None = Field(None, description="督办规则（专项行动）；空为默认规则")
    found_on: PlausibleDate(DateKind.EVENT, _("发现日期")) | None = None
    photos: list[int] = Field(default_factory=list, max_length=20, description="已上传附件的编号")


class HazardIn(HazardFields):
    school_id: int
    source: HazardSource


class TransitionIn(Schema):
    action: Literal["start", "submit", "close", "rework"]
    note: str = Field("", max_length=4000)
    evidence: list[int] = Field(default_factory=list, max_length=20, description="已上传附件的编号")


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int


class SelfCheckIn(Schema):
    school_id: int
    month: str = Field(..., pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")
    no_hazards: bool = False
    note: str = Field("", max_length=4000)
    hazards: list[HazardFields] = Field(default_factory=list, max_length=50)


def _month(obj) -> str:
    return f"{obj.month:%Y-%m}"


class SelfCheckOut(Schema):
    id: int
    school_id: int
    school_name: str = Field(alias="school.name")
    month: str
    no_hazards: bool
    note: str
    filed_by: str = Field(alias="filed_by.display_name")
    filed_at: datetime.datetime
    hazards: list[int]

    resolve_month = staticmethod(_month)

    @staticmethod
    def resolve_hazards(obj):
        return [h.pk for h in obj.hazards.all()]


class FlagOut(Schema):
    school_id: int
    school_name: str = Field(alias="school.name")
    month: str
    flagged_at: datetime.datetime
    resolved_at: datetime.datetime | None

    resolve_month = staticmethod(_month)


class HazardDashboardRow(Schema):
    code: str
    name: str
    total: int
    open: int
    overdue: int
    closed: int
    major_open: int
    closure_rate: float | None
    median_days: float | None


class HazardDashboardOut(Schema):
    region: str
    today: datetime.date
    totals: HazardDashboardRow
    rows: list[HazardDashboardRow]


class PolicyIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    campaign: str = Field("", max_length=100)
    region_code: str = Field("", max_length=12, description="适用区划代码；空为全省通用（系统管理员）")
    is_default: bool = False
    remind_days_before: int = Field(3, ge=0, le=60)
    notice_after_days: int = Field(1, ge=1, le=365)
    interview_after_days: int = Field(15, ge=1, le=365)
    listing_after_days: int = Field(30, ge=1, le=365)
    self_check_due_day: int = Field(5, ge=1, le=28)


class PolicyOut(PolicyIn):
    id: int


class NoticeOut(Schema):
    id: int
    number: str
    title: str
    school_id: int
    issued_at: datetime.datetime
    issued_by: str = Field(alias="issued_by.display_name")
    hazards: list[int]
    url: str

    @staticmethod
    def resolve_hazards(doc):
        return doc.content.get("hazards", [])

    @staticmethod
    def resolve_url(doc):
        return reverse("hazard-notice", args=[doc.pk])


STATUS = HazardStatus
