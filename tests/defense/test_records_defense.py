"""The 三防 lists across schools on the record layer: guards, facilities and equipment through the API list,
the Excel export and the page (one filterset each); invalid filters refused by name; personal fields and
filters on them only where the viewer may see them; the guard's page and the roster show trainings;
nothing outside the jurisdiction listed or exported."""

import datetime
import io
import json

import openpyxl
import pytest

from huxiao.core.models import AuditLog
from huxiao.defense import services
from huxiao.defense.models import Guard, GuardTraining
from tests.defense.fixtures import add_guard, set_facility

pytestmark = pytest.mark.django_db


def keeper(world, school):
    """Who keeps the school's 三防 records in the test world."""
    return world.users[{"a1": "security_a1", "a2": "principal_a2", "b1": "edu_b"}[school]]


@pytest.fixture
def roster(world):
    a1, a2, b1 = world.schools["a1"], world.schools["a2"], world.schools["b1"]
    mine = keeper(world, "a1")
    made = {
        "licensed": add_guard(a1, actor=mine, name="张专职", seq=1, hired=datetime.date(2019, 3, 1)),
        "unlicensed": add_guard(a1, actor=mine, name="李专职", seq=2, license="", hired=datetime.date(2023, 5, 1)),
        "pending": add_guard(a1, actor=mine, name="=1+2", category="doorkeeper", seq=3, license="",
                             background="pending", health_status="limited"),
        "left": add_guard(a1, actor=mine, name="赵离岗", category="part_time", seq=4, license=""),
        "town": add_guard(a2, actor=keeper(world, "a2"), name="钱幼儿园", seq=5),
        "other_district": add_guard(b1, actor=keeper(world, "b1"), name="孙溧阳", seq=6, license=""),
    }
    services.do_release_guard(made["left"], datetime.date(2025, 6, 30), actor=mine)
    for held, topic in ((datetime.date(2025, 3, 1), "岗前培训"), (datetime.date(2025, 9, 1), "防暴器械使用")):
        services.do_add_training(made["licensed"], {"held_on": held, "topic": topic, "hours": 2}, actor=mine)
    return made


def ids(response):
    assert response.status_code == 200, response.content[:300]
    return {g["id"] for g in response.json()["items"]}


def table_of(response) -> str:
    """The list table of a record page (not its filter pickers)."""
    html = response.content.decode()
    start = html.index('id="record-table"')
    return html[start:html.index("</table>", start)]


