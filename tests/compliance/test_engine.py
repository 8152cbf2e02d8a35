"""Rule evaluation against hand-computed cases, for every shipped rule set, including the edges the
campaigns are judged on (exactly 1,000 students, a guard hired the day of turning 50, a device one second
past its window)."""

import datetime

import pytest

from huxiao.compliance.choices import Status
from huxiao.compliance.measures import required_guards
from huxiao.compliance.rules import shipped_rulesets
from tests.compliance.factories import FULL_FACILITY, device, guard, school

MET, NOT, NA = Status.MET, Status.NOT_MET, Status.NOT_APPLICABLE


def rule(code, rule_id):
    return shipped_rulesets()[code].rule(rule_id)


def test_every_seed_plan_and_the_standard_ship_a_rule_set():
    assert set(shipped_rulesets()) == {"jiangsu-2019", "zhengzhou-2017", "hubei-2020", "baicheng-2019",
                                       "jintan-2023", "gbt29315-2022"}
    js = shipped_rulesets()["jiangsu-2019"]
    assert js.region == "32" and js.rule("JS-RF-1").deadline == datetime.date(2019, 12, 31)
    assert js.rule("JS-RF-2").deadline == datetime.date(2020, 12, 31)
    assert js.rule("JS-WF-4").deadline == datetime.date(2022, 12, 31)
    for code in ("hubei-2020", "baicheng-2019", "jintan-2023"):  # the 三个100% are first-class
        assert {r.three_100 for r in shipped_rulesets()[code].rules} >= {"closed", "networked", "urban_guards"}


@pytest.mark.parametrize("students,need", [(0, 1), (99, 1), (100, 2), (999, 2), (1000, 3), (1350, 3), (1499, 3),
                                           (1500, 4), (1999, 4), (2000, 5), (3100, 7)])
def test_guard_bands_of_gbt29315(students, need):
    assert required_guards(students) == need


def test_gbt_guards_by_enrolment_reason_names_both_numbers():
    r = rule("gbt29315-2022", "GB-RF-1")
    status, reason = r.evaluate(school(students=1350, guards=[guard()]))
    assert status == NOT
    assert reason == "专职保安员 1 人，按在校生 1,350 人应不少于 3 人"
    assert r.evaluate(school(students=1350, guards=[guard(), guard("李四"), guard("王五")]))[0] == MET


def test_exactly_1000_students_need_three_guards():
    r = rule("gbt29315-2022", "GB-RF-1")
    two = [guard(), guard("李四")]
    assert r.evaluate(school(students=999, guards=two))[0] == MET
    assert r.evaluate(school(students=1000, guards=two))[0] == NOT
    assert r.evaluate(school(students=1000, guards=[*two, guard("王五")]))[0] == MET


def test_part_time_staff_do_not_count_as_full_time_guards():
    r = rule("gbt29315-2022", "GB-RF-1")
    assert r.evaluate(school(students=50, guards=[guard(category="part_time"), guard(category="doorkeeper")]))[0] == NOT


def test_boarding_school_counts_day_students_and_needs_a_dorm_keeper():
    r = rule("gbt29315-2022", "GB-RF-2")
    facts = school(boarding=True, students=1200, boarding_students=400, guards=[guard(), guard("李四")])
    status, reason = r.evaluate(facts)  # 800 day students -> 2 full-time; no 宿舍管理员
    assert (status, reason) == (NOT, "宿舍管理员 0 人，应不少于 1 人")
    facts.guards.append(guard("赵六", category="dorm_keeper"))
    status, reason = r.evaluate(facts)
    assert status == MET and reason.startswith("专职保安员 2 人，按走读生 800 人应不少于 2 人")
    assert rule("gbt29315-2022", "GB-RF-1").evaluate(facts) == (NA, "不适用：仅适用于非寄宿制学校")


