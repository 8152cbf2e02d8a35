"""Every state change of the core domain: schools, units, users, roles, tokens, attachments.

Pages, API and commands call these functions; each is atomic and writes its audit entry in the same
transaction. After a save the jurisdiction is checked again, so nobody moves a record out of reach.
"""

import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from huxiao.core import audit, events, moves
from huxiao.core.actions import is_system, require
from huxiao.core.audit_events import CoreAudit
from huxiao.core.choices import ROLE_UNIT_KINDS, AuditAction, UnitKind, UnitLevel
from huxiao.core.models import ApiToken, RoleAssignment, School, Unit, User
from huxiao.core.models.users import hash_token
from huxiao.core.scoping import can, scope_for
from huxiao.core.signals import SCHOOLS_CHANGED
from huxiao.core.validators import validate_region_code

SCHOOL_DERIVED_FIELDS = ("district", "region_code", "unit")


def school_in_reach(actor, perm, school: School):
    """Refuse (PermissionDenied) unless ``actor`` may ``perm`` where ``school`` is, or is going to be.
    Checked before anything is validated, so that no answer depends on what exists out of reach."""
    school.region_code = school.region_id or ""
    require(actor, perm, school)


def _code_taken(school: School, actor) -> str | None:
    """The refusal for a school code already registered, or None when it is free. A school the actor
    can see is named; for one out of sight the answer is the same whatever and wherever it is."""
    clash = School.objects.filter(code=school.code).exclude(pk=school.pk).first()
    if clash is None:
        return None
    if is_system(actor) or can(actor, "core.view_school", clash):
        return _("学校标识码 %(code)s 已登记为“%(name)s”") % {"code": school.code, "name": clash.name}
    return code_unavailable(school.code)


def code_unavailable(code: str) -> str:
    """The one refusal for a school code registered out of the user's sight (names nothing)."""
    return _("学校标识码 %(code)s 不能登记：该标识码已被使用。请核对教育部门下发的学校标识码；"
             "如确属本校，请联系上级教育行政部门核实") % {"code": code}


def validate_school(school: School, actor=None):
    """Every rule of a school record, one ValidationError naming each bad field. Uniqueness is checked
    here rather than by ``full_clean``, whose message would reveal schools out of the actor's reach."""
    errors = {}
    try:
        school.full_clean(exclude=SCHOOL_DERIVED_FIELDS, validate_unique=False)
    except ValidationError as exc:
        errors = exc.message_dict
    if school.region_id and "region" not in errors:
        try:
            validate_region_code(school.region_id, _("所在区划"))
        except ValidationError as exc:
            errors["region"] = exc.messages
    if school.code and "code" not in errors:
        taken = _code_taken(school, actor)
        if taken:
            errors["code"] = [taken]
    if school.region_id and school.name and "name" not in errors:
        namesake = Unit.objects.filter(kind=UnitKind.SCHOOL, region_id=school.region_id, name=school.name[:128])
        if school.unit_id:
            namesake = namesake.exclude(pk=school.unit_id)
        other = namesake.select_related("school").first()
        if other is not None:
            seen = is_system(actor) or (getattr(other, "school", None) is not None
                                        and can(actor, "core.view_school", other.school))
            errors["name"] = [_("%(region)s已有同名学校“%(name)s”") % {"region": school.region.name, "name": school.name}
                              if seen else _("同一区划内已有同名单位，请填写学校全称")]
    if errors:
        raise ValidationError(errors)


def _save_school(school: School, **kwargs):
    """Save; a code registered at the same moment by someone else gets the generic refusal, not a 500."""
    try:
        with transaction.atomic():
            school.save(**kwargs)
    except IntegrityError as exc:
        raise ValidationError({"code": [code_unavailable(school.code)]}) from exc


def _school_unit(school: School) -> Unit:
    return Unit(name=school.name[:128], kind=UnitKind.SCHOOL, level=UnitLevel.SCHOOL, region=school.region)


