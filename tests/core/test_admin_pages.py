"""Pages of user administration and the menu: role grants pick the unit from a searchable list (a text box
with a datalist, no script), and the region navigation is not offered to school users."""

import re

import pytest

from huxiao.core.models import RoleAssignment, Unit, User
from tests.world import PASSWORD, SCHOOL_USERS


def menu_links(page: str) -> set:
    nav = page.split('<nav', 1)[1].split('</nav>', 1)[0]
    return set(re.findall(r'href="([^"]+)"', nav))


@pytest.mark.parametrize("key", sorted(SCHOOL_USERS))
def test_the_region_navigation_is_not_offered_to_school_users(world, client_for, key):
    page = client_for(world.users[key]).get("/").content.decode()
    assert "/schools/" in menu_links(page)
    assert "/regions/" not in menu_links(page) and "区划导航" not in page


@pytest.mark.parametrize("key", ["edu_a", "station_a1", "police_city", "plc_a", "admin_b"])
def test_officials_keep_the_region_navigation(world, client_for, key):
    assert "/regions/" in menu_links(client_for(world.users[key]).get("/").content.decode())


def test_a_user_with_a_school_role_and_a_district_role_is_offered_it(world, client_for):
    user = world.users["principal_a1"]
    RoleAssignment.objects.create(user=user, role="inspector", unit=world.units["edu_a"])
    assert "/regions/" in menu_links(client_for(user).get("/").content.decode())


def test_the_unit_is_picked_from_a_searchable_list_of_the_units_in_reach(world, client_for):
    page = client_for(world.users["admin_b"]).get(f"/users/{world.users['norole'].pk}/").content.decode()
    box = re.search(r'<input[^>]*name="unit"[^>]*>', page).group(0)
    assert 'list="id_unit-options"' in box and 'type="text"' in box and '<select name="unit"' not in page
    options = re.findall(r'<option value="([^"]*)"></option>',
                         page.split('<datalist id="id_unit-options">', 1)[1].split("</datalist>", 1)[0])
    in_reach = Unit.objects.filter(region_code__startswith="320481")
    assert len(options) == in_reach.count() == 4
    assert "溧城派出所（溧阳市，公安）" in options and "溧阳南渡初级中学（溧阳市，学校）" in options
    assert not any("东城" in o for o in options)  # out of admin_b's reach: not offered
    assert "4 个单位" in page


@pytest.mark.parametrize("typed", ["金城派出所（金城镇，公安）", "金城派出所"])
def test_a_role_is_granted_by_the_label_or_the_unique_name(world, client_for, typed):
    subject = world.users["norole"]
    r = client_for(world.users["admin_province"]).post(f"/users/{subject.pk}/",
                                                       {"role": "station_officer", "unit": typed})
    assert r.status_code == 302, r.content.decode()[-800:]
    assert subject.role_assignments.get().unit == world.units["station_a2"]


@pytest.mark.parametrize("key,typed,field,message", [
    ("admin_province", "不存在的派出所", "unit", "没有“不存在的派出所”这个单位"),
    ("admin_b", "东城派出所（东城街道，公安）", "unit", "没有“东城派出所（东城街道，公安）”这个单位"),  # out of reach
    ("admin_b", "东城派出所", "unit", "没有“东城派出所”这个单位"),
    ("admin_province", "", "unit", "必填"),
    ("admin_province", "溧城派出所", "role", "不能授予"),  # a guard's role at a police station
])
def test_a_bad_pick_is_shown_on_its_field_and_grants_nothing(world, client_for, key, typed, field, message):
    subject = world.users["norole"]
    r = client_for(world.users[key]).post(f"/users/{subject.pk}/",
                                          {"role": "guard" if field == "role" else "station_officer", "unit": typed})
    assert r.status_code == 200
    page = r.content.decode()
    assert message in page
    box = re.search(rf'<(input|select)[^>]*name="{field}"[^>]*>', page).group(0)
    assert "is-invalid" in box
    assert not subject.role_assignments.exists()


def test_two_units_of_one_name_ask_for_the_full_label(world, client_for):
    Unit.objects.create(name="东城派出所", kind="police", level="station", region=world.regions["town_a2"],
                        parent=world.units["police_a"])
    subject = world.users["norole"]
    c = client_for(world.users["admin_province"])
    r = c.post(f"/users/{subject.pk}/", {"role": "station_officer", "unit": "东城派出所"})
    assert "有 2 个单位名为“东城派出所”" in r.content.decode() and not subject.role_assignments.exists()
    assert c.post(f"/users/{subject.pk}/", {"role": "station_officer", "unit": "东城派出所（东城街道，公安）"}
                  ).status_code == 302
    assert subject.role_assignments.get().unit == world.units["station_a1"]


def test_a_user_is_created_with_the_unit_picked_by_name(world, client_for):
    c = client_for(world.users["admin_province"])
    page = c.get("/users/new/").content.decode()
    assert 'list="id_unit-options"' in page and "东城实验小学（东城街道，学校）" in page
    r = c.post("/users/new/", {"username": "new.guard2", "full_name": "新保安", "password": PASSWORD,
                               "role": "guard", "unit": "东城实验小学（东城街道，学校）"})
    assert r.status_code == 302, r.content.decode()[-600:]
    user = User.objects.get(username="new.guard2")
    assert user.role_assignments.get().unit == world.units["school_a1"]
    r = c.post("/users/new/", {"username": "new.guard3", "full_name": "新保安", "password": PASSWORD,
                               "role": "guard", "unit": "东城"})
    assert r.status_code == 200 and "没有“东城”这个单位" in r.content.decode()
    assert not User.objects.filter(username="new.guard3").exists()
