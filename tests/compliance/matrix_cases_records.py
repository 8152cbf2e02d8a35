"""Permission matrix of the compliance drill-down's record-layer additions: the Excel export of the
schools' results (page and API). The region is resolved first: out of reach, 404."""

from tests.matrix import Case

DASHBOARD = "compliance.view_dashboard"

CASES = [
    Case("compliance-failing", lambda w: "/compliance/failing/?region=320413&export=xlsx", perm=DASHBOARD,
         reach="district_a"),
    Case("compliance-failing", lambda w: "/compliance/failing/?region=320413&status=met", perm=DASHBOARD,
         reach="district_a"),
    Case("GET /api/v1/compliance/failing/export", lambda w: "/api/v1/compliance/failing/export?region=320413",
         perm=DASHBOARD, reach="district_a"),
]
