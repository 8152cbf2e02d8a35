"""The hazard ledger's other lists on the record layer — monthly self-checks, their missing-flags, issued
notices — through the API, the pages and the Excel export; 作废 of a hazard; and the page defects of the
walk-through (ISO date value, errors on their field with the Chinese label, no duplicate default policy)."""

import datetime
import io

import openpyxl
import pytest
from django.utils import timezone

from huxiao.core.models import AuditLog
from huxiao.hazards.models import EscalationPolicy, Hazard, SelfCheck, SelfCheckFlag
from huxiao.hazards.selfcheck import previous_month
from huxiao.hazards.services import do_report_hazard
from tests.hazards.helpers import api, hazard_payload, in_days

pytestmark = pytest.mark.django_db


def _sheet(response):
    assert response.status_code == 200, response.content[:300]
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(wb.active.iter_rows(values_only=True))


def _col(rows, label):
    return [r[rows[0].index(label)] for r in rows[1:]]


@pytest.fixture
def checks(world):
    """This month's self-check of a1 (no hazards, a note that looks like a formula), last month's of a2 (with a
    hazard) and b1's (another district), and a missing-flag of a2 and b1."""
    this, last = timezone.localdate().replace(day=1), previous_month(timezone.localdate())
    made = {
        "a1": SelfCheck.objects.create(school=world.schools["a1"], month=this, no_hazards=True, note="=1+2",
                                       filed_by=world.users["principal_a1"]),
        "a2": SelfCheck.objects.create(school=world.schools["a2"], month=last, no_hazards=False,
                                       filed_by=world.users["principal_a2"]),
        "b1": SelfCheck.objects.create(school=world.schools["b1"], month=this, no_hazards=True,
                                       filed_by=world.users["edu_b"]),
    }
    data = hazard_payload(world, "a2")
    data.pop("school_id")
    hazard = do_report_hazard(world.schools["a2"], data, actor=world.users["edu_a"])
    Hazard.objects.filter(pk=hazard.pk).update(self_check=made["a2"])
    now = timezone.now()
    SelfCheckFlag.objects.create(school=world.schools["a2"], month=this, flagged_at=now)
    SelfCheckFlag.objects.create(school=world.schools["a1"], month=last, flagged_at=now, resolved_at=now)
    SelfCheckFlag.objects.create(school=world.schools["b1"], month=this, flagged_at=now)
    return made


def tag(html, name, element="input"):
    """The whole opening tag of the form element named ``name``."""
    before, after = html.split(f'name="{name}"', 1)
    return f"<{element}" + before.rsplit(f"<{element}", 1)[1] + f'name="{name}"' + after.split(">", 1)[0] + ">"


def ids(response):
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    return [row["id"] for row in body["items"]]


# --- self-checks ----------------------------------------------------------------------------------

def test_self_check_api_filters(world, checks):
    edu = api(world.users["edu_a"])
    this = f"{timezone.localdate():%Y-%m}"
    assert set(ids(edu.get("/hazards/self-checks"))) == {checks["a1"].pk, checks["a2"].pk}  # not b1's
    assert ids(edu.get(f"/hazards/self-checks?month={this}")) == [checks["a1"].pk]
    assert ids(edu.get(f"/hazards/self-checks?month={this}-01")) == [checks["a1"].pk]  # a date: its month
    assert ids(edu.get("/hazards/self-checks?result=found")) == [checks["a2"].pk]
    assert ids(edu.get(f"/hazards/self-checks?school={world.schools['a2'].pk}")) == [checks["a2"].pk]
    assert ids(edu.get("/hazards/self-checks?region=320413101")) == [checks["a2"].pk]
    assert ids(edu.get("/hazards/self-checks?sort=month")) == [checks["a2"].pk, checks["a1"].pk]
    body = edu.get("/hazards/self-checks").json()
    assert set(body) == {"items", "count", "page", "page_size"} and body["count"] == 2
    found = next(r for r in body["items"] if r["id"] == checks["a2"].pk)
    assert len(found["hazards"]) == 1 and found["month"] == f"{previous_month(timezone.localdate()):%Y-%m}"
    # the city sees both districts, the school its own
    assert checks["b1"].pk in ids(api(world.users["edu_city"]).get("/hazards/self-checks"))
    assert ids(api(world.users["principal_a1"]).get("/hazards/self-checks")) == [checks["a1"].pk]


