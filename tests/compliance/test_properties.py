"""Property tests of the rule engine: it never fails on any school, and more makes nothing worse."""

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from huxiao.compliance.choices import Status
from huxiao.compliance.measures import required_guards
from huxiao.compliance.rules import shipped_rulesets
from huxiao.core.choices import Ownership, SchoolType, Setting
from huxiao.defense.choices import BackgroundResult, GuardCategory
from huxiao.devices.choices import DeviceKind, DeviceLocation
from tests.compliance.factories import FULL_FACILITY, device, guard, school

ALL_RULES = [r for rs in shipped_rulesets().values() for r in rs.rules]

guards = st.lists(st.builds(
    guard, name=st.text(min_size=1, max_size=4), category=st.sampled_from(GuardCategory.values),
    licensed=st.booleans(), birth=st.dates(datetime.date(1950, 1, 1), datetime.date(2000, 12, 31)),
    hired=st.dates(datetime.date(2015, 1, 1), datetime.date(2026, 1, 1)),
    background=st.sampled_from(BackgroundResult.values)), max_size=8)
devices = st.lists(st.builds(device, kind=st.sampled_from(DeviceKind.values),
                             location=st.sampled_from(DeviceLocation.values), networked=st.booleans(),
                             police_built=st.booleans()), max_size=8)
facilities = st.one_of(st.none(), st.fixed_dictionaries({
    **{k: st.just(v) for k, v in FULL_FACILITY.items()},
    "closed_management": st.booleans(), "gate_duty_room": st.booleans(), "vehicle_access": st.booleans(),
    "anti_ramming_needed": st.booleans(), "anti_ramming_kinds": st.sampled_from([[], ["bollard"]]),
    "enclosure_height_m": st.one_of(st.none(), st.floats(0.5, 4))}))


@st.composite
def schools(draw):
    students = draw(st.integers(0, 5000))
    boarding = draw(st.booleans())
    return school(school_type=draw(st.sampled_from(SchoolType.values)), ownership=draw(st.sampled_from(Ownership.values)),
                  setting=draw(st.sampled_from(Setting.values)), boarding=boarding,
                  complex_environment=draw(st.booleans()), students=students,
                  boarding_students=draw(st.integers(0, students)) if boarding else 0,
                  guards=draw(guards), devices=draw(devices), facility=draw(facilities),
                  equipment=draw(st.dictionaries(st.sampled_from(["safety_fork", "shield", "helmet", "stab_vest"]),
                                                 st.integers(0, 5))))


@given(st.integers(0, 100_000), st.integers(0, 100_000))
def test_required_guards_grow_with_enrolment(a, b):
    lo, hi = sorted((a, b))
    assert 1 <= required_guards(lo) <= required_guards(hi)
    if hi >= 1000:
        assert required_guards(hi) == 3 + (hi - 1000) // 500


@settings(max_examples=150, deadline=None)
@given(schools())
def test_every_rule_gives_a_status_and_a_chinese_reason(facts):
    for r in ALL_RULES:
        status, reason = r.evaluate(facts)
        assert status in Status.values
        assert reason and any("\u4e00" <= ch <= "\u9fff" for ch in reason)
        # not applicable: the school is outside the rule's scope, or it has nobody the measure is about
        # (the first-hire age of full-time guards at a school with none: 000 §三(一)2)
        no_subject = r.measure["kind"] == "guard_hire_age" and not any(
            g.category in r.measure.get("categories", ["full_time"]) for g in facts.guards)
        assert (status == Status.NOT_APPLICABLE) == (not r.applies(facts)[0] or no_subject)


@settings(max_examples=100, deadline=None)
@given(schools(), st.sampled_from(GuardCategory.values))
def test_hiring_a_licensed_checked_young_guard_never_breaks_guard_count_rules(facts, category):
    count_rules = [r for r in ALL_RULES if r.measure["kind"] == "guards_min"]
    before = {r.id: r.evaluate(facts)[0] for r in count_rules}
    facts.guards.append(guard("新人", category=category, birth=datetime.date(1990, 1, 1)))
    for r in count_rules:
        if before[r.id] == Status.MET:
            assert r.evaluate(facts)[0] == Status.MET, r.id


@settings(max_examples=100, deadline=None)
@given(schools(), st.sampled_from(DeviceKind.values), st.sampled_from(DeviceLocation.values))
def test_a_networked_device_never_breaks_installed_rules(facts, kind, location):
    rules = [r for r in ALL_RULES if r.measure["kind"] == "devices_installed"]
    before = {r.id: r.evaluate(facts)[0] for r in rules}
    facts.devices.append(device(kind, location, networked=True))
    for r in rules:
        if before[r.id] == Status.MET:
            assert r.evaluate(facts)[0] == Status.MET, r.id


@settings(max_examples=100, deadline=None)
@given(schools())
def test_a_device_going_silent_never_makes_a_rule_met(facts):
    before = {r.id: r.evaluate(facts)[0] for r in ALL_RULES}
    facts.devices = [device(d.kind, d.location, networked=False, police_built=d.police_built) for d in facts.devices]
    for r in ALL_RULES:
        if before[r.id] == Status.NOT_MET:
            assert r.evaluate(facts)[0] == Status.NOT_MET, r.id
