"""The 三防 records through the API and pages: ID numbers encrypted with a keyed hash, life cycle of a
guard, facility and equipment validation; bad input answers 4xx and changes nothing."""

import datetime
import json

import pytest

from huxiao.compliance.models import RuleStatus
from huxiao.core.models import AuditLog
from huxiao.defense.models import Equipment, Facility, Guard
from huxiao.defense.services import find_guards_by_id_number
from tests.defense.fixtures import id_number


def call(client, method, url, data=None):
    return getattr(client, method)(url, data=json.dumps(data), content_type="application/json")


@pytest.fixture
def security(client_for, world):
    return client_for(world.users["security_a1"])


def guard_json(**kw):
    data = {"name": "钱保安", "category": "full_time", "id_number": id_number(datetime.date(1985, 5, 6), 321),
            "license_number": "苏保2021001", "first_hired_on": "2021-09-01", "background_checked_on": "2021-08-20",
            "background_result": "passed"}
    data.update(kw)
    return data


def test_guard_is_stored_with_encrypted_id_and_found_by_keyed_hash(world, security,
                                                                  django_capture_on_commit_callbacks):
    a1 = world.schools["a1"]
    number = id_number(datetime.date(1985, 5, 6), 321)
    with django_capture_on_commit_callbacks(execute=True):  # compliance follows once the guard is committed
        r = call(security, "post", f"/api/v1/defense/schools/{a1.pk}/guards", guard_json())
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["id_number_masked"] == "*" * 14 + number[-4:]
    assert "birth_date" not in body and body["hire_age"] == 36 and body["personal"] is True
    guard = Guard.objects.get()
    assert number not in guard.id_number_encrypted and number not in guard.id_number_index
    assert find_guards_by_id_number(number, Guard.objects.all()).get() == guard
    assert guard.recorded_by == world.users["security_a1"] and guard.region_code == a1.region_code
    entry = AuditLog.objects.filter(model="defense.Guard").get()
    assert number not in json.dumps(entry.after, ensure_ascii=False)
    # the school's checklist already knows
    row = RuleStatus.objects.get(school=a1, campaign__code="gbt29315-2022", rule_id="GB-RF-1")
    assert row.reason == "专职保安员 1 人，按在校生 1,350 人应不少于 3 人"


@pytest.mark.parametrize("change,field", [
    ({"id_number": "320413198505061235"}, "id_number"),  # bad check digit
    ({"id_number": id_number(datetime.date(1985, 5, 6), 321)[:-1] + "X"}, "id_number"),
    ({"birth_date": "1986-01-01"}, "birth_date"),
    ({"first_hired_on": "1990-01-01"}, "first_hired_on"),  # before 16
    ({"background_checked_on": None, "background_result": "passed"}, "background_checked_on"),
])
def test_bad_guard_input_is_400_naming_the_field_and_nothing_stored(world, security, change, field):
    r = call(security, "post", f"/api/v1/defense/schools/{world.schools['a1'].pk}/guards", guard_json(**change))
    assert r.status_code == 400, r.content
    assert field in r.json()["errors"]
    assert Guard.objects.count() == 0


@pytest.mark.parametrize("change", [{"category": "boss"}, {"name": ""}, {"first_hired_on": "yesterday"},
                                    {"id_number": None}, {"first_hired_on": "2999-01-01"}])
def test_schema_errors_are_422(world, security, change):
    r = call(security, "post", f"/api/v1/defense/schools/{world.schools['a1'].pk}/guards", guard_json(**change))
    assert r.status_code == 422
    assert Guard.objects.count() == 0


def test_same_person_twice_is_refused(world, security):
    url = f"/api/v1/defense/schools/{world.schools['a1'].pk}/guards"
    assert call(security, "post", url, guard_json()).status_code == 201
    r = call(security, "post", url, guard_json(name="钱某"))
    assert r.status_code == 400 and "id_number" in r.json()["errors"]


def test_guard_leaves_once(world, security, django_capture_on_commit_callbacks):
    r = call(security, "post", f"/api/v1/defense/schools/{world.schools['a1'].pk}/guards", guard_json())
    gid = r.json()["id"]
    assert call(security, "post", f"/api/v1/defense/guards/{gid}/release", {"left_on": "2020-01-01"}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):  # compliance follows once the release is committed
        r = call(security, "post", f"/api/v1/defense/guards/{gid}/release", {"left_on": "2025-06-30"})
    assert r.status_code == 200 and r.json()["active"] is False
    r = call(security, "post", f"/api/v1/defense/guards/{gid}/release", {"left_on": "2025-07-01"})
    assert r.status_code == 400 and "离岗" in r.json()["detail"]
    assert Guard.objects.get().left_on == datetime.date(2025, 6, 30)
    row = RuleStatus.objects.get(school=world.schools["a1"], campaign__code="jintan-2023", rule_id="JT-3")
    assert row.status == "not_met" and row.reason == "专职保安员 0 人，应不少于 1 人"


