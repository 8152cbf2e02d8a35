"""Registering devices in bulk (all or nothing, per-row report, idempotent on the serial, each secret shown
once) and rotating a device's secret (the old one refused from then on, audited, never shown again)."""

import json

from django.utils import timezone

from huxiao.core.models import AuditLog
from huxiao.devices.heartbeats import entry_signature
from huxiao.devices.models import Device, Heartbeat
from huxiao.devices.signing import signed_headers
from tests.defense.fixtures import add_device

BULK = "/api/v1/devices/bulk"
HEARTBEATS = "/api/v1/devices/heartbeats"


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def item(school, serial, **extra):
    return {"school_id": school.pk, "kind": "camera", "location": "gate", "name": f"摄像机{serial}",
            "serial": serial, **extra}


def beat(client, device, secret, ago=0):
    now = int(timezone.now().timestamp()) - ago
    return post(client, HEARTBEATS, {"heartbeats": [{"serial": device.serial, "ts": now,
                                                     "sig": entry_signature(secret, device.serial, now)}]})


def test_bulk_registers_every_device_with_its_secret_once_and_a_retry_registers_nothing(world, client_for):
    a1, a2 = world.schools["a1"], world.schools["a2"]
    c = client_for(world.users["edu_a"])
    items = [item(a1, "BULK-CAM-1"), {**item(a2, "BULK-CAM-2", supervision_window_seconds=600), "school_id": None,
                                      "school_code": a2.code}]
    r = post(c, BULK, {"items": items})
    assert r.status_code == 200, r.content
    rows = r.json()["rows"]
    assert r.json()["created"] == 2 and all(len(row["secret"]) == 64 for row in rows)
    assert Device.objects.get(serial="BULK-CAM-2").supervision_window.total_seconds() == 600
    assert AuditLog.objects.filter(event="devices.bulk_register").count() == 1
    assert AuditLog.objects.filter(event="devices.register").count() == 2
    # the secret works, and appears nowhere else: not in the detail, the list or the audit log
    device = Device.objects.get(serial="BULK-CAM-1")
    assert beat(client_for(None), device, rows[0]["secret"]).status_code == 200
    detail = c.get(f"/api/v1/devices/{device.pk}").content.decode()
    listing = c.get("/api/v1/devices").content.decode()
    logged = json.dumps(list(AuditLog.objects.values("before", "after")), ensure_ascii=False)
    assert all(rows[0]["secret"] not in text for text in (detail, listing, logged))
    audit_before = AuditLog.objects.count()
    again = post(c, BULK, {"items": items})  # the answer was lost: the same request again
    assert again.status_code == 200
    assert (again.json()["created"], again.json()["unchanged"]) == (0, 2)
    assert [row["secret"] for row in again.json()["rows"]] == [None, None]
    assert Device.objects.count() == 2 and AuditLog.objects.count() == audit_before


def test_every_bad_row_is_reported_and_nothing_is_registered(world, client_for):
    a1 = world.schools["a1"]
    taken, _secret = add_device(world.schools["b1"], serial="TAKEN-1")
    c = client_for(world.users["edu_a"])
    before = AuditLog.objects.count()
    items = [item(a1, "OK-1"),
             item(a1, "bad serial!"),
             item(a1, "TAKEN-1"),  # registered at another school (out of reach): one answer, no school named
             item(a1, "OK-2", supervision_window_seconds=5),
             item(a1, "OK-1"),  # the same serial twice in one request
             {**item(a1, "OK-3"), "school_id": world.schools["b1"].pk}]
    r = post(c, BULK, {"items": items})
    assert r.status_code == 400, r.content
    got = [(e["row"], e["field"]) for e in r.json()["errors"]]
    assert got == [(2, "serial"), (3, "serial"), (4, "supervision_window_seconds"), (5, "serial"), (6, "school_id")]
    assert world.schools["b1"].name not in r.content.decode()
    assert "已登记为另一台设备" in r.json()["errors"][1]["message"]
    assert Device.objects.count() == 1 and AuditLog.objects.count() == before


def test_bulk_needs_the_role(world, client_for):
    body = {"items": [item(world.schools["a1"], "ROLE-1")]}
    assert post(client_for(world.users["guard_a1"]), BULK, body).status_code == 403
    assert post(client_for(None), BULK, body).status_code == 401
    assert post(client_for(world.users["edu_a"]), BULK, {"items": []}).status_code == 422
    assert not Device.objects.exists()


def test_rotating_the_secret_refuses_the_old_one_from_then_on(world, client_for):
    device, old = add_device(world.schools["a1"], serial="ROTATE-1")
    anon = client_for(None)
    assert beat(anon, device, old, ago=10).status_code == 200
    c = client_for(world.users["security_a1"])
    r = post(c, f"/api/v1/devices/{device.pk}/secret", {})
    assert r.status_code == 200, r.content
    new = r.json()["secret"]
    assert new != old and len(new) == 64 and r.json()["serial"] == "ROTATE-1"
    entry = AuditLog.objects.get(event="devices.rotate_secret")
    assert old not in json.dumps(entry.after) and new not in json.dumps(entry.after)
    refused = beat(anon, device, old)
    assert refused.status_code == 401
    assert beat(anon, device, new).status_code == 200
    assert Heartbeat.objects.count() == 2
    # a signed HTTP request (the alarms' path) with the old secret is refused too
    from huxiao.devices.signing import SignatureError, verify_device_request

    body = b"{}"
    headers = signed_headers(device.serial, old, "POST", "/api/v1/alarms/device/alarms", body)
    from django.test import RequestFactory

    request = RequestFactory().post("/api/v1/alarms/device/alarms", data=body, content_type="application/json",
                                    headers=headers)
    try:
        verify_device_request(request)
    except SignatureError as exc:
        assert exc.status == 401
    else:
        raise AssertionError("the old secret was accepted")


def test_rotation_is_for_the_registering_roles_within_reach(world, client_for):
    device, old = add_device(world.schools["a1"], serial="ROTATE-2")
    url = f"/api/v1/devices/{device.pk}/secret"
    assert post(client_for(world.users["guard_a1"]), url, {}).status_code == 403
    assert post(client_for(world.users["edu_b"]), url, {}).status_code == 404
    assert post(client_for(None), url, {}).status_code == 401
    assert not AuditLog.objects.filter(event="devices.rotate_secret").exists()
    assert beat(client_for(None), device, old).status_code == 200  # still the same secret
