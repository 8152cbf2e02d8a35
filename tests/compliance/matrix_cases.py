"""Permission matrix of the compliance dashboard, drill-down, export, checklists and API."""

from tests.defense.fixtures import ensure_records
from tests.matrix import Case
from tests.world import REACH_A1, WORLD_USERS

ROLE_USERS = set(WORLD_USERS)
OFFICIALS = {"station_a1", "police_a", "edu_a", "inspector_a", "plc_a", "edu_b", "police_b", "police_city",
             "edu_city", "admin_province", "admin_b"}
DISTRICT_A = {"police_a", "edu_a", "inspector_a", "plc_a", "police_city", "edu_city", "admin_province"}
NOT_DISTRICT_A = {"station_a1", "edu_b", "police_b", "admin_b"}
OUT_A1 = {"principal_a2", "edu_b", "police_b", "admin_b"}


def extend_world(w):
    ensure_records(w)
    from huxiao.compliance.services import evaluate_all

    evaluate_all()


def a1(w):
    return w.schools["a1"].pk


CASES = [
    Case("compliance-dashboard", lambda w: "/compliance/", OFFICIALS),
    Case("compliance-dashboard", lambda w: "/compliance/?region=320413&campaign=jiangsu-2019", DISTRICT_A,
         hidden=NOT_DISTRICT_A),
    Case("compliance-failing", lambda w: "/compliance/failing/?region=320413&rule=JT-1", DISTRICT_A,
         hidden=NOT_DISTRICT_A),
    Case("compliance-export", lambda w: "/compliance/export.xlsx?region=320413", DISTRICT_A, hidden=NOT_DISTRICT_A),
    Case("compliance-my-checklist", lambda w: "/compliance/my/", ROLE_USERS),
    Case("compliance-checklist", lambda w: f"/compliance/schools/{a1(w)}/", REACH_A1, hidden=OUT_A1),
    Case("GET /api/v1/compliance/campaigns", lambda w: "/api/v1/compliance/campaigns", ROLE_USERS),
    Case("GET /api/v1/compliance/rates", lambda w: "/api/v1/compliance/rates?region=320413", DISTRICT_A,
         hidden=NOT_DISTRICT_A),
    Case("GET /api/v1/compliance/trend", lambda w: "/api/v1/compliance/trend?region=320413&days=30", DISTRICT_A,
         hidden=NOT_DISTRICT_A),
    Case("GET /api/v1/compliance/failing", lambda w: "/api/v1/compliance/failing?region=320413", DISTRICT_A,
         hidden=NOT_DISTRICT_A),
    Case("GET /api/v1/compliance/schools/{school_id}/checklist",
         lambda w: f"/api/v1/compliance/schools/{a1(w)}/checklist", REACH_A1, hidden=OUT_A1),
]
