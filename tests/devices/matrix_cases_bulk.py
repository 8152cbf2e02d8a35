"""Permission matrix of registering devices in bulk and of rotating a device's secret (API and page)."""

from tests.defense.fixtures import ensure_records
from tests.matrix import Case

REGISTER = "devices.register_device"


def extend_world(w):
    ensure_records(w)


def devices(w):
    return {"items": [{"school_id": w.schools["a1"].pk, "kind": "camera", "location": "gate", "name": "北门摄像机",
                       "serial": "MATRIX-BULK-CAM-1"}]}


CASES = [
    Case("device-import", lambda w: "/devices/import/", perm=REGISTER),
    # a user with the role who does not reach the school gets the row refused in the report (400)
    Case("POST /api/v1/devices/bulk", lambda w: "/api/v1/devices/bulk", perm=REGISTER, reach="a1", method="POST",
         data=devices, content_type="json", out_of_reach=None,
         audit_entries=2),  # the device's own registration and the bulk's summary
    Case("POST /api/v1/devices/{device_id}/secret", lambda w: f"/api/v1/devices/{w.extra['device_a1'].pk}/secret",
         perm=REGISTER, reach="a1", method="POST", data=lambda w: {}, content_type="json"),
    Case("device-rotate-secret", lambda w: f"/devices/{w.extra['device_a1'].pk}/secret/", perm=REGISTER, reach="a1"),
    Case("device-rotate-secret", lambda w: f"/devices/{w.extra['device_a1'].pk}/secret/", perm=REGISTER, reach="a1",
         method="POST", data=lambda w: {}),
]
