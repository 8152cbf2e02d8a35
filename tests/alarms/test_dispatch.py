"""派警 through the API and the alarm page: the unit is picked from the police units in reach (the school's
station by default), the officer is a user of that unit and is required when a station sends its own people;
the unit a 110 centre sent assigns its officer. Every refusal names the field in Chinese and changes nothing."""

import json

import pytest

from huxiao.alarms.intake import Incoming, receive_alarms
from huxiao.alarms.models import Alarm
from huxiao.alarms.services import do_acknowledge_alarm, do_dispatch_alarm
from huxiao.core.actions import SYSTEM
from huxiao.core.models import AuditLog
from tests.alarms.conftest import make_panel
from tests.world import make_school


def _alarm(school, key, account):
    panel = make_panel(school, f"AP-DP-{key}", account)
    ((pk, _new),) = receive_alarms([Incoming(device=panel, source="dc09", dedup_key=f"dp:{key}", code="PA")])
    alarm = Alarm.objects.get(pk=pk)
    do_acknowledge_alarm(alarm, actor=SYSTEM)
    return Alarm.objects.get(pk=pk)


@pytest.fixture
def acked(world):
    return _alarm(world.schools["a1"], "a1", "D01")


def post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def unchanged(alarm):
    """The alarm is still acknowledged, with no dispatch event and no dispatch audit entry."""
    alarm = Alarm.objects.get(pk=alarm.pk)
    return (alarm.status == "acknowledged" and alarm.dispatch_unit_id is None
            and not alarm.events.filter(kind="dispatched").exists()
            and not AuditLog.objects.filter(object_id=str(alarm.pk), event="alarms.dispatch").exists())


def test_a_station_sending_its_own_people_names_the_officer(world, acked, client_for):
    c = client_for(world.users["station_a1"])
    url = f"/api/v1/alarms/alarms/{acked.pk}/dispatch"
    r = post(c, url, {})
    assert r.status_code == 400 and r.json()["errors"] == {"officer_id": ["本单位出警，请选择出警民警"]}
    assert unchanged(acked)
    r = post(c, url, {"unit_id": world.units["station_a1"].pk, "officer_id": world.users["police_a"].pk})
    assert r.status_code == 400 and r.json()["errors"] == {"officer_id": ["出警民警须为“东城派出所”的在岗民警"]}
    r = post(c, url, {"officer_id": 987654321})
    assert r.status_code == 400 and list(r.json()["errors"]) == ["officer_id"]
    assert unchanged(acked)
    me = world.users["station_a1"]
    r = post(c, url, {"officer_id": me.pk})
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "dispatched" and body["dispatch_unit"] == {"id": world.units["station_a1"].pk,
                                                                        "name": "东城派出所"}
    assert (body["dispatched_officer_id"], body["dispatch_officer"]) == (me.pk, me.display_name)
    alarm = Alarm.objects.get(pk=acked.pk)
    assert (alarm.dispatch_unit, alarm.dispatched_officer, alarm.dispatched_by) == (world.units["station_a1"], me, me)
    assert alarm.events.get(kind="dispatched").detail == f"东城派出所 {me.display_name}"


@pytest.mark.parametrize("unit_key", ["station_b1", "edu_a", "school_a1", None])
def test_the_unit_is_one_in_reach_and_a_police_unit(world, acked, client_for, unit_key):
    """Another district's station, an education bureau, a school or no such unit: refused alike."""
    unit_id = world.units[unit_key].pk if unit_key else 987654321
    r = post(client_for(world.users["police_a"]), f"/api/v1/alarms/alarms/{acked.pk}/dispatch", {"unit_id": unit_id})
    assert r.status_code == 400
    assert r.json()["errors"] == {"unit_id": ["出警单位须为该校属地派出所或您辖区内的公安单位"]}
    assert unchanged(acked)


