"""Core API through HTTP: tokens, errors that name the field, scoping, pagination, OpenAPI."""

import json

import pytest

from huxiao.core import services
from huxiao.core.models import AuditLog, School


def call(client, method, url, data=None, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if data is not None:
        return getattr(client, method)(url, data=json.dumps(data), content_type="application/json", **headers)
    return getattr(client, method)(url, **headers)


@pytest.fixture
def edu_token(world):
    _token, raw = services.do_issue_token(world.users["edu_a"], "测试", actor=world.users["edu_a"])
    return raw


def test_token_auth_and_revocation(world, client, edu_token):
    r = call(client, "get", "/api/v1/me", token=edu_token)
    assert r.status_code == 200
    assert r.json()["username"] == "edu_a"
    assert r.json()["region_prefixes"] == ["320413"]
    token = world.users["edu_a"].api_tokens.get()
    assert token.key_hash != edu_token and edu_token not in token.key_hash  # stored hashed
    services.do_revoke_token(token, actor=world.users["edu_a"])
    assert call(client, "get", "/api/v1/me", token=edu_token).status_code == 401
    assert call(client, "get", "/api/v1/me", token="hx_forged").status_code == 401
    assert call(client, "get", "/api/v1/me", token="").status_code == 401


def test_list_is_scoped_paginated_and_counted(world, client, edu_token):
    r = call(client, "get", "/api/v1/schools?page_size=1", token=edu_token)
    body = r.json()
    assert body["count"] == 2 and len(body["items"]) == 1
    names = {s["name"] for s in call(client, "get", "/api/v1/schools", token=edu_token).json()["items"]}
    assert names == {"东城实验小学", "金城中心幼儿园"}
    r = call(client, "get", "/api/v1/schools?school_type=kindergarten", token=edu_token)
    assert [s["name"] for s in r.json()["items"]] == ["金城中心幼儿园"]
    r = call(client, "get", "/api/v1/schools?q=东城", token=edu_token)
    assert [s["name"] for s in r.json()["items"]] == ["东城实验小学"]


def test_out_of_scope_school_is_404(world, client, edu_token):
    r = call(client, "get", f"/api/v1/schools/{world.schools['b1'].pk}", token=edu_token)
    assert r.status_code == 404
    r = call(client, "patch", f"/api/v1/schools/{world.schools['b1'].pk}", {"students": 1}, token=edu_token)
    assert r.status_code == 404
    assert School.objects.get(pk=world.schools["b1"].pk).students == 800


def test_bad_input_names_the_field_and_changes_nothing(world, client, edu_token):
    before = AuditLog.objects.count()
    school = world.schools["a1"]
    r = call(client, "patch", f"/api/v1/schools/{school.pk}", {"students": -5}, token=edu_token)
    assert r.status_code == 422 and "students" in json.dumps(r.json())
    r = call(client, "patch", f"/api/v1/schools/{school.pk}",
             {"noon_dismissal_time": "17:00", "afternoon_dismissal_time": "16:00"}, token=edu_token)
    assert r.status_code == 400
    assert "afternoon_dismissal_time" in r.json()["errors"]
    assert "应晚于" in r.json()["detail"]
    r = call(client, "patch", f"/api/v1/schools/{school.pk}", {"longitude": 10, "latitude": 10}, token=edu_token)
    assert r.status_code == 400 and "不在中国境内" in r.json()["detail"]
    r = call(client, "patch", f"/api/v1/schools/{school.pk}", {"police_station": 999999}, token=edu_token)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "police_station"
    school.refresh_from_db()
    assert school.students == 1350 and str(school.longitude) == "119.597000"
    assert AuditLog.objects.count() == before


def test_create_school_validates_code_category(world, client, edu_token):
    from tests.core.matrix_cases import school_json

    data = school_json(world)
    data["code"] = "1132413099"  # kindergarten category for a primary school
    r = call(client, "post", "/api/v1/schools", data, token=edu_token)
    assert r.status_code == 400 and "类别码" in r.json()["detail"]
    data["code"] = "2132413099"
    r = call(client, "post", "/api/v1/schools", data, token=edu_token)
    assert r.status_code == 201
    created = School.objects.get(code="2132413099")
    assert created.unit is not None and created.district_id == "320413"
    r = call(client, "post", "/api/v1/schools", data, token=edu_token)
    assert r.status_code == 400 and "code" in r.json()["errors"]  # duplicate identity code


def test_cannot_move_a_school_out_of_reach(world, client):
    _t, raw = services.do_issue_token(world.users["edu_a"], "t", actor=world.users["edu_a"])
    data = {"police_station": world.units["station_b1"].pk}
    r = call(client, "patch", f"/api/v1/schools/{world.schools['a1'].pk}", data, token=raw)
    assert r.status_code == 422  # station of another district: as unknown as one that does not exist
    assert world.units["station_b1"].name not in r.content.decode()


def test_create_user_with_weak_password_is_refused(world, client):
    _t, raw = services.do_issue_token(world.users["admin_province"], "t", actor=world.users["admin_province"])
    data = {"username": "weak", "password": "1234567890", "roles": []}
    r = call(client, "post", "/api/v1/users", data, token=raw)
    assert r.status_code == 400 and "password" in r.json()["errors"]
    data = {"username": "guard1", "password": "Guard-pass-2026",
            "roles": [{"role": "guard", "unit_id": world.units["edu_a"].pk}]}
    r = call(client, "post", "/api/v1/users", data, token=raw)
    assert r.status_code == 400 and "role" in r.json()["errors"]  # a guard belongs to a school
    from huxiao.core.models import User

    assert not User.objects.filter(username__in=["weak", "guard1"]).exists()


def test_openapi_loads(client):
    r = client.get("/api/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    assert "/api/v1/schools" in paths and "/api/v1/schools/{school_id}" in paths


def test_same_name_in_same_region_is_refused(world, client, edu_token):
    from tests.core.matrix_cases import school_json

    data = school_json(world)
    data.update(code="2132413098", name="东城实验小学", region="320413001", police_station=world.units["station_a1"].pk)
    r = call(client, "post", "/api/v1/schools", data, token=edu_token)
    assert r.status_code == 400 and "已有同名学校" in r.json()["errors"]["name"][0]
    r = call(client, "patch", f"/api/v1/schools/{world.schools['a2'].pk}", {"name": "东城实验小学"}, token=edu_token)
    assert r.status_code == 200  # another town: allowed


def test_school_with_records_cannot_be_deleted(world, client, edu_token):
    from huxiao.core.models import Attachment

    Attachment.objects.create(original_name="x.png", content_type="image/png", extension=".png", size=1,
                              sha256="0" * 64, region_code="320413001", school=world.schools["a1"],
                              uploaded_by=world.users["edu_a"], file="x.png")
    r = call(client, "delete", f"/api/v1/schools/{world.schools['a1'].pk}", token=edu_token)
    assert r.status_code == 400 and "已有业务记录" in r.json()["detail"]
    assert School.objects.filter(pk=world.schools["a1"].pk).exists()


def test_not_found_is_explained_in_chinese(world, client, edu_token):
    r = call(client, "get", f"/api/v1/schools/{world.schools['b1'].pk}", token=edu_token)
    assert r.status_code == 404 and "管辖范围" in r.json()["detail"]
