"""API tokens through the API: every user issues, lists and revokes their own; a system administrator does
the same for the users they manage (a script's service account, a gateway). The raw token is in the answer
to its creation only (only its hash is stored). Every issue and revocation is audited (typed events)."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router

from huxiao.core import schemas as sc
from huxiao.core import services
from huxiao.core.managed import MANAGE_USERS, wholly_managed_users
from huxiao.core.models import ApiToken, User
from huxiao.core.models.users import hash_token
from huxiao.core.records.api import add_operation, need
from huxiao.core.records.extra_api import add_delete_operation, unprocessable

router = Router(tags=["core"])


def raw_token(request) -> str:
    """The token a request carries (``Authorization: Bearer …`` or ``X-API-Token``), or ""."""
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else request.headers.get("X-API-Token", "")


def _token_out(token: ApiToken, raw: str | None = None) -> dict:
    out = {"id": token.pk, "name": token.name, "prefix": token.prefix, "user_id": token.user_id,
           "username": token.user.username, "created_at": token.created_at, "expires_at": token.expires_at,
           "last_used_at": token.last_used_at, "expired": token.expired}
    if raw is not None:
        out["token"] = raw
    return out


def _live(user: User):
    """The user's tokens not revoked (expired ones included, marked), newest first."""
    return user.api_tokens.filter(revoked_at__isnull=True).select_related("user").order_by("-created_at", "-id")


def _calling_token(request) -> ApiToken | None:
    """The token the request was authenticated with, if it came with one (None for a session)."""
    raw = raw_token(request)
    if not raw.startswith("hx_"):
        return None
    return ApiToken.objects.filter(key_hash=hash_token(raw)).first()


def _days_within_caller(request, days: int | None) -> int | None:
    """A token issued by a request that a token authenticated lasts no longer than that token: a leaked
    token cannot outlive its own expiry by minting successors."""
    caller = _calling_token(request)
    if caller is None or caller.expires_at is None:
        return days
    left = (caller.expires_at - timezone.now()).days
    if days is None:
        from django.conf import settings

        days = min(settings.API_TOKEN_DAYS, left)
    if not 1 <= days <= left:
        raise unprocessable("days", _("用 API 令牌生成的新令牌，有效期不能超过当前令牌的剩余天数（%(n)d 天）") % {
            "n": max(left, 0)})
    return days


def _managed_user(request, user_id: int) -> User:
    """A user wholly in the administrator's hands (``core.managed.wholly_managed_users``); anyone else is
    answered 404, like a user who does not exist."""
    need(request, MANAGE_USERS)
    return get_object_or_404(wholly_managed_users(request.user), pk=user_id)


def _owner(request, user_id: int | None = None) -> User:
    """Whose tokens the path names: the caller's own (no ``user_id``), or a managed user's."""
    return request.user if user_id is None else _managed_user(request, user_id)


def _list(request, _body, **ids):
    return [_token_out(t) for t in _live(_owner(request, **ids))]


def _issue(request, payload, **ids):
    user = _owner(request, **ids)
    if ids and not user.is_active:
        raise unprocessable("user_id", _("账号 %(u)s 已停用，不能生成令牌") % {"u": user.username}, where=("path",))
    days = _days_within_caller(request, payload.days)
    token, raw = services.do_issue_token(user, payload.name, actor=request.user, days=days)
    return _token_out(token, raw)


def _token(request, token_id: int, user_id: int | None = None) -> ApiToken:
    return get_object_or_404(_live(_owner(request, user_id)), pk=token_id)


def _revoke(request, token):
    services.do_revoke_token(token, actor=request.user)


ROUTES = (  # (path, name, summaries of the list, the issue and the revocation)
    ("/tokens", "my_tokens",
     ("我的 API 令牌（未吊销的，含已过期）", "生成我的 API 令牌（原文仅返回一次）", "吊销我的 API 令牌")),
    ("/users/{user_id}/tokens", "user_tokens",
     ("用户的 API 令牌（系统管理员）", "为用户生成 API 令牌（系统管理员；原文仅返回一次）", "吊销用户的 API 令牌（系统管理员）")),
)
for base, name, (listed, issued, revoked) in ROUTES:
    add_operation(router, "get", base, name=f"{name}_list", handler=_list, response=list[sc.TokenOut], summary=listed)
    add_operation(router, "post", base, name=f"{name}_issue", handler=_issue, payload=sc.TokenIn, status=201,
                  response=sc.TokenCreated, summary=issued)
    add_delete_operation(router, f"{base}/{{token_id}}", name=f"{name}_revoke", fetch=_token, delete=_revoke,
                         summary=revoked)
