"""Caching who a request is: API tokens and role assignments, looked up on every request.

Entries live in the configured cache (Redis in production, so every process sees an invalidation) for
at most TTL seconds, and are dropped at once by signals whenever a token, user, role assignment or unit
changes — including changes made through the admin site.
"""

from django.core.cache import cache

TTL = 300
ROLES = "hx:roles:{}"
TOKEN = "hx:token:{}"
SECOND_FACTOR = "hx:2fa:{}"


def assignments(user):
    key = ROLES.format(user.pk)
    data = cache.get(key)
    if data is None:
        data = list(user.role_assignments.select_related("unit__region", "unit__school"))
        cache.set(key, data, TTL)
    return data


def token(key_hash: str):
    """The live token with its user, or None; cached by the token's hash."""
    from huxiao.core.models import ApiToken

    key = TOKEN.format(key_hash)
    found = cache.get(key)
    if found is None:
        found = (ApiToken.objects.select_related("user").filter(key_hash=key_hash, revoked_at__isnull=True)
                 .first()) or False
        cache.set(key, found, TTL)
    return found or None


def has_second_factor(user_id) -> bool:
    """Whether the user has a confirmed TOTP device (cached; dropped when a device changes)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    key = SECOND_FACTOR.format(user_id)
    found = cache.get(key)
    if found is None:
        found = TOTPDevice.objects.filter(user_id=user_id, confirmed=True).exists()
        cache.set(key, found, TTL)
    return found


def remember_token(found):
    cache.set(TOKEN.format(found.key_hash), found, TTL)


def forget_user(user_id):
    from huxiao.core.models import ApiToken

    cache.delete_many([ROLES.format(user_id), SECOND_FACTOR.format(user_id)])
    cache.delete_many([TOKEN.format(h) for h in ApiToken.objects.filter(user_id=user_id)
                       .values_list("key_hash", flat=True)])


def forget_token(key_hash):
    cache.delete(TOKEN.format(key_hash))
