"""The REST API at /api/v1/: mounts each domain app's router (``<app>/api.py`` defining ``router``)."""

import functools

import orjson
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from ninja.renderers import BaseRenderer
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from huxiao.core import api_worklist, apierrors
from huxiao.core.discovery import app_modules
from huxiao.core.inputs import InputParser
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


api = apierrors.HuxiaoAPI(
    renderer=ORJSONRenderer(),
    parser=InputParser(),
    title="护校安园 API",
    version="1",
    description="护校安园平台接口。所有查询均按调用者的管辖范围过滤；超出范围的对象返回 404。",
    auth=[BearerToken(), HeaderToken(), django_auth],
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    docs_decorator=docs_guard,
)


apierrors.install(api)


for app, module in app_modules("api"):
    prefix = app.rsplit(".", 1)[-1]
    api.add_router("/" if prefix == "core" else f"/{prefix}/", module.router)
api.add_router("/", api_worklist.router)  # /me/worklist, beside core's /me
