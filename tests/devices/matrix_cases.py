"""Permission matrix of the device API. Heartbeats are authenticated per device, not per user."""

from tests.defense.fixtures import ensure_records
from tests.matrix import Case

VIEW, REGISTER = "devices.view_device", "devices.register_device"

EXEMPT = {"POST /api/v1/devices/heartbeats": "signed per entry by each device's own secret; tests/devices/"
                                             "test_heartbeats.py covers unknown device, bad signature, replay"}


def extend_world(w):
    ensure_records(w)


CASES = [
    Case("GET /api/v1/devices/", lambda w: "/api/v1/devices/", perm=VIEW),
    Case("POST /api/v1/devices/", lambda w: "/api/v1/devices/", perm=REGISTER, reach="a1", method="POST",
         data=lambda w: {"school_id": w.schools["a1"].pk, "kind": "camera", "location": "gate", "name": "校门口枪机",
                         "serial": "CAM-MATRIX-1", "supervision_window_seconds": 300}),
    Case("device-register", lambda w: f"/devices/schools/{w.schools['a1'].pk}/new/", perm=REGISTER, reach="a1"),
    Case("device-register", lambda w: f"/devices/schools/{w.schools['a1'].pk}/new/", perm=REGISTER, reach="a1",
         method="POST", data=lambda w: {"kind": "camera", "location": "gate", "name": "校门口球机",
                                        "serial": "CAM-PAGE-1", "window_minutes": "10"}),
    Case("device-detail", lambda w: f"/devices/{w.extra['device_a1'].pk}/", perm=VIEW, reach="a1"),
    Case("device-set-active", lambda w: f"/devices/{w.extra['device_a1'].pk}/active/", perm=REGISTER, reach="a1",
         method="POST", data=lambda w: {"active": "0"}),
]