@pytest.mark.parametrize("query, param", [
    ("month=2026-13", "month"), ("month=12/2026", "month"), ("result=maybe", "result"), ("sort=note", "sort"),
    ("school=abc", "school"), ("region=99", "region"),
])
def test_self_check_invalid_filters_are_refused_by_name(world, checks, query, param):
    edu = api(world.users["edu_a"])
    for path in ("/hazards/self-checks", "/hazards/self-checks/export"):
        before = AuditLog.objects.count()
        r = edu.get(f"{path}?{query}")
        assert r.status_code == 422, (path, r.content)
        assert any(param in "".join(map(str, p["loc"])) for p in r.json()["detail"]), r.json()
        assert AuditLog.objects.count() == before  # nothing exported, nothing audited


def test_self_check_export_is_the_filtered_rows_formula_safe_and_audited(world, checks, client_for):
    c = client_for(world.users["edu_a"])
    this = f"{timezone.localdate():%Y-%m}"
    rows = _sheet(c.get("/api/v1/hazards/self-checks/export"))
    assert set(_col(rows, "学校")) == {world.schools["a1"].name, world.schools["a2"].name}  # never b1
    rows = _sheet(c.get(f"/api/v1/hazards/self-checks/export?month={this}"))
    assert _col(rows, "学校") == [world.schools["a1"].name] and _col(rows, "结果") == ["未发现隐患"]
    assert _col(rows, "自查情况") == ["=1+2"]
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(c.get(
        f"/api/v1/hazards/self-checks/export?month={this}").streaming_content)))
    cells = [cell for row in wb.active.iter_rows() for cell in row if cell.value == "=1+2"]
    assert cells and all(cell.data_type == "s" for cell in cells)
    entry = AuditLog.objects.order_by("-id").first()
    assert entry.event == "core.export" and entry.after == {"count": 1, "filters": {"month": [this]}}
    page_rows = _sheet(c.get("/hazards/self-checks/?result=found&export=xlsx"))
    assert _col(page_rows, "学校") == [world.schools["a2"].name] and _col(page_rows, "结果") == ["发现隐患 1 处"]


def test_self_check_page_has_pickers_and_shows_a_bad_month_on_its_field(world, checks, client_for):
    c = client_for(world.users["edu_a"])
    html = c.get("/hazards/self-checks/").content.decode()
    assert 'type="month"' in html and '<select name="region"' in html and '<select name="school"' in html
    assert 'id="selfcheck-table"' in html and 'id="missing-list"' in html and "导出 Excel" in html
    assert world.schools["a1"].name in html and world.schools["b1"].name not in html
    html = c.get("/hazards/self-checks/?month=2026-13").content.decode()
    assert "is-invalid" in html and "月份格式应为 YYYY-MM" in html and "月份" in html
    assert "未发现隐患</span>" not in html.split('id="selfcheck-table"')[1]  # an invalid filter lists nothing
    # the flags follow the page's month: this month's flag of a2, not last month's of a1
    this = f"{timezone.localdate():%Y-%m}"
    flags = c.get(f"/hazards/self-checks/?month={this}").content.decode().split('id="missing-list"')[1]
    flags = flags.split("</ul>")[0]
    assert world.schools["a2"].name in flags and world.schools["a1"].name not in flags


def test_missing_flags_api_filters(world, checks):
    edu = api(world.users["edu_a"])
    flags = edu.get("/hazards/self-checks/missing").json()
    assert {f["school_id"] for f in flags} == {world.schools["a1"].pk, world.schools["a2"].pk}
    open_flags = edu.get("/hazards/self-checks/missing?resolved=false").json()
    assert [f["school_id"] for f in open_flags] == [world.schools["a2"].pk]
    assert [f["school_id"] for f in edu.get("/hazards/self-checks/missing?resolved=true").json()] == [
        world.schools["a1"].pk]
    r = edu.get("/hazards/self-checks/missing?month=soon")
    assert r.status_code == 422 and "month" in str(r.json()["detail"])


