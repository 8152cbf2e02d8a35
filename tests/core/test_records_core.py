"""The school registry on the record layer: one filterset for the page, the API list and the Excel
export; invalid filters refused by name and nothing changed; the export is exactly the filtered rows,
formula-safe, phones masked and audited; nothing outside the jurisdiction is listed or exported."""

import io

import openpyxl
import pytest

from huxiao.core.choices import SchoolType, Setting
from huxiao.core.models import AuditLog, School
from huxiao.core.records.filters import query_params
from huxiao.core.school_filters import SchoolFilterSet
from tests.world import make_school

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x","点此")'


@pytest.fixture
def registry(world):
    """a1 (urban public primary, 1,350), a2 (rural private kindergarten, 180), b1 (溧阳), plus a boarding
    key-unit junior school in town a1 whose address looks like a formula."""
    world.schools["a3"] = make_school("2132413003", "东城寄宿初级中学", world.regions["town_a1"],
                                      world.units["station_a1"], school_type=SchoolType.JUNIOR, boarding=True,
                                      key_security_unit=True, setting=Setting.TOWN, students=600, address=FORMULA,
                                      principal_phone="13812345678")
    return world


def _ids(response):
    assert response.status_code == 200, response.content
    return sorted(s["id"] for s in response.json()["items"])


