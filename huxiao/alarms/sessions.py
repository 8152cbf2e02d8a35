"""The police console follows its session: a console whose user signed out, was deactivated, lost or
gained a role, or whose role's unit moved, is closed within seconds, and what it was sent is audited.

Two ways, so that neither a lost message nor a change made outside the signals (a session row deleted
by "sign out everywhere", a change in another process on the in-memory layer) leaves a console open:

- core sends ``identity_changed`` after the commit of a sign-out, a user's save, a role assignment's or a
  unit's change; ``revoke`` (connected below) puts it on the alarm wake-up group, so every process's feed
  hub gets it on the channel its wake-ups come by, in order: a wake-up sent after the sign-out is handled
  after it. The hub then re-checks its consoles of those users (``ended``).
- every ``REVALIDATE_SECONDS`` each hub re-checks all its consoles: three queries whatever their number.

A console's identity is taken at connect: its session key and the session's auth hash (a password
change ends it, as Django ends the session's HTTP use), and its role assignments with their units.
An idle session past its expiry does not end the console: a console screen watches without clicking,
and the sign-in's idle timeout is about the pages.
"""

import logging
from dataclasses import dataclass
from importlib import import_module
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY
from django.dispatch import receiver
from django.utils.crypto import constant_time_compare

from huxiao.alarms import realtime
from huxiao.core.middleware import scope_meta

log = logging.getLogger(__name__)
REVALIDATE_SECONDS = 5.0
REVOKE = "alarms.revoke"
ENDED_CODE = 4401  # WebSocket close code: the session ended (console.js stops and says so)
DB_ENGINES = ("django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db")


@dataclass(frozen=True)
class Identity:
    user_id: int
    session_key: str | None
    auth_hash: str | None
    superuser: bool
    roles: frozenset


def _roles(user_ids) -> dict:
    from huxiao.core.models import RoleAssignment

    out = {}
    for user_id, *row in RoleAssignment.objects.filter(user_id__in=set(user_ids)).values_list(
            "user_id", "role", "unit_id", "unit__kind", "unit__region_code", "unit__parent_id"):
        out.setdefault(user_id, set()).add(tuple(row))
    return {pk: frozenset(rows) for pk, rows in out.items()}


def identity_of(user, session) -> Identity:
    """(Sync.) What a console's admission rested on."""
    key = getattr(session, "session_key", None) if session is not None else None
    auth_hash = session.get(HASH_SESSION_KEY) if key else None
    return Identity(user.pk, key, auth_hash, bool(user.is_superuser), _roles([user.pk]).get(user.pk, frozenset()))


def _live_sessions(keys) -> set:
    if not keys:
        return set()
    if settings.SESSION_ENGINE in DB_ENGINES:
        from django.contrib.sessions.models import Session

        return set(Session.objects.filter(session_key__in=keys).values_list("session_key", flat=True))
    store = import_module(settings.SESSION_ENGINE).SessionStore
    return {key for key in keys if store().exists(key)}


def ended(identities: list[Identity], gone=frozenset()) -> list[bool]:
    """(Sync.) For each identity, whether its console must close; ``gone``: session keys just signed out."""
    from huxiao.core.models import User

    ids = {i.user_id for i in identities}
    users = {u.pk: u for u in User.objects.filter(pk__in=ids)}
    roles = _roles(ids)
    live = _live_sessions({i.session_key for i in identities if i.session_key})
    out = []
    for i in identities:
        user = users.get(i.user_id)
        out.append(user is None or not user.is_active or bool(user.is_superuser) != i.superuser
                   or roles.get(i.user_id, frozenset()) != i.roles
                   or (i.session_key is not None and (i.session_key in gone or i.session_key not in live))
                   or (i.auth_hash is not None and not constant_time_compare(i.auth_hash,
                                                                           user.get_session_auth_hash())))
    return out


def scope_request(scope) -> SimpleNamespace:
    """What the audit log reads of a request (its META), from a WebSocket's ASGI scope, so the verified
    source address is found the same way (``core.middleware.client_ip``)."""
    return SimpleNamespace(META=scope_meta(scope), user=scope.get("user"))


def record_list_read(user, request, what, count=None, reason=""):
    """A ``read`` entry for alarms read as a list (console, feed, list API): what, how many."""
    from huxiao.core import audit

    audit.record_read(None, actor=user, request=request, what=what, count=count, model="alarms.Alarm",
                      reason=reason)


def audit_connect(user, request):
    """(Sync.) One ``read`` entry per console connection."""
    record_list_read(user, request, "接警台连接")


def audit_batches(entries):
    """(Sync, after the alarms' commit, off their transaction.) One ``read`` entry per delivered batch:
    ``entries`` of ``(user, request, alarm ids)``."""
    from django.db import close_old_connections, transaction

    close_old_connections()
    with transaction.atomic():
        for user, request, alarm_ids in entries:
            record_list_read(user, request, "接警台推送报警", len(alarm_ids), " ".join(f"#{pk}" for pk in alarm_ids[:50]))


def revoke(user_ids, session_keys=()):
    """Tell every process's feed hub that these users' consoles must be re-checked now."""
    user_ids = sorted({int(pk) for pk in user_ids if pk})
    if user_ids:
        realtime.publish({"type": REVOKE, "users": user_ids, "sessions": sorted(k for k in session_keys if k)})


def _connect():
    from huxiao.core.signals import identity_changed

    @receiver(identity_changed, weak=False)
    def _identity_changed(sender, user_ids=(), session_keys=(), **kwargs):
        try:
            revoke(user_ids, session_keys)
        except Exception:  # the periodic re-check closes the consoles anyway
            log.exception("console revocation could not be published")


_connect()