def test_guard_hired_on_50th_birthday_is_allowed_the_day_after_51_is_not():
    r = rule("jiangsu-2019", "JS-RF-3")
    turning_50 = guard(birth=datetime.date(1972, 3, 15), hired=datetime.date(2022, 3, 15))
    assert r.evaluate(school(guards=[turning_50]))[0] == MET
    almost_51 = guard(birth=datetime.date(1972, 3, 15), hired=datetime.date(2023, 3, 14))
    assert r.evaluate(school(guards=[almost_51]))[0] == MET
    turning_51 = guard("老王", birth=datetime.date(1972, 3, 15), hired=datetime.date(2023, 3, 15))
    status, reason = r.evaluate(school(guards=[turning_51]))
    assert status == NOT and reason == "老王 于 2023-03-15 首次聘用时 51 岁，超过 50 岁"


def test_first_hire_age_holds_for_every_full_time_guard_by_the_deadline():
    """000 §三(一)2 "2022年底前，全省中小学幼儿园首次聘用专职保安员年龄不得超过50岁" sets a deadline by which the
    condition must hold, not a start date: a guard first hired at 61 in 2021 fails it too."""
    for code, rule_id in (("jiangsu-2019", "JS-RF-3"), ("jintan-2023", "JT-5")):
        r = rule(code, rule_id)
        assert r.deadline in (datetime.date(2022, 12, 31), datetime.date(2024, 1, 31))
        assert "hired_from" not in r.measure and "2022年底前" in r.cite
        hired_2021_at_61 = guard("老张", birth=datetime.date(1960, 1, 1), hired=datetime.date(2021, 12, 31))
        status, reason = r.evaluate(school(guards=[hired_2021_at_61, guard()]))
        assert (status, reason) == (NOT, "老张 于 2021-12-31 首次聘用时 61 岁，超过 50 岁")
        assert r.evaluate(school(guards=[guard(), guard("李四")])) == (MET, "在岗专职保安员 2 人，首次聘用时均不超过 50 岁")
        # an old doorkeeper is not a full-time guard: the sentence is about 专职保安员
        old_doorkeeper = guard("门卫老刘", category="doorkeeper", birth=datetime.date(1950, 1, 1),
                               hired=datetime.date(2020, 1, 1))
        assert r.evaluate(school(guards=[guard(), old_doorkeeper]))[0] == MET


def test_first_hire_age_is_not_applicable_without_a_full_time_guard():
    """A school with no full-time guard has nobody the age condition is about: not applicable (with the
    reason), not met; its lack of guards is failed by the 配备 rule (JS-RF-1) instead, not counted twice."""
    r = rule("jiangsu-2019", "JS-RF-3")
    facts = school(guards=[guard("门卫老刘", category="doorkeeper")])
    status, reason = r.evaluate(facts)
    assert status == NA and reason == "不适用：本校无在岗专职保安员，首次聘用年龄要求无适用对象（配备要求由配备率指标考核）"
    assert rule("jiangsu-2019", "JS-RF-1").evaluate(facts)[0] == NOT


def test_jiangsu_guard_rules_split_public_and_private_kindergartens():
    public_kg = school(school_type="kindergarten", ownership="public", guards=[])
    private_kg = school(school_type="kindergarten", ownership="private", guards=[])
    assert rule("jiangsu-2019", "JS-RF-1").evaluate(public_kg)[0] == NOT
    assert rule("jiangsu-2019", "JS-RF-1").evaluate(private_kg)[0] == NA
    assert rule("jiangsu-2019", "JS-RF-2").evaluate(private_kg) == (NOT, "专职保安员 0 人，应不少于 1 人")
    assert rule("jiangsu-2019", "JS-RF-2").evaluate(public_kg)[0] == NA


def test_jiangsu_anti_ramming_2019_for_city_town_and_complex_rural_2022_for_vehicle_access():
    r2019, r2022 = rule("jiangsu-2019", "JS-WF-3"), rule("jiangsu-2019", "JS-WF-4")
    no_barrier = {**FULL_FACILITY, "anti_ramming_kinds": []}
    assert r2019.evaluate(school(setting="rural", facility=no_barrier))[0] == NA
    assert r2019.evaluate(school(setting="rural", complex_environment=True, facility=no_barrier))[0] == NOT
    assert r2019.evaluate(school(setting="town", facility=FULL_FACILITY))[0] == MET
    assert r2022.evaluate(school(setting="rural", facility={**no_barrier, "vehicle_access": False}))[0] == NA
    assert r2022.evaluate(school(setting="rural", facility=no_barrier))[0] == NOT