def test_self_check_form_marks_the_row_field_with_its_label(world, client_for):
    c = client_for(world.users["principal_a1"])
    month = f"{timezone.localdate():%Y-%m}"
    r = c.post("/hazards/self-checks/new/", {
        "school": world.schools["a1"].pk, "month": month, "h0-place": "东侧围墙", "h0-description": "",
        "h0-category": "campus", "h0-severity": "general", "h0-responsible_person": "张老师",
        "h0-deadline": str(in_days(10))})
    assert r.status_code == 200
    html = r.content.decode()
    assert "hazards[0]" not in html and "description：" not in html
    assert "is-invalid" in tag(html, "h0-description") and "is-invalid" not in tag(html, "h0-place")
    assert "隐患描述：此项必填" in html
    # the row keeps what was typed
    assert 'value="东侧围墙"' in html and 'value="张老师"' in html
    assert not SelfCheck.objects.exists() and not Hazard.objects.exists()


def test_self_check_form_without_hazards_or_no_hazards_says_so_in_chinese(world, client_for):
    r = client_for(world.users["principal_a1"]).post("/hazards/self-checks/new/", {
        "school": world.schools["a1"].pk, "month": f"{timezone.localdate():%Y-%m}"})
    html = r.content.decode()
    assert r.status_code == 200 and "隐患：请登记自查发现的隐患" in html and "hazards：" not in html
    assert not SelfCheck.objects.exists()


# --- notices ----------------------------------------------------------------------------------------

@pytest.fixture
def notices(world):
    from huxiao.hazards.documents import do_issue_notice

    for school, user in (("a1", "edu_a"), ("a2", "edu_a"), ("b1", "edu_b")):
        data = hazard_payload(world, school)
        data.pop("school_id")
        do_report_hazard(world.schools[school], data, actor=world.users[user])
    return {s: do_issue_notice(world.schools[s], actor=world.users[u])[0]
            for s, u in (("a1", "edu_a"), ("a2", "edu_a"), ("b1", "edu_b"))}


def test_notice_list_filters_and_export(world, notices, client_for):
    edu = api(world.users["edu_a"])
    listed = edu.get("/hazards/notices").json()
    assert isinstance(listed, list) and {n["id"] for n in listed} == {notices["a1"].pk, notices["a2"].pk}
    assert [n["id"] for n in edu.get(f"/hazards/notices?school={world.schools['a2'].pk}").json()] == [
        notices["a2"].pk]
    assert [n["id"] for n in edu.get(f"/hazards/notices?q={notices['a1'].number}").json()] == [notices["a1"].pk]
    today = timezone.localdate()
    assert edu.get(f"/hazards/notices?issued_at_before={today - datetime.timedelta(days=1)}").json() == []
    r = edu.get("/hazards/notices?issued_at_after=yesterday")
    assert r.status_code == 422 and "issued_at" in str(r.json()["detail"])
    rows = _sheet(client_for(world.users["edu_a"]).get("/api/v1/hazards/notices/export"))
    assert set(_col(rows, "文号")) == {notices["a1"].number, notices["a2"].number}
    assert _col(rows, "隐患数") == [1, 1]
    assert client_for(world.users["principal_a1"]).get("/api/v1/hazards/notices/export").status_code == 403


# --- 作废 --------------------------------------------------------------------------------------------

@pytest.fixture
def two_hazards(world):
    made = []
    for place in ("东侧围墙", "重复登记的围墙"):
        data = hazard_payload(world, place=place)
        data.pop("school_id")
        made.append(do_report_hazard(world.schools["a1"], data, actor=world.users["edu_a"]))
    return made


