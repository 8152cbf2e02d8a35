"""Every state change of the hazard ledger. Pages, API and tasks call these; each is atomic and writes
its typed audit entry (and the HazardEvent of the transition) in the same transaction.

The life cycle is the TRANSITIONS table below (core.actions.TransitionTable) — one ``do_<verb>`` per row,
nothing else changes status.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huxiao.core import audit
from huxiao.core.actions import Transition, TransitionTable, acting_user, require
from huxiao.core.attachments import attachments_for
from huxiao.core.choices import AuditAction, Role
from huxiao.core.scoping import has_perm, roles_of, scope_for
from huxiao.core.services import notify
from huxiao.core.validators import DateKind, validate_plausible_date
from huxiao.hazards.audit_events import HazardAudit
from huxiao.hazards.choices import HazardAction, HazardCategory, HazardSource, HazardStatus, Severity
from huxiao.hazards.models import EscalationPolicy, Hazard, HazardEvent

S = HazardStatus
NOTE_MESSAGE = gettext_lazy("请填写说明（整改情况或退回原因）")

TRANSITIONS = TransitionTable(
    rows={
        HazardAction.START: Transition(frozenset({S.PENDING}), S.RECTIFYING, "hazards.rectify_hazard"),
        HazardAction.SUBMIT: Transition(
            frozenset({S.RECTIFYING}), S.AWAITING, "hazards.rectify_hazard", note_required=True,
            evidence_required=True, note_message=NOTE_MESSAGE,
            evidence_message=gettext_lazy("提交验收须上传整改佐证材料（照片或文件）")),
        HazardAction.CLOSE: Transition(frozenset({S.AWAITING}), S.CLOSED, "hazards.accept_hazard"),
        HazardAction.REWORK: Transition(frozenset({S.AWAITING}), S.RECTIFYING, "hazards.accept_hazard",
                                        note_required=True, note_message=NOTE_MESSAGE),
    },
    action_labels=dict(HazardAction.choices),
    state_labels=dict(HazardStatus.choices),
)
AUDIT_EVENTS = {HazardAction.START: HazardAudit.START, HazardAction.SUBMIT: HazardAudit.SUBMIT,
                HazardAction.CLOSE: HazardAudit.CLOSE, HazardAction.REWORK: HazardAudit.REWORK}

HAZARD_FIELDS = ("place", "description", "category", "severity", "source", "found_on", "responsible_unit",
                 "responsible_person", "measures", "deadline")
REQUIRED_FIELDS = ("place", "description", "category", "source", "responsible_unit", "responsible_person",
                   "deadline")
SCHOOL_ROLES = (Role.PRINCIPAL, Role.SECURITY_OFFICER)
EDUCATION_ROLES = (Role.EDUCATION_OFFICER, Role.INSPECTOR)
POLICE_ROLES = (Role.STATION_OFFICER, Role.POLICE_SUPERVISOR)


def hazard_url(hazard) -> str:
    return reverse("hazard-detail", args=[hazard.pk])


def responsible_users(school, *, roles=SCHOOL_ROLES + EDUCATION_ROLES + POLICE_ROLES, up_to="district"):
    """The three parties of a school (三方督办): its own staff, its district's education bureau and its
    police (station and 分局). ``up_to="city"`` adds the city level (挂牌督办 at the next level up)."""
    from huxiao.core.choices import RegionLevel
    from huxiao.core.reach import users_reaching

    return users_reaching(school, roles, up_to=RegionLevel.CITY if up_to == "city" else RegionLevel.COUNTY)


def clean_hazard_data(data: dict, *, today) -> dict:
    """Check the fields of a new hazard; raise one ValidationError naming every bad field."""
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k in HAZARD_FIELDS}
    errors = {}
    for field in REQUIRED_FIELDS:
        if data.get(field) in (None, ""):
            errors[field] = _("此项必填")
    data.setdefault("severity", Severity.GENERAL)
    data["found_on"] = data.get("found_on") or today
    choices = {"category": HazardCategory, "severity": Severity, "source": HazardSource}
    for field, enum in choices.items():
        if data.get(field) and data[field] not in enum.values:
            errors[field] = _("无效的选项：%(v)s") % {"v": data[field]}
    for field in ("found_on", "deadline"):
        value = data.get(field)
        if value and not isinstance(value, datetime.date):
            try:
                data[field] = datetime.date.fromisoformat(str(value))
            except ValueError:
                errors[field] = _("日期格式应为 YYYY-MM-DD")
    found_on, deadline = data.get("found_on"), data.get("deadline")
    if isinstance(found_on, datetime.date) and found_on > today:
        errors["found_on"] = _("发现日期不能晚于今天")
    elif isinstance(found_on, datetime.date) and "found_on" not in errors:
        try:
            validate_plausible_date(found_on, DateKind.EVENT, _("发现日期"), today=today)
        except ValidationError as exc:
            errors["found_on"] = exc.messages[0]
    if isinstance(deadline, datetime.date) and "deadline" not in errors:
        if deadline < today:
            errors["deadline"] = _("整改时限不能早于今天")
        elif deadline > today + datetime.timedelta(days=366):
            errors["deadline"] = _("整改时限不能超过一年")
    limits = {"place": 200, "responsible_unit": 128, "responsible_person": 64}
    for field, limit in limits.items():
        if len(str(data.get(field) or "")) > limit:
            errors[field] = _("不能超过 %(n)d 个字") % {"n": limit}
    if errors:
        raise ValidationError(errors)
    return data


@transaction.atomic
def do_report_hazard(school, data: dict, *, actor, photos=(), self_check=None, policy=None, now=None) -> Hazard:
    """Put a hazard on the ledger (挂账) and tell the three parties."""
    require(actor, "hazards.report_hazard", school)
    now = now or timezone.now()
    data = clean_hazard_data(data, today=timezone.localdate(now))
    photo_rows = attachments_for(photos, school, actor, "photos")
    hazard = Hazard(school=school, found_by=acting_user(actor), self_check=self_check, policy=policy,
                    created_at=now, **data)
    hazard.save()
    if photo_rows:
        hazard.photos.set(photo_rows)
    HazardEvent.objects.create(hazard=hazard, action=HazardAction.REPORT, from_status="", to_status=hazard.status,
                               actor=acting_user(actor), at=now, note=hazard.measures)
    audit.record(AuditAction.CREATE, hazard, actor=actor, after=audit.snapshot(hazard), event=HazardAudit.REPORT)
    title = _("新登记隐患：%(school)s %(place)s（%(sev)s，整改时限 %(d)s）") % {
        "school": school.name, "place": hazard.place, "sev": hazard.get_severity_display(), "d": hazard.deadline}
    notify([u for u in responsible_users(school) if u != actor], title, hazard.description, hazard_url(hazard))
    return hazard


def transition_error(hazard, action) -> str | None:
    """Why ``action`` cannot be applied to the hazard in its present status (None when it can)."""
    return TRANSITIONS.refusal(hazard.status, action)


def available_actions(hazard, user) -> list:
    return TRANSITIONS.available(hazard, user)


@transaction.atomic
def _transition(hazard, action, *, actor, note="", evidence=(), now=None) -> Hazard:
    require(actor, TRANSITIONS[action].perm, hazard)
    hazard = Hazard.objects.select_for_update().get(pk=hazard.pk)
    note = (note or "").strip()
    # permission, status and note on the locked row; the evidence once its ids are known to be usable
    rule = TRANSITIONS.check(hazard, action, actor=actor, note=note, evidence=evidence)
    rows = attachments_for(evidence, hazard.school, actor, "evidence")
    if rule.evidence_required and not rows:
        raise ValidationError({"evidence": rule.evidence_message})
    now = now or timezone.now()
    before = {"status": hazard.status}
    event = HazardEvent.objects.create(hazard=hazard, action=action, from_status=hazard.status,
                                       to_status=rule.target, actor=acting_user(actor), at=now, note=note)
    if rows:
        event.evidence.set(rows)
    hazard.status = rule.target
    fields = ["status", "updated_at"]
    if rule.target == S.CLOSED:
        hazard.closed_at = now
        hazard.days_to_close = max(0, (timezone.localdate(now) - hazard.found_on).days)
        fields += ["closed_at", "days_to_close"]
    hazard.save(update_fields=fields)
    audit.record(AuditAction.UPDATE, hazard, actor=actor, before=before, after={"status": hazard.status, "note": note},
                 event=AUDIT_EVENTS[action])
    title = _("隐患%(action)s：%(school)s %(place)s") % {
        "action": HazardAction(action).label, "school": hazard.school.name, "place": hazard.place}
    notify([u for u in responsible_users(hazard.school) if u != actor], title, note, hazard_url(hazard))
    return hazard


def do_start_rectification(hazard, *, actor, note="", evidence=(), now=None):
    """待整改 → 整改中 (the school)."""
    return _transition(hazard, HazardAction.START, actor=actor, note=note, evidence=evidence, now=now)


def do_submit_rectification(hazard, *, actor, note="", evidence=(), now=None):
    """整改中 → 待验收 (the school, with a note and evidence)."""
    return _transition(hazard, HazardAction.SUBMIT, actor=actor, note=note, evidence=evidence, now=now)


def do_close_hazard(hazard, *, actor, note="", evidence=(), now=None):
    """待验收 → 已销号 (an inspector of 教育 or 公安 of the jurisdiction; never the school)."""
    return _transition(hazard, HazardAction.CLOSE, actor=actor, note=note, evidence=evidence, now=now)


def do_rework_hazard(hazard, *, actor, note="", evidence=(), now=None):
    """待验收 → 整改中 again (返工), with the reason."""
    return _transition(hazard, HazardAction.REWORK, actor=actor, note=note, evidence=evidence, now=now)


DO = {HazardAction.START: do_start_rectification, HazardAction.SUBMIT: do_submit_rectification,
      HazardAction.CLOSE: do_close_hazard, HazardAction.REWORK: do_rework_hazard}


POLICY_FIELDS = ("name", "campaign", "region_code", "is_default", "remind_days_before", "notice_after_days",
                 "interview_after_days", "listing_after_days", "self_check_due_day")


def can_manage_policy(user, policy) -> bool:
    """A region's officials manage its campaign policies; the platform-wide ones (blank region) belong
    to system administrators."""
    if not has_perm(user, "hazards.manage_policy"):
        return False
    if not policy.region_code:
        return user.is_superuser or Role.SYSADMIN in roles_of(user)
    return scope_for(user, "hazards.manage_policy").covers(policy.region_code)


def policies_for(user):
    """The policies a user may apply to a hazard in reach: the platform-wide ones and their regions'."""
    scope = scope_for(user, "hazards.view_hazard")
    return EscalationPolicy.objects.filter(Q(region_code="") | scope.q_in_or_above("region_code"))


@transaction.atomic
def do_save_policy(policy: EscalationPolicy | None, data: dict, *, actor) -> EscalationPolicy:
    """Create or change the ladder thresholds of a campaign."""
    require(actor, "hazards.manage_policy")
    if policy is not None and not can_manage_policy(actor, policy):
        raise PermissionDenied(_("无权修改该督办规则"))
    policy = policy or EscalationPolicy()
    before = audit.snapshot(policy) if policy.pk else None
    for field in POLICY_FIELDS:
        if field in data:
            setattr(policy, field, data[field])
    if not can_manage_policy(actor, policy):
        raise ValidationError({"region_code": _("区划不在您的管辖范围内")})
    if policy.is_default and policy.region_code:
        raise ValidationError({"is_default": _("只有全省通用规则可以设为默认")})
    policy.full_clean()
    if policy.is_default:
        EscalationPolicy.objects.exclude(pk=policy.pk).update(is_default=False)
    policy.save()
    audit.record(AuditAction.UPDATE if before else AuditAction.CREATE, policy, actor=actor, before=before,
                 after=audit.snapshot(policy), event=HazardAudit.CHANGE_POLICY if before else HazardAudit.ADD_POLICY)
    return policy
