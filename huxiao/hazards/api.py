"""Hazard ledger API: list with filters, report, timeline, transitions, evidence uploads, self-checks,
dashboard and escalation policies. Every query goes through the jurisdiction filter."""

import functools

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from huxiao.core.attachments import do_store_attachment
from huxiao.core.models import Attachment, School, User
from huxiao.core.records.api import (
    add_create_operation,
    add_detail_operation,
    add_list_operations,
    add_plain_list,
    add_record_operation,
    add_transition_operation,
    add_void_operation,
    need,
)
from huxiao.core.records.views import get_visible_or_404
from huxiao.core.validators import RegionCode
from huxiao.hazards import schemas as sc
from huxiao.hazards import services
from huxiao.hazards.choices import HazardCategory, HazardStatus
from huxiao.hazards.documents import do_issue_notice, notices_of
from huxiao.hazards.filters import (
    COLUMNS,
    NOTICE_COLUMNS,
    SELF_CHECK_COLUMNS,
    HazardFilterSet,
    NoticeFilterSet,
    SelfCheckFilterSet,
    SelfCheckFlagFilterSet,
)
from huxiao.hazards.models import Hazard, SelfCheck, SelfCheckFlag
from huxiao.hazards.selfcheck import do_file_self_check
from huxiao.hazards.stats import dashboard, dashboard_region

router = Router(tags=["hazards"])
VIEW = "hazards.view_hazard"
VIEW_SELF_CHECK = "hazards.view_self_check"
ISSUE = "hazards.issue_document"


def labels() -> dict:
    """Chinese (or English) labels of the enumerations, translated once per language, not per row."""
    return _labels(get_language())


@functools.lru_cache(maxsize=8)
def _labels(language) -> dict:
    return {"category": {v: str(label) for v, label in HazardCategory.choices},
            "status": {v: str(label) for v, label in HazardStatus.choices}}


def hazard_out(h: Hazard, today=None, names=None) -> dict:
    names = names or labels()
    return {
        "id": h.pk, "number": h.number, "school_id": h.school_id, "school_name": h.school.name,
        "region_code": h.region_code, "place": h.place, "description": h.description, "category": h.category,
        "category_label": names["category"].get(h.category, h.category), "severity": h.severity,
        "source": h.source, "found_by": h.found_by.display_name, "found_on": h.found_on,
        "responsible_unit": h.responsible_unit, "responsible_person": h.responsible_person, "measures": h.measures,
        "deadline": h.deadline, "status": h.status, "status_label": names["status"].get(h.status, h.status),
        "overdue_days": h.overdue_days(today), "escalation": h.escalation, "closed_at": h.closed_at,
        "photos": [p.pk for p in h.photos.all()], "voided_at": h.voided_at, "void_reason": h.void_reason,
    }


def _hazards():
    # prefetch, not join: a join lets the planner hash the whole school table before the LIMIT
    return Hazard.objects.prefetch_related(
        Prefetch("school", queryset=School.objects.only("id", "name")),
        Prefetch("found_by", queryset=User.objects.only("id", "username", "full_name")),
        Prefetch("photos", queryset=Attachment.objects.only("id")))


def _list_queryset(request):
    qs = _hazards().visible_to(request.user, VIEW)
    if request.GET.get("overdue") in ("true", "1", "on") and not request.GET.get("sort"):
        return qs.order_by("deadline", "id")
    return qs.order_by("-created_at", "-id")


add_list_operations(
    router, name="hazards", path="/", perm=VIEW, filterset=HazardFilterSet, queryset=_list_queryset,
    convert_for=lambda request: functools.partial(hazard_out, today=timezone.localdate(), names=labels()),
    response=sc.HazardOut, ordering=(), columns=COLUMNS, export_title="隐患台账",
    summary="隐患台账（管辖范围内，可按状态/逾期/等级/类别/区划/学校/来源/发现日期/整改时限筛选、排序）")


def detail_out(hazard, request) -> dict:
    hazard = Hazard.objects.select_related("school", "found_by").get(pk=hazard.pk)
    actions = [] if hazard.voided_at else [str(a) for a in services.available_actions(hazard, request.user)]
    return {**hazard_out(hazard), "events": list(hazard.events.select_related("actor").prefetch_related("evidence")),
            "escalations": list(hazard.escalations.all()), "actions": actions}


def _report(request, school, payload):
    policy = None
    if payload.policy_id is not None:
        policy = get_object_or_404(services.policies_for(request.user), pk=payload.policy_id)
    data = payload.dict(exclude={"school_id", "photos", "policy_id"})
    return services.do_report_hazard(school, data, actor=request.user, photos=payload.photos, policy=policy)


add_create_operation(router, "/", name="hazards_report", payload=sc.HazardIn, create=_report, target=School,
                     target_perm="hazards.report_hazard", convert=detail_out, response=sc.HazardDetailOut,
                     summary="登记隐患（挂账）")


