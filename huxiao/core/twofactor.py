"""Second factor: TOTP (django-otp) with one-time recovery codes (django-otp's static devices).

Required for police roles (REQUIRE_OTP_FOR_POLICE) and system administrators (REQUIRE_OTP_FOR_ADMINS);
anyone may enrol, and whoever has a confirmed device is asked for a code at every sign-in. The QR code
is drawn here (segno, inline SVG): the secret never leaves the server for a QR service.
"""

import segno
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from huxiao.core import audit, authcache
from huxiao.core.audit_events import CoreAudit
from huxiao.core.choices import POLICE_ROLES, AuditAction, Role
from huxiao.core.passwords import require_manage

RECOVERY_CODES = 10
DEVICE_NAME = "护校安园"
RECOVERY_NAME = "recovery"


def required_for(user) -> bool:
    roles = {a.role for a in authcache.assignments(user)}
    if settings.HUXIAO_REQUIRE_OTP_FOR_POLICE and roles & set(POLICE_ROLES):
        return True
    return settings.HUXIAO_REQUIRE_OTP_FOR_ADMINS and (Role.SYSADMIN in roles or user.is_superuser)


def is_police(user) -> bool:
    return any(a.role in POLICE_ROLES for a in authcache.assignments(user))


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_NAME).count()


def pending_device(user):
    """The unconfirmed TOTP device of an enrolment in progress (the same secret on every reload)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def qr_svg(device) -> str:
    return segno.make(device.config_url, error="m").svg_inline(scale=4, border=2, dark="#212529")


def secret_text(device) -> str:
    from base64 import b32encode

    raw = b32encode(device.bin_key).decode()
    return " ".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def _clean(code) -> str:
    return "".join(str(code or "").split())[:16]


@transaction.atomic
def do_confirm_enrolment(user, code, *, actor) -> list[str]:
    """Confirm the pending device with a code from the app; returns the new recovery codes (shown once)."""
    if actor != user:
        raise PermissionDenied(_("只能为自己的账号启用双因素认证"))
    if confirmed_device(user) is not None:
        raise ValidationError({"otp_token": [_("已启用双因素认证")]})
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
    if device is None or not _clean(code).isdigit() or not device.verify_token(_clean(code)):
        raise ValidationError({"otp_token": [_("动态口令不正确，请核对手机时间后重新输入")]})
    device.confirmed = True
    device.save()
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    audit.record(AuditAction.UPDATE, user, actor=actor, after={"second_factor": "enrolled"},
                 event=CoreAudit.ENROL_SECOND_FACTOR)
    return _new_recovery_codes(user)


def _new_recovery_codes(user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@transaction.atomic
def do_renew_recovery_codes(user, code, *, actor) -> list[str]:
    """New recovery codes (the old ones stop working), confirmed with a current TOTP code."""
    device = confirmed_device(user)
    if actor != user or device is None:
        raise PermissionDenied(_("只能为自己的账号生成恢复码"))
    if not _clean(code).isdigit() or not device.verify_token(_clean(code)):
        raise ValidationError({"otp_token": [_("动态口令不正确")]})
    audit.record(AuditAction.UPDATE, user, actor=actor, after={"recovery_codes": "renewed"},
                 event=CoreAudit.RENEW_RECOVERY_CODES)
    return _new_recovery_codes(user)


@transaction.atomic
def do_reset_second_factor(user, *, actor):
    """An administrator removes a user's devices (lost phone); the user enrols again at the next
    sign-in when a second factor is required for them."""
    require_manage(actor, user)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit.record(AuditAction.UPDATE, user, actor=actor, after={"second_factor": "reset"},
                 event=CoreAudit.RESET_SECOND_FACTOR)


@receiver([post_save, post_delete], sender=TOTPDevice)
def _device_changed(sender, instance, **kwargs):
    authcache.forget_user(instance.user_id)
