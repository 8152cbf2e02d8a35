"""Every change of the 三防 records. Each is atomic and audited, and announces ``defense.changed`` for the
school: compliance re-evaluates it after the commit (its handler), so dashboards follow the records
without the registry depending on compliance."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huxiao.core import audit, crypto, events
from huxiao.core.actions import acting_user, require
from huxiao.core.choices import AuditAction
from huxiao.core.scoping import can
from huxiao.core.validators import DateKind, validate_id_number, validate_plausible_date
from huxiao.defense.audit_events import DefenseAudit
from huxiao.defense.choices import BackgroundResult, EquipmentKind, GuardCategory
from huxiao.defense.models import Equipment, Facility, Guard, GuardTraining
from huxiao.defense.permissions import CHANGE, PERSONAL
from huxiao.defense.signals import CHANGED

GUARD_FIELDS = ("name", "category", "license_number", "birth_date", "first_hired_on", "background_checked_on",
                "background_result", "health_status", "phone")
FACILITY_FIELDS = ("enclosure_type", "enclosure_height_m", "gate_duty_room", "closed_management", "vehicle_access",
                   "anti_ramming_needed", "anti_ramming_kinds", "parent_waiting_area", "traffic_needed",
                   "traffic_installed")
# The audit log keeps neither the ID number's ciphertext and hash nor the birth date (with the ID's last 4
# characters it would narrow the number to a few hundred candidates); encrypted phones it keeps masked.
AUDIT_EXCLUDE = ("id_number_encrypted", "id_number_index", "birth_date")
PERSONAL_FIELDS = ("id_number_masked", "license_number", "first_hired_on", "hire_age", "background_checked_on",
                   "background_result", "background_result_label", "health_status", "health_status_label",
                   "phone", "left_on", "trainings")

REFUSED = gettext_lazy("无权修改该校三防台账")


def _changed(school):
    events.emit(CHANGED, school_ids=[school.pk])


def _birth_from_id(id_number: str) -> datetime.date:
    return datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def _check_guard(guard: Guard, today=None):
    today = today or timezone.localdate()
    errors = {}
    for field, kind in (("birth_date", DateKind.BIRTH), ("first_hired_on", DateKind.HIRE),
                        ("background_checked_on", DateKind.HIRE)):
        try:
            validate_plausible_date(getattr(guard, field), kind, Guard._meta.get_field(field).verbose_name, today=today)
        except ValidationError as exc:
            errors[field] = exc.messages[0]
    if guard.birth_date and guard.first_hired_on and guard.first_hired_on < guard.birth_date + datetime.timedelta(
            days=16 * 365):
        errors["first_hired_on"] = _("首次聘用日期应在年满16周岁之后")
    if guard.first_hired_on and guard.first_hired_on > today:
        errors["first_hired_on"] = _("首次聘用日期不能晚于今天")
    if guard.background_result != BackgroundResult.PENDING and not guard.background_checked_on:
        errors["background_checked_on"] = _("已有审查结果时须填写背景审查日期")
    if guard.background_checked_on and guard.background_checked_on > today:
        errors["background_checked_on"] = _("背景审查日期不能晚于今天")
    if guard.category == GuardCategory.FULL_TIME and guard.license_number and not guard.license_number.strip():
        errors["license_number"] = _("保安员证号不能为空白")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def do_create_guard(school, data: dict, *, id_number: str, actor) -> Guard:
    """Add a guard to the roster. The ID number is validated (GB 11643), stored encrypted with a keyed
    hash for exact look-ups, and must agree with the birth date."""
    require(actor, CHANGE, school, message=REFUSED)
    try:
        id_number = validate_id_number(id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from exc
    except (KeyError, ValueError) as exc:  # python-stdnum fails this way on some area codes
        raise ValidationError({"id_number": _("身份证号码无效：%(v)s") % {"v": id_number[:18]}}) from exc
    birth = _birth_from_id(id_number)
    data = {k: v for k, v in data.items() if k in GUARD_FIELDS}
    data.setdefault("birth_date", birth)
    if data["birth_date"] != birth:
        raise ValidationError({"birth_date": _("出生日期与身份证号不一致（身份证为 %(d)s）") % {"d": birth.isoformat()}})
    index = crypto.blind_index(id_number)
    if Guard.objects.filter(school=school, id_number_index__in=crypto.blind_indexes(id_number), active=True).exists():
        raise ValidationError({"id_number": _("该身份证号的人员已在本校安保名册中")})
    guard = Guard(school=school, recorded_by=acting_user(actor),
                  id_number_encrypted=crypto.encrypt(id_number), id_number_index=index,
                  id_number_masked=crypto.mask_id_number(id_number), **data)
    guard.full_clean(exclude=["region_code", "recorded_by", "evidence"])
    _check_guard(guard)
    guard.save()
    audit.record(AuditAction.CREATE, guard, actor=actor, after=audit.snapshot(guard, exclude=AUDIT_EXCLUDE),
                 event=DefenseAudit.ADD_GUARD)
    _changed(school)
    return guard


@transaction.atomic
def do_update_guard(guard: Guard, data: dict, *, actor) -> Guard:
    require(actor, CHANGE, guard, message=REFUSED)
    before = audit.snapshot(guard, exclude=AUDIT_EXCLUDE)
    for key, value in data.items():
        if key not in GUARD_FIELDS:
            raise ValidationError({key: _("该字段不可修改")})
        setattr(guard, key, value)
    if guard.birth_date != _birth_from_id(crypto.decrypt(guard.id_number_encrypted)):
        raise ValidationError({"birth_date": _("出生日期与身份证号不一致")})
    guard.full_clean(exclude=["region_code", "recorded_by", "evidence"])
    _check_guard(guard)
    guard.save()
    audit.record(AuditAction.UPDATE, guard, actor=actor, before=before,
                 after=audit.snapshot(guard, exclude=AUDIT_EXCLUDE), event=DefenseAudit.CHANGE_GUARD)
    _changed(guard.school)
    return guard


@transaction.atomic
def do_release_guard(guard: Guard, left_on: datetime.date, *, actor) -> Guard:
    """A guard leaves (离岗): active → left. Leaving twice is an error."""
    require(actor, CHANGE, guard, message=REFUSED)
    if not guard.active:
        raise ValidationError({"active": _("%(n)s 已于 %(d)s 离岗") % {"n": guard.name, "d": guard.left_on}})
    if left_on < guard.first_hired_on or left_on > timezone.localdate():
        raise ValidationError({"left_on": _("离岗日期应在首次聘用日期与今天之间")})
    guard.active, guard.left_on = False, left_on
    guard.save(update_fields=["active", "left_on", "updated_at"])
    audit.record(AuditAction.UPDATE, guard, actor=actor, before={"active": True},
                 after={"active": False, "left_on": str(left_on)}, event=DefenseAudit.RELEASE_GUARD)
    _changed(guard.school)
    return guard


@transaction.atomic
def do_add_training(guard: Guard, data: dict, *, actor, evidence=()) -> GuardTraining:
    require(actor, CHANGE, guard, message=REFUSED)
    training = GuardTraining(guard=guard, recorded_by=acting_user(actor), **data)
    training.full_clean(exclude=["recorded_by", "evidence"])
    if training.held_on > timezone.localdate():
        raise ValidationError({"held_on": _("培训日期不能晚于今天")})
    training.save()
    if evidence:
        training.evidence.set(evidence)
    audit.record(AuditAction.CREATE, guard, actor=actor, after={"training": training.topic,
                                                                "held_on": str(training.held_on)},
                 event=DefenseAudit.ADD_TRAINING)
    return training


@transaction.atomic
def do_update_facility(school, data: dict, *, actor, evidence=()) -> Facility:
    """Create or update the school's 物防 record."""
    require(actor, CHANGE, school, message=REFUSED)
    facility = Facility.objects.filter(school=school).first()
    before = audit.snapshot(facility) if facility else None
    if facility is None:
        facility = Facility(school=school)
    for key, value in data.items():
        if key not in FACILITY_FIELDS:
            raise ValidationError({key: _("未知字段")})
        setattr(facility, key, value)
    _check_facility(facility)
    facility.recorded_by = acting_user(actor)
    facility.save()
    if evidence:
        facility.evidence.add(*evidence)
    audit.record(AuditAction.UPDATE if before else AuditAction.CREATE, facility, actor=actor, before=before,
                 after=audit.snapshot(facility), event=DefenseAudit.CHANGE_FACILITY)
    _changed(school)
    return facility


