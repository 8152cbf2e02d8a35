"""schemathesis over every API operation, as the province's system administrator and as a school's
principal (bearer tokens), through the real WSGI stack: no answer is a server error, every status code is
documented, and every body matches the documented response schema.

A bounded run (fixed example counts, derandomised) in the PostgreSQL pass of the suite only: the suite
runs twice, and PostgreSQL is where NUL bytes and out-of-range integers used to break.
"""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks as st_checks
from schemathesis.specs.openapi import checks as openapi_checks

from huxiao.api import api

pytestmark = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                reason="schemathesis runs in the PostgreSQL pass of the suite")

EXAMPLES = int(os.environ.get("HUXIAO_SCHEMATHESIS_EXAMPLES", "15"))  # more for a deeper run by hand
USERS = ["admin_province", "principal_a1"]
CHECKS = [st_checks.not_a_server_error, openapi_checks.status_code_conformance,
          openapi_checks.content_type_conformance, openapi_checks.response_schema_conformance]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
schema.app = WSGIHandler()
schema.config.generation.update(max_examples=EXAMPLES, deterministic=True, with_security_parameters=False)


@pytest.fixture
def tokens(world):
    """Raw bearer tokens of the users, and the database connection kept open across requests (as
    Django's test client does: the handler would close the test transaction's connection)."""
    from huxiao.core.services import do_issue_token

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield {key: do_issue_token(world.users[key], "schemathesis", actor=world.users[key])[1] for key in USERS}
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@pytest.mark.parametrize("who", USERS)
def test_api(case, tokens, who):
    case.call_and_validate(headers={"Authorization": f"Bearer {tokens[who]}"}, checks=CHECKS)


def test_every_operation_is_covered():
    """The run above covers every operation of the API (none filtered out or failing to load)."""
    operations = [result.ok() for result in schema.get_all_operations()]
    documented = sum(len(ops) for ops in api.get_openapi_schema(path_prefix="/api/v1")["paths"].values())
    assert len(operations) == documented > 50
