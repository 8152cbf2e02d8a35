"""Life cycle through the API, illegal steps refused with nothing changed, escalation with a moved clock."""

import datetime
import json

import pytest
from django.utils import timezone

from huxiao.alarms.intake import Incoming, receive_alarms
from huxiao.alarms.models import Alarm
from huxiao.alarms.services import escalate_overdue
from huxiao.core.actions import SYSTEM
from huxiao.core.models import Notification
from tests.alarms.conftest import make_panel


@pytest.fixture
def alarm(world):
    panel = make_panel(world.schools["a1"], "AP-LC", "5A5")
    ((pk, _),) = receive_alarms([Incoming(device=panel, source="dc09", dedup_key="lc:1", code="PA", zone="1")])
    return Alarm.objects.get(pk=pk)


def post(client, url, data=None):
    return client.post(url, data=json.dumps(data or {}), content_type="application/json")


def test_full_life_cycle_timed_and_attributed(world, alarm, client_for):
    from huxiao.devices.choices import DeviceKind, DeviceLocation
    from huxiao.devices.services import do_register_device

    do_register_device(world.schools["a1"], {"kind": DeviceKind.CAMERA, "location": DeviceLocation.GATE,
                                             "name": "校门摄像机", "serial": "LC-CAM"}, actor=SYSTEM)
    c = client_for(world.users["station_a1"])
    base = f"/api/v1/alarms/alarms/{alarm.pk}"
    step = post(c, base + "/acknowledge").json()
    assert step["status"] == "acknowledged"
    # the console redraws the card from the answer: it keeps the gate cameras and guards of the school
    assert [cam["serial"] for cam in step["cameras"]] == ["LC-CAM"]
    assert (step["cameras"], step["guards"]) == (c.get(base).json()["cameras"], c.get(base).json()["guards"])
    r = post(c, base + "/dispatch", {"officer_id": world.users["station_a1"].pk})  # the station sends its own
    assert r.status_code == 200 and r.json()["dispatch_officer"] == world.users["station_a1"].display_name
    assert post(c, base + "/arrive").json()["status"] == "arrived"
    r = post(c, base + "/close", {"disposition": "real", "notes": "现场抓获一名持刀人员"})
    assert r.json()["status"] == "closed" and r.json()["disposition_label"] == "真实警情"
    alarm.refresh_from_db()
    user = world.users["station_a1"]
    assert alarm.acknowledged_by == alarm.dispatched_by == alarm.arrived_by == alarm.closed_by == user
    assert alarm.received_at <= alarm.acknowledged_at <= alarm.dispatched_at <= alarm.arrived_at <= alarm.closed_at
    assert alarm.dispatch_unit == world.units["station_a1"]
    detail = c.get(base).json()
    assert [e["kind"] for e in detail["events"]] == ["received", "acknowledged", "dispatched", "arrived", "closed"]


@pytest.mark.parametrize("step,data,message", [
    ("dispatch", {"officer": "王警官"}, "不能派警"),
    ("arrive", {}, "不能登记到场"),
    ("close", {"disposition": "false"}, "不能处置完毕"),
])
def test_illegal_steps_are_refused_and_change_nothing(world, alarm, client_for, step, data, message):
    c = client_for(world.users["station_a1"])
    r = post(c, f"/api/v1/alarms/alarms/{alarm.pk}/{step}", data)
    assert r.status_code == 400 and message in r.json()["detail"]
    assert Alarm.objects.get(pk=alarm.pk).status == "received"
    assert alarm.events.count() == 1


def test_real_alarm_needs_arrival_and_bad_input(world, alarm, client_for):
    c = client_for(world.users["station_a1"])
    base = f"/api/v1/alarms/alarms/{alarm.pk}"
    post(c, base + "/acknowledge")
    r = post(c, base + "/close", {"disposition": "real", "notes": "x"})
    assert r.status_code == 400 and "到场" in r.json()["detail"]
    assert post(c, base + "/close", {"disposition": "nonsense"}).status_code == 422
    assert post(c, base + "/acknowledge").status_code == 400  # twice
    assert Alarm.objects.get(pk=alarm.pk).status == "acknowledged"


def test_out_of_jurisdiction_and_wrong_role(world, alarm, client_for):
    assert post(client_for(world.users["police_b"]), f"/api/v1/alarms/alarms/{alarm.pk}/acknowledge").status_code == 404
    assert post(client_for(world.users["principal_a1"]),
                f"/api/v1/alarms/alarms/{alarm.pk}/acknowledge").status_code == 403
    assert Alarm.objects.get(pk=alarm.pk).status == "received"


def test_escalation_with_moved_clock(world, alarm, django_capture_on_commit_callbacks):
    t0 = alarm.received_at
    assert escalate_overdue(now=t0 + datetime.timedelta(seconds=29)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert escalate_overdue(now=t0 + datetime.timedelta(seconds=31)) == 1
    alarm.refresh_from_db()
    assert alarm.escalation_level == 1
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"police_a"}
    assert escalate_overdue(now=t0 + datetime.timedelta(seconds=45)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert escalate_overdue(now=t0 + datetime.timedelta(seconds=61)) == 1
    alarm.refresh_from_db()
    assert alarm.escalation_level == 2
    assert "police_city" in set(Notification.objects.values_list("recipient__username", flat=True))
    assert escalate_overdue(now=t0 + datetime.timedelta(seconds=300)) == 0
    assert [e.kind for e in alarm.events.all()] == ["received", "escalated", "escalated"]


def test_acknowledged_alarms_and_tests_do_not_escalate(world, alarm):
    from huxiao.alarms.services import do_acknowledge_alarm

    do_acknowledge_alarm(alarm, actor=world.users["station_a1"])
    panel = alarm.device
    receive_alarms([Incoming(device=panel, source="dc09", dedup_key="lc:t", code="RP", zone="0")])
    assert escalate_overdue(now=timezone.now() + datetime.timedelta(minutes=10)) == 0


def test_pages_step_and_detail(world, alarm, client_for):
    c = client_for(world.users["station_a1"])
    r = c.post(f"/alarms/{alarm.pk}/dispatch/", {"unit": world.units["station_a1"].pk,
                                                 "officer": world.users["station_a1"].pk})
    assert r.status_code == 400 and "不能派警" in r.content.decode()  # the page again, saying why
    assert Alarm.objects.get(pk=alarm.pk).status == "received"
    c.post(f"/alarms/{alarm.pk}/acknowledge/")
    page = c.get(f"/alarms/{alarm.pk}/").content.decode()
    assert "已确认" in page and "紧急报警" in page
    assert c.get("/alarms/console/").status_code == 200
    assert "紧急报警" in c.get("/alarms/").content.decode()
