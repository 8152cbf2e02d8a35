"""Compliance read right (issue 14 item 3, and item 2's compliance defects), through the API and pages.

World: a1 东城实验小学 (城市公办小学, 1,350 students, town 320413001), a2 金城中心幼儿园 (乡村民办幼儿园,
180 children, town 320413101), b1 溧阳南渡初级中学 (district 320481). Today is after every campaign's end
except the national baseline (gbt29315-2022, to 2099).
"""

import datetime

import pytest
from django.utils import timezone

from huxiao.compliance import rates
from huxiao.compliance.models import Campaign, RateSnapshot, RuleStatus
from huxiao.compliance.rules import shipped_rulesets
from huxiao.compliance.services import evaluate_all, take_snapshot
from huxiao.core.models import Region, School
from tests.core.test_import import row, upload, workbook
from tests.defense.fixtures import add_device, add_guard, set_facility

CAMPAIGNS = ("jiangsu-2019", "zhengzhou-2017", "hubei-2020", "baicheng-2019", "jintan-2023", "gbt29315-2022")
CITY = {"jiangsu-2019": "320400", "jintan-2023": "320413", "gbt29315-2022": "320400"}


def rates_of(client, **params):
    r = client.get("/api/v1/compliance/rates", params)
    assert r.status_code == 200, r.content
    return r.json()


def rule_of(body, rule_id):
    return next(r for r in body["rules"] if r["rule_id"] == rule_id)


def card(body, key):
    return next(c for c in body["three_100"] if c["key"] == key)


# --- campaigns exist once installed; schools counted once committed ---------------------------------------

@pytest.mark.django_db
def test_campaigns_exist_right_after_install_before_any_school():
    """The campaigns are created after ``migrate`` (post_migrate), not on the first school saved."""
    assert not School.objects.exists()
    assert set(Campaign.objects.values_list("code", flat=True)) == set(CAMPAIGNS)


def test_campaigns_api_lists_every_campaign_without_any_evaluation(world, client_for):
    assert not RuleStatus.objects.exists()
    body = client_for(world.users["edu_a"]).get("/api/v1/compliance/campaigns").json()
    assert {c["code"] for c in body} == set(CAMPAIGNS)


def test_a_school_created_through_the_api_is_counted_once_committed(world, client_for,
                                                                     django_capture_on_commit_callbacks):
    evaluate_all()
    c = client_for(world.users["edu_a"])
    before = rule_of(rates_of(c, region="320413", campaign="jintan-2023"), "JT-1")["applicable"]
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post("/api/v1/schools", {"code": "2132413077", "name": "新建实验小学", "school_type": "primary",
                                            "ownership": "public", "setting": "urban", "students": 400,
                                            "address": "东城街道新路 1 号", "region": "320413001"},
                   content_type="application/json")
    assert r.status_code == 201, r.content
    after = rates_of(c, region="320413", campaign="jintan-2023")
    assert rule_of(after, "JT-1")["applicable"] == before + 1
    assert RuleStatus.objects.filter(school_id=r.json()["id"], campaign__code="jintan-2023").count() == len(
        shipped_rulesets()["jintan-2023"].rules)


