"""Implausible dates and unknown region codes are refused where people type them: 422 naming the field
through the API, a form error on the pages, and nothing stored."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from huxiao.core.models import Region, School
from huxiao.core.validators import (
    DateKind,
    age_on,
    date_bounds,
    region_filter_prefix,
    validate_plausible_date,
    validate_region_code,
)
from huxiao.defense.models import Guard, GuardTraining
from huxiao.devices.models import Device
from huxiao.hazards.models import Hazard
from huxiao.inspections.models import Inspection
from tests.core.matrix_cases import school_json
from tests.defense.fixtures import add_guard, id_number
from tests.hazards.helpers import api, hazard_payload
from tests.hazards.matrix_cases import hazard_form
from tests.inspections.test_inspections import payload as inspection_payload

TODAY = datetime.date(2026, 3, 15)


def problems(response) -> dict:
    """field name -> message of a 422 answer."""
    assert response.status_code == 422, response.content
    return {p["loc"][-1]: p["msg"] for p in response.json()["detail"]}


# --- the rule itself ------------------------------------------------------------------------------

@pytest.mark.parametrize("kind,day,ok", [
    (DateKind.EVENT, datetime.date(1900, 1, 1), False),
    (DateKind.EVENT, datetime.date(1999, 12, 31), False),
    (DateKind.EVENT, datetime.date(2000, 1, 1), True),
    (DateKind.EVENT, TODAY + datetime.timedelta(days=1), True),   # a clock or time-zone slip
    (DateKind.EVENT, TODAY + datetime.timedelta(days=2), False),
    (DateKind.HIRE, datetime.date(1949, 12, 31), False),
    (DateKind.HIRE, datetime.date(1950, 1, 1), True),
    (DateKind.INSTALL, datetime.date(1989, 12, 31), False),
    (DateKind.PLANNED, datetime.date(2036, 3, 15), True),
    (DateKind.PLANNED, datetime.date(2036, 3, 16), False),
    (DateKind.BIRTH, datetime.date(2010, 3, 15), True),   # 16 today
    (DateKind.BIRTH, datetime.date(2010, 3, 16), False),  # 16 tomorrow
    (DateKind.BIRTH, datetime.date(1945, 3, 16), True),   # 80, 81 tomorrow
    (DateKind.BIRTH, datetime.date(1945, 3, 15), False),  # 81 today
])
def test_bounds(kind, day, ok):
    if ok:
        assert validate_plausible_date(day, kind, "日期", today=TODAY) == day
    else:
        with pytest.raises(ValidationError) as exc:
            validate_plausible_date(day, kind, "某日期", today=TODAY)
        assert exc.value.messages[0].startswith("某日期 ") and day.isoformat() in exc.value.messages[0]


@given(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31)),
       st.dates(min_value=datetime.date(2001, 1, 1), max_value=datetime.date(2090, 12, 31)))
def test_birth_dates_are_accepted_exactly_for_ages_16_to_80(birth, today):
    earliest, latest = date_bounds(DateKind.BIRTH, today)
    assert (earliest <= birth <= latest) == (16 <= age_on(birth, today) <= 80)


def test_region_codes_against_the_shipped_list():
    for code in ("320000", "320400", "320413", "320413001", "320413001001", "429004"):
        assert validate_region_code(code) == code
    for code in ("320499", "329999", "329999001", "320413000", "320413001000", "32041", "3204130010", "", "abc",
                 "32", "3204"):
        with pytest.raises(ValidationError):
            validate_region_code(code)
    assert [region_filter_prefix(c) for c in ("32", "3204", "320000", "320400", "320413001")] == [
        "32", "3204", "32", "3204", "320413001"]
    for code in ("99", "3299", "1101", "000000"):
        with pytest.raises(ValidationError):
            region_filter_prefix(code)


# --- dates through the API ------------------------------------------------------------------------

def test_hazard_found_in_1900_is_refused_by_api_and_page(world, client_for):
    r = api(world.users["edu_a"]).post("/hazards/", hazard_payload(world, found_on="1900-01-01"))
    assert "发现日期 1900-01-01" in problems(r)["found_on"]
    r = api(world.users["edu_a"]).post("/hazards/", hazard_payload(world, deadline="2999-01-01"))
    assert "整改时限" in problems(r)["deadline"]
    page = client_for(world.users["principal_a1"]).post("/hazards/new/", dict(hazard_form(world), found_on="1900-01-01"))
    assert page.status_code == 200 and "发现日期 1900-01-01 不合理" in page.content.decode()
    assert not Hazard.objects.exists()


def test_inspection_dated_1900_is_refused(world):
    r = api(world.users["inspector_a"]).post("/inspections/", inspection_payload(world, inspected_on="1900-01-01"))
    assert "检查日期" in problems(r)["inspected_on"]
    assert not Inspection.objects.exists() and not Hazard.objects.exists()


def _guard_json(**kw):
    data = {"name": "钱保安", "category": "full_time", "id_number": id_number(datetime.date(1985, 5, 6), 321),
            "license_number": "苏保2021001", "first_hired_on": "2021-09-01", "background_checked_on": "2021-08-20",
            "background_result": "passed"}
    data.update(kw)
    return data


@pytest.mark.parametrize("change,field,words", [
    ({"first_hired_on": "1949-12-31"}, "first_hired_on", "首次聘用日期"),
    ({"background_checked_on": "1900-01-01"}, "background_checked_on", "背景审查日期"),
    ({"birth_date": "1900-01-01", "id_number": id_number(datetime.date(1940, 1, 1), 7)}, "birth_date", "年龄"),
])
def test_guard_dates_are_refused_with_422(world, client_for, change, field, words):
    c = client_for(world.users["security_a1"])
    r = c.post(f"/api/v1/defense/schools/{world.schools['a1'].pk}/guards", data=json.dumps(_guard_json(**change)),
               content_type="application/json")
    assert words in problems(r)[field]
    assert not Guard.objects.exists()


def test_guard_born_too_long_ago_is_refused_on_the_page(world, client_for):
    """The page takes no birth date: it comes from the ID number, and the service checks it."""
    a1 = world.schools["a1"]
    r = client_for(world.users["principal_a1"]).post(f"/defense/schools/{a1.pk}/guards/new/", {
        "name": "孙门卫", "category": "doorkeeper", "id_number": id_number(datetime.date(1930, 2, 3), 5),
        "first_hired_on": "2020-01-01", "background_result": "pending", "health_status": "healthy"})
    assert r.status_code == 200 and "年龄应在 16～80 岁之间" in r.content.decode()
    r = client_for(world.users["principal_a1"]).post(f"/defense/schools/{a1.pk}/guards/new/", {
        "name": "孙门卫", "category": "doorkeeper", "id_number": id_number(datetime.date(1970, 2, 3), 5),
        "first_hired_on": "1900-01-01", "background_result": "pending", "health_status": "healthy"})
    assert r.status_code == 200 and "首次聘用日期 1900-01-01 不合理" in r.content.decode()
    assert not Guard.objects.exists()


def test_training_and_release_dates(world, client_for):
    guard = add_guard(world.schools["a1"], hired=datetime.date(2021, 3, 1))
    c = client_for(world.users["security_a1"])
    far = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    r = c.post(f"/api/v1/defense/guards/{guard.pk}/trainings", content_type="application/json",
               data=json.dumps({"held_on": "1999-12-31", "topic": "消防演练", "hours": "2"}))
    assert "培训日期" in problems(r)["held_on"]
    r = c.post(f"/api/v1/defense/guards/{guard.pk}/trainings", content_type="application/json",
               data=json.dumps({"held_on": far, "topic": "消防演练", "hours": "2"}))
    assert "held_on" in problems(r)
    page = c.post(f"/defense/guards/{guard.pk}/trainings/", {"held_on": "1999-12-31", "topic": "消防演练", "hours": "2"},
                  follow=True)
    assert "培训日期 1999-12-31 不合理" in page.content.decode()
    assert not GuardTraining.objects.exists()
    r = c.post(f"/api/v1/defense/guards/{guard.pk}/release", content_type="application/json",
               data=json.dumps({"left_on": "1900-01-01"}))
    assert "离岗日期" in problems(r)["left_on"]
    guard.refresh_from_db()
    assert guard.active


def test_device_installed_in_1980_is_refused(world, client_for):
    a1 = world.schools["a1"]
    c = client_for(world.users["security_a1"])
    r = c.post("/api/v1/devices/", content_type="application/json", data=json.dumps({
        "school_id": a1.pk, "kind": "camera", "location": "gate", "name": "球机", "serial": "CAM-OLD",
        "installed_on": "1980-01-01"}))
    assert "安装日期" in problems(r)["installed_on"]
    page = c.post(f"/devices/schools/{a1.pk}/new/", {"kind": "camera", "location": "gate", "name": "球机",
                                                     "serial": "CAM-OLD", "installed_on": "1980-01-01",
                                                     "window_minutes": "5"})
    assert page.status_code == 200 and "安装日期 1980-01-01 不合理" in page.content.decode()
    assert not Device.objects.exists()


# --- region codes ---------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "/api/v1/schools?region=320499",
    "/api/v1/schools?region=329999001",
    "/api/v1/schools?region=3299",
    "/api/v1/regions?parent=320499",
    "/api/v1/hazards/?region=320413000",
    "/api/v1/hazards/dashboard?region=329999",
    "/api/v1/inspections/?region=320499",
    "/api/v1/inspections/coverage?region=abc",
    "/api/v1/compliance/rates?region=320499",
    "/api/v1/compliance/failing?region=320499",
    "/api/v1/compliance/trend?region=320499",
])
def test_unknown_region_filters_are_422_naming_the_field(world, client_for, url):
    r = client_for(world.users["edu_city"]).get(url)
    field = url.split("?")[1].split("=")[0]
    assert "区划代码" in problems(r)[field]


def test_region_filters_take_codes_and_prefixes_alike(world, client_for):
    c = client_for(world.users["edu_city"])

    def ids(url):
        r = c.get(url)
        assert r.status_code == 200, r.content
        return sorted(s["id"] for s in r.json()["items"])

    everything = ids("/api/v1/schools")
    assert len(everything) == 3
    assert ids("/api/v1/schools?region=320400") == ids("/api/v1/schools?region=3204") == everything
    assert ids("/api/v1/schools?region=320000") == everything
    assert ids("/api/v1/schools?region=320413") == sorted([world.schools["a1"].pk, world.schools["a2"].pk])
    assert ids("/api/v1/schools?region=320413101") == [world.schools["a2"].pk]


def test_unknown_region_on_the_list_pages_is_a_form_error(world, client_for):
    c = client_for(world.users["edu_city"])
    for url in ("/schools/?region=320499", "/hazards/?region=329999"):
        page = c.get(url)
        assert page.status_code == 200 and "不是有效的行政区划代码" in page.content.decode()
    page = c.get("/schools/?region=320400").content.decode()
    assert world.schools["a1"].name in page and world.schools["b1"].name in page


def test_school_region_must_be_known_on_create_import_and_update(world, client_for, tmp_path):
    c = client_for(world.users["admin_province"])
    before = School.objects.count()
    data = school_json(world)
    r = c.post("/api/v1/schools", data=json.dumps(dict(data, region="329999001")), content_type="application/json")
    assert "region" in problems(r)
    # a town row that was added under a county the list does not know is refused as a school's region
    bogus = Region.objects.create(code="320499001", name="虚构镇", level="town", parent=world.regions["city"])
    r = c.post("/api/v1/schools", data=json.dumps(dict(data, region=bogus.code, police_station=None)),
               content_type="application/json")
    assert "不是有效的行政区划代码" in problems(r)["region"]
    a1 = world.schools["a1"]
    form = {**data, "region": bogus.code, "police_station": "", "code": a1.code, "name": a1.name}
    page = c.post(f"/schools/{a1.pk}/edit/", form)
    assert page.status_code == 200 and "不是有效的行政区划代码" in page.content.decode()
    a1.refresh_from_db()
    assert a1.region_id == "320413001"
    # the import
    from huxiao.core.importing import run_import
    from huxiao.core.models import ImportJob
    from tests.core.test_import import row, workbook

    path = tmp_path / "schools.xlsx"
    path.write_bytes(workbook([row(**{"所在区划代码": bogus.code, "属地派出所": ""})]).getvalue())
    job = run_import(ImportJob.objects.create(original_name="s.xlsx", path=str(path),
                                              created_by=world.users["admin_province"]))
    assert job.status == "failed" and any("不是有效的行政区划代码" in e["message"] for e in job.errors)
    assert School.objects.count() == before


def test_admin_refuses_a_town_under_an_unknown_county(world, client):
    from huxiao.core.models import User

    admin = User.objects.create_superuser("root", password="Root-pass-2026-x", full_name="root")
    client.force_login(admin)
    form = {"code": "329999001", "name": "虚构镇", "level": "town", "parent": "320000", "longitude": "",
            "latitude": ""}
    r = client.post("/django-admin/core/region/add/", form)
    assert r.status_code == 200 and "不是有效的行政区划代码" in r.content.decode()
    assert not Region.objects.filter(code="329999001").exists()
    r = client.post("/django-admin/core/region/add/", dict(form, code="320413201", name="新镇", parent="320413"))
    assert r.status_code == 302 and Region.objects.filter(code="320413201").exists()
