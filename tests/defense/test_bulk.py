"""Bulk 三防 endpoints (guards, facilities, equipment): all or nothing with a report of every bad row,
idempotent on their natural keys, audited with typed events, within the jurisdiction."""

import datetime
import json

import pytest

from huxiao.core.models import AuditLog
from huxiao.defense.models import Equipment, Facility, Guard
from tests.defense.fixtures import id_number

GUARDS, FACILITIES, EQUIPMENT = ("/api/v1/defense/guards/bulk", "/api/v1/defense/facilities/bulk",
                                 "/api/v1/defense/equipment/bulk")


def post(client, url, items):
    return client.post(url, data=json.dumps({"items": items}), content_type="application/json")


def guard(school, name="王保安", birth=datetime.date(1985, 5, 6), seq=11, **extra):
    return {"school_id": school.pk, "name": name, "category": "full_time", "id_number": id_number(birth, seq),
            "license_number": "苏保1001", "first_hired_on": "2022-09-01", "background_result": "passed",
            "background_checked_on": "2022-08-20", **extra}


def test_guards_are_created_and_a_retry_writes_nothing(world, client_for):
    a1, a2 = world.schools["a1"], world.schools["a2"]
    c = client_for(world.users["edu_a"])
    items = [guard(a1), {**guard(a2, name="李保安", seq=12), "school_id": None, "school_code": a2.code}]
    r = post(c, GUARDS, items)
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (2, 0, 0)
    assert [row["row"] for row in body["rows"]] == [1, 2]
    assert set(Guard.objects.values_list("school__code", "name")) == {(a1.code, "王保安"), (a2.code, "李保安")}
    entries = AuditLog.objects.filter(event="defense.bulk_guards")
    assert entries.count() == 1 and entries.get().after["created"] == 2
    assert AuditLog.objects.filter(event="defense.add_guard").count() == 2
    audit_before = AuditLog.objects.count()
    again = post(c, GUARDS, items)  # a retry (the answer was lost): the same guards, nothing written
    assert again.status_code == 200
    assert (again.json()["created"], again.json()["unchanged"]) == (0, 2)
    assert [row["id"] for row in again.json()["rows"]] == [row["id"] for row in body["rows"]]
    assert Guard.objects.count() == 2 and AuditLog.objects.count() == audit_before


def test_a_changed_row_updates_the_guard_it_names(world, client_for):
    a1 = world.schools["a1"]
    c = client_for(world.users["security_a1"])
    assert post(c, GUARDS, [guard(a1)]).status_code == 200
    r = post(c, GUARDS, [guard(a1, license_number="苏保2002", phone="13900001111")])
    assert r.status_code == 200 and r.json()["updated"] == 1
    g = Guard.objects.get()
    assert (g.license_number, g.phone) == ("苏保2002", "13900001111")
    assert AuditLog.objects.filter(event="defense.change_guard").count() == 1


def test_every_bad_row_is_reported_at_once_and_nothing_is_written(world, client_for):
    a1 = world.schools["a1"]
    c = client_for(world.users["edu_a"])
    before = AuditLog.objects.count()
    items = [guard(a1),  # good, but the batch fails: not written either
             guard(a1, name="赵保安", seq=13, id_number="320482199003121231"),  # bad check digit
             guard(a1, name="钱保安", seq=14, first_hired_on="2031-01-01"),  # in the future
             guard(a1, name="孙保安", seq=15, background_checked_on=None)]  # result without its date
    r = post(c, GUARDS, items)
    assert r.status_code == 400, r.content
    body = r.json()
    assert "未写入任何数据" in body["detail"]
    problems = {(e["row"], e["field"]) for e in body["errors"]}
    assert problems == {(2, "id_number"), (3, "first_hired_on"), (4, "background_checked_on")}
    labels = {e["field"]: e["label"] for e in body["errors"]}
    assert labels["id_number"] == "身份证号" and labels["first_hired_on"] == "首次聘用日期"
    assert all(e["message"] for e in body["errors"])
    assert not Guard.objects.exists() and AuditLog.objects.count() == before