def test_training_record(world, security):
    gid = call(security, "post", f"/api/v1/defense/schools/{world.schools['a1'].pk}/guards", guard_json()).json()["id"]
    r = call(security, "post", f"/api/v1/defense/guards/{gid}/trainings",
             {"held_on": "2025-03-01", "topic": "岗前培训", "hours": 8})
    assert r.status_code == 201
    assert call(security, "post", f"/api/v1/defense/guards/{gid}/trainings",
                {"held_on": "2999-03-01", "topic": "未来培训"}).status_code == 422  # implausible date
    school = security.get(f"/api/v1/defense/schools/{world.schools['a1'].pk}").json()
    assert school["guards"][0]["trainings"] == 1


def test_facility_and_equipment(world, security, django_capture_on_commit_callbacks):
    a1 = world.schools["a1"]
    url = f"/api/v1/defense/schools/{a1.pk}/facility"
    good = {"enclosure_type": "wall", "enclosure_height_m": 2.5, "gate_duty_room": True, "closed_management": False,
            "anti_ramming_kinds": ["bollard"], "traffic_needed": ["sign", "speed_bump"], "traffic_installed": ["sign"]}
    assert call(security, "put", url, {**good, "anti_ramming_kinds": ["wall_of_sand"]}).status_code == 422
    assert call(security, "put", url, {**good, "enclosure_height_m": 40}).status_code == 422
    assert call(security, "put", url, {**good, "enclosure_type": "none"}).status_code == 400
    assert Facility.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):  # compliance follows after the commit
        assert call(security, "put", url, good).status_code == 200
    row = RuleStatus.objects.get(school=a1, campaign__code="jintan-2023", rule_id="JT-1")
    assert (row.status, row.reason) == ("not_met", "未落实封闭化管理")
    with django_capture_on_commit_callbacks(execute=True):
        assert call(security, "put", url, {**good, "closed_management": True}).status_code == 200
    row.refresh_from_db()
    assert row.status == "met"
    eq = f"/api/v1/defense/schools/{a1.pk}/equipment"
    assert call(security, "put", eq, {"counts": {"lightsaber": 1}}).status_code == 422
    assert call(security, "put", eq, {"counts": {"safety_fork": -1}}).status_code == 400
    assert Equipment.objects.count() == 0
    r = call(security, "put", eq, {"counts": {"safety_fork": 4, "stab_vest": 2}})
    assert r.status_code == 200 and {e["kind"]: e["count"] for e in r.json()} == {"safety_fork": 4, "stab_vest": 2}


def test_guard_cannot_change_records_and_other_schools_are_404(world, client_for):
    a1 = world.schools["a1"]
    guard_user = client_for(world.users["guard_a1"])
    assert guard_user.get(f"/api/v1/defense/schools/{a1.pk}").status_code == 200
    assert call(guard_user, "post", f"/api/v1/defense/schools/{a1.pk}/guards", guard_json()).status_code == 403
    other = client_for(world.users["principal_a2"])
    assert call(other, "post", f"/api/v1/defense/schools/{a1.pk}/guards", guard_json()).status_code == 404
    assert Guard.objects.count() == 0


def test_pages_show_records_and_forms_refuse_bad_input(world, client_for):
    a1 = world.schools["a1"]
    c = client_for(world.users["principal_a1"])
    r = c.post(f"/defense/schools/{a1.pk}/guards/new/", {
        "name": "孙门卫", "category": "doorkeeper", "id_number": "123", "first_hired_on": "2020-01-01",
        "background_result": "pending", "health_status": "healthy"})
    assert r.status_code == 200 and Guard.objects.count() == 0
    r = c.post(f"/defense/schools/{a1.pk}/guards/new/", {
        "name": "孙门卫", "category": "doorkeeper", "id_number": id_number(datetime.date(1970, 2, 3), 5),
        "first_hired_on": "2020-01-01", "background_result": "pending", "health_status": "healthy"})
    assert r.status_code == 302 and Guard.objects.count() == 1
    page = c.get(f"/defense/schools/{a1.pk}/").content.decode()
    number = id_number(datetime.date(1970, 2, 3), 5)
    assert "孙门卫" in page and "*" * 14 + number[-4:] in page and number[:6] not in page and "1970" not in page
    r = c.post(f"/defense/schools/{a1.pk}/facility/", {"enclosure_type": "none", "enclosure_height_m": "2"})
    assert r.status_code == 200 and Facility.objects.count() == 0


def test_equipment_and_training_forms_on_the_page(world, client_for):
    from huxiao.defense.models import GuardTraining
    from tests.defense.fixtures import add_guard

    a1 = world.schools["a1"]
    guard = add_guard(a1, name="吴保安", seq=5)
    c = client_for(world.users["security_a1"])
    assert c.post(f"/defense/schools/{a1.pk}/equipment/", {"kind": "shield", "count": "-1"}).status_code == 302
    assert Equipment.objects.count() == 0
    c.post(f"/defense/schools/{a1.pk}/equipment/", {"kind": "shield", "count": "2"})
    assert Equipment.objects.get().count == 2
    url = f"/defense/guards/{guard.pk}/trainings/"
    c.post(url, {"held_on": "2999-01-01", "topic": "未来", "hours": "2"})
    c.post(url, {"held_on": "2025-01-01", "topic": "x", "hours": "2"})
    assert GuardTraining.objects.count() == 0
    c.post(url, {"held_on": "2025-01-01", "topic": "防暴器械使用", "hours": "2"})
    assert GuardTraining.objects.get().topic == "防暴器械使用"
