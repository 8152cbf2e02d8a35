"""Signed HTTP alarms: HMAC with the device secret and a timestamp, idempotent by the device's event id."""

import json
import time

import pytest

from huxiao.alarms.models import Alarm
from huxiao.devices.signing import signed_headers
from tests.alarms.conftest import make_panel

URL = "/api/v1/alarms/device/alarms"


@pytest.fixture
def button(world):
    return make_panel(world.schools["a1"], "BTN-1", "B01")


def send(client, device, payload, secret=None, ts=None):
    body = json.dumps(payload).encode()
    headers = signed_headers(device.serial, secret or device.raw_secret, "POST", URL, body, ts)
    return client.post(URL, data=body, content_type="application/json",
                       **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})


def test_signed_alarm_is_stored_once_per_event_id(client, button):
    r = send(client, button, {"event_id": "evt-1", "code": "PA", "zone": "2"})
    assert r.status_code == 201 and r.json()["duplicate"] is False
    time.sleep(1.01)  # a retry is signed anew
    r2 = send(client, button, {"event_id": "evt-1", "code": "PA", "zone": "2"})
    assert r2.status_code == 200 and r2.json() == {"alarm_id": r.json()["alarm_id"], "duplicate": True}
    alarm = Alarm.objects.get()
    assert (alarm.source, alarm.school_id, alarm.code, alarm.status) == ("http", button.school_id, "PA", "received")


def test_refusals_store_nothing(client, button):
    assert send(client, button, {"event_id": "e", "code": "PA"}, secret="wrong").status_code == 401
    assert send(client, button, {"event_id": "e", "code": "PA"}, ts=int(time.time()) - 3600).status_code == 401
    assert client.post(URL, data='{"event_id": "x"}', content_type="application/json").status_code == 401
    assert send(client, button, {"event_id": "bad id!", "code": "PA"}).status_code == 422
    assert send(client, button, {"code": "PA"}).status_code == 422
    assert send(client, button, {"event_id": "e2", "code": "PA", "occurred_at": "2026-01-01T00:00:00"}).status_code == 400
    assert not Alarm.objects.exists()


def test_replayed_signature_is_refused(client, button):
    body = json.dumps({"event_id": "evt-r", "code": "BA"}).encode()
    headers = signed_headers(button.serial, button.raw_secret, "POST", URL, body)
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    assert client.post(URL, data=body, content_type="application/json", **extra).status_code == 201
    assert client.post(URL, data=body, content_type="application/json", **extra).status_code == 409
    assert Alarm.objects.count() == 1
