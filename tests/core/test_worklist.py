"""The 工作台 (issue 14 item 1): each role's to-do items on the home page and at ``GET /api/v1/me/worklist``,
from the test world, nothing from outside the user's jurisdiction, every link opening a list that holds the
rows counted, and a bounded number of queries whatever the size of the data."""

import datetime

import pytest
from django.utils import timezone

from huxiao.alarms.intake import Incoming, receive_alarms
from huxiao.core.models import Notification
from huxiao.hazards.models import EscalationPolicy, Hazard, SelfCheck
from huxiao.patrols import services as patrols
from tests.alarms.conftest import make_panel
from tests.defense.fixtures import add_device, add_guard
from tests.patrols.helpers import DAY, at, body, person_at, post_at

pytestmark = pytest.mark.django_db


def make_hazard(w, school, place, *, status="pending", deadline_in=10, found_by="edu_a"):
    today = timezone.localdate()
    return Hazard.objects.create(
        school=w.schools[school], place=place, description="围墙高度不足 2 米", category="campus",
        source="joint_inspection", found_by=w.users[found_by], found_on=today - datetime.timedelta(days=30),
        responsible_unit=w.schools[school].name, responsible_person="张校长", status=status,
        deadline=today + datetime.timedelta(days=deadline_in))


def items_of(client) -> dict:
    response = client.get("/api/v1/me/worklist")
    assert response.status_code == 200
    return {item["key"]: item for item in response.json()["items"]}