def _sheet(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return wb.active


def _rows(response):
    return list(_sheet(response).iter_rows(values_only=True))


@pytest.mark.parametrize("query, keys", [
    ("school_type=kindergarten", ["a2"]),
    ("ownership=private", ["a2"]),
    ("setting=town", ["a3"]),
    ("boarding=true", ["a3"]),
    ("boarding=false", ["a1", "a2"]),
    ("key_security_unit=true", ["a3"]),
    ("region=320413101", ["a2"]),
    ("region=320413001", ["a1", "a3"]),
    ("q=寄宿", ["a3"]),
    ("q=2132413001", ["a1"]),  # the identity code's start
    ("school_type=primary&setting=urban", ["a1"]),
])
def test_each_api_filter(registry, client_for, query, keys):
    got = _ids(client_for(registry.users["edu_a"]).get(f"/api/v1/schools?{query}"))
    assert got == sorted(registry.schools[k].pk for k in keys)


def test_sort_and_paging_keep_the_layers_shape(registry, client_for):
    c = client_for(registry.users["edu_a"])
    body = c.get("/api/v1/schools?sort=-students&page_size=2").json()
    assert (body["count"], body["page"], body["page_size"]) == (3, 1, 2)
    assert [s["name"] for s in body["items"]] == ["东城实验小学", "东城寄宿初级中学"]
    assert body["items"][1]["principal_phone"] == "138****5678"  # lists mask phones, as before


@pytest.mark.parametrize("query, param", [
    ("school_type=castle", "school_type"), ("ownership=state", "ownership"), ("setting=moon", "setting"),
    ("boarding=maybe", "boarding"), ("region=99", "region"), ("region=320499", "region"),
    ("sort=password", "sort"), ("q=" + "长" * 65, "q"),
])
def test_invalid_filters_are_422_naming_the_parameter_and_change_nothing(registry, client_for, query, param):
    c = client_for(registry.users["edu_a"])
    schools, entries = School.objects.count(), AuditLog.objects.count()
    for path in ("/api/v1/schools", "/api/v1/schools/export"):
        r = c.get(f"{path}?{query}")
        assert r.status_code == 422, (path, r.content)
        assert any(param in "".join(map(str, p["loc"])) for p in r.json()["detail"]), r.json()
    assert (School.objects.count(), AuditLog.objects.count()) == (schools, entries)


def test_export_is_exactly_the_filtered_rows_formula_safe_masked_and_audited(registry, client_for):
    c = client_for(registry.users["edu_a"])
    ws = _sheet(c.get("/api/v1/schools/export?region=320413001"))
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("学校名称", "标识码", "类型")
    assert sorted(r[0] for r in rows[1:]) == sorted(["东城寄宿初级中学", "东城实验小学"])
    junior = next(r for r in rows[1:] if r[0] == "东城寄宿初级中学")
    assert junior[header.index("地址")] == FORMULA
    assert junior[header.index("类型")] == "初中" and junior[header.index("寄宿制")] == "是"
    assert junior[header.index("校长电话")] == "138****5678"
    assert "13812345678" not in {str(v) for r in rows for v in r}
    cells = [cell for row in ws.iter_rows() for cell in row if cell.value == FORMULA]
    assert cells and all(cell.data_type == "s" for cell in cells)  # text, never a formula
    entry = AuditLog.objects.order_by("-id").first()
    assert (entry.event, entry.action, entry.model, entry.username) == ("core.export", "export", "core.School",
                                                                       "edu_a")
    assert entry.after == {"count": 2, "filters": {"region": ["320413001"]}}


def test_page_export_shows_the_same_rows_as_the_page(registry, client_for):
    c = client_for(registry.users["edu_a"])
    page = c.get("/schools/?school_type=junior").content.decode()
    assert "东城寄宿初级中学" in page and "东城实验小学" not in page
    rows = _rows(c.get("/schools/?school_type=junior&export=xlsx"))
    assert [r[0] for r in rows[1:]] == ["东城寄宿初级中学"]


def test_out_of_jurisdiction_schools_are_never_listed_or_exported(registry, client_for):
    c = client_for(registry.users["edu_a"])
    b1 = registry.schools["b1"]
    assert b1.pk not in _ids(c.get("/api/v1/schools"))
    assert _ids(c.get("/api/v1/schools?region=320481")) == []  # a valid region elsewhere: nothing
    names = {r[0] for r in _rows(c.get("/api/v1/schools/export"))[1:]}
    assert b1.name not in names and len(names) == 3
    assert b1.name not in {r[0] for r in _rows(c.get("/schools/?export=xlsx"))[1:]}
    assert b1.name not in c.get("/schools/").content.decode()


def test_page_filters_are_pickers_not_a_region_code_box(registry, client_for):
    html = client_for(registry.users["edu_city"]).get("/schools/").content.decode()
    assert '<select name="region"' in html and 'value="320413"' in html and "金坛区" in html
    assert '<select name="school_type"' in html and '<select name="boarding"' in html
    assert 'placeholder="区划代码"' not in html
    assert 'id="school-filter"' in html and "导出 Excel" in html


def test_page_shows_an_invalid_filter_on_its_field_in_chinese(registry, client_for):
    r = client_for(registry.users["edu_a"]).get("/schools/?region=320499&school_type=castle")
    assert r.status_code == 200
    html = r.content.decode()
    assert "is-invalid" in html and "不是有效的行政区划代码" in html and "类型" in html
    assert registry.schools["a1"].name not in html  # an invalid filter lists nothing rather than everything


def test_import_and_create_buttons_follow_the_roles(registry, client_for):
    official = client_for(registry.users["edu_a"]).get("/schools/").content.decode()
    assert 'href="/schools/import/"' in official and 'href="/schools/new/"' in official
    principal = client_for(registry.users["principal_a1"]).get("/schools/").content.decode()
    assert 'href="/schools/import/"' not in principal and "导出 Excel" in principal


def test_refused_without_the_role(registry, client_for):
    assert client_for(registry.users["norole"]).get("/api/v1/schools/export").status_code == 403
    assert client_for(None).get("/api/v1/schools/export").status_code == 401
    assert client_for(registry.users["norole"]).get("/schools/?export=xlsx").status_code == 403
    assert client_for(registry.users["norole"]).get("/api/v1/schools").json()["count"] == 0  # as before
    assert not AuditLog.objects.filter(event="core.export").exists()


def test_openapi_documents_the_filterset_parameters(registry, client_for):
    doc = client_for(registry.users["edu_a"]).get("/api/openapi.json").json()
    params = {p["name"] for p in doc["paths"]["/api/v1/schools"]["get"]["parameters"]}
    assert query_params(SchoolFilterSet) <= params and {"page", "page_size"} <= params
    assert "school" not in params  # the registry lists schools: no school picker
    assert "/api/v1/schools/export" in doc["paths"]