def _check_facility(f: Facility):
    from huxiao.defense.choices import BarrierKind, EnclosureType, TrafficFacility

    f.full_clean(exclude=["region_code", "recorded_by", "evidence", "school"])
    errors = {}
    if f.enclosure_type == EnclosureType.NONE and f.enclosure_height_m:
        errors["enclosure_height_m"] = _("无围墙护栏时不应填写高度")
    if f.enclosure_height_m is not None and not (0 < f.enclosure_height_m <= 10):
        errors["enclosure_height_m"] = _("围墙高度应在 0 到 10 米之间")
    for field, choices in (("anti_ramming_kinds", BarrierKind), ("traffic_needed", TrafficFacility),
                           ("traffic_installed", TrafficFacility)):
        value = getattr(f, field)
        if not isinstance(value, list) or any(v not in choices.values for v in value) or len(set(value)) != len(value):
            errors[field] = _("取值应为不重复的列表，限于：%(c)s") % {"c": "、".join(choices.values)}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def do_set_equipment(school, counts: dict, *, actor) -> list[Equipment]:
    """Set the count of each kind of protective equipment (kinds not named are left as they are)."""
    require(actor, CHANGE, school, message=REFUSED)
    for kind, count in counts.items():
        if kind not in EquipmentKind.values:
            raise ValidationError({"kind": _("未知的装备类别：%(k)s") % {"k": kind}})
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 10000:
            raise ValidationError({kind: _("数量应为 0 到 10000 的整数")})
    before = {e.kind: e.count for e in Equipment.objects.filter(school=school)}
    for kind, count in counts.items():
        Equipment.objects.update_or_create(school=school, kind=kind, defaults={
            "count": count, "region_code": school.region_code,
            "recorded_by": acting_user(actor)})
    audit.record(AuditAction.UPDATE, school, actor=actor, model="defense.Equipment", before=before,
                 after={**before, **counts}, object_repr=f"{school.name}·防护装备", event=DefenseAudit.SET_EQUIPMENT)
    _changed(school)
    return list(Equipment.objects.filter(school=school))


