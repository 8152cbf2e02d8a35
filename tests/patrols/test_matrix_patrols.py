"""The 护学岗 permission-matrix cases run on their own (only this app's records added to the world), so the
app's cases are checked even while other apps' world builders change. The full matrix
(tests/core/test_permission_matrix.py) runs them too."""

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.test import Client

from tests.core.test_permission_matrix import _check_allowed, _check_refused, _request
from tests.patrols.matrix_cases import CASES, extend_world
from tests.world import ALL_USER_KEYS


def _session_of(user):
    """The key of a session signed in as ``user`` (None: anonymous), as the full matrix gives its cases."""
    if user is None:
        return None
    client = Client()
    client.force_login(user)
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_patrol_permission_matrix(case, world):
    extend_world(world)
    failures = []
    for key in ALL_USER_KEYS:
        with transaction.atomic():
            response, before = _request(case, world, _session_of(world.users[key]))
            assert response.status_code < 500, f"{key}: {response.status_code} {response.content[:300]!r}"
            if key in case.allowed:
                failures += _check_allowed(case, key, response, before)
            else:
                failures += _check_refused(case, key, response, before)
            transaction.set_rollback(True)  # each user meets the same world, as in the full matrix
    assert not failures, "\n".join(failures)


def test_every_patrol_operation_has_a_case():
    from huxiao.api import api

    paths = api.get_openapi_schema(path_prefix="/api/v1")["paths"]
    operations = {f"{m.upper()} {p}" for p, ops in paths.items() for m in ops if p.startswith("/api/v1/patrols/")}
    assert operations and operations <= {c.name for c in CASES}, sorted(operations - {c.name for c in CASES})
