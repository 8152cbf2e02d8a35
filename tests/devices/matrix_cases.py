"""Permission matrix of the device API. Heartbeats are authenticated per device, not per user."""

from tests.defense.fixtures import ensure_records
from tests.matrix import Case
from tests.world import REACH_A1, WORLD_USERS

ROLE_USERS = set(WORLD_USERS)
OUT_A1 = {"principal_a2", "edu_b", "police_b", "admin_b"}
REGISTER_A1 = {"principal_a1", "security_a1", "station_a1", "police_a", "edu_a", "police_city", "edu_city",
               "admin_province"}

EXEMPT = {"POST /api/v1/devices/heartbeats": "signed per entry by each device's own secret; tests/devices/"
                                             "test_heartbeats.py covers unknown device, bad signature, replay"}


def extend_world(w):
    ensure_records(w)


CASES = [
    Case("GET /api/v1/devices/", lambda w: "/api/v1/devices/", ROLE_USERS),
    Case("POST /api/v1/devices/", lambda w: "/api/v1/devices/", REGISTER_A1, method="POST",
         data=lambda w: {"school_id": w.schools["a1"].pk, "kind": "camera", "location": "gate", "name": "校门口枪机",
                         "serial": "CAM-MATRIX-1", "supervision_window_seconds": 300},
         hidden={"principal_a2", "edu_b", "police_b", "admin_b"}),
    Case("device-register", lambda w: f"/devices/schools/{w.schools['a1'].pk}/new/", REGISTER_A1,
         hidden={"principal_a2", "edu_b", "police_b", "admin_b"}),
    Case("device-register", lambda w: f"/devices/schools/{w.schools['a1'].pk}/new/", REGISTER_A1, method="POST",
         data=lambda w: {"kind": "camera", "location": "gate", "name": "校门口球机", "serial": "CAM-PAGE-1",
                         "window_minutes": "10"},
         hidden={"principal_a2", "edu_b", "police_b", "admin_b"}),
    Case("device-detail", lambda w: f"/devices/{w.extra['device_a1'].pk}/", REACH_A1, hidden=OUT_A1),
    Case("device-set-active", lambda w: f"/devices/{w.extra['device_a1'].pk}/active/", REGISTER_A1, method="POST",
         data=lambda w: {"active": "0"}, hidden={"principal_a2", "edu_b", "police_b", "admin_b"}),
]
