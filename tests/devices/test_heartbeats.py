"""Batched heartbeats through the HTTP API: good entries are stored and move last_seen_at, bad ones are
reported per entry (a batch with none good stores nothing); a device silent one second past its window
stops counting as networked."""

import datetime
import json

import pytest
from django.utils import timezone

from huxiao.compliance.models import RuleStatus
from huxiao.compliance.services import sync_campaigns
from huxiao.devices.heartbeats import entry_signature
from huxiao.devices.models import Device, Heartbeat
from huxiao.devices.services import sweep_network_states
from tests.defense.fixtures import add_device

URL = "/api/v1/devices/heartbeats"


def entry(device, secret, ts, sig=None):
    return {"serial": device.serial, "ts": ts, "sig": sig or entry_signature(secret, device.serial, ts)}


def post(client, body):
    raw = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(URL, data=raw, content_type="application/json")


@pytest.fixture
def devices(world):
    a1 = world.schools["a1"]
    panel = add_device(a1, serial="HB-PANEL-1")
    camera = add_device(a1, kind="camera", location="gate", serial="HB-CAM-1")
    return panel, camera


def test_batch_of_several_devices_is_stored_and_moves_last_seen(client, devices):
    (panel, ps), (camera, cs) = devices
    now = int(timezone.now().timestamp())
    r = post(client, {"heartbeats": [entry(panel, ps, now - 20), entry(camera, cs, now - 10), entry(panel, ps, now)]})
    assert r.status_code == 200, r.content
    assert r.json() == {"accepted": 3, "rejected": []}
    assert Heartbeat.objects.count() == 3
    panel.refresh_from_db()
    assert int(panel.last_seen_at.timestamp()) == now and panel.is_networked()


@pytest.mark.parametrize("mutate,status,field", [
    (lambda e: {**e, "serial": "NO-SUCH-DEVICE"}, 401, "heartbeats[1]"),  # one answer for both:
    (lambda e: {**e, "sig": "0" * 64}, 401, "heartbeats[1]"),  # unknown device, bad signature
    (lambda e: {**e, "ts": e["ts"] - 3600}, 400, "heartbeats[1].ts"),
])
def test_one_bad_entry_is_reported_and_the_good_ones_are_stored(client, devices, mutate, status, field):
    (panel, ps), (camera, cs) = devices
    now = int(timezone.now().timestamp())
    bad = mutate(entry(camera, cs, now))
    r = post(client, {"heartbeats": [entry(panel, ps, now - 1), bad, entry(panel, ps, now)]})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["accepted"] == 2
    assert [(x["index"], x["field"], x["status"]) for x in body["rejected"]] == [(1, field, status)]
    assert body["rejected"][0]["detail"]
    assert list(Heartbeat.objects.values_list("device_id", flat=True)) == [panel.pk, panel.pk]
    panel.refresh_from_db()
    camera.refresh_from_db()
    assert int(panel.last_seen_at.timestamp()) == now and camera.last_seen_at is None


def test_a_batch_with_no_good_entry_stores_nothing_and_answers_as_its_first_refusal(client, devices):
    (panel, ps), (camera, cs) = devices
    now = int(timezone.now().timestamp())
    r = post(client, {"heartbeats": [entry(panel, ps, now - 3600), entry(camera, cs, now, sig="0" * 64)]})
    assert r.status_code == 400
    body = r.json()
    assert body["field"] == "heartbeats[0].ts" and "时间戳" in body["detail"]
    assert [(x["index"], x["status"]) for x in body["rejected"]] == [(0, 400), (1, 401)]
    assert Heartbeat.objects.count() == 0 and not Device.objects.filter(last_seen_at__isnull=False).exists()


def test_a_replayed_entry_inside_a_fresh_batch_is_refused_alone(client, devices):
    """Replay safety per entry: a gateway re-sending yesterday's entry beside today's gets that entry
    refused (409) and today's stored."""
    (panel, ps), (camera, cs) = devices
    now = int(timezone.now().timestamp())
    assert post(client, {"heartbeats": [entry(panel, ps, now - 10)]}).status_code == 200
    r = post(client, {"heartbeats": [entry(panel, ps, now - 10), entry(camera, cs, now)]})
    assert r.status_code == 200
    assert r.json()["accepted"] == 1
    assert [(x["index"], x["status"]) for x in r.json()["rejected"]] == [(0, 409)]
    assert Heartbeat.objects.filter(device=panel).count() == 1 and Heartbeat.objects.filter(device=camera).count() == 1


def test_a_concurrent_batch_that_got_there_first_gets_the_entry_refused(client, devices, monkeypatch):
    """Two gateways carrying the same entry: the second one's strict UPDATE finds the device already moved;
    its entries are judged again against the device as it now is and the duplicate is refused."""
    from huxiao.devices import heartbeats

    (panel, ps), (camera, cs) = devices
    now = int(timezone.now().timestamp())
    real = heartbeats._devices
    calls = []

    def stale_first_read(serials):
        found = real(serials)
        if not calls:  # the other gateway's batch is committed between this read and the UPDATE
            calls.append(1)
            Device.objects.filter(pk=panel.pk).update(
                last_seen_at=datetime.datetime.fromtimestamp(now, tz=datetime.UTC))
        return found

    monkeypatch.setattr(heartbeats, "_devices", stale_first_read)
    r = post(client, {"heartbeats": [entry(panel, ps, now), entry(camera, cs, now)]})
    assert r.status_code == 200, r.content
    assert r.json()["accepted"] == 1
    assert [(x["index"], x["status"]) for x in r.json()["rejected"]] == [(0, 409)]
    assert list(Heartbeat.objects.values_list("device_id", flat=True)) == [camera.pk]


