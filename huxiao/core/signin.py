"""Sign-in throttling that neither forged addresses nor deliberate failures can turn against the users.

* Per client address: django-axes locks an address after AXES_FAILURE_LIMIT failures. The address is
  ``core.middleware.client_ip`` (X-Forwarded-For believed only from TRUSTED_PROXIES), so rotating the
  header changes nothing.
* Per account: no lockout. After SIGNIN_FREE_FAILURES failures from browsers the account is not known
  on, each further failure makes that account wait twice as long (2 s, 4 s … up to
  SIGNIN_MAX_DELAY_SECONDS) before the next password is even checked; the administrators reaching the
  account are told once per episode and can lift the delay.
* Known browsers: a successful sign-in leaves a signed device cookie naming the account. Attempts for
  that account from that browser skip both the account delay and the address lockout — the 110 centre's
  workstation keeps signing in while someone elsewhere hammers its account — until that browser itself
  fails SIGNIN_FREE_FAILURES times.
* Failed sign-ins never touch sessions: an open console stays open.

Counters live in the cache (Redis in production, shared by every process) and are forgotten after
SIGNIN_FAILURE_MEMORY_HOURS without a failure.
"""

import secrets
import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.utils.translation import gettext as _

ACCOUNT = "hx:signin:acct:{}"
DEVICE = "hx:signin:dev:{}"
COOKIE = "hx_device"
SALT = "huxiao.signin.device"
MAX_COOKIE_ENTRIES = 8  # shared workstations: a few accounts per browser


def _now() -> float:
    return time.time()


def _norm(username) -> str:
    return str(username or "").strip().lower()[:150]


def _memory() -> int:
    return settings.SIGNIN_FAILURE_MEMORY_HOURS * 3600


# --- per-account state -------------------------------------------------------------------------

def account_state(username) -> dict:
    """{"failures": n, "until": epoch seconds or 0, "alerted": bool} of an account name."""
    return cache.get(ACCOUNT.format(_norm(username))) or {"failures": 0, "until": 0, "alerted": False}


def remaining_delay(username) -> int:
    """Seconds an unknown browser must still wait before a password for ``username`` is checked."""
    return max(0, int(account_state(username)["until"] - _now() + 0.999))


def delay_after(failures: int) -> int:
    beyond = failures - settings.SIGNIN_FREE_FAILURES
    if beyond <= 0:
        return 0
    return min(2 ** min(beyond, 30), settings.SIGNIN_MAX_DELAY_SECONDS)


def _record_account_failure(username, request):
    state = account_state(username)
    state["failures"] += 1
    delay = delay_after(state["failures"])
    state["until"] = _now() + delay if delay else 0
    first_delay = delay and not state["alerted"]
    state["alerted"] = state["alerted"] or bool(delay)
    cache.set(ACCOUNT.format(_norm(username)), state, _memory() + delay)
    if first_delay:
        _alert_administrators(username, state["failures"], request)


def clear_account(username):
    cache.delete(ACCOUNT.format(_norm(username)))


def do_lift_delay(user, *, actor):
    """An administrator lifts the sign-in delay of ``user`` and the address lockouts its failures caused."""
    from axes.utils import reset

    from huxiao.core import audit
    from huxiao.core.audit_events import CoreAudit
    from huxiao.core.choices import AuditAction
    from huxiao.core.passwords import require_manage

    require_manage(actor, user)
    before = account_state(user.username)
    clear_account(user.username)
    reset(username=user.username)
    audit.record(AuditAction.UPDATE, user, actor=actor, before={"signin_failures": before["failures"]},
                 after={"signin_failures": 0}, event=CoreAudit.UNLOCK_SIGNIN)


