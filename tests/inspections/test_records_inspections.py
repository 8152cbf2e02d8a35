"""Inspections, plans and checklists on the record layer: one filterset each for the API list, the page and
the Excel export (filters, 422 by name, exactly the filtered rows, formula text kept as text, audited,
nothing out of reach); 作废 of an inspection with the hazards it raised; the forms' errors on their fields
with Chinese labels (and the 检查项 box no longer pre-filled with a Python object)."""

import datetime
import io

import openpyxl
import pytest
from django.utils import timezone

from huxiao.core.models import AuditLog
from huxiao.hazards.models import Hazard
from huxiao.inspections.models import ChecklistTemplate, Inspection, InspectionPlan
from huxiao.inspections.services import do_record_inspection, semester_for
from tests.hazards.helpers import api

pytestmark = pytest.mark.django_db


def baicheng():
    return ChecklistTemplate.objects.get(builtin=True, name__startswith="白城")


def _sheet(response):
    assert response.status_code == 200, response.content[:300]
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(wb.active.iter_rows(values_only=True))


def _col(rows, label):
    return [r[rows[0].index(label)] for r in rows[1:]]


def ids(response):
    assert response.status_code == 200, response.content[:300]
    return [row["id"] for row in response.json()["items"]]


def tag(html, name, element="input"):
    before, after = html.split(f'name="{name}"', 1)
    return f"<{element}" + before.rsplit(f"<{element}", 1)[1] + f'name="{name}"' + after.split(">", 1)[0] + ">"


def tag_by_id(html, id_):
    before, after = html.split(f'id="{id_}"', 1)
    return "<" + before.rsplit("<", 1)[1] + f'id="{id_}"' + after.split(">", 1)[0] + ">"


def record(world, school, user, *, fail=(), days_ago=0, **kw):
    template = kw.pop("template", None) or baicheng()
    results = [{"item": i.pk, "passed": n not in fail, "note": "问题" if n in fail else ""}
               for n, i in enumerate(template.items.all())]
    data = dict(template=template, actor=world.users[user], results=results, inspectors="卫督学",
                inspected_on=timezone.localdate() - datetime.timedelta(days=days_ago))
    data.update(kw)
    return do_record_inspection(world.schools[school], **data)


@pytest.fixture
def plan(world):
    return InspectionPlan.objects.create(name="金坛区秋季联合检查", region=world.regions["district_a"], level="county",
                                         semester=semester_for(), times=2, template=baicheng(),
                                         created_by=world.users["edu_a"])


@pytest.fixture
def inspections(world, plan):
    return {
        "a1_failed": record(world, "a1", "inspector_a", fail=(0,), joint=True, plan=plan, summary="=SUM(A1:A9)"),
        "a1_old": record(world, "a1", "edu_a", days_ago=10, mode="unannounced"),
        "a2": record(world, "a2", "inspector_a", days_ago=3),
        "b1": record(world, "b1", "edu_b", fail=(1,)),
    }


# --- inspections ------------------------------------------------------------------------------------

def test_inspection_api_list_filters(world, inspections, plan):
    edu = api(world.users["edu_a"])
    got = inspections
    assert set(ids(edu.get("/inspections/"))) == {got["a1_failed"].pk, got["a1_old"].pk, got["a2"].pk}
    assert ids(edu.get(f"/inspections/?school={world.schools['a2'].pk}")) == [got["a2"].pk]
    assert ids(edu.get("/inspections/?region=320413101")) == [got["a2"].pk]
    assert ids(edu.get("/inspections/?mode=unannounced")) == [got["a1_old"].pk]
    assert ids(edu.get("/inspections/?joint=true")) == [got["a1_failed"].pk]
    assert ids(edu.get("/inspections/?failed=true")) == [got["a1_failed"].pk]
    assert ids(edu.get(f"/inspections/?plan={plan.pk}")) == [got["a1_failed"].pk]
    week_ago = timezone.localdate() - datetime.timedelta(days=7)
    assert set(ids(edu.get(f"/inspections/?inspected_on_after={week_ago}"))) == {got["a1_failed"].pk, got["a2"].pk}
    assert ids(edu.get(f"/inspections/?inspected_on_before={week_ago}")) == [got["a1_old"].pk]
    assert ids(edu.get("/inspections/?sort=inspected_on")) == [got["a1_old"].pk, got["a2"].pk, got["a1_failed"].pk]
    assert ids(edu.get("/inspections/?q=金城")) == [got["a2"].pk]
    body = edu.get(f"/inspections/?school={world.schools['a1'].pk}&failed=true").json()
    assert body["count"] == 1 and body["items"][0]["failed"] == 1 and body["items"][0]["voided_at"] is None
    # another district's inspection is never listed, whatever the filter
    assert ids(edu.get(f"/inspections/?school={world.schools['b1'].pk}")) == []
    assert got["b1"].pk in ids(api(world.users["edu_city"]).get("/inspections/"))


