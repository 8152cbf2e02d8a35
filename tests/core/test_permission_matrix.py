"""Runs every permission-matrix case for every named user, and checks every page and API operation
of the product has a case (tests/matrix.py explains the rules).

The world (tests/world.py and every app's ``extend_world``) is built once for this module, in a
transaction rolled back at its end; each case runs in its own savepoint, and each user's request in a
savepoint of its own inside it, so every request sees the world exactly as built (tests/conftest.py
``shared_transaction``). Each named user signs in once, with the world; a request carries that session
(whose changes roll back with the request). The cache is cleared before each case, and each case gets
its own copy of the files the world stored."""

import functools
import json

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import copy_shared_media, shared_media, shared_transaction
from tests.matrix import UNTYPED_YET, all_cases, app_modules, extend_world
from tests.world import ALL_USER_KEYS, REACH

SUCCESS = {200, 201, 204}
# Pages without a permission to check: signing in and out, language switch, the API's own docs
EXEMPT_PAGES = {"login", "logout", "set_language", "openapi", "api-docs"}


def _request(case, world, session_key):
    client = Client()
    if session_key is not None:
        client.cookies[django_settings.SESSION_COOKIE_NAME] = session_key
    url = case.path(world)
    data = case.data(world) if case.data else None
    method = case.method.lower()
    before = _row_counts()
    if case.is_api and data is not None:
        response = getattr(client, method)(url, data=json.dumps(data), content_type="application/json")
    elif method in ("get", "delete"):
        response = getattr(client, method)(url)
    else:
        response = getattr(client, method)(url, data=data or {})
    return response, before


@functools.cache
def _product_tables() -> tuple:
    """Every table of the product's apps, many-to-many links included."""
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if model.__module__.startswith("huxiao.") and meta.managed and not meta.proxy:
            tables.add(meta.db_table)
    return tuple(sorted(tables))


def _row_counts() -> dict:
    """Rows of every table of the product's apps, in one query."""
    tables = _product_tables()
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {qn(t)})" for t in tables))
        return dict(zip(tables, cursor.fetchone(), strict=True))


def _new_rows(before: dict) -> dict:
    after = _row_counts()
    return {t: after[t] - n for t, n in before.items() if after[t] != n}


def _new_audit_entries(before: dict):
    from huxiao.core.models import AuditLog

    new = _new_rows(before).get(AuditLog._meta.db_table, 0)
    return list(AuditLog.objects.order_by("-id")[:new]) if new > 0 else []


def _succeeded(case, response) -> bool:
    if response.status_code in (301, 302, 303):
        return "/login/" not in response["Location"]
    if case.method != "GET" and not case.is_api and response.status_code == 200:
        return False  # a form shown again with its errors: refused
    return response.status_code in SUCCESS


def _check_allowed(case, key, response, before) -> list:
    if not _succeeded(case, response):
        return [f"{key} should be allowed, got {response.status_code} {response.content[:200]!r}"]
    if not case.is_write:
        return []
    entries = _new_audit_entries(before)
    if len(entries) != case.audit_entries:
        return [f"{key}: an allowed write should leave {case.audit_entries} audit entry, left "
                f"{[(e.action, e.event, e.model) for e in entries]}"]
    untyped = [e for e in entries if not e.event]
    if untyped and case.id not in UNTYPED_YET:
        return [f"{key}: audit entry without a typed event: {[(e.action, e.model) for e in untyped]} "
                f"(type it in the service, or list {case.id!r} in tests/matrix.py UNTYPED_YET)"]
    if not untyped and case.id in UNTYPED_YET:
        return [f"{key}: the write is typed now ({[e.event for e in entries]}): remove {case.id!r} from "
                f"tests/matrix.py UNTYPED_YET"]
    return []


def _check_refused(case, key, response, before) -> list:
    code = response.status_code
    failures = []
    if _succeeded(case, response):
        failures.append(f"{key} should be refused, got {code}")
    elif key == "anonymous":
        expected = code == 401 if case.is_api else (code == 302 and "/login/" in response["Location"])
        if not expected:
            failures.append(f"anonymous should be sent to log in, got {code}")
    elif key in case.hidden and code != 404:
        failures.append(f"{key} is outside the jurisdiction and should get 404, got {code}")
    elif code not in (403, 404) and not (case.method != "GET" and code in (200, 400, 422)):
        failures.append(f"{key} refused with unexpected status {code}")
    new = _new_rows(before)
    if new:
        failures.append(f"{key} was refused ({code}) but new rows were written: {new}")
    return failures


@pytest.fixture(scope="module")
def _built_world(django_db_setup, django_db_blocker, tmp_path_factory):
    from tests.world import build_world

    with shared_transaction(django_db_blocker), shared_media(tmp_path_factory) as root:
        with django_db_blocker.unblock():
            world = extend_world(build_world())
            sessions = {}
            for key in ALL_USER_KEYS:
                if world.users[key] is not None:
                    client = Client()
                    client.force_login(world.users[key])
                    sessions[key] = client.cookies[django_settings.SESSION_COOKIE_NAME].value
        yield world, root, sessions


@pytest.fixture
def matrix_world(_built_world, db, settings, _media_in_tmp):
    """The world every case of this module acts on (built once; see the module's docstring)."""
    world, root, _sessions = _built_world
    copy_shared_media(root, settings)
    return world


@pytest.fixture
def sessions(_built_world):
    """user key -> the key of a session signed in as that user (made with the world; a request's changes
    to it are rolled back with the request's savepoint, so each case finds it as just signed in)."""
    return _built_world[2]


@pytest.mark.parametrize("case", all_cases(), ids=lambda c: c.id)
def test_permission_matrix(case, matrix_world, sessions):
    world = matrix_world
    failures = []
    for key in ALL_USER_KEYS:
        with transaction.atomic():
            response, before = _request(case, world, sessions.get(key))
            code = response.status_code
            assert code < 500, f"{key}: {code}"
            if key in case.allowed:
                failures += _check_allowed(case, key, response, before)
            else:
                failures += _check_refused(case, key, response, before)
            transaction.set_rollback(True)
    assert not failures, "\n".join(failures)


def test_untyped_yet_names_existing_writes():
    """UNTYPED_YET lists only writes that have a case (a stale line would hide nothing, but mislead)."""
    ids = {c.id for c in all_cases() if c.is_write}
    assert UNTYPED_YET <= ids, sorted(UNTYPED_YET - ids)


def test_reach_sets_are_the_jurisdiction_filter(matrix_world):
    """tests/world.py's REACH sets, from which the matrix derives who reaches a record, are what
    core.scoping's filter decides for each user."""
    from huxiao.core.scoping import scope_for

    world = matrix_world
    places = {key: (world.schools[key].region_code, world.schools[key].pk) for key in ("a1", "a2", "b1")}
    places |= {"province": ("32", None), "city": ("3204", None), "district_a": ("320413", None),
               "district_b": ("320481", None), "town_a1": ("320413001", None)}
    assert set(places) == set(REACH)
    for place, (region_code, school_id) in places.items():
        reached = {key for key in ALL_USER_KEYS if world.users[key] is not None
                   and scope_for(world.users[key]).covers(region_code, school_id)}
        assert reached == set(REACH[place]), place


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