def page_of(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def listed_page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.fixture
def ledger(world):
    """a1: a hazard overdue by 5 days, one due in 10 days, one awaiting acceptance; a2: one overdue by 2 days;
    b1 (溧阳): one overdue and one awaiting — outside district A."""
    w = world
    w.extra.update(
        a1_late=make_hazard(w, "a1", "东侧围墙", deadline_in=-5),
        a1_soon=make_hazard(w, "a1", "北门岗亭", deadline_in=10),
        a1_awaiting=make_hazard(w, "a1", "校门口减速带", status="awaiting", deadline_in=3),
        a2_late=make_hazard(w, "a2", "后门护栏", deadline_in=-2),
        b1_late=make_hazard(w, "b1", "溧阳围墙", deadline_in=-9, found_by="edu_b"),
        b1_awaiting=make_hazard(w, "b1", "溧阳校门", status="awaiting", found_by="edu_b"),
    )
    return w


# --- school security officer / principal -------------------------------------------------------------

def test_security_officer_sees_what_to_rectify_overdue_first_and_only_their_school(ledger, client_for):
    w = ledger
    client = client_for(w.users["security_a1"])
    items = items_of(client)
    rectify = items["hazards.to_rectify"]
    assert rectify["count"] == 2 and rectify["level"] == "danger"  # the awaiting one is not theirs to do now
    assert [ln["text"] for ln in rectify["lines"]] == ["东侧围墙（东城实验小学）", "北门岗亭（东城实验小学）"]
    assert rectify["lines"][0]["note"] == "逾期 5 天" and "前整改" in rectify["lines"][1]["note"]
    assert items["hazards.to_rectify_overdue"]["count"] == 1
    page = listed_page(client, rectify["url"])
    assert "东侧围墙" in page and "北门岗亭" in page and "后门护栏" not in page and "溧阳" not in page
    overdue = listed_page(client, items["hazards.to_rectify_overdue"]["url"])
    assert "东侧围墙" in overdue and "北门岗亭" not in overdue
    # officials' entries are not a school's
    assert not {"hazards.to_accept", "hazards.overdue", "compliance.three_100_failing"} & set(items)
    html = page_of(client)
    assert "待整改隐患" in html and "东侧围墙" in html and "后门护栏" not in html


def test_this_months_self_check_is_due_by_the_policys_day_and_done_once_filed(world, client_for):
    w = world
    policy = EscalationPolicy.default()
    policy.self_check_due_day = 7
    policy.save()
    today = timezone.localdate()
    client = client_for(w.users["principal_a1"])
    items = items_of(client)
    this = items["hazards.self_check_this_month"]
    following = (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    assert this["count"] == 1 and f"{following.month}月7日" in this["detail"]
    assert this["url"] == "/hazards/self-checks/new/"
    last = items["hazards.self_check_last_month"]  # last month's not filed either
    assert last["count"] == 1
    assert ("逾期" in last["title"]) == (today.day > 7)
    SelfCheck.objects.create(school=w.schools["a1"], month=today.replace(day=1), no_hazards=True,
                             filed_by=w.users["principal_a1"])
    items = items_of(client)
    assert items["hazards.self_check_this_month"]["count"] == 0
    assert items["hazards.self_check_this_month"]["level"] == "success"
    assert "已填报" in items["hazards.self_check_this_month"]["title"]


def test_guards_missing_a_certificate_or_background_check_and_silent_devices(world, client_for):
    w = world
    add_guard(w.schools["a1"], name="赵无证", license="", seq=11)
    add_guard(w.schools["a1"], name="钱待审", background="pending", seq=12)
    add_guard(w.schools["a1"], name="孙齐全", seq=13)
    add_guard(w.schools["a2"], name="李外校", license="", seq=14)
    add_device(w.schools["a1"], location="gate", serial="A1-SILENT")
    add_device(w.schools["a1"], location="duty_room", serial="A1-LIVE", seen=timezone.now())
    add_device(w.schools["a2"], location="gate", serial="A2-SILENT")
    client = client_for(w.users["security_a1"])
    items = items_of(client)
    license_item = items["defense.guards_missing_license"]
    assert license_item["count"] == 1 and license_item["lines"][0]["text"] == "赵无证（东城实验小学）"
    assert items["defense.guards_missing_background"]["count"] == 1
    page = listed_page(client, license_item["url"])
    assert "赵无证" in page and "孙齐全" not in page and "李外校" not in page
    assert "钱待审" in listed_page(client, items["defense.guards_missing_background"]["url"])
    silent = items["devices.silent"]
    assert silent["count"] == 1 and silent["lines"][0]["note"] == "从未上线"
    devices_page = listed_page(client, silent["url"])
    assert "gatealarm_panel" in devices_page and "duty_roomalarm_panel" not in devices_page
    # a guard of the school has none of these to do
    guard_items = items_of(client_for(w.users["guard_a1"]))
    assert not {"defense.guards_missing_license", "devices.silent", "hazards.to_rectify"} & set(guard_items)


# --- education and police officials ------------------------------------------------------------------

def test_district_official_sees_acceptance_overdue_by_school_and_missing_self_checks(ledger, client_for):
    w = ledger
    client = client_for(w.users["edu_a"])
    items = items_of(client)
    accept = items["hazards.to_accept"]
    assert accept["count"] == 1 and [(ln["text"], ln["count"]) for ln in accept["lines"]] == [("东城实验小学", 1)]
    school_list = listed_page(client, accept["lines"][0]["url"])
    assert "校门口减速带" in school_list and "东侧围墙" not in school_list
    overdue = items["hazards.overdue"]
    assert overdue["count"] == 2  # a1's and a2's, never b1's
    assert {ln["text"]: ln["count"] for ln in overdue["lines"]} == {"东城实验小学": 1, "金城中心幼儿园": 1}
    for line in overdue["lines"]:
        page = listed_page(client, line["url"])
        assert ("东侧围墙" in page) == (line["text"] == "东城实验小学") and "溧阳" not in page
    without = items["hazards.schools_without_self_check"]
    assert without["count"] == 2 and {ln["text"] for ln in without["lines"]} == {"东城实验小学", "金城中心幼儿园"}
    month = datetime.date.fromisoformat(without["url"].split("month=")[1][:7] + "-01")  # the month due next
    SelfCheck.objects.create(school=w.schools["a2"], month=month, no_hazards=True, filed_by=w.users["principal_a2"])
    assert items_of(client)["hazards.schools_without_self_check"]["count"] == 1
    # 溧阳's official sees 溧阳's only
    b_items = items_of(client_for(w.users["edu_b"]))
    assert b_items["hazards.overdue"]["count"] == 1 and b_items["hazards.to_accept"]["count"] == 1
    assert [ln["text"] for ln in b_items["hazards.schools_without_self_check"]["lines"]] == ["溧阳南渡初级中学"]


@pytest.mark.parametrize(("day", "shown", "title"), [
    (datetime.date(2026, 12, 2), "2026-11", "上月（2026年11月）未填报自查的学校"),  # November's is due on 12-05
    (datetime.date(2026, 12, 5), "2026-11", "上月（2026年11月）未填报自查的学校"),
    (datetime.date(2026, 12, 6), "2026-12", "本月（2026年12月）未填报自查的学校"),  # then December's, due 01-05
])
def test_officials_see_the_self_check_due_next(ledger, client_for, monkeypatch, day, shown, title):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)
    w = ledger
    SelfCheck.objects.create(school=w.schools["a1"], month=datetime.date(2026, 11, 1), no_hazards=True,
                             filed_by=w.users["principal_a1"])
    without = items_of(client_for(w.users["edu_a"]))["hazards.schools_without_self_check"]
    assert without["title"] == title and f"month={shown}" in without["url"]
    names = {ln["text"] for ln in without["lines"]}
    assert names == ({"金城中心幼儿园"} if shown == "2026-11" else {"东城实验小学", "金城中心幼儿园"})


def test_unread_notifications_grouped_by_kind_each_opening_its_own(world, client_for):
    w = world
    user = w.users["edu_a"]
    for title, url in (("隐患逾期：东侧围墙", "/hazards/1/"), ("隐患逾期：北门", "/hazards/2/"),
                       ("月度自查缺报", "/hazards/self-checks/?month=2026-04"), ("报警超时未确认", "/alarms/3/"),
                       ("系统维护", "")):
        Notification.objects.create(recipient=user, title=title, url=url)
    Notification.objects.create(recipient=user, title="已读的隐患", url="/hazards/9/", read_at=timezone.now())
    Notification.objects.create(recipient=w.users["edu_b"], title="别人的报警", url="/alarms/4/")
    client = client_for(user)
    item = items_of(client)["core.unread_notifications"]
    assert item["count"] == 5
    assert [(ln["text"], ln["count"]) for ln in item["lines"]] == [("隐患督办", 2), ("报警", 1), ("其他", 1),
                                                                   ("月度自查", 1)]
    hazards = listed_page(client, item["lines"][0]["url"])
    assert "隐患逾期：东侧围墙" in hazards and "隐患逾期：北门" in hazards and "已读的隐患" in hazards
    assert "月度自查缺报" not in hazards and "报警超时未确认" not in hazards
    other = listed_page(client, item["lines"][2]["url"])
    assert "系统维护" in other and "隐患逾期" not in other
    assert "别人的报警" not in listed_page(client, item["lines"][1]["url"])


def test_open_alarms_of_the_jurisdiction_for_police_and_officials(world, client_for):
    w = world
    panels = {k: make_panel(w.schools[k], f"AP-W-{k}", acct) for k, acct in (("a1", "7C1"), ("b1", "7C3"))}
    for key, code, n in (("a1", "PA", 1), ("a1", "BA", 2), ("b1", "PA", 3)):
        receive_alarms([Incoming(device=panels[key], source="dc09", dedup_key=f"wl:{key}:{n}", code=code,
                                 zone=str(n))])
    for key, expected in (("station_a1", 2), ("edu_a", 2), ("police_b", 1), ("principal_a1", 2)):
        client = client_for(w.users[key])
        item = items_of(client)["alarms.open"]
        assert item["count"] == expected, key
        page = listed_page(client, item["url"])
        assert ("东城实验小学" in page) == (expected == 2) and ("溧阳南渡初级中学" in page) == (key == "police_b")
    assert "alarms.open" not in items_of(client_for(w.users["guard_a1"]))


def test_schools_failing_the_three_100_in_the_campaign_in_force(world, client_for):
    from huxiao.compliance import services as compliance

    compliance.evaluate_all()
    client = client_for(world.users["edu_a"])
    item = items_of(client)["compliance.three_100_failing"]
    assert item["count"] == 2  # a1 and a2 have no 三防 records: neither meets any of them
    for line in item["lines"]:
        if not line["count"]:
            continue
        page = listed_page(client, line["url"])
        assert "东城实验小学" in page and "溧阳" not in page
    assert "compliance.three_100_failing" not in items_of(client_for(world.users["security_a1"]))


# --- 护学岗: the guard's own duties, the station's unmanned windows ---------------------------------------

@pytest.fixture
def duty_day(world, monkeypatch):
    """DAY (a school Wednesday) at 12:00: a1's post is due at the gate (7:05) and at noon (11:25), the
    afternoon window not yet; the guard checked in at the gate only."""
    w = world
    post = post_at(w, "a1")
    guard = person_at(w, "a1", user=w.users["guard_a1"], name="李保安", kind="security", unit_name="东城保安公司")
    for window in ("gate_open", "noon", "afternoon"):
        patrols.do_add_roster(post, guard, {"weekday": DAY.weekday(), "window": window,
                                             "valid_from": DAY - datetime.timedelta(days=30)}, actor=w.users["station_a1"])
    post_at(w, "b1", name="溧阳护学岗")
    patrols.do_check_in(post, body(post, guard, when=at(DAY, 7, 10)), actor=w.users["guard_a1"])
    noon = at(DAY, 12, 0)
    monkeypatch.setattr(timezone, "now", lambda: noon)
    w.extra["post"] = post
    return w


def test_guard_sees_todays_duty_windows_with_their_check_ins(duty_day, client_for):
    w = duty_day
    client = client_for(w.users["guard_a1"])
    item = items_of(client)["patrols.my_duties"]
    notes = [(ln["text"].split()[0], ln["note"]) for ln in item["lines"]]
    assert notes == [("早上入校", "已签到"), ("中午放学", "缺岗（11:35 前未签到）"), ("下午放学", "未开始")]
    assert item["count"] == 1 and item["level"] == "danger"  # the afternoon still to do; noon already missed
    assert "07:05–07:35" in item["lines"][0]["text"]
    checks = listed_page(client, item["lines"][0]["url"])
    assert "李保安" in checks


def test_station_officer_sees_unmanned_windows_of_today(duty_day, client_for):
    w = duty_day
    client = client_for(w.users["station_a1"])
    items = items_of(client)
    unmanned = items["patrols.unmanned"]
    assert unmanned["count"] == 1 and "中午放学" in unmanned["lines"][0]["text"]
    assert "东城实验小学" in unmanned["lines"][0]["text"]
    assert listed_page(client, unmanned["lines"][0]["url"])
    assert "溧阳护学岗" not in str(items)
    b = items_of(client_for(w.users["police_b"]))["patrols.unmanned"]
    assert b["count"] == 2 and all("溧阳护学岗" in ln["text"] for ln in b["lines"])  # b1's gate and noon


# --- the page, the API, and what they cost ------------------------------------------------------------

def test_page_shows_items_then_the_summary_and_api_needs_sign_in(ledger, client_for):
    html = page_of(client_for(ledger.users["edu_a"]))
    assert html.index('id="worklist"') < html.index("管辖范围概况") < html.index('id="stat-schools"')
    assert 'data-key="hazards.to_accept"' in html and "待我验收的隐患" in html
    assert client_for(None).get("/api/v1/me/worklist").status_code == 401
    assert items_of(client_for(ledger.users["norole"])) == {}


def _grow(w, start, n):
    for i in range(start, start + n):
        make_hazard(w, "a1", f"部位{i}", deadline_in=-i - 1)
        make_hazard(w, "a2", f"幼儿园部位{i}", status="awaiting")
        add_guard(w.schools["a1"], name=f"保安{i}", license="", seq=100 + i)
        add_device(w.schools["a1"], location="gate", serial=f"GROW-{i}")
        Notification.objects.create(recipient=w.users["edu_a"], title=f"通知{i}", url=f"/hazards/{i}/")


@pytest.mark.parametrize("key", ["security_a1", "edu_a", "station_a1", "guard_a1", "admin_province"])
def test_queries_do_not_grow_with_the_data(world, client_for, django_assert_max_num_queries, key):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.users[key])
    _grow(world, 0, 2)
    client.get("/")  # warm the per-process caches (campaigns, policy)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/").status_code == 200
    _grow(world, 6, 25)
    with django_assert_max_num_queries(len(small)):
        assert client.get("/").status_code == 200
    with django_assert_max_num_queries(60):
        assert client.get("/api/v1/me/worklist").status_code == 200