def test_networked_needs_alarm_and_gate_video_heard_within_window():
    r = rule("jiangsu-2019", "JS-JF-1")
    ok = school(devices=[device(), device("camera", "gate")])
    assert r.evaluate(ok)[0] == MET
    silent_camera = school(devices=[device(), device("camera", "gate", networked=False)])
    status, reason = r.evaluate(silent_camera)
    assert status == NOT and "1 台超出监测窗口未上报心跳" in reason
    teaching_camera_only = school(devices=[device(), device("camera", "teaching")])
    assert r.evaluate(teaching_camera_only) == (NOT, "未登记校门口视频监控摄像机/硬盘录像机(NVR)")


def test_closed_management_and_missing_facility_record():
    r = rule("jintan-2023", "JT-1")
    assert r.evaluate(school(facility=None)) == (NOT, "未登记物防设施，无法确认封闭化管理")
    assert r.evaluate(school(facility={**FULL_FACILITY, "closed_management": False})) == (NOT, "未落实封闭化管理")
    assert r.evaluate(school(facility=FULL_FACILITY)) == (MET, "已落实封闭化管理")


def test_zhengzhou_rules():
    assert rule("zhengzhou-2017", "ZZ-JF-3").target == 0.85
    assert rule("zhengzhou-2017", "ZZ-JF-3").evaluate(school(setting="rural"))[0] == NA
    r = rule("zhengzhou-2017", "ZZ-RF-1")  # 专职门卫 and 保安员 together, by enrolment
    assert r.evaluate(school(students=500, guards=[guard(), guard("门卫", category="doorkeeper")]))[0] == MET
    gear = rule("zhengzhou-2017", "ZZ-RF-3")
    status, reason = gear.evaluate(school(equipment={"safety_fork": 2, "shield": 1, "helmet": 1, "stab_vest": 2}))
    assert status == NOT and reason == "防暴头盔 1 件，应不少于 2 件"
    need = rule("zhengzhou-2017", "ZZ-WF-2")
    assert need.evaluate(school(facility={**FULL_FACILITY, "anti_ramming_needed": False,
                                          "anti_ramming_kinds": []}))[0] == MET
    traffic = rule("zhengzhou-2017", "ZZ-WF-3")
    assert traffic.evaluate(school(facility={**FULL_FACILITY, "traffic_needed": ["speed_bump", "sign"],
                                             "traffic_installed": ["sign"]})) == (NOT, "周边尚缺交通设施：减速带")


def test_baicheng_rural_walls_at_least_two_metres():
    r = rule("baicheng-2019", "BC-5")
    assert r.evaluate(school(setting="urban"))[0] == NA
    assert r.evaluate(school(setting="rural", facility={**FULL_FACILITY, "enclosure_height_m": 1.8})) == (
        NOT, "围墙高度 1.8 米，应不低于 2 米")
    assert r.evaluate(school(setting="rural", facility={**FULL_FACILITY, "enclosure_height_m": 2}))[0] == MET
    urban_guards = rule("baicheng-2019", "BC-3")
    assert urban_guards.evaluate(school(setting="town"))[0] == NA
    assert urban_guards.evaluate(school(school_type="kindergarten"))[0] == NA


def test_hubei_closed_management_only_for_primary_and_secondary():
    r = rule("hubei-2020", "HB-2")
    status, reason = r.evaluate(school(school_type="kindergarten"))
    assert status == NA and "本校为幼儿园" in reason


def test_licence_and_background():
    lic = rule("jiangsu-2019", "JS-RF-4")
    assert lic.evaluate(school(guards=[guard("甲", licensed=False)])) == (NOT, "甲 未登记保安员证")
    bg = rule("jintan-2023", "JT-6")
    assert bg.evaluate(school(guards=[guard("乙", background="pending")])) == (
        NOT, "乙 未通过或未进行安全背景审查")
