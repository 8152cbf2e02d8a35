"""Users, their role assignments (each bound to one unit) and API tokens."""

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from huxiao.core.choices import Role


class User(AbstractUser):
    """A person who signs in: official, police officer, school security staff or guard."""

    full_name = models.CharField(_("姓名"), max_length=64, blank=True)
    phone = models.CharField(_("手机号"), max_length=32, blank=True)
    must_change_password = models.BooleanField(_("下次登录须修改密码"), default=False)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    # Part of every session's authentication hash: raising it ends all of the user's sessions at once
    # ("退出所有设备"), on every server process, without finding the sessions.
    session_epoch = models.PositiveIntegerField(_("会话代次"), default=0)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self):
        return self.full_name or self.username

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def _get_session_auth_hash(self, secret=None):
        return salted_hmac("huxiao.core.User.session_auth_hash", f"{self.password}:{self.session_epoch}",
                           secret=secret, algorithm="sha256").hexdigest()


class RoleAssignment(models.Model):
    """One role of a user, bound to one unit; the unit's region (or school) bounds what the role reaches."""

    user = models.ForeignKey(User, models.CASCADE, related_name="role_assignments", verbose_name=_("用户"))
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    unit = models.ForeignKey("core.Unit", models.PROTECT, related_name="role_assignments", verbose_name=_("单位"))
    created_at = models.DateTimeField(_("授予时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [models.UniqueConstraint(fields=["user", "role", "unit"], name="role_assignment_unique")]

    def __str__(self):
        return f"{self.get_role_display()} @ {self.unit}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A per-user API token; only its SHA-256 is stored, the raw value is shown once. It works until it
    expires or is revoked, and only while its user is active."""

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens", verbose_name=_("用户"))
    name = models.CharField(_("用途"), max_length=64)
    prefix = models.CharField(_("前缀"), max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("到期时间"), null=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def expired(self) -> bool:
        return self.expires_at is None or self.expires_at <= timezone.now()
