"""三防 API: lists across schools (guards, facilities, equipment, each with an Excel export), a school's
records, a guard with their trainings; registering and changing guards (leave, trainings), the 物防
facility, protective equipment and evidence."""

from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from huxiao.core.bulk_schemas import plain
from huxiao.core.models import School
from huxiao.core.records.api import (
    add_create_operation,
    add_detail_operation,
    add_list_operations,
    add_record_operation,
)
from huxiao.core.records.extra_api import add_bulk_operation
from huxiao.core.records.views import get_visible_or_404
from huxiao.defense import bulk, selectors, services
from huxiao.defense import schemas as sc
from huxiao.defense.filters import (
    EQUIPMENT_COLUMNS,
    FACILITY_COLUMNS,
    EquipmentFilterSet,
    FacilityFilterSet,
    GuardFilterSet,
    guard_columns,
)
from huxiao.defense.models import Equipment, Facility, Guard
from huxiao.defense.permissions import CHANGE, VIEW

router = Router(tags=["defense"])
GUARD_ORDER = ("-active", "school_id", "category", "name", "pk")


def _guards(request):
    return Guard.objects.visible_to(request.user, VIEW).select_related("school").prefetch_related("trainings")


# before /guards/{guard_id}: ninja's path parameter would take "bulk" for an id
for kind, schema, text in (
        ("guards", sc.GuardBulkIn, "批量登记安保人员（全部成功或全部不写入，逐行报告；同一学校同一身份证号为同一人，重试不重复登记）"),
        ("facilities", sc.FacilityBulkIn, "批量登记物防设施（每校一条，按学校更新；全部成功或全部不写入，逐行报告）"),
        ("equipment", sc.EquipmentBulkIn, "批量登记防护装备数量（按学校与类别；全部成功或全部不写入，逐行报告）")):
    add_bulk_operation(router, f"/{kind}/bulk", name=f"{kind}_bulk", perm=CHANGE, payload=schema, summary=text,
                       run=lambda rows, actor, kind=kind: bulk.do_bulk(kind, rows, actor=actor))


add_list_operations(
    router, name="guards", path="/guards/", perm=VIEW, filterset=GuardFilterSet, queryset=_guards,
    convert_for=lambda request: lambda g: selectors.guard_row(g, request.user), on_list=selectors.record_roster_read,
    response=sc.GuardRowOut, ordering=GUARD_ORDER, columns=lambda request: guard_columns(request.user),
    export_title="安保人员", summary="安保人员（管辖范围内各校，可按类别/状态/待补材料/背景审查/健康/区划/学校/首次聘用日期筛选、排序）",
    export_summary_text="导出 Excel：安保人员（与列表相同的筛选条件，全部行；个人信息字段仅对可查看者填写）")
add_detail_operation(router, "/guards/{guard_id}", name="guards_detail", queryset=_guards, perm=VIEW,
                     convert=lambda g, request: selectors.guard_detail(g, request.user), read_what="", audit_if=lambda row: row["personal"],
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
    return {"school_id": school.pk, "school_name": school.name,
            **selectors.school_defense(school, actor=request.user, request=request)}


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
    payload = {key: plain(value) for key, value in data.dict().items()}
    return services.do_update_facility(school, payload, actor=request.user)


def _put_equipment(request, school, data):
    return services.do_set_equipment(school, {plain(k): v for k, v in data.counts.items()}, actor=request.user)


add_record_operation(router, "put", "/schools/{school_id}/facility", name="facility_put", queryset=School, perm=CHANGE,
                     payload=sc.FacilityIn, act=_put_facility, response=sc.FacilityOut, summary="登记/更新物防设施")
add_record_operation(router, "put", "/schools/{school_id}/equipment", name="equipment_put", queryset=School,
                     perm=CHANGE, payload=sc.EquipmentIn, act=_put_equipment, response=list[sc.EquipmentOut],
                     summary="登记防护装备数量")


@router.post("/schools/{school_id}/evidence", response={201: sc.EvidenceOut},
             summary="上传佐证材料（照片/文档），附到物防设施或某名安保人员")
def upload_evidence(request, school_id: int, file: File[UploadedFile], guard_id: Form[int | None] = None):
    school = get_visible_or_404(request, School, school_id, perm=CHANGE)
    record = selectors.evidence_record(school, guard_id)
    return Status(201, services.do_attach_evidence(record, file, actor=request.user))

