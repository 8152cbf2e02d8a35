"""三防 API: lists across schools (guards, facilities, equipment, each with an Excel export), a school's
records, a guard with their trainings; registering and changing guards (leave, trainings), the 物防
facility, protective equipment and evidence."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from huxiao.core.bulk_schemas import BulkOut, BulkRejected, answer, rows_of
from huxiao.core.import_rows import RowsRejected
from huxiao.core.models import School
from huxiao.core.records.api import (
    add_create_operation,
    add_detail_operation,
    add_list_operations,
    add_operation,
    add_record_operation,
    need,
)
from huxiao.core.records.views import get_visible_or_404
from huxiao.defense import bulk, services
from huxiao.defense import schemas as sc
from huxiao.defense.filters import (
    EQUIPMENT_COLUMNS,
    FACILITY_COLUMNS,
    EquipmentFilterSet,
    FacilityFilterSet,
    GuardFilterSet,
    guard_columns,
    guard_row,
    record_roster_read,
)
from huxiao.defense.models import Equipment, Facility, Guard

router = Router(tags=["defense"])
VIEW, CHANGE = "defense.view_records", "defense.change_records"
GUARD_ORDER = ("-active", "school_id", "category", "name", "pk")


def _guards(request):
    return Guard.objects.visible_to(request.user, VIEW).select_related("school").prefetch_related("trainings")


# before /guards/{guard_id}: ninja's path parameter would take "bulk" for an id
def _bulk(request, kind: str, items):
    need(request, CHANGE)
    try:
        outcomes = bulk.do_bulk(kind, rows_of(items), actor=request.user)
    except RowsRejected as exc:
        return Status(400, {"detail": str(exc), "errors": exc.errors})
    return Status(200, answer(outcomes))


BULK_RESPONSES = {200: BulkOut, 400: BulkRejected}


for kind, schema, text in (
        ("guards", sc.GuardBulkIn, "批量登记安保人员（全部成功或全部不写入，逐行报告；同一学校同一身份证号为同一人，重试不重复登记）"),
        ("facilities", sc.FacilityBulkIn, "批量登记物防设施（每校一条，按学校更新；全部成功或全部不写入，逐行报告）"),
        ("equipment", sc.EquipmentBulkIn, "批量登记防护装备数量（按学校与类别；全部成功或全部不写入，逐行报告）")):
    add_operation(router, "post", f"/{kind}/bulk", name=f"{kind}_bulk", payload=schema, response=BULK_RESPONSES,
                  summary=text, handler=lambda request, data, kind=kind: _bulk(request, kind, data.items))


def _guard_detail(guard, request) -> dict:
    row = guard_row(guard, request.user)
    if row["personal"]:
        row["training_records"] = sorted(guard.trainings.all(), key=lambda t: (t.held_on, t.pk), reverse=True)
    return row


add_list_operations(
    router, name="guards", path="/guards/", perm=VIEW, filterset=GuardFilterSet, queryset=_guards,
    convert_for=lambda request: lambda g: guard_row(g, request.user), on_list=record_roster_read,
    response=sc.GuardRowOut, ordering=GUARD_ORDER, columns=lambda request: guard_columns(request.user),
    export_title="安保人员", summary="安保人员（管辖范围内各校，可按类别/状态/待补材料/背景审查/健康/区划/学校/首次聘用日期筛选、排序）",
    export_summary_text="导出 Excel：安保人员（与列表相同的筛选条件，全部行；个人信息字段仅对可查看者填写）")
add_detail_operation(router, "/guards/{guard_id}", name="guards_detail", queryset=_guards, perm=VIEW,
                     convert=_guard_detail, read_what="", audit_if=lambda row: row["personal"],
                     response=sc.GuardDetailOut, summary="安保人员详情（含培训记录）")


add_list_operations(
    router, name="facilities", path="/facilities/", perm=VIEW, filterset=FacilityFilterSet,
    queryset=lambda request: Facility.objects.visible_to(request.user, VIEW).select_related("school"),
    response=sc.FacilityRowOut, ordering=("school_id", "pk"), columns=FACILITY_COLUMNS, export_title="物防设施",
    summary="物防设施（管辖范围内各校，可按围墙/封闭化管理/门卫室/防冲撞/家长等候区/区划/学校/更新日期筛选）")

add_list_operations(
    router, name="equipment", path="/equipment/", perm=VIEW, filterset=EquipmentFilterSet,
    queryset=lambda request: Equipment.objects.visible_to(request.user, VIEW).select_related("school"),
    response=sc.EquipmentRowOut, ordering=("school_id", "kind", "pk"), columns=EQUIPMENT_COLUMNS,
    export_title="防护装备", summary="防护装备（管辖范围内各校，可按类别/数量/区划/学校筛选）")


@router.get("/schools/{school_id}", response=sc.SchoolDefenseOut, summary="学校三防台账")
def get_school(request, school_id: int):
    school = get_visible_or_404(request, School, school_id, perm=VIEW)
    _personal, guards = services.read_roster(school, actor=request.user, request=request)
    return {"school_id": school.pk, "school_name": school.name, "guards": guards,
            "facility": Facility.objects.filter(school=school).first(),
            "equipment": list(Equipment.objects.filter(school=school))}


def _guard_out(g: Guard, request, trainings=None) -> dict:
    return services.guard_view(g, personal=services.may_see_personal(request.user, g.school), trainings=trainings)


def _create_guard(request, school, data):
    payload = data.dict(exclude={"id_number"}, exclude_none=True)
    return services.do_create_guard(school, payload, id_number=data.id_number, actor=request.user)


GUARDS = Guard.objects.select_related("school")
add_create_operation(router, "/schools/{school_id}/guards", name="guards_create", payload=sc.GuardIn,
                     create=_create_guard, target=School, target_perm=CHANGE, response=sc.GuardOut,
                     convert=lambda g, r: _guard_out(g, r, 0), summary="登记安保人员")
add_record_operation(router, "patch", "/guards/{guard_id}", name="guards_update", queryset=GUARDS, perm=CHANGE,
                     payload=sc.GuardPatch, convert=_guard_out, response=sc.GuardOut, summary="修改安保人员信息",
                     act=lambda r, g, data: services.do_update_guard(g, data.dict(exclude_unset=True), actor=r.user))
add_record_operation(router, "post", "/guards/{guard_id}/release", name="guards_release", queryset=GUARDS,
                     perm=CHANGE, payload=sc.ReleaseIn, convert=_guard_out, response=sc.GuardOut,
                     act=lambda r, g, data: services.do_release_guard(g, data.left_on, actor=r.user),
                     summary="安保人员离岗")
add_record_operation(router, "post", "/guards/{guard_id}/trainings", name="guards_training", queryset=GUARDS,
                     perm=CHANGE, payload=sc.TrainingIn, response=sc.TrainingOut, status=201,
                     act=lambda r, g, data: services.do_add_training(g, data.dict(), actor=r.user),
                     summary="登记培训记录")


def _put_facility(request, school, data):
    payload = data.dict()
    for key in ("anti_ramming_kinds", "traffic_needed", "traffic_installed"):
        payload[key] = [str(v.value if hasattr(v, "value") else v) for v in payload[key]]
    payload["enclosure_type"] = str(data.enclosure_type.value)
    return services.do_update_facility(school, payload, actor=request.user)


def _put_equipment(request, school, data):
    counts = {str(k.value if hasattr(k, "value") else k): v for k, v in data.counts.items()}
    return services.do_set_equipment(school, counts, actor=request.user)


add_record_operation(router, "put", "/schools/{school_id}/facility", name="facility_put", queryset=School, perm=CHANGE,
                     payload=sc.FacilityIn, act=_put_facility, response=sc.FacilityOut, summary="登记/更新物防设施")
add_record_operation(router, "put", "/schools/{school_id}/equipment", name="equipment_put", queryset=School,
                     perm=CHANGE, payload=sc.EquipmentIn, act=_put_equipment, response=list[sc.EquipmentOut],
                     summary="登记防护装备数量")


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

