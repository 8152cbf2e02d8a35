"""Every state change of inspections and supervision. A failed item becomes a hazard on the ledger
through huxiao.hazards.services.do_report_hazard, in the same transaction — nothing is typed twice."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huxiao.core import audit
from huxiao.core.actions import acting_user, require
from huxiao.core.attachments import attachments_for
from huxiao.core.choices import AuditAction, Role
from huxiao.core.models import Region, School
from huxiao.core.scoping import roles_of, scope_for
from huxiao.hazards.choices import HazardCategory, HazardSource, Severity
from huxiao.hazards.services import do_report_hazard
from huxiao.inspections import constants as C
from huxiao.inspections.audit_events import InspectionAudit
from huxiao.inspections.choices import InspectionMode, PlanKind, PlanLevel
from huxiao.inspections.coverage import coverage, plan_progress  # noqa: F401 (the figures: callers read them here)
from huxiao.inspections.models import (
    ChecklistItem,
    ChecklistTemplate,
    Inspection,
    InspectionPlan,
    InspectionResult,
    Semester,
)


def _region_in_reach(actor, perm, region) -> bool:
    return scope_for(actor, perm).covers_region(region)


def current_semester(today=None) -> Semester:
    """The configured semester covering ``today``, or the default one (autumn 1 Sep, spring 1 Feb)."""
    today = today or timezone.localdate()
    configured = Semester.objects.filter(start__lte=today, end__gte=today).order_by("-start").first()
    if configured:
        return configured
    autumn = datetime.date(today.year, *C.AUTUMN_START)
    spring = datetime.date(today.year, *C.SPRING_START)
    if today >= autumn:
        start, end, name = autumn, datetime.date(today.year + 1, *C.SPRING_START) - datetime.timedelta(1), \
            f"{today.year}-{today.year + 1}学年第一学期"
    elif today >= spring:
        start, end, name = spring, autumn - datetime.timedelta(1), f"{today.year - 1}-{today.year}学年第二学期"
    else:
        start, end, name = datetime.date(today.year - 1, *C.AUTUMN_START), spring - datetime.timedelta(1), \
            f"{today.year - 1}-{today.year}学年第一学期"
    return Semester(name=name, start=start, end=end)


def semester_for(today=None) -> Semester:
    """The current semester, stored so plans can point at it."""
    semester = current_semester(today)
    if semester.pk is None:
        semester, _created = Semester.objects.get_or_create(
            name=semester.name, defaults={"start": semester.start, "end": semester.end})
    return semester


# --- templates -------------------------------------------------------------------------------

@transaction.atomic
def do_create_template(name, items, *, actor, region, source="") -> ChecklistTemplate:
    """An official builds a checklist for their region; ``items`` are dicts (text, category, severity,
    deadline_days)."""
    require(actor, "inspections.manage_template")
    if region is None or not _region_in_reach(actor, "inspections.manage_template", region):
        raise ValidationError({"region": _("区域不在您的管辖范围内")})
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("此项必填")
    rows = [i for i in (items or []) if (i.get("text") or "").strip()]
    if not rows:
        errors["items"] = _("至少需要一个检查项")
    for n, item in enumerate(rows):
        if item.get("category", HazardCategory.CAMPUS) not in HazardCategory.values:
            errors[f"items[{n}].category"] = _("无效的隐患类别")
        if item.get("severity", Severity.GENERAL) not in Severity.values:
            errors[f"items[{n}].severity"] = _("无效的等级")
        days = item.get("deadline_days", 30)
        if not isinstance(days, int) or not 1 <= days <= 365:
            errors[f"items[{n}].deadline_days"] = _("整改时限须在 1～365 天之间")
        if len(item["text"].strip()) > 200:
            errors[f"items[{n}].text"] = _("不能超过 200 个字")
    if errors:
        raise ValidationError(errors)
    template = ChecklistTemplate.objects.create(name=name[:100], source=(source or "")[:200],
                                                region_code=region.code, created_by=acting_user(actor))
    ChecklistItem.objects.bulk_create([
        ChecklistItem(template=template, order=n, text=i["text"].strip(),
                      category=i.get("category", HazardCategory.CAMPUS), severity=i.get("severity", Severity.GENERAL),
                      deadline_days=i.get("deadline_days", 30)) for n, i in enumerate(rows, start=1)])
    audit.record(AuditAction.CREATE, template, actor=actor, after={"name": name, "items": len(rows)},
                 event=InspectionAudit.ADD_TEMPLATE)
    return template


# --- plans -----------------------------------------------------------------------------------

def plan_level(region) -> str:
    return {"province": PlanLevel.PROVINCE, "city": PlanLevel.CITY}.get(region.level, PlanLevel.COUNTY)


@transaction.atomic
def do_create_plan(data: dict, *, actor) -> InspectionPlan:
    """A plan of a region's authorities for a semester; its frequency must meet the seed's minimum."""
    require(actor, "inspections.manage_plan")
    region = data.get("region")
    if isinstance(region, str):
        region = Region.objects.filter(pk=region).first()
    if region is None or not _region_in_reach(actor, "inspections.manage_plan", region):
        raise ValidationError({"region": _("区域不在您的管辖范围内")})
    template = data.get("template")
    if template is None:
        raise ValidationError({"template": _("请选择检查表")})
    level = plan_level(region)
    times = data.get("times") or 0
    minimum = C.MIN_PER_SEMESTER[level]
    errors = {}
    if times < minimum:
        errors["times"] = _("%(level)s检查督导每学期至少 %(n)d 次") % {"level": PlanLevel(level).label, "n": minimum}
    if times > 30:
        errors["times"] = _("每学期检查次数不能超过 30 次")
    if not (data.get("name") or "").strip():
        errors["name"] = _("此项必填")
    if data.get("mode", InspectionMode.ANNOUNCED) not in InspectionMode.values:
        errors["mode"] = _("无效的检查方式")
    if data.get("kind", PlanKind.ROUTINE) not in PlanKind.values:
        errors["kind"] = _("无效的计划类型")
    if errors:
        raise ValidationError(errors)
    plan = InspectionPlan.objects.create(
        name=data["name"].strip()[:100], region=region, level=level,
        semester=data.get("semester") or semester_for(), times=times, policy=data.get("policy"), kind=data.get("kind", PlanKind.ROUTINE),
        joint=bool(data.get("joint", True)), mode=data.get("mode", InspectionMode.ANNOUNCED), template=template,
        created_by=acting_user(actor))
    audit.record(AuditAction.CREATE, plan, actor=actor, after=audit.snapshot(plan), event=InspectionAudit.ADD_PLAN)
    return plan


# --- inspections -----------------------------------------------------------------------------

def hazard_source(actor, *, mode, joint, plan) -> str:
    if mode == InspectionMode.UNANNOUNCED:
        return HazardSource.UNANNOUNCED
    if plan is not None and plan.kind == PlanKind.SPECIAL:
        return HazardSource.SPECIAL
    if joint:
        return HazardSource.JOINT_INSPECTION
    if roles_of(actor) & {Role.INSPECTOR} and not roles_of(actor) & {Role.EDUCATION_OFFICER}:
        return HazardSource.INSPECTOR
    return HazardSource.SUPERVISION


def _date(value, field):
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({field: _("日期格式应为 YYYY-MM-DD")}) from None


@transaction.atomic
def do_record_inspection(school: School, *, template, actor, inspected_on, results, plan=None, joint=False,
                         mode=InspectionMode.ANNOUNCED, inspectors="", summary="", now=None) -> Inspection:
    """Record an inspection item by item; every failed item becomes a hazard with its deadline.

    ``results``: one dict per checklist item — item (id), passed, note, photos (attachment ids), and for a
    failure optionally place, severity, measures, deadline (else the item's default time limit).
    """
    require(actor, "inspections.record_inspection", school)
    now = now or timezone.now()
    today = timezone.localdate(now)
    inspected_on = _date(inspected_on, "inspected_on")
    errors = {}
    if inspected_on > today:
        errors["inspected_on"] = _("检查日期不能晚于今天")
    elif inspected_on < today - datetime.timedelta(days=30):
        errors["inspected_on"] = _("只能补录 30 天内的检查")
    if mode not in InspectionMode.values:
        errors["mode"] = _("无效的检查方式")
    if not (inspectors or "").strip():
        errors["inspectors"] = _("请填写检查人员")
    items = {i.pk: i for i in template.items.all()}
    given = [r.get("item") for r in results]
    if sorted(given, key=str) != sorted(items, key=str) or len(set(given)) != len(given):
        errors["results"] = _("须逐项填写检查表的全部 %(n)d 个检查项") % {"n": len(items)}
    for n, r in enumerate(results):
        if not r.get("passed") and not (r.get("note") or "").strip():
            errors[f"results[{n}].note"] = _("不合格项须填写问题说明")
    if errors:
        raise ValidationError(errors)
    inspection = Inspection.objects.create(
        plan=plan, school=school, template=template, inspected_on=inspected_on, joint=joint, mode=mode,
        inspectors=inspectors.strip()[:200], summary=(summary or "").strip(), recorded_by=acting_user(actor),
        created_at=now)
    source = hazard_source(actor, mode=mode, joint=joint, plan=plan)
    for n, r in enumerate(sorted(results, key=lambda r: items[r["item"]].order)):
        item = items[r["item"]]
        result = InspectionResult(inspection=inspection, item=item, passed=bool(r.get("passed")),
                                  note=(r.get("note") or "").strip())
        if not result.passed:
            deadline = r.get("deadline") or (inspected_on + datetime.timedelta(days=item.deadline_days))
            try:
                result.hazard = do_report_hazard(school, {
                    "place": (r.get("place") or "").strip() or item.text[:200], "description": result.note,
                    "category": item.category, "severity": r.get("severity") or item.severity, "source": source,
                    "found_on": inspected_on, "responsible_unit": school.name,
                    "responsible_person": school.principal_name or _("校长"),
                    "measures": (r.get("measures") or "").strip(), "deadline": deadline,
                }, actor=actor, photos=r.get("photos") or (), policy=plan.policy if plan else None, now=now)
            except ValidationError as exc:
                raise ValidationError({f"results[{n}].{k}": v for k, v in exc.message_dict.items()}) from None
        result.save()
        photos = attachments_for(r.get("photos") or (), school, actor, f"results[{n}].photos")
        if photos:
            result.photos.set(photos)
    audit.record(AuditAction.CREATE, inspection, actor=actor, event=InspectionAudit.RECORD, after={
        "school": school.name, "date": str(inspected_on), "failed": sum(1 for r in results if not r.get("passed"))})
    return inspection
