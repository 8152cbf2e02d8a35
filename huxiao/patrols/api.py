"""护学岗 API: posts, people, rosters, check-ins (single and bulk sync from phones), figures.

Lists and exports come from the record layer (one filterset each); writes go through services.py.
A post out of the caller's jurisdiction answers 404, a role lacking the permission 403, a replayed
check-in key with another body 409.
"""

import datetime
from typing import Annotated

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import StringConstraints

from huxiao.core.apierrors import ErrorOut
from huxiao.core.crypto import mask_phone
from huxiao.core.models import Region, School
from huxiao.core.records.api import add_list_operations, need
from huxiao.core.scoping import scope_for
from huxiao.core.validators import RegionCode
from huxiao.patrols import counts, duty, gate_codes, services
from huxiao.patrols import schemas as sc
from huxiao.patrols.filters import (
    CHECKIN_COLUMNS,
    PERSON_COLUMNS,
    POST_COLUMNS,
    CheckInFilterSet,
    PersonFilterSet,
    PostFilterSet,
    RosterExceptionFilterSet,
    RosterFilterSet,
)
from huxiao.patrols.models import CheckIn, Person, Post, Roster, RosterException

router = Router(tags=["patrols"])
Month = Annotated[str, StringConstraints(pattern=r"^(19|20)\d\d-(0[1-9]|1[0-2])$")]
VIEW_POST, VIEW_PERSON, VIEW_ROSTER = "patrols.view_post", "patrols.view_person", "patrols.view_roster"
VIEW_CHECKIN, DASHBOARD = "patrols.view_checkin", "patrols.view_dashboard"


def post_out(p: Post) -> dict:
    return {"id": p.pk, "school_id": p.school_id, "school_name": p.school.name, "region_code": p.region_code,
            "name": p.name, "kind": p.kind, "kind_label": p.get_kind_display(),
            "entered_latitude": float(p.entered_latitude), "entered_longitude": float(p.entered_longitude),
            "datum": p.datum, "latitude": p.latitude, "longitude": p.longitude, "radius_m": p.radius_m,
            "lead_minutes": p.lead_minutes, "tail_minutes": p.tail_minutes, "grace_minutes": p.grace_minutes,
            "windows": p.window_kinds(), "active": p.active}


def post_detail_out(p: Post, date: datetime.date | None = None) -> dict:
    date = date or timezone.localdate()
    due, windows = duty.today_at(p, date)
    return {**post_out(p), "date": date, "duty_today": due,
            "today": [{"kind": w.kind, "label": w.label, "start": w.start, "end": w.end,
                       "missing_after": w.missing_after} for w in windows]}


def person_out(p: Person, full_phone=False) -> dict:
    return {"id": p.pk, "school_id": p.school_id, "school_name": p.school.name, "region_code": p.region_code,
            "name": p.name, "kind": p.kind, "kind_label": p.get_kind_display(), "unit_name": p.unit_name,
            "phone": p.phone if full_phone else mask_phone(p.phone), "active": p.active}


def roster_out(r: Roster) -> dict:
    return {"id": r.pk, "post_id": r.post_id, "post_name": r.post.name, "person_id": r.person_id,
            "person_name": r.person.name, "school_id": r.school_id, "weekday": r.weekday, "window": r.window,
            "valid_from": r.valid_from, "valid_to": r.valid_to}


def exception_out(e: RosterException) -> dict:
    r = e.roster
    return {"id": e.pk, "roster_id": r.pk, "post_id": r.post_id, "post_name": r.post.name, "school_id": e.school_id,
            "person_id": r.person_id, "person_name": r.person.name, "window": r.window, "date": e.date,
            "cancelled": e.substitute_id is None, "substitute_id": e.substitute_id,
            "substitute_name": e.substitute.name if e.substitute_id else None, "note": e.note}


def checkin_out(c: CheckIn) -> dict:
    return {"id": c.pk, "client_key": c.client_key, "post_id": c.post_id, "post_name": c.post.name,
            "school_id": c.school_id, "school_name": c.school.name, "region_code": c.region_code,
            "person_id": c.person_id, "person_name": c.person.name, "kind": c.kind, "mode": c.mode,
            "duty_date": c.duty_date, "window": c.window, "device_time": c.device_time,
            "received_at": c.received_at, "latitude": c.latitude, "longitude": c.longitude,
            "accuracy_m": c.accuracy_m, "distance_m": c.distance_m, "late": c.late,
            "outside_fence": c.outside_fence, "large_skew": c.large_skew, "flags": c.flags,
            "evidence": c.evidence}


def _scoped(model, perm, *related):
    def queryset(request):
        return model.objects.visible_to(request.user, perm).select_related(*related)
    return queryset


add_list_operations(
    router, name="patrol_posts", path="/posts/", perm=VIEW_POST, filterset=PostFilterSet,
    queryset=_scoped(Post, VIEW_POST, "school"), convert=post_out, response=sc.PostOut,
    ordering=("region_code", "school_id", "name"), columns=POST_COLUMNS, export_title="护学岗",
    summary="护学岗（管辖范围内，可按类型/区划/学校筛选）")
