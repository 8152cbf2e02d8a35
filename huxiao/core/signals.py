"""Audit sign-ins, sign-outs and failed sign-ins; drop cached identities when they change."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver
from django.utils.translation import gettext_lazy

from huxiao.core import audit, authcache, events
from huxiao.core.audit import audit_events
from huxiao.core.choices import AuditAction
from huxiao.core.models import ApiToken, RoleAssignment, Unit, User

# Emitted by the school services and the import once the schools are committed: apps that evaluate schools
# (compliance) take in a new, changed or moved school then, however it was written (bulk imports too).
SCHOOLS_CHANGED = events.declare("core.schools_changed", "schools registered, imported, changed or moved (school_ids)",
                                 merge=("school_ids",))


@audit_events
class SessionAudit(models.TextChoices):
    SIGN_IN = "core.sign_in", gettext_lazy("登录")
    SIGN_OUT = "core.sign_out", gettext_lazy("退出登录")
    SIGN_IN_FAILED = "core.sign_in_failed", gettext_lazy("登录失败")


# Sent after the commit, with ``user_ids`` (and ``session_keys`` of a sign-out), when who a user is may have
# changed: sign-out, the user saved (deactivated, password), a role assignment or a unit changed. Live
# connections (the alarm console) re-check those users.
identity_changed = Signal()


def _identity_changed(user_ids, session_keys=()):
    user_ids, session_keys = list(user_ids), list(session_keys)
    transaction.on_commit(lambda: identity_changed.send(sender=User, user_ids=user_ids, session_keys=session_keys))


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit.record(AuditAction.LOGIN, actor=user, request=request, model="core.User", object_repr=user.username,
                 event=SessionAudit.SIGN_IN)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(AuditAction.LOGOUT, actor=user, request=request, model="core.User",
                     object_repr=user.username, event=SessionAudit.SIGN_OUT)
        _identity_changed([user.pk], [getattr(getattr(request, "session", None), "session_key", None)])


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    audit.record(AuditAction.LOGIN_FAILED, request=request, model="core.User",
                 object_repr=str(credentials.get("username", ""))[:150], event=SessionAudit.SIGN_IN_FAILED)


@receiver([post_save, post_delete], sender=RoleAssignment)
def _roles_changed(sender, instance, **kwargs):
    authcache.forget_user(instance.user_id)
    _identity_changed([instance.user_id])


@receiver([post_save, post_delete], sender=User)
def _user_changed(sender, instance, **kwargs):
    authcache.forget_user(instance.pk)
    _identity_changed([instance.pk])


@receiver([post_save, post_delete], sender=ApiToken)
def _token_changed(sender, instance, **kwargs):
    authcache.forget_token(instance.key_hash)


@receiver([post_save, post_delete], sender=Unit)
def _unit_changed(sender, instance, **kwargs):
    user_ids = list(RoleAssignment.objects.filter(unit_id=instance.pk).values_list("user_id", flat=True))
    for user_id in user_ids:
        authcache.forget_user(user_id)
    _identity_changed(user_ids)
