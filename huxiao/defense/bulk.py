"""Many 三防 records at once — guards, facilities, equipment — from the bulk API and the Excel import.

Each row goes through the same service as a single record (``services.do_create_guard`` …), so every rule
holds; ``core.import_rows`` runs the rows all or nothing and reports every bad row at once. Rows find
their record by natural key, so a retry writes nothing new:

- a guard: the school and the ID number (an active guard of that school with that number is updated
  with the row's other fields, or left alone when nothing differs);
- a facility: the school (one 物防 record per school);
- equipment: the school and the kind.

The school is named by ``school_id`` or by its 学校标识码 (``school_code``, the Excel column); a school
outside the user's reach and a school that does not exist get the same answer.
"""

import os

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huxiao.core import audit
from huxiao.core.actions import require
from huxiao.core.choices import AuditAction
from huxiao.core.import_rows import Field, Outcome, apply_rows, summary
from huxiao.core.models import School
from huxiao.core.validators import validate_id_number
from huxiao.defense import services
from huxiao.defense.audit_events import DefenseAudit
from huxiao.defense.choices import (
    BackgroundResult,
    BarrierKind,
    EnclosureType,
    EquipmentKind,
    GuardCategory,
    HealthStatus,
    TrafficFacility,
)
from huxiao.defense.models import Equipment, Facility, Guard
from huxiao.defense.permissions import CHANGE

SCHOOL_FIELDS = [
    Field("school_code", gettext_lazy("学校标识码"), example="2132041301", note=gettext_lazy("或在接口中给 school_id")),
]
GUARD_FIELDS = SCHOOL_FIELDS + [
    Field("name", gettext_lazy("姓名"), True, example="张卫国"),
    Field("category", gettext_lazy("类别"), True, "choice", GuardCategory, "专职保安员"),
    Field("id_number", gettext_lazy("身份证号"), True, example="320482199003121230",
          note=gettext_lazy("同一学校同一身份证号视为同一人：再次导入时更新其余字段")),
    Field("license_number", gettext_lazy("保安员证号"), example="苏0420230001"),
    Field("birth_date", gettext_lazy("出生日期"), kind="date", note=gettext_lazy("留空时取身份证上的出生日期")),
    Field("first_hired_on", gettext_lazy("首次聘用日期"), True, "date", example="2023-09-01"),
    Field("background_checked_on", gettext_lazy("背景审查日期"), kind="date", example="2023-08-20"),
    Field("background_result", gettext_lazy("背景审查结果"), kind="choice", choices=BackgroundResult, example="通过"),
    Field("health_status", gettext_lazy("健康状况"), kind="choice", choices=HealthStatus, example="健康"),
    Field("phone", gettext_lazy("联系电话"), example="13912345678"),
]
FACILITY_FIELDS = SCHOOL_FIELDS + [
    Field("enclosure_type", gettext_lazy("围墙/护栏"), True, "choice", EnclosureType, "实体围墙"),
    Field("enclosure_height_m", gettext_lazy("围墙高度(米)"), kind="decimal", example="2.2"),
    Field("gate_duty_room", gettext_lazy("门卫值班室"), True, "bool", example="是"),
    Field("closed_management", gettext_lazy("封闭化管理"), True, "bool", example="是"),
    Field("vehicle_access", gettext_lazy("校门前可通行机动车"), kind="bool", example="是", note=gettext_lazy("留空为“是”")),
    Field("anti_ramming_needed", gettext_lazy("需安装硬质防冲撞设施"), kind="bool", example="是",
          note=gettext_lazy("留空为“是”")),
    Field("anti_ramming_kinds", gettext_lazy("已安装防冲撞设施"), kind="list", choices=BarrierKind, example="隔离栏、升降柱"),
    Field("parent_waiting_area", gettext_lazy("家长等候区"), kind="bool", example="否"),
    Field("traffic_needed", gettext_lazy("周边需设交通设施"), kind="list", choices=TrafficFacility, example="减速带、警示标志"),
    Field("traffic_installed", gettext_lazy("周边已设交通设施"), kind="list", choices=TrafficFacility, example="减速带"),
]
EQUIPMENT_FIELDS = SCHOOL_FIELDS + [
    Field("kind", gettext_lazy("装备类别"), True, "choice", EquipmentKind, "安全叉（钢叉）"),
    Field("count", gettext_lazy("数量"), True, "int", example="4"),
]
FACILITY_DEFAULTS = {"vehicle_access": True, "anti_ramming_needed": True, "parent_waiting_area": False,
                     "anti_ramming_kinds": [], "traffic_needed": [], "traffic_installed": []}


def school_for(data: dict, actor, perm: str) -> School:
    """The row's school, within ``actor``'s reach for ``perm``; one answer for "no such school" and
    "not yours" (a ValidationError on the field the row named it by)."""
    schools = School.objects.visible_to(actor, perm)
    school_id, code = data.get("school_id"), (data.get("school_code") or "").strip()
    if school_id is None and not code:
        raise ValidationError({"school_code": _("请填写学校标识码（或 school_id）")})
    school = schools.filter(pk=school_id).first() if school_id is not None else schools.filter(code=code).first()
    if school is None:
        key = "school_id" if school_id is not None else "school_code"
        raise ValidationError({key: _("学校不存在或不在您的管辖范围内：%(s)s") % {"s": school_id or code}})
    return school


