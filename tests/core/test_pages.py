"""Core pages as users use them: menus by role, forms refusing bad input in Chinese, demo data, TOTP."""

import pytest
from django.core.management import call_command

from huxiao.core.models import School, User


def test_menu_shows_only_what_the_roles_allow(world, client):
    client.force_login(world.users["guard_a1"])
    page = client.get("/").content.decode()
    assert "学校台账" in page and "用户管理" not in page and "学校导入" not in page and "审计日志" not in page
    client.force_login(world.users["admin_province"])
    page = client.get("/").content.decode()
    assert "用户管理" in page and "审计日志" in page and "学校导入" in page


def test_school_edit_page_refuses_bad_input_in_chinese(world, client):
    from tests.core.matrix_cases import school_edit_form

    school = world.schools["a1"]
    client.force_login(world.users["edu_a"])
    data = school_edit_form(world)
    data.update(longitude="150.1", latitude="10", students="-3", afternoon_dismissal_time="11:00")
    r = client.post(f"/schools/{school.pk}/edit/", data)
    page = r.content.decode()
    assert r.status_code == 200 and "请更正以下错误" in page
    assert "在校生数" in page
    school.refresh_from_db()
    assert school.name == "东城实验小学" and school.students == 1350


def test_school_edit_page_saves_and_audits(world, client):
    from tests.core.matrix_cases import school_edit_form

    client.force_login(world.users["principal_a1"])
    r = client.post(f"/schools/{world.schools['a1'].pk}/edit/", school_edit_form(world))
    assert r.status_code == 302
    assert School.objects.get(pk=world.schools["a1"].pk).name == "东城实验小学（改）"


def test_school_user_cannot_move_the_school(world, client):
    from tests.core.matrix_cases import school_edit_form

    client.force_login(world.users["principal_a1"])
    data = school_edit_form(world)
    data.update(region=world.regions["town_a2"].code, code="2132413999")
    client.post(f"/schools/{world.schools['a1'].pk}/edit/", data)
    school = School.objects.get(pk=world.schools["a1"].pk)
    assert school.region_code == "320413001" and school.code == "2132413001"  # disabled fields ignored


def test_user_admin_page_creates_user_with_role(world, client):
    client.force_login(world.users["admin_province"])
    r = client.post("/users/new/", {"username": "new.guard", "full_name": "新保安", "password": "short",
                                    "role": "guard", "unit": world.units["school_a1"].pk})
    assert r.status_code == 200 and not User.objects.filter(username="new.guard").exists()
    r = client.post("/users/new/", {"username": "new.guard", "full_name": "新保安", "password": "Guard-pass-2026",
                                    "role": "guard", "unit": world.units["school_a1"].pk})
    assert r.status_code == 302
    user = User.objects.get(username="new.guard")
    assert user.role_assignments.get().unit == world.units["school_a1"]
    assert user.check_password("Guard-pass-2026")


def test_demo_region_and_synthetic_schools(db):
    call_command("seed_demo")
    from huxiao.core.choices import Role, SchoolType
    from huxiao.core.models import RoleAssignment

    district = School.objects.filter(district_id="320413")
    assert 90 <= district.count() <= 110
    assert set(district.values_list("school_type", flat=True)) == set(SchoolType.values)
    assert set(district.values_list("ownership", flat=True)) == {"public", "private"}
    assert set(district.values_list("setting", flat=True)) == {"urban", "town", "rural"}
    assert set(RoleAssignment.objects.values_list("role", flat=True)) == set(Role.values)
    for school in district:
        school.full_clean(exclude=["district", "region_code", "unit"])  # every demo school is valid
    before = School.objects.count()
    call_command("seed_demo", schools=40)
    assert School.objects.count() == before + 40
    call_command("seed_demo")  # idempotent
    assert School.objects.count() == before + 40


@pytest.fixture
def otp_required(settings):
    settings.HUXIAO_REQUIRE_OTP_FOR_POLICE = True


def test_police_need_a_totp_code_when_required(world, client, otp_required):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    officer = world.users["station_a1"]
    device = TOTPDevice.objects.create(user=officer, name="手机", confirmed=True)
    r = client.post("/login/", {"username": "station_a1", "password": "Test-pass-2026"})
    assert r.status_code == 200 and "动态口令" in r.content.decode()
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    r = client.post("/login/", {"username": "station_a1", "password": "Test-pass-2026", "otp_token": f"{code:06d}"})
    assert r.status_code == 302
    client.logout()
    r = client.post("/login/", {"username": "edu_a", "password": "Test-pass-2026"})  # not police: no code
    assert r.status_code == 302
