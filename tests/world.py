"""A small region for tests, with healthchecks-style named users.

Regions: 江苏 32 → 常州 3204 → 金坛区 320413 (towns 320413001 东城, 320413101 金城) and 溧阳市 320481.
Schools: a1 (东城街道, station 东城派出所), a2 (金城镇, station 金城派出所), b1 (溧阳市).
Users (WORLD_USERS) cover every role, in and out of jurisdiction; apps add their objects to ``world.extra``.
"""

import datetime
from dataclasses import dataclass, field

from huxiao.core.choices import Ownership, Role, SchoolType, Setting, UnitKind, UnitLevel
from huxiao.core.models import Region, RoleAssignment, School, Unit, User

PASSWORD = "Test-pass-2026"

# key: (role, unit key) — unit keys resolve in build_world
WORLD_USERS = {
    "principal_a1": (Role.PRINCIPAL, "school_a1"),
    "security_a1": (Role.SECURITY_OFFICER, "school_a1"),
    "guard_a1": (Role.GUARD, "school_a1"),
    "principal_a2": (Role.PRINCIPAL, "school_a2"),
    "station_a1": (Role.STATION_OFFICER, "station_a1"),
    "police_a": (Role.POLICE_SUPERVISOR, "police_a"),
    "edu_a": (Role.EDUCATION_OFFICER, "edu_a"),
    "inspector_a": (Role.INSPECTOR, "edu_a"),
    "plc_a": (Role.PLC_COORDINATOR, "plc_a"),
    "edu_b": (Role.EDUCATION_OFFICER, "edu_b"),
    "police_b": (Role.POLICE_SUPERVISOR, "police_b"),
    "police_city": (Role.POLICE_SUPERVISOR, "police_city"),
    "edu_city": (Role.EDUCATION_OFFICER, "edu_city"),
    "admin_province": (Role.SYSADMIN, "edu_province"),
    "admin_b": (Role.SYSADMIN, "edu_b"),
}
ALL_USER_KEYS = ["anonymous", "norole", *WORLD_USERS]

ROLE_USERS = frozenset(WORLD_USERS)  # every user holding a role
SIGNED_IN = ROLE_USERS | {"norole"}  # every user who can sign in

# Who reaches a record by jurisdiction, whatever their role allows (checked against core.scoping's
# filter by tests/core/test_permission_matrix.py::test_reach_sets_are_the_jurisdiction_filter).
REACH_PROVINCE = frozenset({"admin_province"})  # a record of the province itself (region 32)
REACH_CITY = REACH_PROVINCE | {"police_city", "edu_city"}  # a record of 常州 (3204)
REACH_DISTRICT_A = REACH_CITY | {"police_a", "edu_a", "inspector_a", "plc_a"}  # a record of 金坛区 (320413)
REACH_DISTRICT_B = REACH_CITY | {"edu_b", "police_b", "admin_b"}  # a record of 溧阳市 (320481)
REACH_TOWN_A1 = REACH_DISTRICT_A | {"station_a1"}  # a record of 东城街道 that is no school's
REACH_A1 = REACH_TOWN_A1 | {"principal_a1", "security_a1", "guard_a1"}  # school a1 and its records
REACH_A2 = REACH_DISTRICT_A | {"principal_a2"}  # school a2 (金城镇: no station officer in the world)
REACH_B1 = REACH_DISTRICT_B  # school b1 (its station has no user in the world)
# the record's place, as a matrix case names it (tests/matrix.py)
REACH = {"province": REACH_PROVINCE, "city": REACH_CITY, "district_a": REACH_DISTRICT_A,
         "district_b": REACH_DISTRICT_B, "town_a1": REACH_TOWN_A1,
         "a1": REACH_A1, "a2": REACH_A2, "b1": REACH_B1}

# Users by role and place
SCHOOL_STAFF_A1 = frozenset({"principal_a1", "security_a1", "guard_a1"})
SCHOOL_SECURITY_A1 = frozenset({"principal_a1", "security_a1"})  # school a1's principal and security officer
SCHOOL_USERS = SCHOOL_STAFF_A1 | {"principal_a2"}  # everyone whose unit is a school
POLICE_A1 = frozenset({"station_a1", "police_a", "police_city"})  # police reaching school a1
POLICE = POLICE_A1 | {"police_b"}
EDUCATION_A = frozenset({"edu_a", "inspector_a", "edu_city"})  # education officials reaching district A
EDUCATION = EDUCATION_A | {"edu_b"}
ADMINS = frozenset({"admin_province", "admin_b"})
OFFICIALS = POLICE | EDUCATION | ADMINS | {"plc_a"}  # every official (all roles but the schools')
OFFICIALS_A = OFFICIALS & REACH_DISTRICT_A  # officials reaching the whole of district A
INSPECTORS_A1 = POLICE_A1 | EDUCATION_A  # 公安 and 教育 reaching school a1 (not 政法委, not admins)

def users_with(perm: str) -> set:
    """The named users whose role grants ``perm`` (core.permissions.PERMISSIONS), wherever they are."""
    from huxiao.core.permissions import roles_with

    roles = roles_with(perm)
    return {key for key, (role, _unit) in WORLD_USERS.items() if role in roles}