def sheet(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(book.active.iter_rows(values_only=True))


@pytest.mark.parametrize("query, expected", [
    ("", {"licensed", "unlicensed", "pending", "left", "town"}),
    ("category=doorkeeper", {"pending"}),
    ("status=active", {"licensed", "unlicensed", "pending", "town"}),
    ("status=left", {"left"}),
    ("missing=license", {"unlicensed"}),
    ("missing=background", {"pending"}),
    ("background_result=pending", {"pending"}),
    ("health_status=limited", {"pending"}),
    ("first_hired_on_before=2020-01-01", {"licensed"}),
    ("first_hired_on_after=2023-01-01", {"unlicensed"}),
    ("q=钱", {"town"}),
    ("region=320413001", {"licensed", "unlicensed", "pending", "left"}),
    ("school={a2}", {"town"}),
    ("school={b1}", set()),  # out of reach: matches nothing
])
def test_guard_list_filters(world, roster, client_for, query, expected):
    query = query.format(a2=world.schools["a2"].pk, b1=world.schools["b1"].pk)
    got = ids(client_for(world.users["edu_a"]).get(f"/api/v1/defense/guards/?{query}"))
    assert got == {roster[k].pk for k in expected}


def test_guard_rows_carry_school_and_trainings(world, roster, client_for):
    c = client_for(world.users["edu_a"])
    rows = c.get("/api/v1/defense/guards/?sort=name").json()["items"]
    licensed = next(r for r in rows if r["id"] == roster["licensed"].pk)
    assert licensed["school_name"] == "东城实验小学" and licensed["trainings"] == 2
    assert licensed["last_training_on"] == "2025-09-01" and licensed["personal"] is True
    backwards = c.get("/api/v1/defense/guards/?sort=-name").json()["items"]
    assert [r["id"] for r in backwards] == [r["id"] for r in reversed(rows)]


@pytest.mark.parametrize("query, param", [
    ("category=boss", "category"), ("status=gone", "status"), ("missing=photo", "missing"),
    ("first_hired_on_after=2026-13-01", "first_hired_on"), ("sort=birth_date", "sort"), ("school=abc", "school"),
    ("region=99", "region"),
])
def test_invalid_guard_filters_are_422_naming_the_parameter(world, roster, client_for, query, param):
    c = client_for(world.users["edu_a"])
    before = AuditLog.objects.count()
    for path in ("/api/v1/defense/guards/", "/api/v1/defense/guards/export"):
        r = c.get(f"{path}?{query}")
        assert r.status_code == 422, (path, r.content)
        assert any(param in "".join(map(str, p["loc"])) for p in r.json()["detail"]), r.json()
    assert AuditLog.objects.count() == before  # nothing exported, nothing read


def test_names_only_viewers_get_no_personal_field_and_cannot_filter_by_one(world, roster, client_for):
    c = client_for(world.users["plc_a"])  # 政法委: reaches district A, may not see personal data
    rows = c.get("/api/v1/defense/guards/").json()["items"]
    assert {r["name"] for r in rows} == {"张专职", "李专职", "=1+2", "赵离岗", "钱幼儿园"}
    assert all(not r["personal"] and r["license_number"] is None and r["hire_age"] is None and r["trainings"] is None
               and r["last_training_on"] is None for r in rows)
    for query in ("missing=background", "background_result=pending", "first_hired_on_before=2030-01-01",
                  "missing=license", "health_status=limited"):
        assert ids(c.get(f"/api/v1/defense/guards/?{query}")) == set(), query  # no oracle on hidden fields
    header = sheet(c.get("/api/v1/defense/guards/export"))[0]
    assert "身份证号" not in header and "背景审查" not in header and "姓名" in header
    page = c.get("/defense/guards/").content.decode()
    assert 'id="guard-names-only"' in page and "*" * 14 not in page


def test_guard_export_is_the_filtered_rows_formula_safe_and_audited(world, roster, client_for):
    c = client_for(world.users["edu_a"])
    before = AuditLog.objects.count()
    rows = sheet(c.get("/api/v1/defense/guards/export?status=active&region=320413001"))
    header = rows[0]
    names = [r[header.index("姓名")] for r in rows[1:]]
    assert sorted(names) == sorted(["张专职", "李专职", "=1+2"])
    entry = AuditLog.objects.order_by("-id").first()
    assert AuditLog.objects.count() == before + 1
    assert entry.event == "core.export" and entry.after["count"] == 3
    assert entry.after["filters"] == {"status": ["active"], "region": ["320413001"]}
    licensed = next(r for r in rows[1:] if r[0] == "张专职")
    assert licensed[header.index("保安员证号")] == "苏保0001" and licensed[header.index("培训次数")] == 2
    assert licensed[header.index("身份证号")].startswith("*" * 14)
    book = openpyxl.load_workbook(io.BytesIO(b"".join(c.get("/api/v1/defense/guards/export").streaming_content)))
    cells = [cell for row in book.active.iter_rows() for cell in row if cell.value == "=1+2"]
    assert cells and all(cell.data_type == "s" for cell in cells)  # text, never a formula
    everything = sheet(c.get("/defense/guards/?export=xlsx"))
    assert "孙溧阳" not in {r[0] for r in everything[1:]} and len(everything) == 6  # header + 5 in reach


def test_guard_page_lists_with_pickers_and_shows_invalid_filters_on_the_field(world, roster, client_for):
    c = client_for(world.users["edu_city"])
    html = c.get("/defense/guards/").content.decode()
    assert '<select name="region"' in html and '<select name="school"' in html and 'id="defense-tabs"' in html
    assert "孙溧阳" in html and 'id="record-cards"' in html and 'id="record-export"' in html
    table = table_of(c.get("/defense/guards/?q=张专职"))  # few combined cells on the page, all in the export
    assert "2 次（最近 2025-09-01）" in table and "2019-03-01（39 岁）" in table and "区划代码" not in table
    r = c.get("/defense/guards/?first_hired_on_after=2026-13-45&category=boss")
    html = r.content.decode()
    assert r.status_code == 200 and "is-invalid" in html and "类别：" in html and "首次聘用日期：" in html
    assert "张专职" not in table_of(r)  # an invalid filter lists nothing rather than everything
    sheet_rows = sheet(c.get(f"/defense/guards/?school={world.schools['b1'].pk}&export=xlsx"))
    assert [r[0] for r in sheet_rows[1:]] == ["孙溧阳"]


def test_guard_page_and_api_detail_show_trainings_to_who_may_see_them(world, roster, client_for):
    guard = roster["licensed"]
    security = client_for(world.users["security_a1"])
    page = security.get(f"/defense/guards/{guard.pk}/").content.decode()
    assert "岗前培训" in page and "防暴器械使用" in page and 'id="training-form"' in page
    detail = security.get(f"/api/v1/defense/guards/{guard.pk}").json()
    assert [t["topic"] for t in detail["training_records"]] == ["防暴器械使用", "岗前培训"]
    names_only = client_for(world.users["guard_a1"])
    page = names_only.get(f"/defense/guards/{guard.pk}/").content.decode()
    assert "张专职" in page and "岗前培训" not in page and 'id="training-form"' not in page
    assert names_only.get(f"/api/v1/defense/guards/{guard.pk}").json()["training_records"] is None
    for key in ("edu_b", "principal_a2"):
        assert client_for(world.users[key]).get(f"/defense/guards/{guard.pk}/").status_code == 404
        assert client_for(world.users[key]).get(f"/api/v1/defense/guards/{guard.pk}").status_code == 404


def test_training_from_the_guard_page_returns_there(world, roster, client_for):
    guard = roster["unlicensed"]
    c = client_for(world.users["security_a1"])
    url = f"/defense/guards/{guard.pk}/trainings/"
    r = c.post(url, {"held_on": "2999-01-01", "topic": "未来", "hours": "2", "back": "guard"}, follow=True)
    assert "培训日期" in r.content.decode() and GuardTraining.objects.filter(guard=guard).count() == 0
    r = c.post(url, {"held_on": "2025-04-02", "topic": "消防演练", "hours": "2", "back": "guard"})
    assert r.status_code == 302 and r["Location"] == f"/defense/guards/{guard.pk}/"
    assert "消防演练" in c.get(r["Location"]).content.decode()


def test_roster_shows_trainings_and_cards_for_phones(world, roster, client_for):
    page = client_for(world.users["principal_a1"]).get(f"/defense/schools/{world.schools['a1'].pk}/").content.decode()
    assert 'id="guard-table"' in page and 'id="guard-cards"' in page and 'id="device-cards"' in page
    assert "2 次" in page and "最近 2025-09-01" in page and f'href="/defense/guards/{roster["licensed"].pk}/"' in page
    names_only = client_for(world.users["guard_a1"]).get(f"/defense/schools/{world.schools['a1'].pk}/").content.decode()
    assert "最近 2025-09-01" not in names_only


def test_defense_home_sends_officials_to_the_lists_and_school_staff_to_their_school(world, client_for):
    assert client_for(world.users["edu_a"]).get("/defense/")["Location"] == "/defense/guards/"
    assert client_for(world.users["security_a1"]).get("/defense/")["Location"] == \
        f"/defense/schools/{world.schools['a1'].pk}/"


def test_guard_form_marks_the_refused_field(world, roster, client_for):
    from tests.defense.fixtures import id_number

    c = client_for(world.users["security_a1"])
    taken = id_number(datetime.date(1980, 1, 1), 1)
    r = c.post(f"/defense/schools/{world.schools['a1'].pk}/guards/new/", {
        "name": "同一人", "category": "doorkeeper", "id_number": taken, "first_hired_on": "2020-01-01",
        "background_result": "pending", "health_status": "healthy"})
    html = r.content.decode()
    assert r.status_code == 200 and "该身份证号的人员已在本校安保名册中" in html and "is-invalid" in html
    assert Guard.objects.filter(name="同一人").count() == 0


# --- facilities and equipment --------------------------------------------------------------------

@pytest.fixture
def facilities(world):
    def put(key, **changes):
        return set_facility(world.schools[key], actor=keeper(world, key), **changes)

    return {"a1": put("a1"), "a2": put("a2", closed_management=False, anti_ramming_kinds=[], traffic_installed=[]),
            "b1": put("b1", anti_ramming_needed=False, anti_ramming_kinds=[])}


@pytest.mark.parametrize("query, expected", [
    ("", {"a1", "a2"}),
    ("closed_management=false", {"a2"}),
    ("closed_management=true", {"a1"}),
    ("anti_ramming=missing", {"a2"}),
    ("anti_ramming=installed", {"a1"}),
    ("anti_ramming=not_needed", set()),
    ("enclosure_type=fence", set()),
    ("q=幼儿园", {"a2"}),
    ("region=320413101", {"a2"}),
    ("updated_at_after={today}", {"a1", "a2"}),
    ("updated_at_before=2020-01-01", set()),
])
def test_facility_list_filters(world, facilities, client_for, query, expected):
    from django.utils import timezone

    query = query.format(today=timezone.localdate())
    got = ids(client_for(world.users["edu_a"]).get(f"/api/v1/defense/facilities/?{query}"))
    assert got == {facilities[k].pk for k in expected}


def test_facility_list_across_districts_and_its_export(world, facilities, client_for):
    c = client_for(world.users["edu_city"])
    assert ids(c.get("/api/v1/defense/facilities/?anti_ramming=not_needed")) == {facilities["b1"].pk}
    rows = sheet(c.get("/api/v1/defense/facilities/export?closed_management=false"))
    header = rows[0]
    assert [r[header.index("学校")] for r in rows[1:]] == ["金城中心幼儿园"]
    assert rows[1][header.index("封闭化管理")] == "否" and rows[1][header.index("周边交通设施缺口")] == "警示标志"
    for query, param in (("anti_ramming=maybe", "anti_ramming"), ("closed_management=perhaps", "closed_management"),
                         ("updated_at_before=yesterday", "updated_at")):
        r = c.get(f"/api/v1/defense/facilities/?{query}")
        assert r.status_code == 422 and param in json.dumps(r.json()), query
    table = table_of(c.get("/defense/facilities/?anti_ramming=missing"))
    assert "金城中心幼儿园" in table and "溧阳南渡初级中学" not in table and 'text-bg-danger">未安装' in table


def test_equipment_list_filters_and_export(world, client_for):
    for key, counts in (("a1", {"safety_fork": 4, "shield": 0}), ("a2", {"safety_fork": 1}), ("b1", {"shield": 9})):
        services.do_set_equipment(world.schools[key], counts, actor=keeper(world, key))
    c = client_for(world.users["edu_a"])
    items = c.get("/api/v1/defense/equipment/?kind=safety_fork&sort=-count").json()["items"]
    assert [(e["school_name"], e["count"]) for e in items] == [("东城实验小学", 4), ("金城中心幼儿园", 1)]
    assert c.get("/api/v1/defense/equipment/?count_max=0").json()["count"] == 1
    assert c.get("/api/v1/defense/equipment/?kind=shield").json()["count"] == 1  # b1's shields are out of reach
    r = c.get("/api/v1/defense/equipment/?count_min=lots")
    assert r.status_code == 422 and "count_min" in json.dumps(r.json())
    rows = sheet(c.get("/defense/equipment/?count_min=1&export=xlsx"))
    assert rows[0][:4] == ("学校", "区划代码", "装备类别", "数量")
    assert sorted((r[0], r[3]) for r in rows[1:]) == [("东城实验小学", 4), ("金城中心幼儿园", 1)]
    page = c.get("/defense/equipment/?count_min=-1").content.decode()
    assert "is-invalid" in page and "数量不少于" in page


def test_lists_and_guard_pages_show_no_more_of_a_guard_than_the_roster(world, roster, client_for):
    """What tests/core/test_personal_data.py proves of the roster (no ID number can be rebuilt from what any
    role sees) holds for the lists, exports and guard pages too: they show each user exactly the roster's
    facts, and never the birth date or more of the ID number."""
    from huxiao.core import crypto
    from huxiao.defense.schemas import GuardOut
    from tests.world import ALL_USER_KEYS

    a1 = world.schools["a1"].pk
    secrets = []
    for guard in Guard.objects.filter(school_id=a1):
        number = crypto.decrypt(guard.id_number_encrypted)
        secrets += [number, number[:14], f"{guard.birth_date:%Y-%m-%d}", f"{guard.birth_date:%Y%m%d}",
                    f"{guard.birth_date.year}年{guard.birth_date.month}月"]
    for key in ALL_USER_KEYS:
        c = client_for(world.users[key])
        listed = c.get(f"/api/v1/defense/guards/?school={a1}&page_size=500")
        roster_answer = c.get(f"/api/v1/defense/schools/{a1}")
        if roster_answer.status_code != 200:
            assert listed.status_code != 200 or listed.json()["count"] == 0, key
            continue
        on_roster = {g["id"]: g for g in roster_answer.json()["guards"]}
        rows = {g["id"]: g for g in listed.json()["items"]}
        assert set(rows) == set(on_roster), key
        for gid, row in rows.items():
            detail = c.get(f"/api/v1/defense/guards/{gid}").json()
            for field in GuardOut.model_fields:
                assert row[field] == on_roster[gid][field] == detail[field], (key, field)
        texts = [c.get(url).content.decode() for url in
                 ("/defense/guards/", *(f"/defense/guards/{gid}/" for gid in rows))]
        for url in ("/defense/guards/?export=xlsx", "/api/v1/defense/guards/export"):
            texts += [str(v) for row in sheet(c.get(url)) for v in row if v is not None]
        text = "\n".join(texts)
        assert not [s for s in secrets if s in text], key


def test_list_queries_do_not_grow_with_the_rows(world, roster, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(world.users["edu_a"])

    def queries(url):
        c.get(url)  # warm the user's caches
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return len(ctx.captured_queries)

    urls = ("/defense/guards/", "/api/v1/defense/guards/", "/defense/facilities/", "/defense/equipment/")
    mine = keeper(world, "a1")
    set_facility(world.schools["a1"], actor=mine)
    services.do_set_equipment(world.schools["a1"], {"shield": 1}, actor=mine)
    before = [queries(u) for u in urls]
    for n in range(6):
        guard = add_guard(world.schools["a1"], actor=mine, name=f"新增{n}", seq=100 + n)
        services.do_add_training(guard, {"held_on": datetime.date(2025, 1, 2), "topic": "岗前培训", "hours": 2},
                                 actor=mine)
    set_facility(world.schools["a2"], actor=keeper(world, "a2"))
    for key in ("a1", "a2"):
        services.do_set_equipment(world.schools[key], {"shield": 2, "helmet": 3}, actor=keeper(world, key))
    assert [queries(u) for u in urls] == before
