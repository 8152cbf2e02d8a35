"""Audit sign-ins, sign-outs and failed sign-ins."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from huxiao.core import audit
from huxiao.core.choices import AuditAction


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit.record(AuditAction.LOGIN, actor=user, request=request, model="core.User", object_repr=user.username)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(AuditAction.LOGOUT, actor=user, request=request, model="core.User",
                     object_repr=user.username)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    audit.record(AuditAction.LOGIN_FAILED, request=request, model="core.User",
                 object_repr=str(credentials.get("username", ""))[:150])