@dataclass
class World:
    regions: dict = field(default_factory=dict)
    units: dict = field(default_factory=dict)
    schools: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    def user(self, key):
        return self.users.get(key)


def _region(code, name, level, parent):
    region, _ = Region.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent": parent})
    return region


def make_school(code, name, region, station, **kw):
    data = dict(school_type=SchoolType.PRIMARY, ownership=Ownership.PUBLIC, setting=Setting.URBAN, students=800,
                staff=60, address=f"{region.name}测试路 1 号", longitude="119.597000", latitude="31.723000",
                gate_open_time=datetime.time(7, 20), noon_dismissal_time=datetime.time(11, 40),
                afternoon_dismissal_time=datetime.time(16, 30))
    data.update(kw)
    unit = Unit.objects.create(name=name, kind=UnitKind.SCHOOL, level=UnitLevel.SCHOOL, region=region)
    return School.objects.create(code=code, name=name, region=region, police_station=station, unit=unit, **data)


def _restore_builtin_checklists():
    """The shipped checklists come from a data migration: put them back if a transactional test's flush
    (whose restore can race with threads of an in-process receiver) took them away."""
    import importlib

    from django.apps import apps

    from huxiao.inspections.models import ChecklistTemplate

    if not ChecklistTemplate.objects.filter(builtin=True).exists():
        importlib.import_module("huxiao.inspections.migrations.0002_builtin_templates").ship(apps, None)


def build_world() -> World:
    w = World()
    if not Region.objects.filter(pk="320413").exists():  # flushed by a transactional test
        from huxiao.core.regions_data import load_regions

        load_regions(Region)
    _restore_builtin_checklists()
    r = w.regions
    r["province"] = Region.objects.get(pk="320000")
    r["city"] = Region.objects.get(pk="320400")
    r["district_a"] = Region.objects.get(pk="320413")
    r["district_b"] = Region.objects.get(pk="320481")
    r["town_a1"] = _region("320413001", "东城街道", "town", r["district_a"])
    r["town_a2"] = _region("320413101", "金城镇", "town", r["district_a"])
    u = w.units

    def unit(key, name, kind, level, region, parent=None):
        u[key] = Unit.objects.create(name=name, kind=kind, level=level, region=region, parent=parent)

    unit("police_province", "省公安厅", UnitKind.POLICE, UnitLevel.PROVINCE, r["province"])
    unit("edu_province", "省教育厅", UnitKind.EDUCATION, UnitLevel.PROVINCE, r["province"])
    unit("police_city", "市公安局", UnitKind.POLICE, UnitLevel.CITY, r["city"], u["police_province"])
    unit("edu_city", "市教育局", UnitKind.EDUCATION, UnitLevel.CITY, r["city"], u["edu_province"])
    unit("police_a", "金坛分局", UnitKind.POLICE, UnitLevel.COUNTY, r["district_a"], u["police_city"])
    unit("edu_a", "金坛区教育局", UnitKind.EDUCATION, UnitLevel.COUNTY, r["district_a"], u["edu_city"])
    unit("plc_a", "金坛区委政法委", UnitKind.POLITICAL_LEGAL, UnitLevel.COUNTY, r["district_a"])
    unit("station_a1", "东城派出所", UnitKind.POLICE, UnitLevel.STATION, r["town_a1"], u["police_a"])
    unit("station_a2", "金城派出所", UnitKind.POLICE, UnitLevel.STATION, r["town_a2"], u["police_a"])
    unit("police_b", "溧阳市公安局", UnitKind.POLICE, UnitLevel.COUNTY, r["district_b"], u["police_city"])
    unit("edu_b", "溧阳市教育局", UnitKind.EDUCATION, UnitLevel.COUNTY, r["district_b"], u["edu_city"])
    unit("station_b1", "溧城派出所", UnitKind.POLICE, UnitLevel.STATION, r["district_b"], u["police_b"])
    s = w.schools
    s["a1"] = make_school("2132413001", "东城实验小学", r["town_a1"], u["station_a1"], students=1350)
    s["a2"] = make_school("1132413002", "金城中心幼儿园", r["town_a2"], u["station_a2"],
                          school_type=SchoolType.KINDERGARTEN, ownership=Ownership.PRIVATE, setting=Setting.RURAL,
                          students=180, noon_dismissal_time=None)
    s["b1"] = make_school("3132481001", "溧阳南渡初级中学", r["district_b"], u["station_b1"],
                          school_type=SchoolType.JUNIOR)
    u["school_a1"], u["school_a2"], u["school_b1"] = s["a1"].unit, s["a2"].unit, s["b1"].unit
    w.users["anonymous"] = None
    w.users["norole"] = User.objects.create_user("norole", password=PASSWORD, full_name="无角色")
    for key, (role, unit_key) in WORLD_USERS.items():
        user = User.objects.create_user(key, password=PASSWORD, full_name=key)
        RoleAssignment.objects.create(user=user, role=role, unit=u[unit_key])
        w.users[key] = user
    return w
