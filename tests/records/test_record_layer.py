"""The shared record layer (core/records) through the hazard ledger, its first user: one filterset for
the page, the API list and the export; invalid filters refused by name; the export is exactly the
filtered rows, formula-safe and audited; nothing outside the jurisdiction is listed or exported."""

import io

import openpyxl
import pytest

from huxiao.core.models import AuditLog
from huxiao.core.records.filters import query_params
from huxiao.hazards.filters import HazardFilterSet
from huxiao.hazards.models import Hazard
from huxiao.hazards.services import do_report_hazard
from tests.hazards.helpers import api, hazard_payload, in_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(world):
    reporter = world.users["edu_a"]
    made = {}
    for key, school, extra in (
        ("wall", "a1", {"place": "东侧围墙", "severity": "major"}),
        ("gate", "a1", {"place": "=HYPERLINK(\"http://x\",\"点此\")", "category": "campus"}),
        ("town", "a2", {"place": "南门", "deadline": in_days(30)}),
    ):
        data = hazard_payload(world, school, **extra)
        data.pop("school_id")
        made[key] = do_report_hazard(world.schools[school], data, actor=reporter)
    b = hazard_payload(world, "b1")
    b.pop("school_id")
    made["other_district"] = do_report_hazard(world.schools["b1"], b, actor=world.users["edu_b"])
    return made


def _sheet(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(wb.active.iter_rows(values_only=True))


def test_api_list_page_and_export_show_the_same_rows(world, ledger, client_for):
    user = world.users["edu_a"]
    listed = api(user).get(f"/hazards/?school={world.schools['a1'].pk}&severity=major").json()
    assert [h["id"] for h in listed["items"]] == [ledger["wall"].pk]
    page = client_for(user).get(f"/hazards/?school={world.schools['a1'].pk}&severity=major")
    assert ledger["wall"].number in page.content.decode()
    assert ledger["gate"].number not in page.content.decode()
    rows = _sheet(client_for(user).get(f"/api/v1/hazards/export?school={world.schools['a1'].pk}&severity=major"))
    numbers = [r[0] for r in rows[1:]]
    assert numbers == [ledger["wall"].number]
    rows = _sheet(client_for(user).get(f"/hazards/?school={world.schools['a1'].pk}&severity=major&export=xlsx"))
    assert [r[0] for r in rows[1:]] == [ledger["wall"].number]


def test_export_covers_the_jurisdiction_only_and_keeps_formulas_as_text(world, ledger, client_for):
    response = client_for(world.users["edu_a"]).get("/api/v1/hazards/export")
    rows = _sheet(response)
    numbers = {r[0] for r in rows[1:]}
    assert numbers == {ledger["wall"].number, ledger["gate"].number, ledger["town"].number}
    assert ledger["other_district"].number not in numbers
    header = rows[0]
    places = [r[header.index("隐患部位")] for r in rows[1:]]
    assert '=HYPERLINK("http://x","点此")' in places  # the text itself, kept
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(
        client_for(world.users["edu_a"]).get("/api/v1/hazards/export").streaming_content)))
    cells = [c for row in wb.active.iter_rows() for c in row if c.value == '=HYPERLINK("http://x","点此")']
    assert cells and all(c.data_type == "s" for c in cells)  # a text cell, never a formula


def test_export_is_audited_with_its_count_and_filters(world, ledger, client_for):
    client = client_for(world.users["edu_a"])
    before = AuditLog.objects.count()
    _sheet(client.get("/api/v1/hazards/export?status=open"))
    entry = AuditLog.objects.order_by("-id").first()
    assert AuditLog.objects.count() == before + 1
    assert entry.event == "core.export" and entry.action == "export"
    assert entry.after["count"] == 3 and entry.after["filters"] == {"status": ["open"]}
    assert entry.username == "edu_a"


@pytest.mark.parametrize("query, param", [
    ("severity=bogus", "severity"), ("found_on_after=2026-13-01", "found_on"), ("sort=password", "sort"),
    ("school=abc", "school"), ("region=99", "region"),
    # oversized and forged: a number past any id, a search past its length, a region code padded out
    ("school=99999999999999999999999", "school"), ("q=" + "x" * 51, "q"), ("region=32" + "0" * 40, "region"),
    ("severity=%00", "severity"),
])
def test_invalid_filters_are_refused_by_name(world, ledger, query, param):
    for path in ("/hazards/", "/hazards/export"):
        r = api(world.users["edu_a"]).get(f"{path}?{query}")
        assert r.status_code == 422, (path, query, r.content)
        assert any(param in "".join(map(str, p["loc"])) for p in r.json()["detail"]), r.json()


def test_page_shows_an_invalid_filter_on_its_field_in_chinese(world, ledger, client_for):
    r = client_for(world.users["edu_a"]).get("/hazards/?found_on_after=2026-13-45&severity=bogus")
    assert r.status_code == 200
    html = r.content.decode()
    assert "is-invalid" in html and "等级" in html
    assert ledger["wall"].number not in html  # an invalid filter lists nothing rather than everything


def test_date_range_and_sort(world, ledger):
    user = api(world.users["edu_a"])
    ids = [h["id"] for h in user.get("/hazards/?sort=-deadline").json()["items"]]
    assert ids[0] == ledger["town"].pk
    far = in_days(20)
    got = user.get(f"/hazards/?deadline_after={far}").json()["items"]
    assert [h["id"] for h in got] == [ledger["town"].pk]
    assert user.get(f"/hazards/?deadline_before={far}").json()["count"] == 2


def test_region_picker_lists_the_users_regions_and_filters_by_prefix(world, ledger, client_for):
    html = client_for(world.users["edu_city"]).get("/hazards/").content.decode()
    assert '<select name="region"' in html
    assert 'value="320413"' in html and 'value="320481"' in html  # the city's districts
    assert 'value="320413101"' not in html  # towns only for district users
    assert 'type="date" name="found_on_after"' in html
    district = client_for(world.users["edu_a"]).get("/hazards/").content.decode()
    assert 'value="320413101"' in district and 'value="320481"' not in district
    got = api(world.users["edu_city"]).get("/hazards/?region=320481").json()
    assert [h["id"] for h in got["items"]] == [ledger["other_district"].pk]


def test_school_out_of_reach_matches_nothing(world, ledger):
    got = api(world.users["edu_a"]).get(f"/hazards/?school={world.schools['b1'].pk}").json()
    assert got["count"] == 0


def test_openapi_documents_the_filterset_parameters(world, client_for):
    doc = client_for(world.users["edu_a"]).get("/api/openapi.json").json()
    params = {p["name"] for p in doc["paths"]["/api/v1/hazards/"]["get"]["parameters"]}
    assert query_params(HazardFilterSet) <= params
    assert {"page", "page_size", "found_on_after", "deadline_before"} <= params
    export = doc["paths"]["/api/v1/hazards/export"]["get"]
    assert "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" in export["responses"]["200"]["content"]


def test_refused_without_the_role(world, ledger, client_for):
    assert client_for(world.users["norole"]).get("/api/v1/hazards/export").status_code == 403
    assert client_for(None).get("/api/v1/hazards/export").status_code == 401
    assert Hazard.objects.count() == 4
