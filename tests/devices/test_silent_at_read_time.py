"""A device silent past its window changes the figures when they are read, whether or not a clock or a
background worker ran the sweep since (no sweep is called in these tests)."""

import datetime

from django.utils import timezone

from huxiao.compliance.models import RuleStatus
from huxiao.compliance.services import evaluate_all
from huxiao.devices.models import Device
from huxiao.devices.services import catch_up_network_states, record_heartbeats
from tests.defense.fixtures import add_device


def jt2(client):
    rates = client.get("/api/v1/compliance/rates?region=320413&campaign=jintan-2023").json()
    return next(r for r in rates["rules"] if r["rule_id"] == "JT-2")


def test_a_device_gone_silent_without_any_sweep_changes_the_rate_and_the_lists(world, client_for):
    a1 = world.schools["a1"]
    panel, _ = add_device(a1, serial="READ-PANEL-1")
    camera, _ = add_device(a1, kind="camera", location="gate", serial="READ-CAM-1")
    now = timezone.now()
    record_heartbeats([(panel.pk, now), (camera.pk, now)])
    evaluate_all()
    assert RuleStatus.objects.get(school=a1, rule_id="JT-2", campaign__code="jintan-2023").status == "met"
    # ten minutes pass (past the 5-minute window) and nobody sweeps: no clock, no worker
    Device.objects.update(last_seen_at=now - datetime.timedelta(minutes=10))
    assert Device.objects.filter(network_state=True).count() == 2  # as last judged
    c = client_for(world.users["edu_a"])
    row = jt2(c)
    assert row["met"] == 0 and row["applicable"] == 2
    assert RuleStatus.objects.get(school=a1, rule_id="JT-2", campaign__code="jintan-2023").status == "not_met"
    assert not Device.objects.filter(network_state=True).exists()
    listing = c.get("/api/v1/devices?networked=true").json()
    assert listing["count"] == 0
    assert {d["state"] for d in c.get("/api/v1/devices").json()["items"]} == {"offline"}


def test_the_catch_up_changes_only_what_its_last_heartbeat_says(world):
    a1, a2 = world.schools["a1"], world.schools["a2"]
    quiet, _ = add_device(a1, serial="READ-PANEL-2")
    heard, _ = add_device(a2, serial="READ-PANEL-3")
    now = timezone.now()
    record_heartbeats([(quiet.pk, now), (heard.pk, now)])
    assert catch_up_network_states(now) == []  # as stored
    Device.objects.filter(pk=quiet.pk).update(last_seen_at=now - datetime.timedelta(minutes=10))
    assert catch_up_network_states(now) == [a1.pk]
    assert list(Device.objects.filter(network_state=True).values_list("pk", flat=True)) == [heard.pk]
    assert catch_up_network_states(now) == []  # stored: nothing more to do