def test_imported_schools_are_counted_as_the_registry_counts_them(world, client,
                                                                 django_capture_on_commit_callbacks):
    """An import (bulk insert) used to leave the schools out until a sweep: 适用 96 against 98 registered."""
    evaluate_all()
    rows = [row(code=f"21324132{i:02d}", name=f"导入小学{i}") for i in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        r = upload(client, world, workbook(rows))
    assert "已导入 3 所学校" in r.content.decode()
    registered = School.objects.filter(region_code__startswith="320413").count()
    body = rates_of(client, region="320413", campaign="gbt29315-2022")
    assert rule_of(body, "GB-JF-1")["applicable"] == registered == 5  # every school: no applies_to


# --- first-hire age: a deadline condition on every full-time guard -----------------------------------------

def test_first_hire_age_counts_every_full_time_guard_and_skips_schools_without_one(world, client_for):
    """000 §三(一)2 "2022年底前，全省中小学幼儿园首次聘用专职保安员年龄不得超过50岁": a1's guard first hired in
    2020 at 55 fails it (the old reading only looked at hires from 2022); a2 has no full-time guard: not
    applicable, so the rate is 0 of 1, not 1 of 2."""
    add_guard(world.schools["a1"], name="老周", birth=datetime.date(1965, 1, 1), hired=datetime.date(2020, 3, 1))
    evaluate_all()
    c = client_for(world.users["edu_a"])
    js3 = rule_of(rates_of(c, region="320413", campaign="jiangsu-2019"), "JS-RF-3")
    assert (js3["met"], js3["applicable"]) == (0, 1) and js3["deadline"] == "2022-12-31"
    checklist = c.get(f"/api/v1/compliance/schools/{world.schools['a2'].pk}/checklist").json()
    item = next(i for i in checklist if i["rule_id"] == "JS-RF-3")
    assert item["status"] == "na" and "无在岗专职保安员" in item["reason"]
    failing = c.get("/api/v1/compliance/failing", {"region": "320413", "campaign": "jiangsu-2019",
                                                   "rule": "JS-RF-3"}).json()
    assert [i["reason"] for i in failing["items"]] == ["老周 于 2020-03-01 首次聘用时 55 岁，超过 50 岁"]


# --- the alarm and the video as two indicators, and the three cards everywhere ----------------------------

def test_alarm_and_video_networked_are_two_indicators_besides_the_combined_one(world, client_for):
    """001's monthly form counts 视频监控与公安机关联网校园数 and 安装一键式报警装置并与公安机关联网校园数 apart:
    a1's alarm is heard, its gate camera silent — alarm 100%, video 0%, combined 0%."""
    a1 = world.schools["a1"]
    now = timezone.now()
    add_device(a1, kind="alarm_panel", location="duty_room", seen=now)
    add_device(a1, kind="camera", location="gate", seen=now - datetime.timedelta(hours=1))
    evaluate_all()
    c = client_for(world.users["edu_a"])
    for campaign, (combined, alarm, video) in {"jintan-2023": ("JT-2", "JT-2A", "JT-2V"),
                                               "jiangsu-2019": ("JS-JF-1", "JS-JF-1A", "JS-JF-1V")}.items():
        body = rates_of(c, region="320413001", campaign=campaign)
        net = card(body, "networked")
        assert net["rule_id"] == combined and net["rate"] == 0.0
        assert {p["key"]: (p["rule_id"], p["rate"]) for p in net["parts"]} == {
            "alarm_networked": (alarm, 1.0), "video_networked": (video, 0.0)}
    page = c.get("/compliance/?region=320413001&campaign=jintan-2023").content.decode()
    assert 'data-three="alarm_networked">100.0%' in page and "视频监控与公安机关联网" in page


@pytest.mark.parametrize("campaign", CAMPAIGNS)
def test_every_campaign_has_the_three_cards_each_computed_by_a_cited_rule(world, client_for, campaign):
    ruleset = shipped_rulesets()[campaign]
    keys = {r.three_100: r for r in ruleset.rules if r.three_100}
    assert set(keys) == {"closed", "networked", "urban_guards", "alarm_networked", "video_networked"}
    assert all(r.cite for r in keys.values())
    if campaign not in CITY:
        return  # the world has no school there: its rule set is checked above
    evaluate_all()
    body = rates_of(client_for(world.users["admin_province"]), campaign=campaign, region=CITY[campaign])
    assert [c["key"] for c in body["three_100"]] == ["closed", "networked", "urban_guards"]
    assert all(c["rule_id"] for c in body["three_100"])


def test_the_national_three_100_use_the_seeds_own_scopes(world):
    """003 §三(一): 中小学 closed management, 城市中小学 full-time guards; networked at every school. Joined
    where a campaign lacks them (the national baseline, Jiangsu's guards); 002's own scope kept for Hubei
    (guards at 中小学幼儿园, closed management at 中小学)."""
    evaluate_all()
    gb = {r.rule_id: r.status for r in RuleStatus.objects.filter(campaign__code="gbt29315-2022",
                                                                 school=world.schools["a2"])}
    assert gb["3C-CLOSED"] == "na" and gb["3C-GUARDS"] == "na" and gb["3C-NET"] == "not_met"  # a rural kindergarten
    a1 = {r.rule_id: r.status for r in RuleStatus.objects.filter(campaign__code="gbt29315-2022",
                                                                 school=world.schools["a1"])}
    assert a1["3C-CLOSED"] == a1["3C-GUARDS"] == "not_met"
    js = shipped_rulesets()["jiangsu-2019"]
    assert js.rule("3C-GUARDS").national and "城市中小学专职保安员配备率达到100％" in js.rule("3C-GUARDS").cite
    hubei = shipped_rulesets()["hubei-2020"]
    assert "applies_to" not in hubei.rule("HB-1").applies_to and hubei.rule("HB-1").three_100 == "urban_guards"
    assert hubei.rule("HB-2").applies_to["school_types"][0] == "primary"
    assert shipped_rulesets()["baicheng-2019"].rule("BC-1").applies_to["school_types"][0] == "primary"


# --- the campaign in force --------------------------------------------------------------------------------

def test_default_campaign_is_the_one_in_force_covering_the_region(world):
    city, district = Region.objects.get(pk="320400"), Region.objects.get(pk="320413")
    assert rates.default_campaign(city, today=datetime.date(2020, 6, 1)).code == "jiangsu-2019"
    assert rates.default_campaign(district, today=datetime.date(2023, 6, 1)).code == "jintan-2023"
    # a city official is never sent to one district's campaign, in force or not
    assert rates.default_campaign(city, today=datetime.date(2023, 6, 1)).code == "gbt29315-2022"
    assert rates.default_campaign(district, today=datetime.date(2026, 12, 1)).code == "gbt29315-2022"


def test_city_dashboard_opens_on_the_campaign_in_force(world, client_for):
    page = client_for(world.users["edu_city"]).get("/compliance/").content.decode()
    assert '<option value="gbt29315-2022" selected>' in page
    assert '<option value="jintan-2023" selected>' not in page


# --- "as of" a past day -----------------------------------------------------------------------------------

def test_rates_as_of_a_past_day_come_from_that_days_snapshot(world, client_for):
    set_facility(world.schools["a1"])
    evaluate_all()
    day = timezone.localdate() - datetime.timedelta(days=30)
    take_snapshot(day)
    RateSnapshot.objects.filter(day=day, rule_id="JT-1", region_prefix="320413001").update(met=0)
    RateSnapshot.objects.filter(day=day, rule_id="JT-1", region_prefix="320413").update(met=0)
    c = client_for(world.users["edu_a"])
    live = rates_of(c, region="320413", campaign="jintan-2023")
    past = rates_of(c, region="320413", campaign="jintan-2023", as_of=day.isoformat())
    assert rule_of(live, "JT-1")["met"] == 1 and live["source"] == "live" and live["as_of"] is None
    assert past["as_of"] == day.isoformat() and past["source"] == "snapshot"
    jt1 = rule_of(past, "JT-1")
    assert (jt1["met"], jt1["applicable"], jt1["source"]) == (0, 2, "snapshot")
    assert {s["region_code"]: s["met"] for s in jt1["sub_regions"]} == {"320413001": 0, "320413101": 0}


def test_rates_as_of_a_day_without_snapshot_follow_the_records_dates(world, client_for):
    """No snapshot: the schools registered by then, in the district they were in that day, the guards hired
    and not yet left, the devices heard within their window before the day ended."""
    a1, b1 = world.schools["a1"], world.schools["b1"]
    long_ago = timezone.now() - datetime.timedelta(days=90)
    School.objects.filter(pk__in=[a1.pk, b1.pk]).update(created_at=long_ago)
    day = timezone.localdate() - datetime.timedelta(days=10)
    end = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))
    add_guard(a1, name="早到", hired=day - datetime.timedelta(days=100))
    add_guard(a1, name="新来", hired=timezone.localdate())  # not yet hired on that day
    add_device(a1, kind="alarm_panel", location="duty_room", seen=end - datetime.timedelta(minutes=2))
    evaluate_all()
    from huxiao.defense.models import Facility, Guard
    from huxiao.devices.models import Device

    Guard.objects.update(created_at=long_ago)
    Device.objects.update(created_at=long_ago)
    Facility.objects.update(created_at=long_ago)
    c = client_for(world.users["edu_a"])
    past = rates_of(c, region="320413", campaign="gbt29315-2022", as_of=day.isoformat())
    assert past["source"] == "records"
    # a2 registered today: not counted that day; a1 had one guard of the three its 1,350 pupils need
    assert rule_of(past, "GB-JF-1")["applicable"] == 1
    assert card(past, "networked")["parts"][0]["rate"] == 1.0  # the alarm heard two minutes before midnight
    live = rates_of(c, region="320413", campaign="gbt29315-2022")
    assert card(live, "networked")["parts"][0]["rate"] == 0.0  # silent since
    two_days_before = (day - datetime.timedelta(days=2)).isoformat()
    assert card(rates_of(c, region="320413", campaign="gbt29315-2022", as_of=two_days_before),
                "networked")["parts"][0]["rate"] == 0.0  # not heard yet then