def test_malformed_ids_are_refused_by_name(world, acked, client_for):
    r = post(client_for(world.users["police_a"]), f"/api/v1/alarms/alarms/{acked.pk}/dispatch", {"unit_id": "abc"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "unit_id"
    assert unchanged(acked)


def test_a_school_without_a_station_needs_a_picked_unit(world, client_for):
    school = make_school("2132413099", "东城无所小学", world.regions["town_a1"], None)
    alarm = _alarm(school, "nostation", "D02")
    c = client_for(world.users["police_a"])
    url = f"/api/v1/alarms/alarms/{alarm.pk}/dispatch"
    r = post(c, url, {})
    assert r.status_code == 400 and r.json()["errors"] == {"unit_id": ["请选择出警单位（该校未登记属地派出所）"]}
    assert unchanged(alarm)
    r = post(c, url, {"unit_id": world.units["station_a2"].pk})  # another station of the district
    assert r.status_code == 200 and r.json()["dispatch_unit"]["name"] == "金城派出所"


def test_the_110_centre_sends_a_station_which_assigns_its_officer(world, acked, client_for):
    centre, station = client_for(world.users["police_a"]), client_for(world.users["station_a1"])
    base = f"/api/v1/alarms/alarms/{acked.pk}"
    r = post(centre, base + "/dispatch", {"unit_id": world.units["station_a1"].pk})
    assert r.status_code == 200 and r.json()["dispatch_officer"] == "" and r.json()["dispatched_officer_id"] is None
    assert AuditLog.objects.filter(object_id=str(acked.pk), event="alarms.dispatch").count() == 1
    officer = world.users["station_a1"]
    r = post(centre, base + "/assign", {"officer_id": officer.pk})  # the centre is not the station
    assert r.status_code == 400 and r.json()["errors"] == {"officer_id": ["只有出警单位“东城派出所”可以指派民警"]}
    r = post(station, base + "/assign", {"officer_id": world.users["police_a"].pk})
    assert r.status_code == 400 and "出警民警须为“东城派出所”的在岗民警" in r.json()["detail"]
    assert post(station, base + "/assign", {}).status_code == 422
    assert not Alarm.objects.get(pk=acked.pk).events.filter(kind="assigned").exists()
    r = post(station, base + "/assign", {"officer_id": officer.pk})
    assert r.status_code == 200 and r.json()["dispatched_officer_id"] == officer.pk
    alarm = Alarm.objects.get(pk=acked.pk)
    assert (alarm.status, alarm.dispatched_officer, alarm.dispatch_officer) == ("dispatched", officer,
                                                                                 officer.display_name)
    assert alarm.events.filter(kind="assigned").get().actor == officer
    entry = AuditLog.objects.filter(object_id=str(acked.pk), event="alarms.assign").get()
    assert entry.user == officer
    assert post(station, base + "/arrive", {}).json()["status"] == "arrived"
    r = post(station, base + "/assign", {"officer_id": officer.pk})  # after arrival: too late
    assert r.status_code == 400 and "不能指派民警" in r.json()["detail"]


def test_out_of_jurisdiction_and_roles_without_the_step(world, acked, client_for):
    url = f"/api/v1/alarms/alarms/{acked.pk}/dispatch"
    assert post(client_for(world.users["police_b"]), url, {}).status_code == 404
    assert post(client_for(world.users["principal_a1"]), url, {}).status_code == 403
    assert post(client_for(world.users["police_b"]), f"/api/v1/alarms/alarms/{acked.pk}/assign",
                {"officer_id": world.users["station_a1"].pk}).status_code == 404
    assert unchanged(acked)


# --- the alarm page -------------------------------------------------------------------------------

def test_the_page_offers_pickers_and_marks_the_refused_field(world, acked, client_for):
    c = client_for(world.users["station_a1"])
    page = c.get(f"/alarms/{acked.pk}/").content.decode()
    station = world.units["station_a1"]
    assert f'<option value="{station.pk}" selected>东城派出所</option>' in page
    assert f'<option value="{world.units["station_b1"].pk}"' not in page  # out of reach: not offered
    assert 'name="officer"' in page and f'<option value="{world.users["station_a1"].pk}" selected>' in page

    r = c.post(f"/alarms/{acked.pk}/dispatch/", {"unit": station.pk, "officer": ""})
    html = r.content.decode()
    assert r.status_code == 400 and "本单位出警，请选择出警民警" in html
    assert 'name="officer" class="form-select is-invalid"' in html and "officer:" not in html
    r = c.post(f"/alarms/{acked.pk}/dispatch/", {"unit": world.units["station_b1"].pk,
                                                 "officer": world.users["station_a1"].pk})
    html = r.content.decode()
    assert r.status_code == 400 and "出警单位须为该校属地派出所或您辖区内的公安单位" in html
    assert 'name="unit" class="form-select is-invalid"' in html
    assert unchanged(acked)

    r = c.post(f"/alarms/{acked.pk}/dispatch/", {"unit": station.pk, "officer": world.users["station_a1"].pk})
    assert r.status_code == 302
    alarm = Alarm.objects.get(pk=acked.pk)
    assert (alarm.status, alarm.dispatched_officer) == ("dispatched", world.users["station_a1"])
    page = c.get(f"/alarms/{acked.pk}/").content.decode()
    assert 'id="hx-alarm-unit">东城派出所<' in page and world.users["station_a1"].display_name in page


def test_the_page_lets_the_sent_station_assign(world, acked, client_for):
    do_dispatch_alarm(acked, unit=world.units["station_a1"], actor=world.users["police_a"])
    assert 'id="hx-assign"' not in client_for(world.users["police_a"]).get(f"/alarms/{acked.pk}/").content.decode()
    c = client_for(world.users["station_a1"])
    assert 'id="hx-assign"' in c.get(f"/alarms/{acked.pk}/").content.decode()
    r = c.post(f"/alarms/{acked.pk}/assign/", {"officer": ""})
    assert r.status_code == 400 and "请选择出警民警" in r.content.decode()
    assert 'class="form-select is-invalid"' in r.content.decode()
    r = c.post(f"/alarms/{acked.pk}/assign/", {"officer": world.users["station_a1"].pk})
    assert r.status_code == 302 and Alarm.objects.get(pk=acked.pk).dispatched_officer == world.users["station_a1"]
    r = client_for(world.users["police_a"]).post(f"/alarms/{acked.pk}/assign/",
                                                 {"officer": world.users["station_a1"].pk})
    assert r.status_code == 400 and "只有出警单位“东城派出所”可以指派民警" in r.content.decode()


def test_the_console_offers_the_units_and_own_officers(world, client_for):
    page = client_for(world.users["police_a"]).get("/alarms/console/").content.decode()
    for key in ("police_a", "station_a1", "station_a2"):
        assert f'<option value="{world.units[key].pk}">{world.units[key].name}</option>' in page
    assert f'<option value="{world.units["station_b1"].pk}">' not in page
    page = client_for(world.users["station_a1"]).get("/alarms/console/").content.decode()
    assert f'<option value="{world.users["station_a1"].pk}" selected>' in page


def test_a_refused_step_on_a_closed_alarm_says_why_on_the_page(world, acked, client_for):
    from huxiao.alarms.services import do_close_alarm

    do_close_alarm(acked, disposition="false", notes="电话核实", actor=SYSTEM)
    r = client_for(world.users["station_a1"]).post(f"/alarms/{acked.pk}/acknowledge/")
    assert r.status_code == 400 and "报警当前状态为“处置完毕”，不能确认" in r.content.decode()
