"""Runs every permission-matrix case for every named user, and checks every page and API operation
of the product has a case (tests/matrix.py explains the rules)."""

import json

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.matrix import all_cases, app_modules, extend_world
from tests.world import ALL_USER_KEYS

SUCCESS = {200, 201, 204}
# Pages without a permission to check: signing in and out, language switch, the API's own docs
EXEMPT_PAGES = {"login", "logout", "set_language", "openapi", "api-docs"}


def _request(case, world, user):
    client = Client()
    if user is not None:
        client.force_login(user)
    url = case.path(world)
    data = case.data(world) if case.data else None
    method = case.method.lower()
    if case.is_api and data is not None:
        return getattr(client, method)(url, data=json.dumps(data), content_type="application/json")
    if method in ("get", "delete"):
        return getattr(client, method)(url)
    return getattr(client, method)(url, data=data or {})


def _succeeded(case, response) -> bool:
    if response.status_code in (301, 302, 303):
        return "/login/" not in response["Location"]
    if case.method != "GET" and not case.is_api and response.status_code == 200:
        return False  # a form shown again with its errors: refused
    return response.status_code in SUCCESS


@pytest.mark.parametrize("case", all_cases(), ids=lambda c: f"{c.method} {c.name}")
def test_permission_matrix(case, world):
    extend_world(world)
    failures = []
    for key in ALL_USER_KEYS:
        user = world.users[key]
        with transaction.atomic():
            response = _request(case, world, user)
            transaction.set_rollback(True)
        code = response.status_code
        assert code < 500, f"{key}: {code}"
        if key in case.allowed:
            if not _succeeded(case, response):
                failures.append(f"{key} should be allowed, got {code} {response.content[:200]!r}")
        elif _succeeded(case, response):
            failures.append(f"{key} should be refused, got {code}")
        elif key == "anonymous":
            expected = code == 401 if case.is_api else (code == 302 and "/login/" in response["Location"])
            if not expected:
                failures.append(f"anonymous should be sent to log in, got {code}")
        elif key in case.hidden and code != 404:
            failures.append(f"{key} is outside the jurisdiction and should get 404, got {code}")
        elif code not in (403, 404) and not (case.method != "GET" and code in (200, 400, 422)):
            failures.append(f"{key} refused with unexpected status {code}")
    assert not failures, "\n".join(failures)


def _page_names(patterns, prefix=""):
    names = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            if "ninja" in repr(p.urlconf_name) or getattr(p, "app_name", None) in ("api", "admin"):
                continue
            names |= _page_names(p.url_patterns)
        elif isinstance(p, URLPattern) and p.name:
            module = getattr(p.callback, "__module__", "")
            if module.startswith("huxiao.") or module.startswith("django.contrib.auth"):
                names.add(p.name)
    return names


def _api_operations():
    from huxiao.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1")
    return {f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops}


def test_every_page_and_operation_has_a_matrix_case():
    covered = {c.name for c in all_cases()}
    exempt = set(EXEMPT_PAGES)
    for module in app_modules():
        exempt |= set(getattr(module, "EXEMPT", {}))
    pages = _page_names(get_resolver().url_patterns)
    missing = sorted((pages | _api_operations()) - covered - exempt)
    assert not missing, f"no permission-matrix case for: {missing}"