def test_rates_as_of_count_a_moved_school_where_it_was_that_day(world, client_for):
    from huxiao.core import services as core

    b1 = world.schools["b1"]
    School.objects.filter(pk=b1.pk).update(created_at=timezone.now() - datetime.timedelta(days=90))
    b1.refresh_from_db()
    core.do_update_school(b1, {"region": Region.objects.get(pk="320413001"), "police_station": world.units["station_a1"]},
                          actor=world.users["admin_province"])
    evaluate_all()
    day = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    admin = client_for(world.users["admin_province"])
    then = rates_of(admin, region="320400", campaign="gbt29315-2022", as_of=day)
    now = rates_of(admin, region="320400", campaign="gbt29315-2022")
    subs_then = {s["region_code"]: s["applicable"] for s in rule_of(then, "GB-JF-1")["sub_regions"]}
    subs_now = {s["region_code"]: s["applicable"] for s in rule_of(now, "GB-JF-1")["sub_regions"]}
    assert subs_then == {"320481": 1} and subs_now == {"320413": 3}


def test_as_of_refuses_a_future_day_and_a_malformed_one_by_name(world, client_for):
    c = client_for(world.users["edu_a"])
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    r = c.get("/api/v1/compliance/rates", {"region": "320413", "as_of": tomorrow})
    assert r.status_code == 400 and "as_of" in r.json()["errors"] and "不能晚于今天" in r.json()["errors"]["as_of"][0]
    r = c.get("/api/v1/compliance/rates", {"region": "320413", "as_of": "2026-02-30"})
    assert r.status_code == 422 and "as_of" in str(r.json()["detail"][0]["loc"])


