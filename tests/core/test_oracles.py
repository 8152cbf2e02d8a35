"""Existence oracles: what a user cannot see is answered exactly as if it did not exist.

A sibling district's official (edu_b, 溧阳市) probes district A's schools, stations and regions through the
API, the pages and the import; an unauthenticated device probes serial numbers. Each probe of something
out of sight must get the answer a probe of nothing gets, and change nothing.
"""

import datetime
import json
import time

import pytest

from huxiao.alarms.models import Alarm
from huxiao.core.importing import run_import
from huxiao.core.models import ImportJob, School, Unit
from huxiao.devices.heartbeats import entry_signature
from huxiao.devices.models import Heartbeat
from huxiao.devices.signing import signed_headers
from tests.alarms.conftest import make_panel
from tests.core.matrix_cases import school_form, school_json
from tests.core.test_import import row as import_row
from tests.core.test_import import workbook
from tests.world import make_school

SCHOOLS = "/api/v1/schools"


def post_json(client, url, data, method="post"):
    return getattr(client, method)(url, data=json.dumps(data), content_type="application/json")


def in_b(world, **kw):
    """A school edu_b may create: in their own district 溧阳市 (320481)."""
    data = school_json(world)
    data.update(region="320481", police_station=world.units["station_b1"].pk, code="2132481090",
                name="溧阳探测小学", address="溧阳测试路 3 号")
    data.update(kw)
    return data


def count():
    return School.objects.count(), Unit.objects.count()


# --- school codes ---------------------------------------------------------------------------------

def test_code_registered_out_of_sight_gets_one_answer_that_names_nothing(world, client_for):
    c = client_for(world.users["edu_b"])
    a1, a2 = world.schools["a1"], world.schools["a2"]
    make_school("2132413055", "金坛隐藏小学", world.regions["town_a2"], world.units["station_a2"])
    before = count()
    answers = {}
    for code in (a1.code, "2132413055"):  # two different schools of district A, both out of edu_b's reach
        r = post_json(c, SCHOOLS, in_b(world, code=code))
        assert r.status_code == 400, r.content
        answers[code] = r.json()["errors"]["code"][0].replace(code, "<code>")
        body = r.content.decode()
        for secret in (a1.name, a2.name, "金坛隐藏小学", "320413", "金坛", "东城", "金城"):
            assert secret not in body
    assert len(set(answers.values())) == 1  # the same words whichever school holds the code
    assert count() == before


def test_code_clash_within_reach_names_the_school(world, client_for):
    c = client_for(world.users["edu_a"])
    data = school_json(world)
    data.update(code=world.schools["a1"].code)
    r = post_json(c, SCHOOLS, data)
    assert r.status_code == 400
    assert "东城实验小学" in r.json()["errors"]["code"][0]


def test_code_clash_on_the_page_and_in_the_import_names_nothing(world, client_for, tmp_path):
    a1 = world.schools["a1"]
    c = client_for(world.users["edu_b"])
    form = school_form(world)
    form.update(region="320481", police_station=world.units["station_b1"].pk, code=a1.code, name="溧阳页面小学")
    before = count()
    r = c.post("/schools/new/", form)
    page = r.content.decode()
    assert r.status_code == 200 and "已被使用" in page
    assert a1.name not in page and "已存在" not in page  # Django's own "学校 with this code already exists"
    assert count() == before
    # the Excel import: same generic words for the row
    path = tmp_path / "schools.xlsx"
    path.write_bytes(workbook([import_row(code=a1.code, name="溧阳导入小学", **{
        "所在区划代码": "320481", "属地派出所": "溧城派出所", "地址": "溧阳测试路 5 号"})]).getvalue())
    job = ImportJob.objects.create(original_name="schools.xlsx", path=str(path), created_by=world.users["edu_b"])
    job = run_import(job)
    assert job.status == "failed"
    messages = " ".join(e["message"] for e in job.errors)
    assert "已被使用" in messages and a1.name not in messages and "已存在于系统中" not in messages
    assert count() == before


def test_page_edit_to_a_code_held_out_of_sight_names_nothing(world, client_for):
    hidden = make_school("2132481066", "溧阳隐藏小学", world.regions["district_b"], world.units["station_b1"])
    a1 = world.schools["a1"]
    c = client_for(world.users["edu_a"])
    form = school_form(world, region="town_a1", code=hidden.code, name=a1.name)
    form["police_station"] = world.units["station_a1"].pk
    r = c.post(f"/schools/{a1.pk}/edit/", form)
    page = r.content.decode()
    assert r.status_code == 200 and "已被使用" in page and hidden.name not in page
    a1.refresh_from_db()
    assert a1.code == "2132413001"


# --- names, regions and stations out of reach -----------------------------------------------------

def test_same_name_as_a_school_elsewhere_is_allowed(world, client_for):
    c = client_for(world.users["edu_b"])
    r = post_json(c, SCHOOLS, in_b(world, name=world.schools["a1"].name))
    assert r.status_code == 201, r.content  # names repeat across China: nothing to refuse, nothing to tell