def test_signature_of_another_device_is_refused(client, devices):
    (panel, ps), (camera, cs) = devices
    now = int(timezone.now().timestamp())
    forged = {"serial": camera.serial, "ts": now, "sig": entry_signature(ps, camera.serial, now)}
    assert post(client, {"heartbeats": [forged]}).status_code == 401
    assert Heartbeat.objects.count() == 0


def test_replayed_batch_and_out_of_order_entries_are_refused(client, devices):
    (panel, ps), _ = devices
    now = int(timezone.now().timestamp())
    body = {"heartbeats": [entry(panel, ps, now - 5)]}
    assert post(client, body).status_code == 200
    r = post(client, body)
    assert r.status_code == 409 and "重复" in r.json()["detail"]
    # out of order within a batch: the later entry that is older than the one before it is refused alone
    r = post(client, {"heartbeats": [entry(panel, ps, now), entry(panel, ps, now - 1)]})
    assert r.status_code == 200 and r.json()["accepted"] == 1
    assert [(x["index"], x["status"]) for x in r.json()["rejected"]] == [(1, 409)]
    assert Heartbeat.objects.count() == 2


def test_inactive_device_is_unknown(client, devices):
    (panel, ps), _ = devices
    Device.objects.filter(pk=panel.pk).update(active=False)
    now = int(timezone.now().timestamp())
    assert post(client, {"heartbeats": [entry(panel, ps, now)]}).status_code == 401


@pytest.mark.parametrize("body", [
    b"not json", b"", b"[]", {"heartbeats": []}, {"heartbeats": "x"}, {"beats": []},
    {"heartbeats": [{"serial": "HB-PANEL-1", "ts": "soon", "sig": "a" * 64}]},
    {"heartbeats": [{"serial": "HB-PANEL-1", "ts": 1, "sig": "xyz"}]},
    {"heartbeats": [{"serial": "HB-PANEL-1", "ts": 1, "sig": "z" * 64}]},
    {"heartbeats": [{"serial": "HB\u0000PANEL", "ts": 1, "sig": "a" * 64}]},
    {"heartbeats": [{"serial": "HB\"PANEL\\", "ts": 1, "sig": "a" * 64}]},
    {"heartbeats": [{"serial": "HB-PANEL-1", "sig": "a" * 64}]},
    {"heartbeats": [{"serial": "", "ts": 1, "sig": "a" * 64}]},
    {"heartbeats": [{"serial": "HB-PANEL-1", "ts": -5, "sig": "a" * 64}]},
    {"heartbeats": [{"serial": "HB-PANEL-1", "ts": 10**20, "sig": "a" * 64}]},
])
def test_malformed_batches_are_rejected_with_4xx_and_nothing_stored(client, devices, body):
    r = post(client, body)
    assert 400 <= r.status_code < 500, r.content
    assert Heartbeat.objects.count() == 0


def test_batch_size_is_limited(client, devices):
    (panel, ps), _ = devices
    now = int(timezone.now().timestamp())
    body = {"heartbeats": [entry(panel, ps, now)] * 5001}
    assert post(client, body).status_code == 422
    assert Heartbeat.objects.count() == 0


def test_device_silent_one_second_past_its_window_changes_the_networked_rate(client, world, devices,
                                                                             django_capture_on_commit_callbacks):
    """A heartbeat at T: networked at T+300 s (the window), not at T+301 s; the rate follows (compliance
    re-evaluates after the commit, as of the instant the registry judged the device)."""
    sync_campaigns()
    (panel, ps), (camera, cs) = devices
    t = timezone.now().replace(microsecond=0)
    now = int(t.timestamp())
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, {"heartbeats": [entry(panel, ps, now), entry(camera, cs, now)]}).status_code == 200

    def networked_status(at):
        with django_capture_on_commit_callbacks(execute=True):
            sweep_network_states(now=at)
        return RuleStatus.objects.get(school=world.schools["a1"], rule_id="JT-2", campaign__code="jintan-2023")

    row = networked_status(t + datetime.timedelta(seconds=300))
    assert row.status == "met", row.reason
    row = networked_status(t + datetime.timedelta(seconds=301))
    assert row.status == "not_met"
    assert "超出监测窗口" in row.reason
    # the rates are read now: the devices are made as silent now as they were at t + 301 s (the read
    # judges them again from last heard, tests/devices/test_silent_at_read_time.py)
    Device.objects.update(last_seen_at=timezone.now() - datetime.timedelta(seconds=301))
    c = client
    c.force_login(world.users["edu_a"])
    rates = c.get("/api/v1/compliance/rates?region=320413&campaign=jintan-2023").json()
    jt2 = next(r for r in rates["rules"] if r["rule_id"] == "JT-2")
    assert jt2["met"] == 0 and jt2["applicable"] >= 1


def test_heartbeat_bringing_a_device_back_reevaluates_at_once(client, world, devices,
                                                              django_capture_on_commit_callbacks):
    sync_campaigns()
    (panel, ps), (camera, cs) = devices
    now = int(timezone.now().timestamp())
    with django_capture_on_commit_callbacks(execute=True):  # once the batch is committed
        assert post(client, {"heartbeats": [entry(panel, ps, now - 2)]}).status_code == 200
    row = RuleStatus.objects.get(school=world.schools["a1"], rule_id="JT-2", campaign__code="jintan-2023")
    assert row.status == "not_met" and "0/1 台联网" in row.reason  # the gate camera is still silent
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, {"heartbeats": [entry(camera, cs, now)]}).status_code == 200
    row.refresh_from_db()
    assert row.status == "met"