add_list_operations(
    router, name="patrol_people", path="/people/", perm=VIEW_PERSON, filterset=PersonFilterSet,
    queryset=_scoped(Person, VIEW_PERSON, "school"), convert=person_out, response=sc.PersonOut,
    ordering=("region_code", "school_id", "name"), columns=PERSON_COLUMNS, export_title="护学岗人员",
    summary="护学岗人员（民警、辅警、保安、教职员工、群防群治力量；电话脱敏）")
add_list_operations(
    router, name="patrol_rosters", path="/rosters/", perm=VIEW_ROSTER, filterset=RosterFilterSet,
    queryset=_scoped(Roster, VIEW_ROSTER, "post", "person"), convert=roster_out, response=sc.RosterOut,
    ordering=("post_id", "weekday", "window"), summary="排班（人员 × 护学岗 × 星期 × 时段）")
add_list_operations(
    router, name="patrol_roster_exceptions", path="/roster-exceptions/", perm=VIEW_ROSTER,
    filterset=RosterExceptionFilterSet,
    queryset=_scoped(RosterException, VIEW_ROSTER, "roster__post", "roster__person", "substitute"),
    convert=exception_out, response=sc.RosterExceptionOut, ordering=("-date", "-id"),
    summary="排班例外（某日取消或替班；可按护学岗/排班/日期/区划/学校筛选）")
add_list_operations(
    router, name="patrol_check_ins", path="/check-ins/", perm=VIEW_CHECKIN, filterset=CheckInFilterSet,
    queryset=_scoped(CheckIn, VIEW_CHECKIN, "post", "person", "school"), convert=checkin_out,
    response=sc.CheckInOut, ordering=("-device_time", "-id"), columns=CHECKIN_COLUMNS, export_title="签到记录",
    summary="签到记录（可按护学岗/类型/方式/时段/异常/区划/学校/值守日期筛选）")


def _school(request, perm, school_id):
    need(request, perm)
    return get_object_or_404(School.objects.visible_to(request.user, perm), pk=school_id)


@router.post("/posts/", response={201: sc.PostDetailOut}, summary="设立护学岗（坐标按所选坐标系录入，转换为 WGS-84）")
@transaction.atomic
def create_post(request, payload: sc.PostIn):
    school = _school(request, services.MANAGE_POST, payload.school_id)
    post = services.do_create_post(school, payload.dict(exclude={"school_id"}), actor=request.user)
    return Status(201, post_detail_out(post))


@router.get("/posts/{post_id}", response=sc.PostDetailOut,
            summary="护学岗详情（含当日值守时段：默认今天，date 指定某日；寄宿制学校含离校、返校时段）")
def get_post(request, post_id: int, date: datetime.date | None = None):
    need(request, VIEW_POST)
    post = get_object_or_404(Post.objects.visible_to(request.user, VIEW_POST).select_related("school"), pk=post_id)
    return post_detail_out(post, date)


@router.post("/people/", response={201: sc.PersonOut}, summary="登记护学岗人员")
@transaction.atomic
def register_person(request, payload: sc.PersonIn):
    school = _school(request, services.MANAGE_ROSTER, payload.school_id)
    person = services.do_register_person(school, payload.dict(exclude={"school_id"}), actor=request.user)
    return Status(201, person_out(person, full_phone=True))


@router.post("/rosters/", response={201: sc.RosterOut}, summary="排班：把人员排到护学岗的某个星期和时段")
@transaction.atomic
def add_roster(request, payload: sc.RosterIn):
    need(request, services.MANAGE_ROSTER)
    post = get_object_or_404(Post.objects.visible_to(request.user, services.MANAGE_ROSTER), pk=payload.post_id)
    person = get_object_or_404(Person.objects.visible_to(request.user, services.MANAGE_ROSTER), pk=payload.person_id)
    roster = services.do_add_roster(post, person, payload.dict(exclude={"post_id", "person_id"}), actor=request.user)
    return Status(201, roster_out(roster))


@router.post("/roster-exceptions/", response={201: sc.RosterExceptionOut, 409: ErrorOut},
             summary="排班例外：某日取消排班或指定替班人员（日期须在有效期内且为排班的星期；同一排班同一天只能有一条，否则 409）")
@transaction.atomic
def add_roster_exception(request, payload: sc.RosterExceptionIn):
    need(request, services.MANAGE_ROSTER)
    roster = get_object_or_404(Roster.objects.visible_to(request.user, services.MANAGE_ROSTER).select_related(
        "post", "person", "school"), pk=payload.roster_id)
    substitute = None
    if payload.substitute_id is not None:
        substitute = get_object_or_404(Person.objects.visible_to(request.user, services.MANAGE_ROSTER),
                                       pk=payload.substitute_id)
    try:
        entry = services.do_add_roster_exception(roster, payload.dict(include={"date", "note"}), actor=request.user,
                                                 substitute=substitute)
    except services.ExceptionClash as exc:
        raise HttpError(409, str(exc)) from None
    return Status(201, exception_out(entry))


