"""One ``ancestors`` and one ``users_reaching``: who a record of a school reaches, from the test world."""

import pytest

from huxiao.core.choices import RegionLevel, Role
from huxiao.core.reach import ancestors, level_of, users_reaching

OFFICIALS = [Role.STATION_OFFICER, Role.POLICE_SUPERVISOR, Role.EDUCATION_OFFICER, Role.INSPECTOR]
STAFF = [Role.PRINCIPAL, Role.SECURITY_OFFICER, Role.GUARD]


@pytest.mark.parametrize("code, chain", [
    ("320413101", ["320413101", "320413", "320400", "320000"]),
    ("320413", ["320413", "320400", "320000"]),
    ("320400", ["320400", "320000"]),
    ("320000", ["320000"]),
    ("3204", ["320400", "320000"]),
    ("320413101201", ["320413101201", "320413101", "320413", "320400", "320000"]),
    ("", []),
])
def test_ancestors_are_the_code_and_every_region_above_it(code, chain):
    assert ancestors(code) == chain


def test_levels_read_from_the_digits():
    assert [level_of(c) for c in ancestors("320413101")] == ["town", "county", "city", "province"]


def names(users):
    return {u.username for u in users}


def test_a_school_reaches_its_staff_and_the_officials_above_it(world):
    a1 = world.schools["a1"]
    assert names(users_reaching(a1, STAFF + OFFICIALS)) == {
        "principal_a1", "security_a1", "guard_a1", "station_a1", "police_a", "edu_a", "inspector_a",
        "police_city", "edu_city"}
    # the district and below: no city; another town's station and another school's staff never
    assert names(users_reaching(a1, STAFF + OFFICIALS, up_to=RegionLevel.COUNTY)) == {
        "principal_a1", "security_a1", "guard_a1", "station_a1", "police_a", "edu_a", "inspector_a"}


def test_a_record_reaches_through_its_own_school_and_region(world):
    from huxiao.hazards.models import Hazard

    a2 = world.schools["a2"]
    record = Hazard(school=a2, region_code=a2.region_code)
    assert names(users_reaching(record, [Role.PRINCIPAL, Role.EDUCATION_OFFICER], up_to=RegionLevel.COUNTY)) == {
        "principal_a2", "edu_a"}


def test_one_level_alone_and_a_bare_region_code(world):
    code = world.schools["a1"].region_code
    county = users_reaching(code, [Role.POLICE_SUPERVISOR], from_level=RegionLevel.COUNTY, up_to=RegionLevel.COUNTY)
    city = users_reaching(code, [Role.POLICE_SUPERVISOR], from_level=RegionLevel.CITY, up_to=RegionLevel.CITY)
    assert names(county) == {"police_a"} and names(city) == {"police_city"}
    # a school unit's town code does not make a school's staff officials of the town
    assert names(users_reaching(code, STAFF)) == set()
    assert names(users_reaching("320481", [Role.SYSADMIN])) == {"admin_province", "admin_b"}


def test_inactive_users_are_not_reached(world):
    from huxiao.core import services
    from huxiao.core.actions import SYSTEM

    services.do_set_user_active(world.users["edu_a"], False, actor=SYSTEM)
    assert "edu_a" not in names(users_reaching(world.schools["a1"], [Role.EDUCATION_OFFICER]))


def test_the_three_former_look_ups_answer_as_before(world):
    """hazards.responsible_users and alarms.supervisors_at now ask users_reaching: same people."""
    from huxiao.alarms.services import supervisors_at
    from huxiao.hazards.services import EDUCATION_ROLES, responsible_users

    a1 = world.schools["a1"]
    assert names(responsible_users(a1)) == {"principal_a1", "security_a1", "station_a1", "police_a", "edu_a",
                                            "inspector_a"}
    assert names(responsible_users(a1, up_to="city")) == names(responsible_users(a1)) | {"police_city", "edu_city"}
    assert names(responsible_users(world.schools["b1"], roles=EDUCATION_ROLES)) == {"edu_b"}
    assert names(supervisors_at(1, a1.region_code)) == {"police_a"}
    assert names(supervisors_at(2, a1.region_code)) == {"police_city"}
