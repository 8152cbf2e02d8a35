"""Builders shared by the 三防, device and compliance tests: valid ID numbers, guards, devices, facilities."""

import datetime
import itertools

from django.test import TestCase
from django.utils import timezone
from stdnum.cn import ric

from huxiao.core.actions import SYSTEM
from huxiao.defense import services as defense
from huxiao.devices import services as devices

_SERIALS = itertools.count(1)  # default device serials, unique in the run
AREAS = ("320482", "110101")  # 金坛市 (valid for births from its creation), 北京东城 (always valid)


def id_number(birth: datetime.date, seq: int = 123) -> str:
    """A GB 11643-valid ID number for ``birth`` (area code valid in that year, check digit computed)."""
    for area in AREAS:
        body = f"{area}{birth:%Y%m%d}{seq % 1000:03d}"
        number = body + ric.calc_check_digit(body + "0")
        if ric.is_valid(number):
            return number
    raise AssertionError(f"no valid ID number for {birth}")


def committed():
    """As if the builder's transaction committed: what the services queue for after the commit (the events
    compliance follows) runs at the end of the block, inside the test's transaction."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def add_guard(school, *, actor=SYSTEM, name="张保安", category="full_time", birth=datetime.date(1980, 1, 1),
              hired=datetime.date(2021, 3, 1), license="苏保0001", seq=None, background="passed", **extra):
    seq = seq if seq is not None else abs(hash((name, school.pk))) % 1000
    data = {"name": name, "category": category, "first_hired_on": hired, "license_number": license,
            "background_result": background, **extra}
    if background != "pending":
        data.setdefault("background_checked_on", hired)
    with committed():
        return defense.do_create_guard(school, data, id_number=id_number(birth, seq), actor=actor)


def add_device(school, *, kind="alarm_panel", location="duty_room", serial=None, seen=None, window=300,
               police_built=False, actor=SYSTEM):
    serial = serial or f"{kind}-{school.pk}-{location}-{next(_SERIALS)}"
    with committed():
        device, secret = devices.do_register_device(school, {
            "kind": kind, "location": location, "name": f"{location}{kind}", "serial": serial[:64],
            "police_built": police_built, "supervision_window": datetime.timedelta(seconds=window)}, actor=actor)
    if seen is not None:
        with committed():
            devices.record_heartbeats([(device.pk, seen)])
        device.refresh_from_db()
    return device, secret


FULL_FACILITY = {"enclosure_type": "wall", "enclosure_height_m": 2.2, "gate_duty_room": True,
                 "closed_management": True, "vehicle_access": True, "anti_ramming_needed": True,
                 "anti_ramming_kinds": ["bollard"], "parent_waiting_area": True, "traffic_needed": ["sign"],
                 "traffic_installed": ["sign"]}


def set_facility(school, actor=SYSTEM, **changes):
    data = {**FULL_FACILITY, **changes}
    from decimal import Decimal

    if data.get("enclosure_height_m") is not None:
        data["enclosure_height_m"] = Decimal(str(data["enclosure_height_m"]))
    with committed():
        return defense.do_update_facility(school, data, actor=actor)


def ensure_records(world):
    """Records of school a1 (and one of b1) that the permission-matrix cases act on (idempotent)."""
    if "guard_a1" in world.extra:
        return
    from huxiao.compliance.services import sync_campaigns

    sync_campaigns()
    a1, b1 = world.schools["a1"], world.schools["b1"]
    world.extra["guard_a1"] = add_guard(a1, name="李保安", seq=11)
    world.extra["guard_b1"] = add_guard(b1, name="王保安", seq=12)
    set_facility(a1)
    world.extra["device_a1"], _secret = add_device(a1, serial="A1-ALARM-1", seen=timezone.now())
