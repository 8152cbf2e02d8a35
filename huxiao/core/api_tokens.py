"""API tokens through the API: every user issues, lists and revokes their own; a system administrator does
the same for the users they manage (a script's service account, a gateway). The raw token is in the answer
to its creation only (only its hash is stored). Every issue and revocation is audited (typed events)."""

import datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError

from huxiao.core import services
from huxiao.core.models import ApiToken, Unit, User
from huxiao.core.models.users import hash_token
from huxiao.core.records.api import need
from huxiao.core.scoping import scope_for

router = Router(tags=["core"])
MANAGE_USERS = "core.manage_users"


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(..., description="令牌前 6 位（hx_ 之后），用于辨认")
    user_id: int
    username: str
    created_at: datetime.datetime
    expires_at: datetime.datetime | None
    last_used_at: datetime.datetime | None
    expired: bool


class TokenCreated(TokenOut):
    token: str = Field(..., description="令牌原文，仅在本次答复中出现，之后无法再取得")


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=64, description="用途，如“区县建库脚本”")
    days: int | None = Field(None, ge=1, le=366, description="有效天数（默认按系统设置）")


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
    header = request.headers.get("Authorization", "")
    raw = header[7:].strip() if header.lower().startswith("bearer ") else request.headers.get("X-API-Token", "")
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
        raise NinjaValidationError([{"type": "value_error", "loc": ["body", "payload", "days"], "msg": _(
            "用 API 令牌生成的新令牌，有效期不能超过当前令牌的剩余天数（%(n)d 天）") % {"n": max(left, 0)}}])
    return days


def _issue(request, user: User, payload: TokenIn):
    days = _days_within_caller(request, payload.days)
    token, raw = services.do_issue_token(user, payload.name, actor=request.user, days=days)
    return Status(201, _token_out(token, raw))


# --- one's own tokens ------------------------------------------------------------------------------

@router.get("/tokens", response=list[TokenOut], summary="我的 API 令牌（未吊销的，含已过期）")
def list_my_tokens(request):
    return [_token_out(t) for t in _live(request.user)]


@router.post("/tokens", response={201: TokenCreated}, summary="生成我的 API 令牌（原文仅返回一次）")
def issue_my_token(request, payload: TokenIn):
    return _issue(request, request.user, payload)


@router.delete("/tokens/{token_id}", response={204: None}, summary="吊销我的 API 令牌")
def revoke_my_token(request, token_id: int):
    services.do_revoke_token(get_object_or_404(_live(request.user), pk=token_id), actor=request.user)
    return Status(204, None)


# --- the tokens of users an administrator manages ----------------------------------------------------

def _managed_user(request, user_id: int) -> User:
    """A user whose every role lies in the administrator's reach (or who holds none yet): a token acts
    with all of its user's roles, so one role elsewhere puts the user out of this administrator's hands.
    Anyone else is answered 404, like a user who does not exist."""
    need(request, MANAGE_USERS)
    scope = scope_for(request.user, MANAGE_USERS)
    outside = Unit.objects.exclude(scope.q("region_code", "school__id"))
    users = User.objects.filter(is_superuser=False).exclude(role_assignments__unit__in=outside)
    return get_object_or_404(users, pk=user_id)


@router.get("/users/{user_id}/tokens", response=list[TokenOut], summary="用户的 API 令牌（系统管理员）")
def list_user_tokens(request, user_id: int):
    return [_token_out(t) for t in _live(_managed_user(request, user_id))]


@router.post("/users/{user_id}/tokens", response={201: TokenCreated},
             summary="为用户生成 API 令牌（系统管理员；原文仅返回一次）")
def issue_user_token(request, user_id: int, payload: TokenIn):
    user = _managed_user(request, user_id)
    if not user.is_active:
        raise NinjaValidationError([{"type": "value_error", "loc": ["path", "user_id"],
                                     "msg": _("账号 %(u)s 已停用，不能生成令牌") % {"u": user.username}}])
    return _issue(request, user, payload)


@router.delete("/users/{user_id}/tokens/{token_id}", response={204: None}, summary="吊销用户的 API 令牌（系统管理员）")
def revoke_user_token(request, user_id: int, token_id: int):
    token = get_object_or_404(_live(_managed_user(request, user_id)), pk=token_id)
    services.do_revoke_token(token, actor=request.user)
    return Status(204, None)