@router.delete("/roster-exceptions/{exception_id}", response={204: None},
               summary="删除排班例外（该日恢复按排班值守）")
@transaction.atomic
def delete_roster_exception(request, exception_id: int):
    need(request, services.MANAGE_ROSTER)
    entry = get_object_or_404(RosterException.objects.visible_to(request.user, services.MANAGE_ROSTER), pk=exception_id)
    services.do_delete_roster_exception(entry, actor=request.user)
    return Status(204, None)


@router.post("/timetables/", response={200: sc.TimetableOut},
             summary="设置学校作息时间（夏季/冬季，自起始日起；护学岗值守时段据此计算）")
@transaction.atomic
def set_timetable(request, payload: sc.TimetableIn):
    school = _school(request, services.MANAGE_TIMETABLE, payload.school_id)
    table = services.do_set_timetable(school, payload.season, payload.dict(exclude={"school_id", "season"}),
                                      actor=request.user)
    return {f: getattr(table, f) for f in ("id", "school_id", "season", *services.TIMETABLE_FIELDS)}


def _post_for(request):
    def post_for(post_id):
        return get_object_or_404(Post.objects.visible_to(request.user, services.CHECK_IN).select_related("school"),
                                 pk=post_id)
    return post_for


def _body(item) -> dict:
    return item.dict()


@router.post("/check-ins", response={200: sc.CheckInOut, 201: sc.CheckInOut, 409: ErrorOut},
             summary="签到/签退/巡逻/联络员到校（客户端编号幂等：重发同一条返回已存记录 200，编号冲突 409）")
@transaction.atomic
def check_in(request, payload: sc.CheckInIn):
    need(request, services.CHECK_IN)
    post = _post_for(request)(payload.post_id)
    try:
        record, created = services.do_check_in(post, _body(payload), actor=request.user)
    except services.KeyConflict as exc:
        raise HttpError(409, str(exc)) from None
    except gate_codes.InvalidGateCode as exc:  # in the shape of the schema's own 422, naming the field
        raise NinjaValidationError([{"type": "value_error", "loc": ["body", "payload", gate_codes.FIELD],
                                     "msg": exc.messages[0]}]) from None
    record = CheckIn.objects.select_related("post", "person", "school").get(pk=record.pk)
    return Status(201 if created else 200, checkin_out(record))


@router.post("/check-ins/sync", response=sc.SyncOut,
             summary="批量上传离线签到（每批最多 100 条，逐条返回结果；已存的返回 200，不重复入库；全部护学岗不在管辖范围时 404）")
@transaction.atomic
def sync_check_ins(request, payload: sc.SyncIn):
    need(request, services.CHECK_IN)
    results = services.do_sync([_body(i) for i in payload.items], actor=request.user, post_for=_post_for(request))
    statuses = [r["status"] for r in results]
    for refusal in (404, 403):  # every item's post out of reach (or the role lacking): nothing stored
        if statuses and all(s == refusal for s in statuses):
            raise HttpError(refusal, results[0]["detail"])
    at_post = payload.post_id or (payload.items[0].post_id if payload.items else None)
    post = Post.objects.visible_to(request.user, services.CHECK_IN).select_related("school").filter(
        pk=at_post).first() if at_post else None
    services.note_phone_contact(actor=request.user, device=payload.device, post=post,
                                pending=payload.pending if payload.pending is not None else len(payload.items),
                                results=results)
    return {"stored": statuses.count(201), "replayed": statuses.count(200),
            "refused": len(statuses) - statuses.count(201) - statuses.count(200), "results": results}


def dashboard_region(user, code):
    scope = scope_for(user, DASHBOARD)
    if code:
        region = Region.objects.filter(pk=code.ljust(6, "0") if len(code) < 6 else code).first()
        return region if region is not None and scope.covers_region(region) else None
    return scope.top_regions().first()


@router.get("/dashboard", response=sc.DashboardOut,
            summary="护学岗统计（按下级区划：设置率、到岗率、缺岗时段、今日巡逻不足两次的学校）")
def get_dashboard(request, region: RegionCode | None = None, date: datetime.date | None = None):
    need(request, DASHBOARD)
    target = dashboard_region(request.user, region)
    if target is None:
        raise HttpError(404, _("区划不存在或不在您的管辖范围内"))
    return counts.dashboard(request.user, target, date=date)


@router.get("/monthly-form", response=sc.MonthlyFormOut,
            summary="月报表护校数据（001 月报：群防群治力量、巡逻值守人次、农村学校数、护校岗学校数、每日巡逻警力）")
def get_monthly_form(request, month: Month, region: RegionCode | None = None):
    need(request, DASHBOARD)
    first = datetime.date(int(month[:4]), int(month[5:7]), 1)
    target = dashboard_region(request.user, region)
    if target is None:
        raise HttpError(404, _("区划不存在或不在您的管辖范围内"))
    return {"region": target.code, "month": month, **counts.monthly_form(target, first)}



from huxiao.patrols import api_gate, api_near  # noqa: E402 - operations kept in their own modules

api_gate.register(router)
api_near.register(router)