def _alert_administrators(username, failures, request):
    """Notify the system administrators whose jurisdiction covers the account (all of them when the
    account has no role, or does not exist — then nobody's account is at stake and nobody is told)."""
    from django.urls import reverse

    from huxiao.core.choices import Role
    from huxiao.core.middleware import client_ip
    from huxiao.core.models import RoleAssignment, User
    from huxiao.core.reach import users_reaching
    from huxiao.core.services import notify

    user = User.objects.filter(username__iexact=_norm(username)).first()
    if user is None:
        return
    admins = set()
    for assignment in user.role_assignments.select_related("unit"):
        admins.update(users_reaching(assignment.unit.region_code, [Role.SYSADMIN]))
    if not admins:  # no role (or none under an administrator): every administrator
        admins.update(a.user for a in RoleAssignment.objects.filter(role=Role.SYSADMIN, user__is_active=True)
                      .select_related("user"))
    admins.discard(user)
    notify(sorted(admins, key=lambda u: u.pk),
           _("账号 %(u)s 连续登录失败 %(n)d 次，已启用登录延迟") % {"u": user.username, "n": failures},
           body=_("最近一次失败来自 %(ip)s。如非本人操作，请核实；可在用户页面解除限制。") % {
               "ip": client_ip(request) or "—"},
           url=reverse("user-detail", args=[user.pk]), level="warning")


# --- known browsers ------------------------------------------------------------------------------

def _cookie_entries(request) -> dict:
    raw = request.COOKIES.get(COOKIE) if request is not None else None
    if not raw:
        return {}
    try:
        entries = signing.loads(raw, salt=SALT, max_age=settings.SIGNIN_DEVICE_COOKIE_DAYS * 86400)
    except signing.BadSignature:
        return {}
    return entries if isinstance(entries, dict) else {}


def _device_nonce(request, username):
    nonce = _cookie_entries(request).get(_norm(username))
    if not isinstance(nonce, str):
        return None
    if (cache.get(DEVICE.format(nonce)) or 0) >= settings.SIGNIN_FREE_FAILURES:
        return None  # this browser keeps failing: it is treated as any other
    return nonce


def trusted_attempt(request, credentials=None) -> bool:
    """AXES_WHITELIST_CALLABLE: the attempt comes from a browser the account signed in on before."""
    username = (credentials or {}).get("username")
    return bool(username) and _device_nonce(request, username) is not None


def remember_device(request, response, user):
    """Add (or renew) the signed entry for ``user`` in the response's device cookie."""
    entries = _cookie_entries(request)
    name = _norm(user.get_username())
    entries.pop(name, None)
    entries[name] = secrets.token_urlsafe(16)
    entries = dict(list(entries.items())[-MAX_COOKIE_ENTRIES:])
    response.set_cookie(COOKIE, signing.dumps(entries, salt=SALT), max_age=settings.SIGNIN_DEVICE_COOKIE_DAYS * 86400,
                        secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax")


# --- the backend and the signals --------------------------------------------------------------

class AccountDelayBackend:
    """Before any password is checked: an account in its delay answers "wait" to unknown browsers."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or username is None or trusted_attempt(request, {"username": username}):
            return None
        wait = remaining_delay(username)
        if wait:
            request.huxiao_signin_wait = wait
            raise PermissionDenied("sign-in delayed")
        return None
    # no get_user(): sessions are never this backend's (force_login and login() pick one that has it)


@receiver(user_login_failed)
def _count_failure(sender, credentials, request=None, **kwargs):
    if request is None or getattr(request, "huxiao_signin_wait", None):
        return  # refused before the password was checked: not a guess, so not counted
    username = credentials.get("username")
    if not username:
        return
    nonce = _device_nonce(request, username)
    if nonce is not None:
        key = DEVICE.format(nonce)
        cache.set(key, (cache.get(key) or 0) + 1, _memory())
    else:
        _record_account_failure(username, request)


def count_failure(request, username):
    """A failure decided after the password matched (a wrong one-time code): counted the same way, and
    through the same signal so that the address count and the audit log see it too."""
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    if request is None:
        return
    nonce = _device_nonce(request, user.get_username())
    if nonce is not None:
        cache.delete(DEVICE.format(nonce))
