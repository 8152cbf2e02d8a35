"""Regional rates, drill-down, snapshots, export and checklists against a hand-computed scenario.

World: a1 东城实验小学 (城市公办小学, 1,350 students, town 320413001), a2 金城中心幼儿园 (乡村民办幼儿园,
180 children, town 320413101), b1 (溧阳, another district).
"""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from huxiao.compliance.models import RateSnapshot
from huxiao.compliance.services import evaluate_all, take_snapshot
from tests.defense.fixtures import add_guard, set_facility


@pytest.fixture
def scenario(world):
    a1, a2 = world.schools["a1"], world.schools["a2"]
    add_guard(a1, name="李保安", seq=1)  # one full-time guard for 1,350 students
    set_facility(a1)  # closed, duty room, barrier
    set_facility(a2, closed_management=False, anti_ramming_kinds=[], vehicle_access=False)
    evaluate_all()
    return world


def rule(body, rule_id):
    return next(r for r in body["rules"] if r["rule_id"] == rule_id)


def test_district_rates_and_sub_regions(scenario, client_for):
    c = client_for(scenario.users["edu_a"])
    body = c.get("/api/v1/compliance/rates?region=320413&campaign=jintan-2023").json()
    assert body["region_name"] == "金坛区"
    jt1 = rule(body, "JT-1")  # closed management: a1 yes, a2 no
    assert (jt1["met"], jt1["applicable"], jt1["rate"]) == (1, 2, 0.5)
    subs = {s["region_code"]: (s["met"], s["applicable"]) for s in jt1["sub_regions"]}
    assert subs == {"320413001": (1, 1), "320413101": (0, 1)}
    jt3 = rule(body, "JT-3")  # urban primary/secondary guards: only a1 applies, and has one
    assert (jt3["met"], jt3["applicable"], jt3["three_100"]) == (1, 1, "urban_guards")
    jt4 = rule(body, "JT-4")  # guards by enrolment: a1 needs 3 (has 1), a2 needs 2 (has 0)
    assert (jt4["met"], jt4["applicable"], jt4["rate"]) == (0, 2, 0.0)
    jt7 = rule(body, "JT-7")  # barrier where vehicles pass: a1 only (a2's gate is closed to vehicles)
    assert (jt7["met"], jt7["applicable"]) == (1, 1)
    assert jt1["days_left"] == (datetime.date(2024, 1, 31) - timezone.localdate()).days


def test_jiangsu_at_city_level_includes_the_other_district(scenario, client_for):
    c = client_for(scenario.users["edu_city"])
    body = c.get("/api/v1/compliance/rates?region=320400&campaign=jiangsu-2019").json()
    js1 = rule(body, "JS-RF-1")  # a1 (primary) has a guard, b1 (junior) none; a2 is a private kindergarten
    assert (js1["met"], js1["applicable"]) == (1, 2)
    js2 = rule(body, "JS-RF-2")
    assert (js2["met"], js2["applicable"]) == (0, 1)
    subs = {s["region_code"]: (s["met"], s["applicable"]) for s in js1["sub_regions"]}
    assert subs == {"320413": (1, 1), "320481": (0, 1)}
    # a district official never sees the other district
    body = client_for(scenario.users["edu_a"]).get("/api/v1/compliance/rates?region=320481").status_code
    assert body == 404


def test_drill_down_lists_failing_schools_with_reasons(scenario, client_for):
    c = client_for(scenario.users["edu_a"])
    body = c.get("/api/v1/compliance/failing?region=320413&campaign=jintan-2023&rule=JT-4").json()
    reasons = {i["school_name"]: i["reason"] for i in body["items"]}
    assert body["count"] == 2
    assert reasons["东城实验小学"] == "专职保安员 1 人，按在校生 1,350 人应不少于 3 人"
    assert reasons["金城中心幼儿园"] == "专职保安员 0 人，按在校生 180 人应不少于 2 人"
    page = c.get("/compliance/failing/?region=320413&campaign=jintan-2023&rule=JT-4").content.decode()
    assert "应不少于 3 人" in page and "金城中心幼儿园" in page


def test_dashboard_page_shows_three_100_and_sub_regions(scenario, client_for):
    c = client_for(scenario.users["jiaoyuju"] if "jiaoyuju" in scenario.users else scenario.users["edu_a"])
    page = c.get("/compliance/?region=320413&campaign=jintan-2023").content.decode()
    assert "三个100%" in page and "50.0%" in page and "东城街道" in page and "金城镇" in page
    assert 'id="compliance-chart-data"' in page and "<script>" not in page.replace(
        '<script id="compliance-chart-data" type="application/json">', "")


def test_snapshot_and_trend(scenario, client_for):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert take_snapshot(yesterday) > 0
    snap = RateSnapshot.objects.get(day=yesterday, campaign__code="jintan-2023", rule_id="JT-1",
                                    region_prefix="320413")
    assert (snap.met, snap.applicable) == (1, 2)
    assert RateSnapshot.objects.get(day=yesterday, campaign__code="jintan-2023", rule_id="JT-1",
                                    region_prefix="320413101").met == 0
    set_facility(scenario.schools["a2"], closed_management=True)
    take_snapshot()
    today = RateSnapshot.objects.get(day=timezone.localdate(), campaign__code="jintan-2023", rule_id="JT-1",
                                     region_prefix="320413")
    assert (today.met, today.applicable) == (2, 2)
    page = client_for(scenario.users["edu_a"]).get("/compliance/?region=320413&campaign=jintan-2023")
    assert yesterday.isoformat() in page.content.decode()
    trend = client_for(scenario.users["edu_a"]).get(
        "/api/v1/compliance/trend?region=320413&campaign=jintan-2023&rule=JT-1").json()
    assert trend["rules"]["JT-1"] == [{"day": yesterday.isoformat(), "rate": 0.5},
                                      {"day": timezone.localdate().isoformat(), "rate": 1.0}]


