"""Setting up a district through the API alone: units (create, list in scope) and API tokens (issue, list,
revoke — one's own, and an administrator's for the users they manage), scoped and audited."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from huxiao.core import services
from huxiao.core.choices import Role
from huxiao.core.models import ApiToken, AuditLog, RoleAssignment, School, Unit, User
from tests.world import PASSWORD


def call(client, method, url, data=None, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    body = json.dumps(data) if data is not None else None
    return getattr(client, method)(url, data=body, content_type="application/json", **headers)


def loc_fields(response) -> set:
    assert response.status_code == 422, response.content
    return {str(problem["loc"][-1]) for problem in response.json()["detail"]}


def station(w, **kw):
    data = {"name": "直溪派出所", "kind": "police", "level": "station", "region": w.regions["town_a2"].code,
            "parent": w.units["police_a"].pk, "phone": "0519-82810110"}
    data.update(kw)
    return data


# --- units --------------------------------------------------------------------------------------------

def test_an_administrator_creates_a_unit_in_reach_and_it_is_audited(world, client_for):
    c = client_for(world.users["admin_province"])
    r = call(c, "post", "/api/v1/units", station(world))
    assert r.status_code == 201, r.content
    body = r.json()
    unit = Unit.objects.get(pk=body["id"])
    assert (unit.name, unit.kind, unit.level, unit.region_code, unit.parent) == (
        "直溪派出所", "police", "station", "320413101", world.units["police_a"])
    assert body["region"] == "320413101" and body["parent"] == world.units["police_a"].pk
    entry = AuditLog.objects.get(event="core.create_unit")
    assert entry.user == world.users["admin_province"] and entry.region_code == "320413101"
    assert entry.object_id == str(unit.pk) and entry.after["name"] == "直溪派出所"
    # it can take roles at once, and those who reach the town see it in their list of units
    r = call(c, "post", "/api/v1/users", {"username": "zhixi.officer", "password": PASSWORD, "full_name": "直溪民警",
                                           "roles": [{"role": "station_officer", "unit_id": unit.pk}]})
    assert r.status_code == 201, r.content
    assert unit.pk in {u["id"] for u in call(client_for(world.users["police_a"]), "get", "/api/v1/units").json()}
    assert unit.pk not in {u["id"] for u in call(client_for(world.users["police_b"]), "get", "/api/v1/units").json()}


def test_a_unit_out_of_reach_is_refused_naming_the_region_and_nothing_is_written(world, client_for):
    admin_b, edu_a = client_for(world.users["admin_b"]), client_for(world.users["edu_a"])  # (sign-ins audited)
    before = (Unit.objects.count(), AuditLog.objects.count())
    r = call(admin_b, "post", "/api/v1/units", station(world))
    assert loc_fields(r) == {"region"} and "不在您的管辖范围内" in r.content.decode()
    assert call(edu_a, "post", "/api/v1/units", station(world)).status_code == 403
    assert call(Client(), "post", "/api/v1/units", station(world)).status_code == 401
    assert (Unit.objects.count(), AuditLog.objects.count()) == before


@pytest.mark.parametrize("change,field", [
    ({"level": "county"}, "level"),  # a county-level unit in a town
    ({"name": "金城派出所", "region": "320413101"}, "name"),  # already there
    ({"kind": "school", "parent": None}, "kind"),  # schools get their unit with the school
    ({"kind": "education"}, "parent"),  # an education unit under a police bureau
    ({"level": "county", "region": "320413", "parent": None, "name": "金坛分局"}, "name"),
    ({"level": "county", "region": "320481", "name": "溧阳市公安局治安大队", "parent": "station_b1"}, "parent"),
    ({"phone": "110abc"}, "phone"),
])
def test_a_bad_unit_is_400_naming_the_field(world, client_for, change, field):
    if change.get("parent") == "station_b1":  # a parent one level below: a county unit under a station
        change = {**change, "parent": world.units["station_b1"].pk}
    before = Unit.objects.count()
    r = call(client_for(world.users["admin_province"]), "post", "/api/v1/units", station(world, **change))
    assert r.status_code == 400, r.content
    assert field in r.json()["errors"], r.json()
    assert Unit.objects.count() == before and not AuditLog.objects.filter(event="core.create_unit").exists()


@pytest.mark.parametrize("change,field", [
    ({"region": "999999"}, "region"),
    ({"region": "320413999"}, "region"),  # a well-formed town code that is not registered
    ({"kind": "army"}, "kind"),
    ({"level": "village"}, "level"),
    ({"name": "直"}, "name"),
    ({"parent": None, "name": "x" * 129}, "name"),
])
def test_a_malformed_unit_is_422_naming_the_field(world, client_for, change, field):
    before = Unit.objects.count()
    r = call(client_for(world.users["admin_province"]), "post", "/api/v1/units", station(world, **change))
    assert field in loc_fields(r)
    assert Unit.objects.count() == before


def test_a_parent_outside_the_units_region_chain_is_refused_by_name(world, client_for):
    """溧阳's bureau is not above 金坛's towns; a parent the administrator cannot reach reads the same."""
    for parent in (world.units["police_b"].pk, world.units["station_a1"].pk, 999999):
        r = call(client_for(world.users["admin_province"]), "post", "/api/v1/units", station(world, parent=parent))
        assert loc_fields(r) == {"parent"}
    assert not Unit.objects.filter(name="直溪派出所").exists()


def test_the_unit_list_filters_within_reach(world, client_for):
    c = client_for(world.users["edu_city"])

    def names(query):
        r = c.get(f"/api/v1/units{query}")
        assert r.status_code == 200, r.content
        return {u["name"] for u in r.json()}

    assert names("?kind=police&level=station") == {"东城派出所", "金城派出所", "溧城派出所"}
    assert names("?region=320481&kind=police") == {"溧阳市公安局", "溧城派出所"}
    assert names("?q=教育") == {"市教育局", "金坛区教育局", "溧阳市教育局"}
    assert "省教育厅" not in names("")  # above the city: out of reach
    assert loc_fields(c.get("/api/v1/units?region=99")) == {"region"}
    assert loc_fields(c.get("/api/v1/units?kind=army")) == {"kind"}
    assert {u["name"] for u in client_for(world.users["principal_a1"]).get("/api/v1/units").json()} == {"东城实验小学"}


# --- tokens ---------------------------------------------------------------------------------------------

def test_a_user_issues_lists_and_revokes_their_own_token(world, client_for):
    c = client_for(world.users["edu_a"])
    r = call(c, "post", "/api/v1/tokens", {"name": "建库脚本", "days": 30})
    assert r.status_code == 201, r.content
    created = r.json()
    raw = created["token"]
    assert raw.startswith("hx_") and created["prefix"] == raw[3:9] and created["username"] == "edu_a"
    assert timedelta(days=29) < timezone.datetime.fromisoformat(created["expires_at"]) - timezone.now() <= timedelta(
        days=30)
    assert call(Client(), "get", "/api/v1/me", token=raw).json()["username"] == "edu_a"
    listed = call(c, "get", "/api/v1/tokens").json()
    assert [t["id"] for t in listed] == [created["id"]] and "token" not in listed[0]  # never shown again
    assert raw not in json.dumps(listed) and not ApiToken.objects.filter(key_hash=raw).exists()
    assert AuditLog.objects.filter(event="core.issue_token", user=world.users["edu_a"]).count() == 1
    # somebody else's token is not there for them
    assert call(client_for(world.users["edu_b"]), "delete", f"/api/v1/tokens/{created['id']}").status_code == 404
    assert call(Client(), "get", "/api/v1/me", token=raw).status_code == 200
    assert call(c, "delete", f"/api/v1/tokens/{created['id']}").status_code == 204
    assert call(Client(), "get", "/api/v1/me", token=raw).status_code == 401
    assert call(c, "get", "/api/v1/tokens").json() == []
    assert AuditLog.objects.filter(event="core.revoke_token").count() == 1


@pytest.mark.parametrize("data,field", [({"name": ""}, "name"), ({"name": "t", "days": 0}, "days"),
                                        ({"name": "t", "days": 400}, "days"), ({"days": 30}, "name")])
def test_bad_token_requests_are_422_naming_the_field(world, client_for, data, field):
    assert field in loc_fields(call(client_for(world.users["edu_a"]), "post", "/api/v1/tokens", data))
    assert not ApiToken.objects.exists()


def test_a_token_issued_with_a_token_does_not_outlive_it(world):
    _t, parent = services.do_issue_token(world.users["edu_a"], "父", actor=world.users["edu_a"], days=10)
    c = Client()
    assert loc_fields(call(c, "post", "/api/v1/tokens", {"name": "子", "days": 30}, token=parent)) == {"days"}
    r = call(c, "post", "/api/v1/tokens", {"name": "子"}, token=parent)
    assert r.status_code == 201
    child = ApiToken.objects.get(name="子")
    assert child.expires_at <= ApiToken.objects.get(name="父").expires_at
    assert call(c, "get", "/api/v1/me", token=r.json()["token"]).status_code == 200


def test_police_users_need_their_second_factor_first(world, client_for):
    r = call(client_for(world.users["station_a1"]), "post", "/api/v1/tokens", {"name": "t"})
    assert r.status_code == 400 and "双因素" in r.json()["errors"]["name"][0]
    assert not ApiToken.objects.exists()


def test_an_administrator_issues_lists_and_revokes_a_managed_users_token(world, client_for):
    admin = client_for(world.users["admin_province"])
    target = world.users["principal_a1"]
    r = call(admin, "post", f"/api/v1/users/{target.pk}/tokens", {"name": "对接平台", "days": 7})
    assert r.status_code == 201, r.content
    raw, token_id = r.json()["token"], r.json()["id"]
    assert call(Client(), "get", "/api/v1/me", token=raw).json()["username"] == "principal_a1"
    entry = AuditLog.objects.get(event="core.issue_token")
    assert entry.user == world.users["admin_province"] and entry.after["user"] == "principal_a1"
    assert [t["id"] for t in call(admin, "get", f"/api/v1/users/{target.pk}/tokens").json()] == [token_id]
    # out of reach: the same answer as no such user; without the role: 403
    for method, url in (("get", f"/api/v1/users/{target.pk}/tokens"),
                        ("post", f"/api/v1/users/{target.pk}/tokens"),
                        ("delete", f"/api/v1/users/{target.pk}/tokens/{token_id}")):
        data = {"name": "x"} if method == "post" else None
        assert call(client_for(world.users["admin_b"]), method, url, data).status_code == 404
        assert call(client_for(world.users["edu_a"]), method, url, data).status_code == 403
    assert call(admin, "delete", f"/api/v1/users/{target.pk}/tokens/{token_id}").status_code == 204
    assert call(Client(), "get", "/api/v1/me", token=raw).status_code == 401
    assert ApiToken.objects.count() == 1 and AuditLog.objects.filter(event="core.revoke_token").count() == 1


def test_a_user_with_a_role_out_of_the_administrators_reach_is_not_theirs_to_issue_for(world, client_for):
    """A token acts with every role of its user: admin_b may manage this user's 溧阳 role, not mint a
    token that also acts at 东城实验小学."""
    user = User.objects.create_user("two.schools", password=PASSWORD)
    RoleAssignment.objects.create(user=user, role=Role.SECURITY_OFFICER, unit=world.units["school_b1"])
    RoleAssignment.objects.create(user=user, role=Role.SECURITY_OFFICER, unit=world.units["school_a1"])
    r = call(client_for(world.users["admin_b"]), "post", f"/api/v1/users/{user.pk}/tokens", {"name": "x"})
    assert r.status_code == 404
    assert call(client_for(world.users["admin_province"]), "post", f"/api/v1/users/{user.pk}/tokens",
                {"name": "x"}).status_code == 201
    assert ApiToken.objects.filter(user=user).count() == 1


def test_no_token_for_a_deactivated_account(world, client_for):
    target = world.users["principal_a1"]
    services.do_set_user_active(target, False, actor=world.users["admin_province"])
    r = call(client_for(world.users["admin_province"]), "post", f"/api/v1/users/{target.pk}/tokens", {"name": "x"})
    assert loc_fields(r) == {"user_id"} and "已停用" in r.content.decode()
    assert not ApiToken.objects.exists()


# --- a district from nothing but the API ------------------------------------------------------------------

def test_a_district_is_built_with_the_api_and_a_token_issued_through_it(world, client_for):
    """武进区 (320412) has nothing in the world: its bureaus, station, an officer and a school are set up by a
    script holding one token the administrator issued through the API; the officer's own token (issued by
    the administrator) then sees the school."""
    r = call(client_for(world.users["admin_province"]), "post", "/api/v1/tokens", {"name": "武进建库"})
    admin = r.json()["token"]
    api = Client()

    def post(url, data, token=admin):
        response = call(api, "post", url, data, token=token)
        assert response.status_code == 201, (url, response.content)
        return response.json()

    edu = post("/api/v1/units", {"name": "武进区教育局", "kind": "education", "level": "county", "region": "320412",
                                  "parent": world.units["edu_city"].pk})
    police = post("/api/v1/units/", {"name": "武进分局", "kind": "police", "level": "county", "region": "320412",
                                      "parent": world.units["police_city"].pk})  # either path form
    hutang = post("/api/v1/units", {"name": "湖塘派出所", "kind": "police", "level": "station", "region": "320412",
                                     "parent": police["id"]})
    officer = post("/api/v1/users", {"username": "wujin.edu", "password": PASSWORD, "full_name": "武进教育",
                                      "roles": [{"role": "education_officer", "unit_id": edu["id"]}]})
    school = post("/api/v1/schools", {
        "code": "2132412001", "name": "武进湖塘实验小学", "school_type": "primary", "ownership": "public",
        "setting": "urban", "students": 900, "staff": 70, "address": "湖塘镇花园街 1 号", "longitude": 119.95,
        "latitude": 31.71, "region": "320412", "police_station": hutang["id"]})
    officer_token = post(f"/api/v1/users/{officer['id']}/tokens", {"name": "武进日常"})["token"]
    listed = call(api, "get", "/api/v1/schools?region=320412", token=officer_token).json()
    assert [s["id"] for s in listed["items"]] == [school["id"]]
    assert School.objects.get(pk=school["id"]).police_station_id == hutang["id"]
    events = list(AuditLog.objects.filter(user=world.users["admin_province"]).values_list("event", flat=True))
    assert events.count("core.create_unit") == 3 and "core.create_school" in events
    assert events.count("core.issue_token") == 2