def test_a_school_out_of_reach_is_refused_like_a_school_that_does_not_exist(world, client_for):
    c = client_for(world.users["edu_b"])
    r_other = post(c, GUARDS, [guard(world.schools["a1"])])
    r_none = post(c, GUARDS, [{**guard(world.schools["a1"]), "school_id": 999999}])
    assert r_other.status_code == r_none.status_code == 400
    (e_other,), (e_none,) = r_other.json()["errors"], r_none.json()["errors"]
    assert e_other["field"] == e_none["field"] == "school_id"
    assert e_other["message"].split("：")[0] == e_none["message"].split("：")[0] == "学校不存在或不在您的管辖范围内"
    assert world.schools["a1"].name not in r_other.content.decode()
    assert not Guard.objects.exists()


def test_role_without_the_permission_gets_403_and_anonymous_401(world, client_for):
    items = [guard(world.schools["a1"])]
    assert post(client_for(world.users["station_a1"]), GUARDS, items).status_code == 403
    assert post(client_for(None), GUARDS, items).status_code == 401
    assert not Guard.objects.exists()


@pytest.mark.parametrize("items", [[], [{"school_id": 1}], [{"school_id": 1, "name": "x", "category": "boss"}]])
def test_malformed_bodies_answer_422(world, client_for, items):
    r = post(client_for(world.users["edu_a"]), GUARDS, items)
    assert r.status_code == 422
    assert not Guard.objects.exists()


def test_facilities_by_school_create_then_update_then_stay(world, client_for):
    a1, a2 = world.schools["a1"], world.schools["a2"]
    c = client_for(world.users["edu_a"])
    row = {"school_id": a1.pk, "enclosure_type": "wall", "enclosure_height_m": "2.2", "gate_duty_room": True,
           "closed_management": True, "anti_ramming_kinds": ["bollard"], "traffic_needed": ["sign"]}
    r = post(c, FACILITIES, [row, {**row, "school_id": a2.pk, "enclosure_type": "none", "enclosure_height_m": None}])
    assert r.status_code == 200 and r.json()["created"] == 2, r.content
    f = Facility.objects.get(school=a1)
    assert f.anti_ramming_kinds == ["bollard"] and f.vehicle_access is True
    assert post(c, FACILITIES, [row]).json()["unchanged"] == 1
    r = post(c, FACILITIES, [{**row, "closed_management": False}])
    assert r.json()["updated"] == 1
    f.refresh_from_db()
    assert f.closed_management is False
    bad = post(c, FACILITIES, [{**row, "enclosure_type": "none"}])  # a height without a wall
    assert bad.status_code == 400
    assert [(e["row"], e["field"]) for e in bad.json()["errors"]] == [(1, "enclosure_height_m")]


def test_equipment_by_school_and_kind(world, client_for):
    a1 = world.schools["a1"]
    c = client_for(world.users["principal_a1"])
    items = [{"school_id": a1.pk, "kind": "safety_fork", "count": 4}, {"school_id": a1.pk, "kind": "shield", "count": 2}]
    r = post(c, EQUIPMENT, items)
    assert r.status_code == 200 and r.json()["created"] == 2
    r = post(c, EQUIPMENT, [{**items[0], "count": 6}, items[1]])
    assert (r.json()["updated"], r.json()["unchanged"]) == (1, 1)
    assert dict(Equipment.objects.values_list("kind", "count")) == {"safety_fork": 6, "shield": 2}
    other = post(c, EQUIPMENT, [{"school_id": world.schools["a2"].pk, "kind": "shield", "count": 1}])
    assert other.status_code == 400 and other.json()["errors"][0]["field"] == "school_id"
    assert Equipment.objects.count() == 2
