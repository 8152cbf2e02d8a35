"""Permission matrix case of the 工作台's API: every signed-in user gets their own items (none without a role)."""

from tests.matrix import SIGNED_IN, Case

CASES = [
    Case("GET /api/v1/me/worklist", lambda w: "/api/v1/me/worklist", perm=SIGNED_IN),
]
