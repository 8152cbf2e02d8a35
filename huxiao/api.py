"""The REST API at /api/v1/: mounts each domain app's router (``<app>/api.py`` defining ``router``)."""

import functools

import orjson
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from ninja import NinjaAPI
from ninja.renderers import BaseRenderer
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from huxiao.core.discovery import app_modules
from huxiao.core.services import user_for_token


class BearerToken(HttpBearer):
    """``Authorization: Bearer hx_…`` with a per-user token (stored hashed)."""

    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class HeaderToken(APIKeyHeader):
    param_name = "X-API-Token"

    def authenticate(self, request, key):
        user = user_for_token(key)
        if user is not None:
            request.user = user
        return user


def docs_guard(view):
    """With API_DOCS_REQUIRE_LOGIN (on in production) the OpenAPI schema and the docs page answer only
    a signed-in session or a live API token: the schema maps every operation an attacker could try."""

    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        if settings.API_DOCS_REQUIRE_LOGIN and not _signed_in(request):
            if request.path.endswith(".json"):
                return JsonResponse({"detail": "请先登录或提供有效的 API 令牌"}, status=401,
                                    json_dumps_params={"ensure_ascii": False})
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return guarded


def _signed_in(request) -> bool:
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return True
    header = request.headers.get("Authorization", "")
    raw = header[7:].strip() if header.lower().startswith("bearer ") else request.headers.get("X-API-Token", "")
    return user_for_token(raw) is not None


def _json_default(value):
    """Decimals (coordinates) as exact strings, anything else orjson does not know as text."""
    return str(value)


class ORJSONRenderer(BaseRenderer):
    """JSON through orjson: several times faster than the standard encoder on list pages."""

    media_type = "application/json"

    def render(self, request, data, *, response_status):
        return orjson.dumps(data, default=_json_default, option=orjson.OPT_NON_STR_KEYS)


api = NinjaAPI(
    renderer=ORJSONRenderer(),
    title="护校安园 API",
    version="1",
    description="护校安园平台接口。所有查询均按调用者的管辖范围过滤；超出范围的对象返回 404。",
    auth=[BearerToken(), HeaderToken(), django_auth],
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    docs_decorator=docs_guard,
)


def _messages(exc: ValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in errs] for field, errs in exc.message_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


@api.exception_handler(ValidationError)
def _validation_error(request, exc):
    errors = _messages(exc)
    first_field, first = next(iter(errors.items()))
    detail = first[0] if first_field == "__all__" else f"{first_field}: {first[0]}"
    return api.create_response(request, {"detail": detail, "errors": errors}, status=400)


@api.exception_handler(Http404)
def _not_found(request, exc):
    message = str(exc)
    if not message or message.startswith("No ") or "matches the given query" in message:
        message = "对象不存在或不在您的管辖范围内"
    return api.create_response(request, {"detail": message}, status=404)


@api.exception_handler(PermissionDenied)
def _permission_denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or "无权执行此操作"}, status=403)


for app, module in app_modules("api"):
    prefix = app.rsplit(".", 1)[-1]
    api.add_router("/" if prefix == "core" else f"/{prefix}/", module.router)