@pytest.mark.parametrize("query, param", [
    ("mode=covert", "mode"), ("inspected_on_after=2026-13-01", "inspected_on"), ("plan=abc", "plan"),
    ("sort=inspectors", "sort"), ("school=0", "school"), ("region=32041", "region"),
])
def test_inspection_invalid_filters_are_refused_by_name(world, inspections, query, param):
    edu = api(world.users["edu_a"])
    for path in ("/inspections/", "/inspections/export"):
        before = AuditLog.objects.count()
        r = edu.get(f"{path}?{query}")
        assert r.status_code == 422, (path, r.content)
        assert any(param in "".join(map(str, p["loc"])) for p in r.json()["detail"]), r.json()
        assert AuditLog.objects.count() == before


def test_inspection_export_is_the_filtered_rows_formula_safe_and_audited(world, inspections, client_for):
    c = client_for(world.users["edu_a"])
    rows = _sheet(c.get("/api/v1/inspections/export"))
    assert sorted(_col(rows, "学校")) == sorted([world.schools["a1"].name] * 2 + [world.schools["a2"].name])
    rows = _sheet(c.get("/api/v1/inspections/export?failed=true"))
    assert _col(rows, "不合格项") == [1] and _col(rows, "检查小结") == ["=SUM(A1:A9)"]
    assert _col(rows, "检查计划") == ["金坛区秋季联合检查"] and _col(rows, "联合检查") == ["是"]
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(c.get("/api/v1/inspections/export?failed=true").streaming_content)))
    cells = [cell for row in wb.active.iter_rows() for cell in row if cell.value == "=SUM(A1:A9)"]
    assert cells and all(cell.data_type == "s" for cell in cells)
    entry = AuditLog.objects.order_by("-id").first()
    assert entry.event == "core.export" and entry.after == {"count": 1, "filters": {"failed": ["true"]}}
    rows = _sheet(c.get(f"/inspections/?school={world.schools['a2'].pk}&export=xlsx"))
    assert _col(rows, "学校") == [world.schools["a2"].name]


def test_inspection_page_has_pickers_and_marks_a_bad_filter(world, inspections, client_for):
    c = client_for(world.users["edu_a"])
    html = c.get("/inspections/").content.decode()
    for name in ("region", "school", "mode", "plan", "template"):
        assert f'<select name="{name}"' in html, name
    assert 'id="inspection-table"' in html and 'id="record-inspection"' in html and "导出 Excel" in html
    assert world.schools["b1"].name not in html.split('id="inspection-table"')[1]
    html = c.get("/inspections/?inspected_on_after=2026-02-30&mode=covert").content.decode()
    assert "is-invalid" in html and "方式" in html
    assert f'/inspections/{inspections["a2"].pk}/' not in html  # an invalid filter lists nothing


# --- 作废 ------------------------------------------------------------------------------------------

def test_void_an_inspection_with_its_hazards(world, inspections, client_for):
    wrong = inspections["a1_failed"]
    hazard = Hazard.objects.get(inspection_result__inspection=wrong)
    r = api(world.users["inspector_a"]).post(f"/inspections/{wrong.pk}/void", {"reason": "录错了学校"})
    assert r.status_code == 200, r.content
    assert r.json()["void_reason"] == "录错了学校"
    hazard.refresh_from_db()
    assert hazard.voided_at is not None and hazard.void_reason == "录错了学校"
    edu = api(world.users["edu_a"])
    assert wrong.pk not in ids(edu.get("/inspections/"))
    assert ids(edu.get("/inspections/?voided=true")) == [wrong.pk]
    assert hazard.pk not in ids(edu.get("/hazards/"))
    page = client_for(world.users["edu_a"]).get(f"/inspections/{wrong.pk}/").content.decode()
    assert "已作废" in page and "录错了学校" in page and 'id="void-form"' not in page
    listed = client_for(world.users["edu_a"]).get("/inspections/?voided=on").content.decode()
    assert "hx-voided" in listed and f"/inspections/{wrong.pk}/" in listed


