"""Permission matrix of the compliance dashboard, drill-down, export, checklists and API."""

from tests.defense.fixtures import ensure_records
from tests.matrix import Case

DASHBOARD, CHECKLIST = "compliance.view_dashboard", "compliance.view_checklist"


def extend_world(w):
    ensure_records(w)
    from huxiao.compliance.services import evaluate_all

    evaluate_all()


def a1(w):
    return w.schools["a1"].pk


CASES = [
    Case("compliance-dashboard", lambda w: "/compliance/", perm=DASHBOARD),
    Case("compliance-dashboard", lambda w: "/compliance/?region=320413&campaign=jiangsu-2019", perm=DASHBOARD,
         reach="district_a"),
    Case("compliance-failing", lambda w: "/compliance/failing/?region=320413&rule=JT-1", perm=DASHBOARD,
         reach="district_a"),
    Case("compliance-export", lambda w: "/compliance/export.xlsx?region=320413", perm=DASHBOARD, reach="district_a"),
    Case("compliance-my-checklist", lambda w: "/compliance/my/", perm=CHECKLIST),
    Case("compliance-checklist", lambda w: f"/compliance/schools/{a1(w)}/", perm=CHECKLIST, reach="a1"),
    Case("GET /api/v1/compliance/campaigns", lambda w: "/api/v1/compliance/campaigns", perm=CHECKLIST),
    Case("GET /api/v1/compliance/rates", lambda w: "/api/v1/compliance/rates?region=320413", perm=DASHBOARD,
         reach="district_a"),
    Case("GET /api/v1/compliance/trend", lambda w: "/api/v1/compliance/trend?region=320413&days=30", perm=DASHBOARD,
         reach="district_a"),
    Case("GET /api/v1/compliance/failing", lambda w: "/api/v1/compliance/failing?region=320413", perm=DASHBOARD,
         reach="district_a"),
    Case("GET /api/v1/compliance/map", lambda w: "/api/v1/compliance/map?region=320413", perm=DASHBOARD,
         reach="district_a"),
    Case("GET /api/v1/compliance/schools/{school_id}/checklist",
         lambda w: f"/api/v1/compliance/schools/{a1(w)}/checklist", perm=CHECKLIST, reach="a1"),
]
