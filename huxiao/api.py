"""The REST API at /api/v1/: mounts each domain app's router (``<app>/api.py`` defining ``router``)."""

import functools

import orjson
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.urls import URLPattern
from django.urls import path as django_path
from ninja.renderers import BaseRenderer
from ninja.security import APIKeyHeader, HttpBearer, django_auth
from ninja.utils import normalize_path, replace_path_param_notation

from huxiao.core import api_worklist, apierrors
from huxiao.core.api_tokens import raw_token
from huxiao.core.discovery import app_modules
from huxiao.core.inputs import InputParser
from huxiao.core.services import user_for_token


def _signed_in_by_token(request, raw: str):
    """The user of a per-user token (stored hashed), set as the request's user; None for an unknown one."""
    user = user_for_token(raw)
    if user is not None:
        request.user = user
    return user


class BearerToken(HttpBearer):
    """``Authorization: Bearer hx_…``."""

    def authenticate(self, request, token):
        return _signed_in_by_token(request, token)


class HeaderToken(APIKeyHeader):
    """``X-API-Token: hx_…``."""

    param_name = "X-API-Token"

    def authenticate(self, request, key):
        return _signed_in_by_token(request, key)


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
    return user_for_token(raw_token(request)) is not None


def _json_default(value):
    """Decimals (coordinates) as exact strings, anything else orjson does not know as text."""
    return str(value)


class ORJSONRenderer(BaseRenderer):
    """JSON through orjson: several times faster than the standard encoder on list pages."""

    media_type = "application/json"

    def render(self, request, data, *, response_status):
        return orjson.dumps(data, default=_json_default, option=orjson.OPT_NON_STR_KEYS)


def _other_form(route: str) -> str:
    """The same route with its trailing slash toggled: ``devices/`` <-> ``devices``."""
    return route[:-1] if route.endswith("/") else route + "/"


def _dispatch(first, second):
    """One view for both forms of a path: the operation of the request's method, found at the path as
    written or at its other form (``/patrols/check-ins/`` lists, ``/patrols/check-ins`` records one)."""

    candidates = [(pv, pv.get_view()) for pv in (first, second) if pv is not None]

    def view(request, *args, **kwargs):
        for path_view, path_function in candidates:
            if path_view._find_operation(request) is not None:
                return path_function(request, *args, **kwargs)
        return candidates[0][1](request, *args, **kwargs)  # 405 listing the methods of the path as written

    # it stands for ninja's view (name, module, csrf_exempt: the API's auth handles CSRF for sessions)
    return functools.update_wrapper(view, candidates[0][1])


class HuxiaoRestAPI(apierrors.HuxiaoAPI):
    """The API with one canonical path form per operation (the one in the OpenAPI document) and the other
    form, with or without the trailing slash, served by the same operation.

    Without it, ``POST /api/v1/devices`` (no slash) answered Django's 301 to ``/devices/``, which common
    clients follow as a GET: the device list came back with 200 and nothing was registered. Now every
    method reaches its operation in either form; the other form is not documented, so nothing lists it
    twice."""

    def _get_urls(self):
        urls = super()._get_urls()
        views = {}  # route -> PathView, as ninja's BoundRouter.urls_paths builds the routes
        for bound in self._get_bound_routers():
            prefix = replace_path_param_notation(bound.prefix)
            for path, path_view in bound.path_operations.items():
                route = normalize_path("/".join(i for i in (prefix, replace_path_param_notation(path)) if i))
                views.setdefault(route.lstrip("/"), path_view)
        result = []
        for pattern in urls:
            route = str(pattern.pattern) if isinstance(pattern, URLPattern) else None
            if route in views and _other_form(route) in views:  # both forms are operations: one dispatcher
                pattern = django_path(route, _dispatch(views[route], views[_other_form(route)]), name=pattern.name)
            result.append(pattern)
        for route, path_view in views.items():
            if route and _other_form(route) not in views:
                result.append(django_path(_other_form(route), _dispatch(path_view, None)))
        return result


api = HuxiaoRestAPI(
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
