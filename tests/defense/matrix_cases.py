"""Permission matrix of the 三防 pages and API."""

from tests.defense.fixtures import ensure_records, id_number
from tests.matrix import Case

VIEW, CHANGE = "defense.view_records", "defense.change_records"

EXEMPT = {"POST /api/v1/defense/schools/{school_id}/evidence": "multipart upload; permissions, jurisdiction "
                                                              "and bad files tested in tests/defense/test_evidence.py"}


def extend_world(w):
    ensure_records(w)


def a1(w):
    return w.schools["a1"].pk


def guard(w):
    return w.extra["guard_a1"].pk


def guard_form(w):
    import datetime

    return {"name": "赵门卫", "category": "doorkeeper", "id_number": id_number(datetime.date(1975, 6, 1), 77),
            "license_number": "", "first_hired_on": "2020-09-01", "background_checked_on": "2020-08-20",
            "background_result": "passed", "health_status": "healthy", "phone": ""}


def guard_json(w):
    data = guard_form(w)
    data["category"] = "full_time"
    return data


def facility_form(w):
    return {"enclosure_type": "wall", "enclosure_height_m": "2.5", "gate_duty_room": "on",
            "closed_management": "on", "vehicle_access": "on", "anti_ramming_needed": "on",
            "anti_ramming_kinds": ["bollard", "rising_bollard"], "traffic_needed": ["sign"],
            "traffic_installed": ["sign"]}


def facility_json(w):
    return {"enclosure_type": "wall", "enclosure_height_m": 2.5, "gate_duty_room": True, "closed_management": True,
            "vehicle_access": True, "anti_ramming_needed": True, "anti_ramming_kinds": ["bollard"],
            "parent_waiting_area": True, "traffic_needed": ["sign"], "traffic_installed": []}


CASES = [
    Case("defense-home", lambda w: "/defense/", perm=VIEW),
    Case("defense-school", lambda w: f"/defense/schools/{a1(w)}/", perm=VIEW, reach="a1"),
    Case("defense-guard-add", lambda w: f"/defense/schools/{a1(w)}/guards/new/", perm=CHANGE, reach="a1"),
    Case("defense-guard-add", lambda w: f"/defense/schools/{a1(w)}/guards/new/", perm=CHANGE, reach="a1",
         method="POST", data=guard_form),
    Case("defense-facility", lambda w: f"/defense/schools/{a1(w)}/facility/", perm=CHANGE, reach="a1"),
    Case("defense-facility", lambda w: f"/defense/schools/{a1(w)}/facility/", perm=CHANGE, reach="a1",
         method="POST", data=facility_form),
    Case("defense-guard-release", lambda w: f"/defense/guards/{guard(w)}/release/", perm=CHANGE, reach="a1",
         method="POST", data=lambda w: {"left_on": "2025-06-30"}),
    Case("defense-equipment", lambda w: f"/defense/schools/{a1(w)}/equipment/", perm=CHANGE, reach="a1",
         method="POST", data=lambda w: {"kind": "safety_fork", "count": "3"}),
    Case("defense-guard-training", lambda w: f"/defense/guards/{guard(w)}/trainings/", perm=CHANGE, reach="a1",
         method="POST", data=lambda w: {"held_on": "2025-03-01", "topic": "岗前培训", "hours": "8"}),
    # API
    Case("GET /api/v1/defense/schools/{school_id}", lambda w: f"/api/v1/defense/schools/{a1(w)}", perm=VIEW,
         reach="a1"),
    Case("POST /api/v1/defense/schools/{school_id}/guards", lambda w: f"/api/v1/defense/schools/{a1(w)}/guards",
         perm=CHANGE, reach="a1", method="POST", data=guard_json),
    Case("PATCH /api/v1/defense/guards/{guard_id}", lambda w: f"/api/v1/defense/guards/{guard(w)}", perm=CHANGE,
         reach="a1", method="PATCH", data=lambda w: {"license_number": "苏保9999", "health_status": "limited"}),
    Case("POST /api/v1/defense/guards/{guard_id}/release", lambda w: f"/api/v1/defense/guards/{guard(w)}/release",
         perm=CHANGE, reach="a1", method="POST", data=lambda w: {"left_on": "2025-06-30"}),
    Case("POST /api/v1/defense/guards/{guard_id}/trainings",
         lambda w: f"/api/v1/defense/guards/{guard(w)}/trainings", perm=CHANGE, reach="a1", method="POST",
         data=lambda w: {"held_on": "2025-03-01", "topic": "岗前培训", "hours": 8}),
    Case("PUT /api/v1/defense/schools/{school_id}/facility", lambda w: f"/api/v1/defense/schools/{a1(w)}/facility",
         perm=CHANGE, reach="a1", method="PUT", data=facility_json),
    Case("PUT /api/v1/defense/schools/{school_id}/equipment",
         lambda w: f"/api/v1/defense/schools/{a1(w)}/equipment", perm=CHANGE, reach="a1", method="PUT",
         data=lambda w: {"counts": {"safety_fork": 4, "shield": 2}}),
]
