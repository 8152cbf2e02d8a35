"""Permission matrix of the device list page, the registry's export, a device's API detail and its
heartbeat history."""

from tests.defense.fixtures import ensure_records
from tests.matrix import Case

VIEW = "devices.view_device"


def extend_world(w):
    ensure_records(w)


def device(w):
    return w.extra["device_a1"].pk


CASES = [
    Case("device-list", lambda w: "/devices/", perm=VIEW),
    Case("GET /api/v1/devices/export", lambda w: "/api/v1/devices/export", perm=VIEW),
    Case("GET /api/v1/devices/{device_id}", lambda w: f"/api/v1/devices/{device(w)}", perm=VIEW, reach="a1"),
    Case("GET /api/v1/devices/{device_id}/heartbeats", lambda w: f"/api/v1/devices/{device(w)}/heartbeats?days=1",
         perm=VIEW, reach="a1"),
]