@transaction.atomic
def do_create_school(data: dict, *, actor) -> School:
    require(actor, "core.add_school")
    school = School(**data)
    school_in_reach(actor, "core.add_school", school)
    validate_school(school, actor)
    _save_school(school)
    require(actor, "core.add_school", school)
    unit = _school_unit(school)
    unit.save()
    school.unit = unit
    school.save(update_fields=["unit"])
    audit.record(AuditAction.CREATE, school, actor=actor, after=audit.snapshot(school), event=CoreAudit.CREATE_SCHOOL)
    events.emit(SCHOOLS_CHANGED, school_ids=[school.pk])
    return school


def _may_move(actor, school: School, previous_code: str):
    """A school changes region only by an official holding both regions (never by its own staff, whose
    reach is the school itself): refused before anything is checked there."""
    if is_system(actor):
        return
    scope = scope_for(actor, "core.change_school")
    if not (scope.covers(previous_code) and scope.covers(school.region_id or "")):
        raise PermissionDenied(_("变更学校所在区划须由同时管辖原区划和新区划的部门办理"))


@transaction.atomic
def do_update_school(school: School, data: dict, *, actor) -> School:
    """Change a school's record. A change of region moves the school (``core.moves``): in the same
    transaction its region history gets the next period and the records of its present state follow it
    to the new district's reach; one audit entry ("迁移学校") says what was re-stamped."""
    require(actor, "core.change_school", school)
    before = audit.snapshot(school)
    previous_code = school.region_code
    for field, value in data.items():
        setattr(school, field, value)
    moving = (school.region_id or "") != previous_code
    if moving:
        _may_move(actor, school, previous_code)
    school_in_reach(actor, "core.change_school", school)  # still within reach after the change
    validate_school(school, actor)
    _save_school(school)
    if school.unit_id and (school.unit.name != school.name or school.unit.region_id != school.region_id):
        school.unit.name, school.unit.region = school.name[:128], school.region
        school.unit.save()
    after = audit.snapshot(school)
    if moving:
        after["move"] = moves.move_school(school, previous_code)
    audit.record(AuditAction.UPDATE, school, actor=actor, before=before, after=after,
                 event=CoreAudit.MOVE_SCHOOL if moving else CoreAudit.UPDATE_SCHOOL)
    events.emit(SCHOOLS_CHANGED, school_ids=[school.pk])
    return school


@transaction.atomic
def do_delete_school(school: School, *, actor):
    require(actor, "core.delete_school", school)
    before = audit.snapshot(school)
    audit.record(AuditAction.DELETE, school, actor=actor, before=before, event=CoreAudit.DELETE_SCHOOL)
    unit = school.unit
    try:
        with transaction.atomic():
            school.delete()
            if unit is not None:
                unit.role_assignments.all().delete()
                unit.delete()
    except ProtectedError as exc:
        kinds = sorted({str(obj._meta.verbose_name) for obj in exc.protected_objects})
        raise ValidationError(_("该学校已有业务记录（%(kinds)s），不能删除") % {"kinds": "、".join(kinds)}) from exc


# --- users, roles, tokens --------------------------------------------------------------------

def _check_role_unit(role, unit: Unit):
    if unit.kind not in ROLE_UNIT_KINDS[role]:
        raise ValidationError({"role": _("角色“%(role)s”不能授予%(kind)s单位") % {
            "role": role.label if hasattr(role, "label") else role, "kind": unit.get_kind_display()}})


@transaction.atomic
def do_create_user(*, username, password, full_name="", phone="", roles=(), actor) -> User:
    require(actor, "core.manage_users")
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("账号 %(u)s 已存在") % {"u": username}})
    user = User(username=username, full_name=full_name, phone=phone)
    user.full_clean(exclude=["password"])
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save()
    audit.record(AuditAction.CREATE, user, actor=actor, after={"username": username, "full_name": full_name},
                 event=CoreAudit.CREATE_USER)
    for role, unit in roles:
        do_assign_role(user, role, unit, actor=actor)
    return user


@transaction.atomic
def do_assign_role(user: User, role, unit: Unit, *, actor) -> RoleAssignment:
    require(actor, "core.manage_users", unit)
    _check_role_unit(role, unit)
    assignment, created = RoleAssignment.objects.get_or_create(user=user, role=role, unit=unit)
    if created:
        audit.record(AuditAction.CREATE, assignment, actor=actor, region_code=unit.region_code,
                     after={"user": user.username, "role": role, "unit": unit.name}, event=CoreAudit.ASSIGN_ROLE)
    user.__dict__.pop("_huxiao_assignments", None)
    user.__dict__.pop("_huxiao_scopes", None)
    return assignment