@pytest.mark.parametrize("user, reason, status", [
    ("inspector_a", "", 422), ("inspector_a", " ", 400), ("principal_a1", "x", 403), ("plc_a", "x", 403),
    ("edu_b", "x", 404),
])
def test_void_refusals_change_nothing(world, inspections, user, reason, status):
    target = inspections["a1_old"]
    client = api(world.users[user])
    before = AuditLog.objects.count()
    r = client.post(f"/inspections/{target.pk}/void", {"reason": reason})
    assert r.status_code == status, r.content
    if status in (400, 422):
        assert "reason" in r.content.decode()
    target.refresh_from_db()
    assert target.voided_at is None and AuditLog.objects.count() == before


def test_void_on_the_page_needs_a_reason(world, inspections, client_for):
    target = inspections["a2"]
    c = client_for(world.users["inspector_a"])
    assert 'id="void-form"' in c.get(f"/inspections/{target.pk}/").content.decode()
    assert 'id="void-form"' not in client_for(world.users["principal_a2"]).get(
        f"/inspections/{target.pk}/").content.decode()
    r = c.post(f"/inspections/{target.pk}/void/", {"void_reason": "  "})
    html = r.content.decode()
    assert r.status_code == 200 and "is-invalid" in tag(html, "void_reason", "textarea") and "作废原因：" in html
    target.refresh_from_db()
    assert target.voided_at is None
    r = c.post(f"/inspections/{target.pk}/void/", {"void_reason": "重复录入"})
    assert r.status_code == 302
    target.refresh_from_db()
    assert target.void_reason == "重复录入"


# --- the on-site form ------------------------------------------------------------------------------

def test_recording_form_marks_the_item_and_names_it_in_chinese(world, client_for):
    template = baicheng()
    items = list(template.items.all())
    data = {"school": world.schools["a1"].pk, "template": template.pk, "inspected_on": str(timezone.localdate()),
            "mode": "announced", "inspectors": "吴民警"}
    for item in items[1:]:
        data[f"item-{item.pk}"] = "pass"
    r = client_for(world.users["station_a1"]).post("/inspections/new/", data)
    html = r.content.decode()
    assert r.status_code == 200 and f"第 {items[0].order} 项 结果：请选择合格或不合格" in html
    card = html.split(f'data-item="{items[0].pk}"')[1].split("hx-item")[0]
    assert "is-invalid" in card and "请选择合格或不合格" in card
    assert "results[" not in html and "passed" not in html.split('id="form-errors"')[1].split("</div></div>")[0]
    data[f"item-{items[0].pk}"] = "fail"
    r = client_for(world.users["station_a1"]).post("/inspections/new/", dict(data, inspectors=""))
    html = r.content.decode()
    assert "检查人员：请填写检查人员" in html and "is-invalid" in tag(html, "inspectors")
    assert f"第 {items[0].order} 项 情况说明：不合格项须填写问题说明" in html
    assert "is-invalid" in tag(html, f"note-{items[0].pk}")
    assert not Inspection.objects.exists() and not Hazard.objects.exists()


# --- plans ----------------------------------------------------------------------------------------

def test_plan_list_filters_export_and_page(world, plan, client_for):
    city = InspectionPlan.objects.create(name="常州市期末专项", region=world.regions["city"], level="city",
                                         semester=semester_for(), times=2, kind="special", template=baicheng(),
                                         created_by=world.users["edu_city"])
    record(world, "a1", "inspector_a", plan=plan)
    edu = api(world.users["edu_a"])
    listed = edu.get("/inspections/plans").json()
    assert isinstance(listed, list) and [p["id"] for p in listed] == [plan.pk]  # the city's plan is above reach
    city_user = api(world.users["edu_city"])
    assert [p["id"] for p in city_user.get("/inspections/plans?kind=special").json()] == [city.pk]
    assert [p["id"] for p in city_user.get("/inspections/plans?level=county").json()] == [plan.pk]
    assert [p["id"] for p in city_user.get("/inspections/plans?q=期末").json()] == [city.pk]
    r = city_user.get("/inspections/plans?kind=weekly")
    assert r.status_code == 422 and "kind" in str(r.json()["detail"])
    rows = _sheet(client_for(world.users["edu_a"]).get("/api/v1/inspections/plans/export"))
    assert _col(rows, "计划") == ["金坛区秋季联合检查"]
    assert (_col(rows, "已检查学校"), _col(rows, "区域学校"), _col(rows, "完成轮次（全覆盖）")) == ([1], [2], [0])
    html = client_for(world.users["edu_a"]).get("/inspections/plans/").content.decode()
    assert 'id="plan-table"' in html and "金坛区秋季联合检查" in html and "1 / 2" in html
    assert '<select name="region"' in html and 'id="plan-form"' in html


