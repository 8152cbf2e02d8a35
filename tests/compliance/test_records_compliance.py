"""The schools' results per campaign (the dashboard's drill-down) on the record layer: one filterset for
the page, the API list and the Excel export; invalid parameters refused by name; the export is exactly the
filtered rows, formula-safe and audited; the region is resolved first (out of reach: 404) and nothing
outside the jurisdiction is listed or exported.

World as in test_rates_api: a1 has one guard and closed management, a2 neither; both fail JT-4 (guards by
enrolment); a1 meets JT-1 (closed management), a2 does not."""

import io

import openpyxl
import pytest

from huxiao.compliance.services import evaluate_all
from huxiao.core.models import AuditLog
from tests.defense.fixtures import add_guard, set_facility
from tests.world import make_school

pytestmark = pytest.mark.django_db

FORMULA_SCHOOL = "=1+1 东城小学"
JINTAN = "region=320413&campaign=jintan-2023"


@pytest.fixture
def scenario(world):
    a1, a2 = world.schools["a1"], world.schools["a2"]
    world.schools["a3"] = make_school("2132413004", FORMULA_SCHOOL, world.regions["town_a1"],
                                      world.units["station_a1"])
    add_guard(a1, name="李保安", seq=1)
    set_facility(a1)
    set_facility(a2, closed_management=False, anti_ramming_kinds=[], vehicle_access=False)
    evaluate_all()
    return world


def _failing(client, query):
    r = client.get(f"/api/v1/compliance/failing?{query}")
    assert r.status_code == 200, r.content
    return r.json()


def _rows(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    return list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows())


def test_filters_rule_result_school_and_name(scenario, client_for):
    c = client_for(scenario.users["edu_a"])
    jt4 = _failing(c, f"{JINTAN}&rule=JT-4")
    assert {i["school_name"] for i in jt4["items"]} >= {"东城实验小学", "金城中心幼儿园"}
    assert {i["status"] for i in jt4["items"]} == {"not_met"}  # not met by default
    met = _failing(c, f"{JINTAN}&rule=JT-1&status=met")
    assert "东城实验小学" in {i["school_name"] for i in met["items"]}
    assert "金城中心幼儿园" not in {i["school_name"] for i in met["items"]}
    a2 = scenario.schools["a2"].pk
    assert {i["school_id"] for i in _failing(c, f"{JINTAN}&school={a2}")["items"]} == {a2}
    assert {i["school_name"] for i in _failing(c, f"{JINTAN}&q=金城")["items"]} == {"金城中心幼儿园"}
    town = _failing(c, "region=320413101&campaign=jintan-2023")
    assert town["count"] > 0 and {i["region_code"] for i in town["items"]} == {"320413101"}
    page = _failing(c, f"{JINTAN}&offset=1&limit=1")
    assert len(page["items"]) == 1 and page["count"] == _failing(c, JINTAN)["count"]  # offset/limit kept


@pytest.mark.parametrize("query, param", [
    ("rule=XX-99", "rule"), ("status=perfect", "status"), ("campaign=nowhere-1999", "campaign"),
    ("region=99", "region"), ("region=320499", "region"), ("school=abc", "school"),
])
def test_invalid_parameters_are_422_naming_them_and_change_nothing(scenario, client_for, query, param):
    c = client_for(scenario.users["edu_a"])
    entries = AuditLog.objects.count()
    for path in ("/api/v1/compliance/failing", "/api/v1/compliance/failing/export"):
        r = c.get(f"{path}?{query}")
        assert r.status_code == 422, (path, r.content)
        assert any(param in "".join(map(str, p["loc"])) for p in r.json()["detail"]), r.json()
    assert AuditLog.objects.count() == entries


