"""Password changes: self-service, administrator reset (a change is forced at the next sign-in), expiry.

The policy (AUTH_PASSWORD_VALIDATORS: length, strength, common list, no account name) applies whenever a
password is set here. An administrator never chooses the new password: a random one is generated and
shown once, and its holder must replace it at the next sign-in.
"""

import secrets
import string
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huxiao.core import audit
from huxiao.core.audit_events import CoreAudit
from huxiao.core.choices import AuditAction
from huxiao.core.scoping import can

ALPHABET = string.ascii_letters + string.digits + "!@#%*-_=+?"


def require_manage(actor, user):
    """``actor`` administers users and reaches one of ``user``'s units (or the user has none)."""
    if not can(actor, "core.manage_users"):
        raise PermissionDenied(_("无权执行此操作"))
    units = [a.unit for a in user.role_assignments.select_related("unit")]
    if units and not any(can(actor, "core.manage_users", unit) for unit in units):
        raise PermissionDenied(_("无权执行此操作"))


def expires_at(user):
    """When the user's password expires, or None when expiry is off."""
    days = settings.PASSWORD_MAX_AGE_DAYS
    if not days:
        return None
    return (user.password_changed_at or user.date_joined) + timedelta(days=days)


def must_change(user) -> bool:
    """The next sign-in must set a new password: reset by an administrator, or expired."""
    if user.must_change_password:
        return True
    deadline = expires_at(user)
    return deadline is not None and deadline <= timezone.now()


def _check(password, user, field="new_password1"):
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


@transaction.atomic
def do_change_password(user, new_password, *, old_password=None, actor):
    """The user sets their own password. ``old_password`` is checked unless the sign-in that forced the
    change has just verified it. Other sessions of the user end (their hash no longer matches)."""
    if actor != user:
        raise PermissionDenied(_("只能修改自己的密码"))
    if old_password is not None and not user.check_password(old_password):
        raise ValidationError({"old_password": [_("原密码不正确")]})
    if user.check_password(new_password):
        raise ValidationError({"new_password1": [_("新密码不能与原密码相同")]})
    _check(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    audit.record(AuditAction.UPDATE, user, actor=actor, after={"password": "changed"}, event=CoreAudit.CHANGE_PASSWORD)


def generate_password(length=16) -> str:
    """A random password that satisfies the policy (all four character classes)."""
    while True:
        candidate = "".join(secrets.choice(ALPHABET) for _ in range(length))
        if all(any(c in group for c in candidate) for group in (string.ascii_lowercase, string.ascii_uppercase,
                                                                   string.digits, "!@#%*-_=+?")):
            return candidate


@transaction.atomic
def do_reset_password(user, *, actor) -> str:
    """An administrator resets ``user``'s password: returns the one-time password to hand over. The
    user's sessions end and the next sign-in must choose a new password."""
    require_manage(actor, user)
    temporary = generate_password()
    user.set_password(temporary)
    user.must_change_password = True
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    audit.record(AuditAction.UPDATE, user, actor=actor, after={"password": "reset", "must_change_password": True},
                 event=CoreAudit.RESET_PASSWORD)
    return temporary
