"""三防 API: lists across schools (guards, facilities, equipment, each with an Excel export), a school's
records, a guard with their trainings; registering and changing guards (leave, trainings), the 物防
facility, protective equipment and evidence."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from huxiao.core.audit import record_read
from huxiao.core.bulk_schemas import BulkOut, BulkRejected, answer, rows_of
from huxiao.core.import_rows import RowsRejected
from huxiao.core.models import School
from huxiao.core.pagination import CountedPagination
from huxiao.core.records.api import add_list_operations, api_filtered, need
from huxiao.core.records.export import XLSX, export_response
from huxiao.core.records.filters import query_schema
from huxiao.core.records.paging import DeferredRows
from huxiao.core.records.views import get_visible_or_404
from huxiao.core.scoping import has_perm
from huxiao.defense import bulk, services
from huxiao.defense import schemas as sc
from huxiao.defense.filters import (
    EQUIPMENT_COLUMNS,
    FACILITY_COLUMNS,
    PERSONAL,
    EquipmentFilterSet,
    FacilityFilterSet,
    GuardFilterSet,
    guard_columns,
    guard_row,
)
from huxiao.defense.models import Equipment, Facility, Guard

router = Router(tags=["defense"])
VIEW, CHANGE = "defense.view_records", "defense.change_records"
GUARD_ORDER = ("-active", "school_id", "category", "name", "pk")


def _guards(request):
    return Guard.objects.visible_to(request.user, VIEW).select_related("school").prefetch_related("trainings")


GuardFilters = query_schema(GuardFilterSet, "GuardsFilters")


# before /guards/{guard_id}: ninja's path parameter would take "bulk" for an id
def _bulk(request, kind: str, items):
    need(request, CHANGE)
    try:
        outcomes = bulk.do_bulk(kind, rows_of(items), actor=request.user)
    except RowsRejected as exc:
        return Status(400, {"detail": str(exc), "errors": exc.errors})
    return Status(200, answer(outcomes))


BULK_RESPONSES = {200: BulkOut, 400: BulkRejected}


@router.post("/guards/bulk", response=BULK_RESPONSES, operation_id="guards_bulk",
             summary="批量登记安保人员（全部成功或全部不写入，逐行报告；同一学校同一身份证号为同一人，重试不重复登记）")
def bulk_guards(request, data: sc.GuardBulkIn):
    return _bulk(request, "guards", data.items)


@router.post("/facilities/bulk", response=BULK_RESPONSES, operation_id="facilities_bulk",
             summary="批量登记物防设施（每校一条，按学校更新；全部成功或全部不写入，逐行报告）")
def bulk_facilities(request, data: sc.FacilityBulkIn):
    return _bulk(request, "facilities", data.items)


@router.post("/equipment/bulk", response=BULK_RESPONSES, operation_id="equipment_bulk",
             summary="批量登记防护装备数量（按学校与类别；全部成功或全部不写入，逐行报告）")
def bulk_equipment(request, data: sc.EquipmentBulkIn):
    return _bulk(request, "equipment", data.items)


@router.get("/guards/", response=list[sc.GuardRowOut], operation_id="guards_list", url_name="guards-list",
            summary="安保人员（管辖范围内各校，可按类别/状态/待补材料/背景审查/健康/区划/学校/首次聘用日期筛选、排序）")
@paginate(CountedPagination)
def list_guards(request, filters: GuardFilters = Query(...)):
    need(request, VIEW)
    qs, _data = api_filtered(request, GuardFilterSet, _guards(request), GUARD_ORDER)
    if has_perm(request.user, PERSONAL):
        record_read(actor=request.user, request=request, what=_("安保人员名册"), model="defense.Guard")
    return DeferredRows(qs, lambda g: guard_row(g, request.user))


@router.get("/guards/export", operation_id="guards_export", url_name="guards-export",
            summary="导出 Excel：安保人员（与列表相同的筛选条件，全部行；个人信息字段仅对可查看者填写）",
            openapi_extra={"responses": {200: {"description": "Excel", "content": {
                XLSX: {"schema": {"type": "string", "format": "binary"}}}}}})
def export_guards(request, filters: GuardFilters = Query(...)):
    need(request, VIEW)
    qs, data = api_filtered(request, GuardFilterSet, _guards(request), GUARD_ORDER)
    return export_response(qs, guard_columns(request.user), title=_("安保人员"), request=request,
                           filters={k: data.getlist(k) for k in data})


@router.get("/guards/{guard_id}", response=sc.GuardDetailOut, summary="安保人员详情（含培训记录）")
def get_guard(request, guard_id: int):
    guard = get_visible_or_404(request, _guards(request), guard_id, perm=VIEW)
    row = guard_row(guard, request.user)
    if row["personal"]:
        row["training_records"] = sorted(guard.trainings.all(), key=lambda t: (t.held_on, t.pk), reverse=True)
        record_read(guard, actor=request.user, request=request)
    return row


add_list_operations(
    router, name="facilities", path="/facilities/", perm=VIEW, filterset=FacilityFilterSet,
    queryset=lambda request: Facility.objects.visible_to(request.user, VIEW).select_related("school"),
    convert=lambda f: {**{k: getattr(f, k) for k in services.FACILITY_FIELDS}, "id": f.pk, "school_id": f.school_id,
                       "school_name": f.school.name, "region_code": f.region_code, "updated_at": f.updated_at,
                       "enclosure_type_label": f.get_enclosure_type_display(), "traffic_missing": f.traffic_missing},
    response=sc.FacilityRowOut, ordering=("school_id", "pk"), columns=FACILITY_COLUMNS, export_title="物防设施",
    summary="物防设施（管辖范围内各校，可按围墙/封闭化管理/门卫室/防冲撞/家长等候区/区划/学校/更新日期筛选）")

add_list_operations(
    router, name="equipment", path="/equipment/", perm=VIEW, filterset=EquipmentFilterSet,
    queryset=lambda request: Equipment.objects.visible_to(request.user, VIEW).select_related("school"),
    convert=lambda e: {"id": e.pk, "school_id": e.school_id, "school_name": e.school.name,
                       "region_code": e.region_code, "kind": e.kind, "kind_label": e.get_kind_display(),
                       "count": e.count, "updated_at": e.updated_at},
    response=sc.EquipmentRowOut, ordering=("school_id", "kind", "pk"), columns=EQUIPMENT_COLUMNS,
    export_title="防护装备", summary="防护装备（管辖范围内各校，可按类别/数量/区划/学校筛选）")


@router.get("/schools/{school_id}", response=sc.SchoolDefenseOut, summary="学校三防台账")
def get_school(request, school_id: int):
    school = get_visible_or_404(request, School, school_id, perm=VIEW)
    _personal, guards = services.read_roster(school, actor=request.user, request=request)
    equipment = [{"kind": e.kind, "kind_label": e.get_kind_display(), "count": e.count}
                 for e in Equipment.objects.filter(school=school)]
    return {"school_id": school.pk, "school_name": school.name, "guards": guards,
            "facility": Facility.objects.filter(school=school).first(), "equipment": equipment}


def _guard_out(request, g: Guard, trainings=None) -> dict:
    return services.guard_view(g, personal=services.may_see_personal(request.user, g.school), trainings=trainings)


def _guard_to_change(request, guard_id) -> Guard:
    return get_visible_or_404(request, Guard.objects.select_related("school"), guard_id, perm=CHANGE)


@router.post("/schools/{school_id}/guards", response={201: sc.GuardOut}, summary="登记安保人员")
def create_guard(request, school_id: int, data: sc.GuardIn):
    school = get_visible_or_404(request, School, school_id, perm=CHANGE)
    payload = data.dict(exclude={"id_number"}, exclude_none=True)
    guard = services.do_create_guard(school, payload, id_number=data.id_number, actor=request.user)
    return Status(201, _guard_out(request, guard, 0))


@router.patch("/guards/{guard_id}", response=sc.GuardOut, summary="修改安保人员信息")
def update_guard(request, guard_id: int, data: sc.GuardPatch):
    guard = services.do_update_guard(_guard_to_change(request, guard_id), data.dict(exclude_unset=True),
                                     actor=request.user)
    return _guard_out(request, guard)


@router.post("/guards/{guard_id}/release", response=sc.GuardOut, summary="安保人员离岗")
def release_guard(request, guard_id: int, data: sc.ReleaseIn):
    guard = services.do_release_guard(_guard_to_change(request, guard_id), data.left_on, actor=request.user)
    return _guard_out(request, guard)


@router.post("/guards/{guard_id}/trainings", response={201: sc.TrainingOut}, summary="登记培训记录")
def add_training(request, guard_id: int, data: sc.TrainingIn):
    training = services.do_add_training(_guard_to_change(request, guard_id), data.dict(), actor=request.user)
    return Status(201, training)


@router.put("/schools/{school_id}/facility", response=sc.FacilityOut, summary="登记/更新物防设施")
def put_facility(request, school_id: int, data: sc.FacilityIn):
    school = get_visible_or_404(request, School, school_id, perm=CHANGE)
    payload = data.dict()
    for key in ("anti_ramming_kinds", "traffic_needed", "traffic_installed"):
        payload[key] = [str(v.value if hasattr(v, "value") else v) for v in payload[key]]
    payload["enclosure_type"] = str(data.enclosure_type.value)
    return services.do_update_facility(school, payload, actor=request.user)


@router.put("/schools/{school_id}/equipment", response=list[sc.EquipmentOut], summary="登记防护装备数量")
def put_equipment(request, school_id: int, data: sc.EquipmentIn):
    school = get_visible_or_404(request, School, school_id, perm=CHANGE)
    counts = {str(k.value if hasattr(k, "value") else k): v for k, v in data.counts.items()}
    items = services.do_set_equipment(school, counts, actor=request.user)
    return [{"kind": e.kind, "kind_label": e.get_kind_display(), "count": e.count} for e in items]


@router.post("/schools/{school_id}/evidence", response={201: sc.EvidenceOut},
             summary="上传佐证材料（照片/文档），附到物防设施或某名安保人员")
def upload_evidence(request, school_id: int, file: File[UploadedFile], guard_id: Form[int | None] = None):
    school = get_visible_or_404(request, School, school_id, perm=CHANGE)
    if guard_id is not None:
        record = get_object_or_404(Guard.objects.filter(school=school), pk=guard_id)
    else:
        record = Facility.objects.filter(school=school).first()
        if record is None:
            raise ValidationError({"guard_id": _("该校尚未登记物防设施，请先登记或指定安保人员")})
    return Status(201, services.do_attach_evidence(record, file, actor=request.user))

