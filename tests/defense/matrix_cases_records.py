"""Permission matrix of the 三防 lists across schools (pages, API lists and exports) and a guard's page."""

from tests.defense.fixtures import ensure_records
from tests.matrix import Case

VIEW = "defense.view_records"


def extend_world(w):
    ensure_records(w)


def guard(w):
    return w.extra["guard_a1"].pk


CASES = [
    Case("defense-guard-list", lambda w: "/defense/guards/", perm=VIEW),
    Case("defense-facility-list", lambda w: "/defense/facilities/", perm=VIEW),
    Case("defense-equipment-list", lambda w: "/defense/equipment/", perm=VIEW),
    Case("defense-guard", lambda w: f"/defense/guards/{guard(w)}/", perm=VIEW, reach="a1"),
    Case("GET /api/v1/defense/guards/", lambda w: "/api/v1/defense/guards/", perm=VIEW),
    Case("GET /api/v1/defense/guards/export", lambda w: "/api/v1/defense/guards/export", perm=VIEW),
    Case("GET /api/v1/defense/guards/{guard_id}", lambda w: f"/api/v1/defense/guards/{guard(w)}", perm=VIEW,
         reach="a1"),
    Case("GET /api/v1/defense/facilities/", lambda w: "/api/v1/defense/facilities/", perm=VIEW),
    Case("GET /api/v1/defense/facilities/export", lambda w: "/api/v1/defense/facilities/export", perm=VIEW),
    Case("GET /api/v1/defense/equipment/", lambda w: "/api/v1/defense/equipment/", perm=VIEW),
    Case("GET /api/v1/defense/equipment/export", lambda w: "/api/v1/defense/equipment/export", perm=VIEW),
]