def test_dashboard_as_of_picker_shows_the_day_or_the_error_on_the_field(world, client_for):
    evaluate_all()
    c = client_for(world.users["edu_a"])
    day = timezone.localdate() - datetime.timedelta(days=5)
    page = c.get(f"/compliance/?region=320413&campaign=jintan-2023&as_of={day.isoformat()}").content.decode()
    assert f"截至 {day.isoformat()} 日终" in page and f'value="{day.isoformat()}"' in page
    bad = c.get("/compliance/?region=320413&as_of=2026-13-01")
    assert bad.status_code == 200
    html = bad.content.decode()
    assert "is-invalid" in html and "截至日期：" in html and "截至 2026" not in html
    future = c.get(f"/compliance/?as_of={timezone.localdate() + datetime.timedelta(days=3)}").content.decode()
    assert "is-invalid" in future and "不能晚于今天" in future


# --- the guard bands: a marked, configurable assumption ---------------------------------------------------

def test_guard_bands_are_marked_as_a_configurable_assumption(world, client_for):
    gb = shipped_rulesets()["gbt29315-2022"].rule("GB-RF-1")
    assert "可配置假定" in gb.assumption and "bands" in gb.assumption and "GB/T 29315-2022：100人以下" not in gb.cite
    c = client_for(world.users["edu_a"])
    campaigns = c.get("/api/v1/compliance/campaigns").json()
    rules = {r["id"]: r for camp in campaigns for r in camp["rules"]}
    assert rules["JT-4"]["assumption"] and rules["GB-RF-2"]["assumption"] and not rules["JT-1"]["assumption"]
    page = c.get("/compliance/?region=320413&campaign=gbt29315-2022").content.decode()
    assert 'id="rule-assumptions"' in page and "可配置假定" in page


def test_chart_data_carries_rule_names_for_the_axis(world, client_for):
    evaluate_all()
    page = client_for(world.users["edu_a"]).get("/compliance/?region=320413&campaign=jintan-2023").content.decode()
    assert '"name": "\\u5c01\\u95ed\\u5316\\u7ba1\\u7406"' in page  # 封闭化管理, the axis label (JSON-escaped)