def test_export_is_exactly_the_filtered_rows_formula_safe_and_audited(scenario, client_for):
    c = client_for(scenario.users["edu_a"])
    expected = _failing(c, f"{JINTAN}&rule=JT-4")
    rows = _rows(c.get(f"/api/v1/compliance/failing/export?{JINTAN}&rule=JT-4"))
    header = [cell.value for cell in rows[0]]
    assert header[:4] == ["学校", "区划代码", "指标编号", "指标"]
    assert sorted(r[0].value for r in rows[1:]) == sorted(i["school_name"] for i in expected["items"])
    a2 = next(r for r in rows[1:] if r[0].value == "金城中心幼儿园")
    assert a2[header.index("原因（待整改）")].value == "专职保安员 0 人，按在校生 180 人应不少于 2 人"
    assert a2[header.index("评估结果")].value == "未达标" and a2[header.index("指标编号")].value == "JT-4"
    formula = [r[0] for r in rows[1:] if r[0].value == FORMULA_SCHOOL]
    assert formula and formula[0].data_type == "s"  # text, never a formula
    entry = AuditLog.objects.order_by("-id").first()
    assert (entry.event, entry.model, entry.username) == ("core.export", "compliance.RuleStatus", "edu_a")
    assert entry.after["count"] == expected["count"]
    assert entry.after["filters"] == {"region": ["320413"], "campaign": ["jintan-2023"], "rule": ["JT-4"]}


def test_page_and_its_export_show_the_same_rows(scenario, client_for):
    c = client_for(scenario.users["edu_a"])
    html = c.get(f"/compliance/failing/?{JINTAN}&rule=JT-1").content.decode()
    table = html.split('id="failing-table"')[1]
    assert "金城中心幼儿园" in table and "东城实验小学" not in table
    rows = _rows(c.get(f"/compliance/failing/?{JINTAN}&rule=JT-1&export=xlsx"))
    assert "金城中心幼儿园" in [r[0].value for r in rows[1:]] and "东城实验小学" not in [r[0].value for r in rows[1:]]
    met = c.get(f"/compliance/failing/?{JINTAN}&rule=JT-1&status=met").content.decode()
    assert "评估结果：达标" in met and "东城实验小学" in met.split('id="failing-table"')[1]


def test_page_filters_are_pickers_showing_the_resolved_campaign(scenario, client_for):
    # the campaign in force in the district today (Jintan 2023 ended 2024-01-31): the national baseline
    html = client_for(scenario.users["edu_a"]).get("/compliance/failing/?region=320413").content.decode()
    assert '<select name="campaign"' in html and '<option value="gbt29315-2022" selected>' in html
    assert '<select name="rule"' in html and 'value="GB-RF-1"' in html and 'value="JT-4"' not in html
    assert 'value="JS-RF-1"' not in html.split('name="rule"')[1].split("</select>")[0]  # this campaign's rules
    assert '<select name="status"' in html and '<select name="region"' in html and "导出 Excel" in html


def test_page_shows_an_invalid_filter_on_its_field(scenario, client_for):
    r = client_for(scenario.users["edu_a"]).get(f"/compliance/failing/?{JINTAN}&status=perfect")
    assert r.status_code == 200
    html = r.content.decode()
    assert "is-invalid" in html and "评估结果" in html
    assert "金城中心幼儿园" not in html.split('id="failing-table"')[1]  # nothing listed


def test_out_of_reach_region_is_404_and_other_districts_never_listed(scenario, client_for):
    edu_a = client_for(scenario.users["edu_a"])
    assert edu_a.get("/api/v1/compliance/failing?region=320481").status_code == 404
    assert edu_a.get("/api/v1/compliance/failing/export?region=320481").status_code == 404
    assert edu_a.get("/compliance/failing/?region=320481&export=xlsx").status_code == 404
    rows = _rows(edu_a.get("/api/v1/compliance/failing/export?campaign=jiangsu-2019"))
    assert "溧阳南渡初级中学" not in {r[0].value for r in rows[1:]}
    city = client_for(scenario.users["edu_city"])
    rows = _rows(city.get("/api/v1/compliance/failing/export?region=320400&campaign=jiangsu-2019"))
    assert "溧阳南渡初级中学" in {r[0].value for r in rows[1:]}


def test_refused_without_the_role(scenario, client_for):
    for user in ("principal_a1", "norole"):
        assert client_for(scenario.users[user]).get("/api/v1/compliance/failing/export").status_code == 403
    assert client_for(None).get("/api/v1/compliance/failing/export").status_code == 401
    assert not AuditLog.objects.filter(event="core.export").exists()