def test_region_out_of_reach_is_answered_like_a_region_that_does_not_exist(world, client_for):
    c = client_for(world.users["edu_b"])
    before = count()
    # district A's town, with the name and code of district A's school: the probe learns nothing of either
    probe = post_json(c, SCHOOLS, in_b(world, region="320413001", name="东城实验小学", code="2132413001",
                                       police_station=None))
    ghost = post_json(c, SCHOOLS, in_b(world, region="320481999", police_station=None))  # no such town
    assert probe.status_code == ghost.status_code == 422
    (p,), (g,) = probe.json()["detail"], ghost.json()["detail"]
    assert p["loc"] == g["loc"] == ["body", "payload", "region"]
    assert p["msg"].replace("320413001", "X") == g["msg"].replace("320481999", "X")
    assert "同名" not in probe.content.decode() and "东城实验小学" not in probe.content.decode()
    assert count() == before


def test_station_out_of_reach_is_answered_like_one_that_does_not_exist(world, client_for):
    c = client_for(world.users["edu_b"])
    station_a1 = world.units["station_a1"]
    probe = post_json(c, SCHOOLS, in_b(world, police_station=station_a1.pk))
    ghost = post_json(c, SCHOOLS, in_b(world, police_station=987654))
    assert probe.status_code == ghost.status_code == 422
    (p,), (g,) = probe.json()["detail"], ghost.json()["detail"]
    assert p["loc"] == ["body", "payload", "police_station"]
    assert p["msg"].replace(str(station_a1.pk), "X") == g["msg"].replace("987654", "X")
    assert station_a1.name not in probe.content.decode()
    # and moving one's own school to a station out of reach answers the same
    b1 = world.schools["b1"]
    r = post_json(c, f"{SCHOOLS}/{b1.pk}", {"police_station": station_a1.pk}, method="patch")
    assert r.status_code == 422 and station_a1.name not in r.content.decode()
    b1.refresh_from_db()
    assert b1.police_station_id == world.units["station_b1"].pk


def test_moving_a_school_out_of_reach_is_refused_before_anything_is_checked_there(world, client_for):
    """An official moving their school into a district they do not hold learns nothing about that district."""
    from huxiao.core import services

    a1 = world.schools["a1"]
    edu_b = world.users["edu_b"]
    b1 = world.schools["b1"]
    with pytest.raises(services.PermissionDenied):
        services.do_update_school(b1, {"region": world.regions["town_a1"], "name": a1.name}, actor=edu_b)
    b1.refresh_from_db()
    assert b1.region_id == "320481"


# --- unauthenticated devices ----------------------------------------------------------------------

ALARM_URL = "/api/v1/alarms/device/alarms"


def _headers(headers):
    return {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}


def test_device_alarm_answers_alike_for_unknown_device_and_bad_signature(world, client):
    panel = make_panel(world.schools["a1"], "ORACLE-1", "A01")
    inactive = make_panel(world.schools["a1"], "ORACLE-OFF", "A02")
    type(inactive).objects.filter(pk=inactive.pk).update(active=False)
    body = json.dumps({"event_id": "probe-1", "code": "PA"}).encode()
    answers = []
    for serial, secret in ((panel.serial, "wrong-secret"), ("NO-SUCH-PANEL", "anything"),
                           (inactive.serial, inactive.raw_secret), ("x" * 300, "long"), ("NUL\x00", "nul")):
        headers = signed_headers(serial, secret, "POST", ALARM_URL, body)
        r = client.post(ALARM_URL, data=body, content_type="application/json", **_headers(headers))
        answers.append((r.status_code, r.content))
    assert {a for a in answers} == {answers[0]} and answers[0][0] == 401
    assert b"ORACLE" not in answers[0][1] and b"NO-SUCH" not in answers[0][1]
    # a signature with characters outside ASCII is a bad signature too, not a server error
    headers = signed_headers(panel.serial, panel.raw_secret, "POST", ALARM_URL, body)
    headers["X-Signature"] = "é" * 64
    r = client.post(ALARM_URL, data=body, content_type="application/json", **_headers(headers))
    assert (r.status_code, r.content) == answers[0]
    assert not Alarm.objects.exists()
    # the genuine panel still gets through
    time.sleep(0.01)
    headers = signed_headers(panel.serial, panel.raw_secret, "POST", ALARM_URL, body)
    assert client.post(ALARM_URL, data=body, content_type="application/json", **_headers(headers)).status_code == 201


def test_heartbeats_answer_alike_for_unknown_device_and_bad_signature(world, client):
    from tests.defense.fixtures import add_device

    device, secret = add_device(world.schools["a1"], serial="ORACLE-HB-1")
    now = int(datetime.datetime.now(tz=datetime.UTC).timestamp())
    probes = [{"serial": device.serial, "ts": now, "sig": "0" * 64},
              {"serial": "NO-SUCH-DEVICE", "ts": now, "sig": entry_signature(secret, "NO-SUCH-DEVICE", now)},
              {"serial": "NO-SUCH-DEVICE", "ts": now, "sig": "0" * 64}]
    answers = set()
    for probe in probes:
        r = client.post("/api/v1/devices/heartbeats", data=json.dumps({"heartbeats": [probe]}),
                        content_type="application/json")
        answers.add((r.status_code, r.content))
    assert len(answers) == 1
    ((status, content),) = answers
    assert status == 401 and json.loads(content)["field"] == "heartbeats[0]"
    assert not Heartbeat.objects.exists()