def test_excel_export_has_the_same_numbers(scenario, client_for):
    r = client_for(scenario.users["edu_a"]).get("/compliance/export.xlsx?region=320413&campaign=jintan-2023")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb["达标率"]
    rows = {row[0]: row for row in ws.iter_rows(min_row=3, values_only=True)}
    assert rows["JT-1"][6:10] == (2, 1, 1, 0.5)
    failing = [row for row in wb["未达标学校"].iter_rows(min_row=2, values_only=True)]
    assert ("金城中心幼儿园", "320413101", "JT-1", "封闭化管理", "未落实封闭化管理") in failing


def test_school_checklist_lists_what_to_fix_first(scenario, client_for):
    a1 = scenario.schools["a1"]
    c = client_for(scenario.users["principal_a1"])
    items = c.get(f"/api/v1/compliance/schools/{a1.pk}/checklist").json()
    jintan = [i for i in items if i["campaign"] == "jintan-2023"]
    assert jintan[0]["status"] == "not_met"
    assert {i["campaign"] for i in items} == {"jintan-2023", "jiangsu-2019", "gbt29315-2022"}
    page = c.get("/compliance/my/", follow=True).content.decode()
    assert "待整改" in page and "应不少于 3 人" in page
    assert c.get("/compliance/").status_code == 403  # a school sees its checklist, not the dashboard
    other = scenario.schools["a2"]
    assert c.get(f"/api/v1/compliance/schools/{other.pk}/checklist").status_code == 404


def _counters():
    from huxiao.compliance.models import RegionRuleCount

    return sorted(RegionRuleCount.objects.filter(applicable__gt=0).values_list(
        "campaign__code", "rule_id", "region_code", "applicable", "met"))


def test_region_counters_stay_equal_to_a_rebuild_from_the_evaluation_table(scenario, client_for):
    from huxiao.compliance.services import rebuild_counts
    from huxiao.core import services as core
    from huxiao.core.actions import SYSTEM
    from tests.defense.fixtures import add_device

    a1, a2 = scenario.schools["a1"], scenario.schools["a2"]
    add_guard(a2, name="周保安", seq=7)
    add_device(a1, serial="CNT-1", seen=timezone.now())
    set_facility(a2, closed_management=True)
    core.do_update_school(a2, {"students": 1200, "setting": "urban"}, actor=SYSTEM)
    school = core.do_create_school({"code": "2132413050", "name": "新建小学", "school_type": "primary",
                                    "ownership": "public", "setting": "town", "students": 300,
                                    "address": "金城镇新路 1 号", "region": scenario.regions["town_a2"]},
                                   actor=scenario.users["edu_a"])
    live = _counters()
    rebuild_counts()
    assert live == _counters()
    core.do_delete_school(school, actor=scenario.users["edu_a"])
    live = _counters()
    rebuild_counts()
    assert live == _counters()


def test_rate_at_deadline_comes_from_the_snapshot_on_or_before_it(scenario, client_for):
    import datetime as dt

    from huxiao.compliance.models import Campaign, RateSnapshot

    campaign = Campaign.objects.get(code="jintan-2023")
    for day, met in ((dt.date(2024, 1, 30), 1), (dt.date(2024, 2, 5), 2)):
        RateSnapshot.objects.create(day=day, campaign=campaign, rule_id="JT-1", region_prefix="320413",
                                    applicable=2, met=met)
    body = client_for(scenario.users["edu_a"]).get("/api/v1/compliance/rates?region=320413&campaign=jintan-2023")
    jt1 = rule(body.json(), "JT-1")
    assert jt1["rate_at_deadline"] == 0.5 and jt1["rate"] == 0.5
    assert rule(body.json(), "JT-2")["rate_at_deadline"] is None


def test_schools_registered_at_the_district_itself_show_as_direct(scenario, client_for,
                                                                 django_capture_on_commit_callbacks):
    from huxiao.core import services as core

    with django_capture_on_commit_callbacks(execute=True):  # evaluated once the school is committed
        core.do_create_school({"code": "2132413060", "name": "区直属小学", "school_type": "primary",
                               "ownership": "public", "setting": "urban", "students": 300,
                               "address": "金坛区直属路 1 号", "region": scenario.regions["district_a"]},
                              actor=scenario.users["edu_a"])
    c = client_for(scenario.users["edu_a"])
    body = c.get("/api/v1/compliance/rates?region=320413&campaign=jintan-2023").json()
    subs = {s["region_name"]: s["applicable"] for s in rule(body, "JT-1")["sub_regions"]}
    assert subs["金坛区（直属）"] == 1 and rule(body, "JT-1")["applicable"] == 3
    page = c.get("/compliance/?region=320413&campaign=jintan-2023").content.decode()
    assert "直属" in page


def test_a_campaign_whose_rule_set_was_removed_is_ignored(scenario, client_for):
    from huxiao.compliance.models import Campaign

    Campaign.objects.create(code="gone-2018", name="已撤销的行动", issuer="某局", region_code="32",
                            start=datetime.date(2018, 1, 1), end=datetime.date(2018, 12, 31), filename="gone.yaml")
    c = client_for(scenario.users["edu_a"])
    assert "gone-2018" not in {x["code"] for x in c.get("/api/v1/compliance/campaigns").json()}
    assert c.get("/compliance/?region=320413&campaign=gone-2018").status_code == 404
    assert c.get("/compliance/?region=320413").status_code == 200