@transaction.atomic
def do_revoke_role(assignment: RoleAssignment, *, actor):
    require(actor, "core.manage_users", assignment.unit)
    audit.record(AuditAction.DELETE, assignment, actor=actor, region_code=assignment.unit.region_code,
                 before={"user": assignment.user.username, "role": assignment.role, "unit": assignment.unit.name},
                 event=CoreAudit.REVOKE_ROLE)
    assignment.delete()


@transaction.atomic
def do_set_user_active(user: User, active: bool, *, actor):
    """启用 or 停用 an account; an administrator never 停用s their own."""
    require(actor, "core.manage_users")
    if not active and user == actor:
        raise ValidationError(_("不能停用自己的账号"))
    before = {"is_active": user.is_active}
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record(AuditAction.UPDATE, user, actor=actor, before=before, after={"is_active": active},
                 event=CoreAudit.SET_USER_ACTIVE)


@transaction.atomic
def do_issue_token(user: User, name: str, *, actor, days: int | None = None) -> tuple[ApiToken, str]:
    """Create an API token valid for ``days`` (API_TOKEN_DAYS by default); the raw value is returned once
    and never stored. Police users need a confirmed second factor first."""
    from datetime import timedelta

    from huxiao.core import authcache, twofactor

    if actor != user:
        require(actor, "core.manage_users")
    days = settings.API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= 366:
        raise ValidationError({"days": _("有效期须在 1 至 366 天之间")})
    if twofactor.is_police(user) and not authcache.has_second_factor(user.pk):
        raise ValidationError({"name": _("公安用户须先启用双因素认证，才能生成 API 令牌")})
    raw = "hx_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:64] or "API", prefix=raw[3:9], key_hash=hash_token(raw),
                                    expires_at=timezone.now() + timedelta(days=days))
    audit.record(AuditAction.CREATE, token, actor=actor, after={"user": user.username, "name": token.name,
                                                                "days": days}, event=CoreAudit.ISSUE_TOKEN)
    return token, raw


@transaction.atomic
def do_revoke_token(token: ApiToken, *, actor):
    if actor != token.user:
        require(actor, "core.manage_users")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(AuditAction.UPDATE, token, actor=actor, after={"revoked": True}, event=CoreAudit.REVOKE_TOKEN)


@transaction.atomic
def do_sign_out_everywhere(user: User, *, actor):
    """End every session of ``user`` (the session hash includes session_epoch) and revoke every token."""
    if actor != user:
        require(actor, "core.manage_users")
    from django.db.models import F

    user.session_epoch = F("session_epoch") + 1
    user.save(update_fields=["session_epoch"])  # a save: its signals close the user's consoles at once
    user.refresh_from_db(fields=["session_epoch"])
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    from huxiao.core import authcache

    authcache.forget_user(user.pk)  # update() sends no signals: drop the cached tokens here
    audit.record(AuditAction.LOGOUT, user, actor=actor, after={"everywhere": True, "tokens_revoked": revoked},
                 event=CoreAudit.SIGN_OUT_EVERYWHERE)


def user_for_token(raw: str):
    """The user of a live API token: not revoked, not expired, user active, and for police users a
    confirmed second factor. None otherwise."""
    if not raw or not raw.startswith("hx_") or len(raw) > 100:
        return None
    from huxiao.core import authcache, twofactor

    token = authcache.token(hash_token(raw))
    if token is None or token.expired or not token.user.is_active:
        return None
    if twofactor.is_police(token.user) and not authcache.has_second_factor(token.user_id):
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        token.last_used_at = now
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        authcache.remember_token(token)
    return token.user


# --- attachments -----------------------------------------------------------------------------

def notify(users, title, body="", url="", level="info"):
    """Notify ``users`` once the surrounding transaction commits: in-app, and by e-mail or SMS as each
    chose for ``level`` (core.notifications); their open pages' unread badges update (core.push)."""
    from huxiao.core import notifications

    notifications.send(users, title, body, url, level)