def test_void_through_the_api(world, two_hazards):
    keep, wrong = two_hazards
    edu = api(world.users["inspector_a"])
    r = edu.post(f"/hazards/{wrong.pk}/void", {"reason": "重复登记"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["voided_at"] and body["void_reason"] == "重复登记" and body["actions"] == []
    assert ids(edu.get("/hazards/")) == [keep.pk]  # left out of the list ...
    assert ids(edu.get("/hazards/?voided=true")) == [wrong.pk]  # ... unless asked for
    assert ids(edu.get("/hazards/?voided=false")) == [keep.pk]
    assert ids(edu.get("/hazards/?status=open")) == [keep.pk]
    assert edu.get(f"/hazards/{wrong.pk}").json()["void_reason"] == "重复登记"  # still readable
    again = edu.post(f"/hazards/{wrong.pk}/void", {"reason": "再次"})
    assert again.status_code == 400 and "不能重复作废" in again.json()["detail"]
    entry = AuditLog.objects.filter(event="core.void").get()
    assert entry.object_id == str(wrong.pk) and entry.username == "inspector_a"


@pytest.mark.parametrize("user, reason, status", [
    ("inspector_a", "", 422), ("inspector_a", "   ", 400), ("principal_a1", "重复", 403), ("guard_a1", "重复", 403),
    ("edu_b", "重复", 404), ("police_b", "重复", 404),
])
def test_void_refusals_change_nothing(world, two_hazards, user, reason, status):
    hazard = two_hazards[0]
    client = api(world.users[user])
    before = AuditLog.objects.count()
    r = client.post(f"/hazards/{hazard.pk}/void", {"reason": reason})
    assert r.status_code == status, r.content
    if status in (400, 422):
        assert "reason" in r.content.decode()
    if status == 400:
        assert "作废原因" in r.json()["errors"]["reason"][0] or "请填写作废原因" in r.json()["detail"]
    hazard.refresh_from_db()
    assert hazard.voided_at is None and AuditLog.objects.count() == before


def test_void_on_the_detail_page(world, two_hazards, client_for):
    hazard = two_hazards[1]
    c = client_for(world.users["edu_a"])
    html = c.get(f"/hazards/{hazard.pk}/").content.decode()
    assert 'id="void-form"' in html and f'action="/hazards/{hazard.pk}/void/"' in html
    assert 'id="void-form"' not in client_for(world.users["principal_a1"]).get(f"/hazards/{hazard.pk}/").content.decode()
    r = c.post(f"/hazards/{hazard.pk}/void/", {"void_reason": ""})
    assert r.status_code == 200
    html = r.content.decode()
    assert "is-invalid" in tag(html, "void_reason", "textarea") and "作废原因：" in html
    hazard.refresh_from_db()
    assert hazard.voided_at is None
    r = c.post(f"/hazards/{hazard.pk}/void/", {"void_reason": "重复登记"}, follow=True)
    html = r.content.decode()
    assert "已作废" in html and 'id="voided-banner"' in html and "重复登记" in html
    assert 'id="transition-form"' not in html and 'id="void-form"' not in html
    listed = c.get("/hazards/").content.decode()
    assert hazard.number not in listed and two_hazards[0].number in listed
    voided = c.get("/hazards/?voided=on").content.decode()
    assert hazard.number in voided and "hx-voided" in voided and two_hazards[0].number not in voided
    assert c.get(f"/hazards/{hazard.pk}/void/").status_code == 405
    assert client_for(world.users["edu_b"]).post(f"/hazards/{two_hazards[0].pk}/void/",
                                                  {"void_reason": "x"}).status_code == 404
    assert client_for(world.users["security_a1"]).post(f"/hazards/{two_hazards[0].pk}/void/",
                                                        {"void_reason": "x"}).status_code == 403


def test_voided_hazards_left_out_of_the_export_unless_asked(world, two_hazards, client_for):
    api(world.users["edu_a"]).post(f"/hazards/{two_hazards[1].pk}/void", {"reason": "重复登记"})
    c = client_for(world.users["edu_a"])
    rows = _sheet(c.get("/api/v1/hazards/export"))
    assert _col(rows, "编号") == [two_hazards[0].number]
    rows = _sheet(c.get("/hazards/?voided=true&export=xlsx"))
    assert _col(rows, "编号") == [two_hazards[1].number] and _col(rows, "作废原因") == ["重复登记"]


# --- page defects of the walk-through ----------------------------------------------------------------

def test_new_hazard_page_shows_todays_date_in_iso_form(world, client_for):
    html = client_for(world.users["edu_a"]).get("/hazards/new/").content.decode()
    found_on = tag(html, "found_on")
    assert f'value="{timezone.localdate().isoformat()}"' in found_on and 'type="date"' in found_on


def test_new_hazard_page_lists_the_default_policy_once_and_marks_bad_fields(world, client_for):
    EscalationPolicy.default()
    EscalationPolicy.objects.create(name="金坛区开学专项", region_code="320413")
    c = client_for(world.users["edu_a"])
    html = c.get("/hazards/new/").content.decode()
    policy = html.split('name="policy"')[1].split("</select>")[0]
    assert policy.count("默认督办规则") == 1 and "金坛区开学专项" in policy
    r = c.post("/hazards/new/", {"school": world.schools["a1"].pk, "place": "北门", "description": "无",
                                 "category": "campus", "severity": "general", "source": "joint_inspection",
                                 "found_on": timezone.localdate().isoformat(), "responsible_unit": "东城实验小学",
                                 "responsible_person": "王老师", "deadline": str(in_days(-3))})
    html = r.content.decode()
    assert r.status_code == 200 and "整改时限不能早于今天" in html
    assert "is-invalid" in tag(html, "deadline") and "is-invalid" not in tag(html, "place")
    assert not Hazard.objects.exists()


def test_transition_refusal_names_the_field_in_chinese(world, two_hazards, client_for):
    hazard = two_hazards[0]
    c = client_for(world.users["principal_a1"])
    c.post(f"/hazards/{hazard.pk}/transition/", {"action": "start"})
    r = c.post(f"/hazards/{hazard.pk}/transition/", {"action": "submit", "note": ""}, follow=True)
    html = r.content.decode()
    assert "说明：" in html and "note:" not in html and "note：" not in html
    r = c.post(f"/hazards/{hazard.pk}/transition/", {"action": "fly"}, follow=True)
    assert "操作：" in r.content.decode() and "action:" not in r.content.decode()
    hazard.refresh_from_db()
    assert hazard.status == "rectifying"


def test_notice_button_only_for_a_school_with_open_hazards(world, two_hazards, client_for):
    c = client_for(world.users["edu_a"])
    assert 'id="notice-issue"' in c.get(f"/hazards/?school={world.schools['a1'].pk}").content.decode()
    assert 'id="notice-issue"' not in c.get(f"/hazards/?school={world.schools['a2'].pk}").content.decode()


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_self_check_list_queries_do_not_grow_with_rows(world, checks, client_for):
    c = client_for(world.users["edu_a"])
    urls = ["/hazards/self-checks/", "/api/v1/hazards/self-checks"]
    for url in urls:
        c.get(url)  # warm the identity cache
    few = {url: _queries(c, url) for url in urls}
    month = previous_month(timezone.localdate())
    for _n in range(4):
        month = previous_month(month)
        SelfCheck.objects.create(school=world.schools["a1"], month=month, no_hazards=True,
                                 filed_by=world.users["principal_a1"])
    assert {url: _queries(c, url) for url in urls} == few


def test_policy_form_marks_the_refused_field(world, client_for):
    r = client_for(world.users["edu_a"]).post("/hazards/policies/", {
        "name": "金坛区开学专项", "campaign": "开学", "region_code": "320413", "remind_days_before": 3,
        "notice_after_days": 10, "interview_after_days": 5, "listing_after_days": 20, "self_check_due_day": 5})
    html = r.content.decode()
    assert r.status_code == 200 and "约谈天数须大于通报天数" in html
    assert "is-invalid" in tag(html, "interview_after_days") and "is-invalid" not in tag(html, "name")
    assert not EscalationPolicy.objects.filter(name="金坛区开学专项").exists()
