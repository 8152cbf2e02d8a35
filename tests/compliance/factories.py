"""Plain facts for rule-engine tests (no database)."""

import datetime

from huxiao.compliance.facts import DeviceFact, GuardFact, SchoolFacts

FULL_FACILITY = {"enclosure_type": "wall", "enclosure_height_m": 2.2, "gate_duty_room": True,
                 "closed_management": True, "vehicle_access": True, "anti_ramming_needed": True,
                 "anti_ramming_kinds": ["bollard"], "parent_waiting_area": True, "traffic_needed": ["sign"],
                 "traffic_installed": ["sign"]}


def school(**kw) -> SchoolFacts:
    data = dict(school_id=1, region_code="320413001", school_type="primary", ownership="public", setting="urban",
                boarding=False, complex_environment=False, students=800, boarding_students=0)
    data.update(kw)
    return SchoolFacts(**data)


def guard(name="张三", category="full_time", licensed=True, birth=datetime.date(1980, 1, 1),
          hired=datetime.date(2020, 1, 1), background="passed", health="healthy") -> GuardFact:
    return GuardFact(name, category, licensed, birth, hired, background, health)


def device(kind="alarm_panel", location="duty_room", networked=True, police_built=False) -> DeviceFact:
    return DeviceFact(kind, location, police_built, networked)