@router.get("/dashboard", response=sc.HazardDashboardOut, summary="隐患统计（按下级区划：未销号、逾期、已销号、销号率、整改用时中位数）")
def get_dashboard(request, region: RegionCode | None = None):
    need(request, "hazards.view_dashboard")
    target = dashboard_region(request.user, region)
    if target is None:
        raise Http404("该区划不在您的管辖范围内")
    data = dashboard(request.user, target)
    return {"region": target.code, "today": data["today"], "totals": data["totals"], "rows": data["rows"]}


def _self_checks(request):
    return SelfCheck.objects.visible_to(request.user, VIEW_SELF_CHECK).select_related(
        "school", "filed_by").prefetch_related("hazards")


add_list_operations(
    router, name="self_checks", path="/self-checks", perm=VIEW_SELF_CHECK, filterset=SelfCheckFilterSet,
    queryset=_self_checks, response=sc.SelfCheckOut, ordering=("-month", "school_id", "id"),
    columns=SELF_CHECK_COLUMNS, export_title="月度自查", summary="月度自查记录（管辖范围内，可按月份/结果/区划/学校筛选、排序）")


def _file_self_check(request, school, payload):
    hazards = [dict(h.dict(), found_on=h.found_on) for h in payload.hazards]
    check = do_file_self_check(school, payload.month, actor=request.user, no_hazards=payload.no_hazards,
                               note=payload.note, hazards=hazards)
    return SelfCheck.objects.select_related("school", "filed_by").get(pk=check.pk)


add_create_operation(router, "/self-checks", name="self_checks_file", payload=sc.SelfCheckIn, create=_file_self_check,
                     target=School, target_perm="hazards.file_self_check", response=sc.SelfCheckOut,
                     summary="填报月度自查（含“未发现隐患”）")
add_plain_list(
    router, name="self_check_flags", path="/self-checks/missing", perm=VIEW_SELF_CHECK,
    filterset=SelfCheckFlagFilterSet, response=sc.FlagOut, ordering=("-month", "school_id"),
    queryset=lambda r: SelfCheckFlag.objects.visible_to(r.user, VIEW_SELF_CHECK).select_related("school"),
    limit=5000, summary="月度自查缺报标记（可按月份/是否补报/区划/学校筛选）")


@router.get("/policies", response=list[sc.PolicyOut], summary="督办规则（逾期阶梯阈值，按专项行动配置）")
def list_policies(request):
    need(request, "hazards.view_dashboard")
    return list(services.policies_for(request.user))


add_create_operation(router, "/policies", name="policies_create", payload=sc.PolicyIn, response=sc.PolicyOut,
                     create=lambda r, _t, p: services.do_save_policy(None, p.dict(), actor=r.user), summary="新增督办规则")
add_record_operation(router, "put", "/policies/{policy_id}", name="policies_update", payload=sc.PolicyIn,
                     queryset=lambda r: services.policies_for(r.user), scoped=True, perm="hazards.manage_policy",
                     act=lambda r, policy, p: services.do_save_policy(policy, p.dict(), actor=r.user),
                     response=sc.PolicyOut, summary="修改督办规则")


@router.post("/attachments", response={201: sc.AttachmentOut}, summary="上传照片或佐证材料（JPG/PNG/PDF/DOCX/XLSX）")
def upload_attachment(request, school_id: Form[int], file: File[UploadedFile]):
    school = get_visible_or_404(request, School, school_id, VIEW)
    att = do_store_attachment(file, actor=request.user, school=school)
    return Status(201, {"id": att.pk, "name": att.original_name, "content_type": att.content_type, "size": att.size})


@router.post("/schools/{school_id}/notices", response={200: sc.NoticeOut, 201: sc.NoticeOut},
             summary="签发整改通知书（该校未销号隐患；编定文号并留档。同日同一批隐患再次签发返回已签发的一份，200）")
def issue_notice(request, school_id: int):
    school = get_visible_or_404(request, School, school_id, ISSUE)
    doc, created = do_issue_notice(school, actor=request.user)
    return Status(201 if created else 200, doc)


def _notices(request):
    return notices_of(request.user).select_related("issued_by", "school")


add_plain_list(
    router, name="hazard_notices", path="/notices", perm=ISSUE, filterset=NoticeFilterSet, queryset=_notices,
    response=sc.NoticeOut, ordering=("-issued_at", "-id"), columns=NOTICE_COLUMNS, export_title="整改通知书",
    summary="已签发的整改通知书（可按学校/区划/印发日期/关键词筛选；下载见 url）")


add_detail_operation(router, "/{hazard_id}", name="hazards_detail", queryset=lambda r: _hazards(), perm=VIEW,
                     convert=detail_out, read_what="隐患详情", response=sc.HazardDetailOut, summary="隐患详情及流转时间线")
add_transition_operation(router, "/{hazard_id}/transitions", name="hazards_transition", queryset=lambda r: _hazards(),
                         perm=VIEW, services=services.DO, payload=sc.TransitionIn, convert=detail_out,
                         response=sc.HazardDetailOut,
                         summary="流转：start 开始整改 / submit 提交验收 / close 验收销号 / rework 退回返工")
add_void_operation(router, "/{hazard_id}/void", name="hazards_void", model=Hazard, convert=detail_out,
                   response=sc.HazardDetailOut,
                   summary="作废（录入有误的隐患，须填写原因；作废后不再计入任何统计，不能撤销）")