def find_guards_by_id_number(id_number: str, queryset):
    """Exact look-up by ID number through the keyed hash (the number itself is never queried); during a
    key rotation the hash under any configured key matches."""
    return queryset.filter(id_number_index__in=crypto.blind_indexes(id_number))


# --- what the roster shows, and to whom ------------------------------------------------------------

def may_see_personal(user, school) -> bool:
    """The roster's personal fields (ID tail, age at first hire, phone, certificate, background check,
    health) are for the school's security staff and the supervising education and police officials whose
    jurisdiction covers the school; everyone else who may see the roster (a guard, 政法委, administrators)
    sees names only."""
    return can(user, PERSONAL, school)


def guard_view(guard: Guard, *, personal: bool, trainings=None) -> dict:
    """One roster row. Never the birth date or the ID number beyond its last 4 characters: the first-hire
    age rule is worked out here (``hire_age``), so nobody needs the date itself."""
    row = {"id": guard.pk, "name": guard.name, "category": guard.category,
           "category_label": str(guard.get_category_display()), "active": guard.active, "personal": personal}
    if not personal:
        return row | dict.fromkeys(PERSONAL_FIELDS)
    return row | {
        "id_number_masked": crypto.mask_id_number(guard.id_number_masked), "license_number": guard.license_number,
        "first_hired_on": guard.first_hired_on, "hire_age": guard.hire_age,
        "background_checked_on": guard.background_checked_on, "background_result": guard.background_result,
        "background_result_label": str(guard.get_background_result_display()),
        "health_status": guard.health_status, "health_status_label": str(guard.get_health_status_display()),
        "phone": guard.phone, "left_on": guard.left_on,
        "trainings": trainings if trainings is not None else guard.trainings.count()}


def read_roster(school, *, actor, request=None) -> tuple[bool, list[dict]]:
    """The school's roster as ``actor`` may see it, and whether with personal fields. Every read is one
    ``read`` entry in the audit log naming the school (not one per guard)."""
    from django.db.models import Count

    personal = may_see_personal(actor, school)
    guards = Guard.objects.filter(school=school).annotate(n_trainings=Count("trainings")).order_by(
        "-active", "category", "name")
    rows = [guard_view(g, personal=personal, trainings=g.n_trainings) for g in guards]
    audit.record_read(school, actor=actor, request=request)
    return personal, rows


@transaction.atomic
def do_attach_evidence(record, uploaded, *, actor):
    """Store a photo or document (type and size checked by core) and attach it to a guard, training or the
    facility record of the school as evidence."""
    require(actor, CHANGE, record.guard if isinstance(record, GuardTraining) else record, message=REFUSED)
    school = record.guard.school if isinstance(record, GuardTraining) else record.school
    from huxiao.core.attachments import do_store_attachment

    attachment = do_store_attachment(uploaded, actor=actor, school=school)
    record.evidence.add(attachment)
    audit.record(AuditAction.UPDATE, record.guard if isinstance(record, GuardTraining) else record, actor=actor,
                 after={"evidence": attachment.original_name}, event=DefenseAudit.ATTACH_EVIDENCE)
    return attachment