def test_plan_form_marks_the_times_field(world, client_for):
    c = client_for(world.users["edu_a"])
    r = c.post("/inspections/plans/", {"name": "太少", "region": "320413", "times": "1", "template": baicheng().pk})
    html = r.content.decode()
    assert r.status_code == 200 and "至少 2 次" in html and "is-invalid" in tag(html, "times")
    assert "本学期次数：" in html and 'value="太少"' in tag(html, "name")
    r = c.post("/inspections/plans/", {"name": "外区", "region": "320481", "times": "2", "template": baicheng().pk})
    assert r.status_code == 200 and "is-invalid" in tag_by_id(html := r.content.decode(), "p-region")
    assert "检查区域：" in html
    assert not InspectionPlan.objects.exists()
    assert client_for(world.users["plc_a"]).post("/inspections/plans/", {"name": "x"}).status_code == 403


# --- checklist templates ---------------------------------------------------------------------------

def test_new_checklist_box_is_empty_not_a_python_object(world, client_for):
    html = client_for(world.users["edu_a"]).get("/inspections/templates/").content.decode()
    box = html.split('name="items"')[1].split("</textarea>")[0]
    assert "generator object" not in html and "MultiValueDict" not in html
    assert box.split(">", 1)[1].strip() == ""
    assert "应急处置预案及演练是否到位" in html  # the built-in checklists' items are listed


def test_checklist_form_keeps_what_was_typed_and_marks_the_field(world, client_for):
    c = client_for(world.users["edu_a"])
    r = c.post("/inspections/templates/", {"name": "", "region": "320413", "items": "宿舍值守\n食堂安全"})
    html = r.content.decode()
    assert r.status_code == 200 and "is-invalid" in tag(html, "name") and "名称：" in html
    assert "宿舍值守\n食堂安全" in html.split('name="items"')[1].split("</textarea>")[0]
    r = c.post("/inspections/templates/", {"name": "外区检查表", "region": "320481", "items": "宿舍值守"})
    assert "is-invalid" in tag_by_id(r.content.decode(), "t-region")
    assert not ChecklistTemplate.objects.filter(builtin=False).exists()
    r = c.post("/inspections/templates/", {"name": "寄宿制检查表", "region": "320413", "items": "宿舍值守\n\n食堂安全",
                                            "category": "fire"})
    assert r.status_code == 302
    made = ChecklistTemplate.objects.get(name="寄宿制检查表")
    assert [(i.text, i.category) for i in made.items.all()] == [("宿舍值守", "fire"), ("食堂安全", "fire")]


def test_template_list_filters_and_export(world, client_for):
    from huxiao.inspections.services import do_create_template

    own = do_create_template("金坛区寄宿制检查表", [{"text": "宿舍夜间值守", "category": "fire"}],
                             actor=world.users["edu_a"], region=world.regions["district_a"])
    other = do_create_template("溧阳市检查表", [{"text": "食堂"}], actor=world.users["edu_b"],
                               region=world.regions["district_b"])
    edu = api(world.users["edu_a"])
    listed = [t["id"] for t in edu.get("/inspections/templates").json()]
    assert own.pk in listed and other.pk not in listed and baicheng().pk in listed
    assert [t["id"] for t in edu.get("/inspections/templates?builtin=false").json()] == [own.pk]
    assert own.pk not in [t["id"] for t in edu.get("/inspections/templates?builtin=true").json()]
    assert [t["id"] for t in edu.get("/inspections/templates?q=夜间值守").json()] == [own.pk]
    r = edu.get("/inspections/templates?category=weather")
    assert r.status_code == 422 and "category" in str(r.json()["detail"])
    rows = _sheet(client_for(world.users["edu_a"]).get("/api/v1/inspections/templates/export?builtin=false"))
    assert _col(rows, "名称") == ["金坛区寄宿制检查表"] and _col(rows, "检查项") == ["1. 宿舍夜间值守"]
    html = client_for(world.users["edu_a"]).get("/inspections/templates/?q=夜间值守").content.decode()
    assert "金坛区寄宿制检查表" in html and "溧阳市检查表" not in html and "白城" not in html.split(
        'id="template-cards"')[1]


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_queries_do_not_grow_with_rows(world, plan, client_for):
    c = client_for(world.users["edu_a"])
    record(world, "a1", "inspector_a", fail=(0,), plan=plan)
    urls = ["/inspections/", "/api/v1/inspections/", "/api/v1/inspections/templates", "/inspections/templates/"]
    for url in urls:
        c.get(url)  # warm the identity cache
    few = {url: _queries(c, url) for url in urls}
    for n in range(4):
        record(world, "a2", "inspector_a", fail=(1, 2), plan=plan, days_ago=n)
    assert {url: _queries(c, url) for url in urls} == few