def _guard(data: dict, actor) -> Outcome:
    school = school_for(data, actor, CHANGE)
    fields = {k: data[k] for k in services.GUARD_FIELDS if data.get(k) not in (None, "")}
    for key, default in (("background_result", BackgroundResult.PENDING), ("health_status", HealthStatus.HEALTHY)):
        fields.setdefault(key, default)
    raw_id = (data.get("id_number") or "").strip().upper()
    existing = None
    try:
        number = validate_id_number(raw_id)
    except (ValidationError, KeyError, ValueError):
        number = None  # the create below says what is wrong with it
    if number:
        existing = services.find_guards_by_id_number(number, Guard.objects.filter(school=school, active=True)).first()
    if existing is None:
        guard = services.do_create_guard(school, fields, id_number=raw_id, actor=actor)
        return Outcome("created", guard.pk)
    changes = {k: v for k, v in fields.items() if getattr(existing, k) != v}
    if not changes:
        return Outcome("unchanged", existing.pk)
    services.do_update_guard(existing, changes, actor=actor)
    return Outcome("updated", existing.pk)


def _facility(data: dict, actor) -> Outcome:
    school = school_for(data, actor, CHANGE)
    fields = {k: data.get(k) for k in services.FACILITY_FIELDS}
    for key, default in FACILITY_DEFAULTS.items():
        if fields[key] is None:
            fields[key] = default
    for key in ("enclosure_type", "gate_duty_room", "closed_management"):
        if fields[key] is None:
            raise ValidationError({key: _("此项必填")})
    existing = Facility.objects.filter(school=school).first()
    if existing is not None and all(_same(getattr(existing, k), v) for k, v in fields.items()):
        return Outcome("unchanged", existing.pk)
    facility = services.do_update_facility(school, fields, actor=actor)
    return Outcome("updated" if existing else "created", facility.pk)


def _same(stored, given) -> bool:
    if stored is None or given is None:
        return stored is given
    try:
        return stored == type(stored)(given)
    except (TypeError, ValueError, ArithmeticError):
        return False


def _equipment(data: dict, actor) -> Outcome:
    school = school_for(data, actor, CHANGE)
    kind, count = data.get("kind"), data.get("count")
    if kind is None:
        raise ValidationError({"kind": _("此项必填")})
    if count is None:
        raise ValidationError({"count": _("此项必填")})
    existing = Equipment.objects.filter(school=school, kind=kind).first()
    if existing is not None and existing.count == count:
        return Outcome("unchanged", existing.pk)
    try:
        services.do_set_equipment(school, {kind: count}, actor=actor)
    except ValidationError as exc:  # the service names the kind as the field of a bad count
        if hasattr(exc, "error_dict") and kind in exc.error_dict:
            raise ValidationError({"count": exc.error_dict[kind]}) from exc
        raise
    return Outcome("updated" if existing else "created", Equipment.objects.get(school=school, kind=kind).pk)


KINDS = {
    "guards": (GUARD_FIELDS, _guard, DefenseAudit.BULK_GUARDS, "defense.Guard", gettext_lazy("安保人员")),
    "facilities": (FACILITY_FIELDS, _facility, DefenseAudit.BULK_FACILITIES, "defense.Facility",
                   gettext_lazy("物防设施")),
    "equipment": (EQUIPMENT_FIELDS, _equipment, DefenseAudit.BULK_EQUIPMENT, "defense.Equipment",
                  gettext_lazy("防护装备")),
}


def do_bulk(kind: str, rows: list[tuple[int, dict]], *, actor, source: str = "api") -> list:
    """Write ``rows`` of ``kind`` ("guards", "facilities", "equipment") all or nothing; returns
    ``[(row, Outcome)]`` or raises ``import_rows.RowsRejected`` with every problem. One summary entry in
    the audit log when anything changed (each record's own entry comes from its service)."""
    require(actor, CHANGE, message=services.REFUSED)
    fields, handle, event, model, label = KINDS[kind]

    def audit_summary(outcomes):
        counts = summary(outcomes)
        if counts["created"] or counts["updated"]:
            codes = [s.region_code for s in School.objects.filter(pk__in=_school_ids(kind, outcomes))]
            audit.record(AuditAction.IMPORT, actor=actor, model=model, region_code=_common_prefix(codes),
                         object_repr=_("批量登记%(w)s %(n)d 行") % {"w": label, "n": len(outcomes)},
                         after={**counts, "source": source}, event=event)

    return apply_rows(rows, lambda data: handle(data, actor), fields, after=audit_summary)


def _school_ids(kind, outcomes):
    model = {"guards": Guard, "facilities": Facility, "equipment": Equipment}[kind]
    ids = [o.id for _n, o in outcomes if o.result != "unchanged"]
    return model.objects.filter(pk__in=ids).values_list("school_id", flat=True)


def _common_prefix(codes: list[str]) -> str:
    """The audit entry's place: the region holding every school written."""
    return os.path.commonprefix(codes)
