"""Moving a school to another district: its present state follows it, its past stays where it happened.

School a1 (东城街道, 金坛区 320413) moves to 溧阳市 (320481, district B) through the school edit page, by the
city's education officer (who holds both districts)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from huxiao.core.actions import SYSTEM
from huxiao.core.forms import SchoolForm
from huxiao.core.models import Attachment, AuditLog, School, SchoolRegionPeriod
from huxiao.core.moves import region_on
from tests.defense.fixtures import add_device, add_guard, set_facility
from tests.hazards.helpers import api, hazard_payload

OLD, NEW = "320413001", "320481"


def form_data(school, **changes) -> dict:
    """What the edit page posts for ``school`` as it is, with ``changes``."""
    data = {}
    for name, value in SchoolForm(instance=school).initial.items():
        if name not in SchoolForm.Meta.fields or value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = value.strftime("%H:%M") if isinstance(value, datetime.time) else value
    data.update(changes)
    return data


def report(world, user="edu_a", **kw):
    r = api(world.users[user]).post("/hazards/", hazard_payload(world, **kw))
    assert r.status_code == 201, r.content
    return r.json()["id"]


def step(world, user, pk, action, **kw):
    r = api(world.users[user]).post(f"/hazards/{pk}/transitions", {"action": action, **kw})
    assert r.status_code == 200, r.content


def photo(world, user="principal_a1"):
    r = api(world.users[user]).upload(world.schools["a1"].pk)
    assert r.status_code == 201, r.content
    return r.json()["id"]


def receive_alarm(device, key):
    from huxiao.alarms.intake import Incoming, receive_alarms
    from huxiao.alarms.models import Alarm
    from huxiao.devices.models import Device

    device = Device.objects.get(pk=device.pk)  # as the intake finds it: the stored region code
    ((pk, _created),) = receive_alarms([Incoming(device=device, source="http", dedup_key=key, code="BA", zone="1")])
    return Alarm.objects.get(pk=pk)


@pytest.fixture
def a1_records(world):
    """Present state (guard, facility, device, an open hazard with a photo) and past (a closed hazard, an
    alarm) of school a1 before it moves."""
    from huxiao.defense.models import Facility

    a1 = world.schools["a1"]
    guard = add_guard(a1, actor=SYSTEM, name="李保安", seq=21)
    set_facility(a1, actor=SYSTEM)
    device, _secret = add_device(a1, serial="MOVE-A1-PANEL", actor=SYSTEM)
    open_id = report(world, photos=[photo(world)])
    closed_id = report(world, place="西侧大门")
    step(world, "principal_a1", closed_id, "start")
    step(world, "security_a1", closed_id, "submit", note="已修复", evidence=[photo(world)])
    step(world, "inspector_a", closed_id, "close")
    alarm = receive_alarm(device, "move:before")
    return {"guard": guard, "facility": Facility.objects.get(school=a1), "device": device, "open": open_id,
            "closed": closed_id, "alarm": alarm}


def move_a1(world, client_for, user="edu_city"):
    a1 = world.schools["a1"]
    response = client_for(world.users[user]).post(f"/schools/{a1.pk}/edit/", form_data(
        a1, region=NEW, police_station=world.units["station_b1"].pk))
    assert response.status_code == 302, response.content.decode()[:2000]
    a1.refresh_from_db()
    return a1


def status(user, path):
    return api(user).get(path).status_code


def test_the_present_state_follows_the_school_and_the_past_stays(world, client_for, a1_records):
    from huxiao.defense.models import Equipment, Facility, Guard
    from huxiao.devices.models import Device

    r, u = a1_records, world.users
    a1 = move_a1(world, client_for)
    assert a1.region_code == NEW and a1.district_id == NEW and a1.unit.region_id == NEW
    # the open hazard: on the new district's ledger, off the old one's
    assert status(u["edu_b"], f"/hazards/{r['open']}") == 200
    assert status(u["edu_a"], f"/hazards/{r['open']}") == 404
    # the closed hazard and the alarm stay with the district that handled them
    assert status(u["edu_a"], f"/hazards/{r['closed']}") == 200
    assert status(u["edu_b"], f"/hazards/{r['closed']}") == 404
    assert status(u["police_a"], f"/alarms/alarms/{r['alarm'].pk}") == 200
    assert status(u["police_b"], f"/alarms/alarms/{r['alarm'].pk}") == 404
    # devices, guards, facility: the new district's
    assert status(u["police_b"], f"/devices/{r['device'].pk}") == 200
    assert status(u["police_a"], f"/devices/{r['device'].pk}") == 404
    for user, seen in (("edu_b", True), ("edu_a", False)):
        assert Guard.objects.visible_to(u[user], "defense.view_records").filter(pk=r["guard"].pk).exists() is seen
        assert Facility.objects.visible_to(u[user], "defense.view_records").filter(
            pk=r["facility"].pk).exists() is seen
    assert not Equipment.objects.visible_to(u["edu_a"], "defense.view_records").filter(school=a1).exists()
    # the open hazard's photo goes with it; the closed one's evidence stays
    photo_id = api(u["edu_b"]).get(f"/hazards/{r['open']}").json()["photos"][0]
    assert client_for(u["edu_b"]).get(f"/hazards/attachments/{photo_id}/").status_code == 200
    assert client_for(u["edu_a"]).get(f"/hazards/attachments/{photo_id}/").status_code == 404
    assert Attachment.objects.filter(school=a1, region_code=OLD).count() == 1  # the rectification evidence
    # figures: each district's dashboard counts what is its own
    new = api(u["edu_b"]).get(f"/hazards/dashboard?region={NEW}").json()["totals"]
    old = api(u["edu_a"]).get("/hazards/dashboard?region=320413").json()["totals"]
    assert (new["open"], new["closed"]) == (1, 0) and (old["open"], old["closed"]) == (0, 1)
    # one audit entry for the move, saying what was re-stamped
    entry = AuditLog.objects.get(event="core.move_school")
    assert entry.object_id == str(a1.pk) and entry.username == "edu_city"
    assert entry.after["move"]["from"] == OLD and entry.after["move"]["to"] == NEW
    assert entry.after["move"]["restamped"] == {"安保人员": 1, "物防设施": 1, "技防设备": 1, "隐患": 1, "附件": 1}
    assert Device.objects.get(pk=r["device"].pk).region_code == NEW


def test_history_and_as_of_region(world, client_for, a1_records):
    a1 = world.schools["a1"]
    today = timezone.localdate()
    move_a1(world, client_for)
    periods = list(SchoolRegionPeriod.objects.filter(school=a1).values_list("region_code", "valid_from", "valid_to"))
    assert periods == [(OLD, timezone.localdate(a1.created_at), today), (NEW, today, None)]
    assert region_on(a1, today - datetime.timedelta(days=1)) == OLD
    assert region_on(a1, today) == NEW == region_on(a1, timezone.now())
    assert region_on(a1, datetime.date(2000, 1, 1)) == OLD  # before it was registered: where it was registered
    # an untouched school has its one open period from registration
    b1 = world.schools["b1"]
    assert list(b1.region_periods.values_list("region_code", "valid_to")) == [("320481", None)]


def test_records_written_after_the_move_and_old_ones_handled_later(world, client_for, a1_records):
    r, u = a1_records, world.users
    move_a1(world, client_for)
    # the old alarm, handled afterwards by the station that received it, stays in the old district
    assert api(u["police_a"]).post(f"/alarms/alarms/{r['alarm'].pk}/acknowledge", {}).status_code == 200
    r["alarm"].refresh_from_db()
    assert r["alarm"].region_code == OLD and r["alarm"].status == "acknowledged"
    # a new alarm of the moved device is the new district's
    assert receive_alarm(r["device"], "move:after").region_code == NEW
    # a hazard reported after the move, by the new district's officials
    assert status(u["edu_b"], f"/hazards/{report(world, user='edu_b')}") == 200


def test_a_failure_midway_leaves_nothing_changed(world, a1_records, monkeypatch):
    from huxiao.core import services
    from huxiao.defense.models import Guard
    from huxiao.devices.models import Device
    from huxiao.hazards.models import Hazard

    def broken(cls, qs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Hazard, "present_state", classmethod(broken))  # after guards and devices were re-stamped
    a1 = world.schools["a1"]
    audits = AuditLog.objects.count()
    with pytest.raises(RuntimeError):
        services.do_update_school(School.objects.get(pk=a1.pk), {
            "region": world.regions["district_b"], "police_station": world.units["station_b1"]},
            actor=world.users["edu_city"])
    a1.refresh_from_db()
    assert a1.region_code == OLD and a1.unit.region_id == OLD
    assert list(a1.region_periods.values_list("region_code", "valid_to")) == [(OLD, None)]
    assert Guard.objects.get(pk=a1_records["guard"].pk).region_code == OLD
    assert Device.objects.get(pk=a1_records["device"].pk).region_code == OLD
    assert Hazard.objects.get(pk=a1_records["open"]).region_code == OLD
    assert AuditLog.objects.count() == audits


def test_only_an_official_holding_both_regions_moves_a_school(world, client_for):
    from huxiao.core import services

    a1 = world.schools["a1"]
    # the principal may edit the school, never move it; the district officer cannot take it out of reach
    for user in ("principal_a1", "edu_a"):
        with pytest.raises(PermissionDenied):
            services.do_update_school(School.objects.get(pk=a1.pk), {
                "region": world.regions["district_b"], "police_station": world.units["station_b1"]},
                actor=world.users[user])
    with pytest.raises(PermissionDenied):
        services.do_update_school(School.objects.get(pk=a1.pk), {"region": world.regions["town_a2"]},
                                  actor=world.users["principal_a1"])
    a1.refresh_from_db()
    assert a1.region_code == OLD and a1.region_periods.count() == 1
    assert not AuditLog.objects.filter(event="core.move_school").exists()
    # within the district the district's officer moves it (another town, another station)
    services.do_update_school(School.objects.get(pk=a1.pk), {
        "region": world.regions["town_a2"], "police_station": world.units["station_a2"]}, actor=world.users["edu_a"])
    assert School.objects.get(pk=a1.pk).region_code == "320413101"
    assert AuditLog.objects.filter(event="core.move_school").count() == 1


def test_the_edit_page_offers_no_region_out_of_reach(world, client_for):
    """edu_a cannot pick district B on the page: the form refuses it by name, nothing changes."""
    a1 = world.schools["a1"]
    response = client_for(world.users["edu_a"]).post(f"/schools/{a1.pk}/edit/", form_data(
        a1, region=NEW, police_station=world.units["station_b1"].pk))
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    a1.refresh_from_db()
    assert a1.region_code == OLD and not AuditLog.objects.filter(event="core.move_school").exists()


def test_a_school_without_history_gets_it_on_its_first_move(world):
    """Schools inserted in bulk (imports, demo data) have no period until they first move."""
    from huxiao.core import services

    a2 = world.schools["a2"]
    SchoolRegionPeriod.objects.filter(school=a2).delete()
    services.do_update_school(School.objects.get(pk=a2.pk), {
        "region": world.regions["town_a1"], "police_station": world.units["station_a1"]}, actor=SYSTEM)
    today = timezone.localdate()
    assert list(a2.region_periods.values_list("region_code", "valid_to")) == [("320413101", today),
                                                                             ("320413001", None)]
    assert region_on(a2, today - datetime.timedelta(days=1)) == "320413101"
