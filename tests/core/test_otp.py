"""Second factor: enrolment with a locally drawn QR, sign-in with TOTP or a recovery code, enrolment
required for police and administrators before any session exists, administrator reset."""

import re

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from huxiao.core.models import AuditLog
from tests.world import PASSWORD


def code_for(device, drift=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


def sign_in(client, username, otp=""):
    return client.post("/login/", {"username": username, "password": PASSWORD, "otp_token": otp})


def recovery_codes(response):
    return re.findall(r"<li>([a-z0-9]+)</li>", response.content.decode().split('id="hx-recovery-codes"')[1])


def enrol(client, user):
    page = client.get("/me/otp/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    r = client.post("/me/otp/", {"otp_token": code_for(device)})
    assert r.status_code == 200
    return TOTPDevice.objects.get(user=user, confirmed=True), recovery_codes(r)


def test_enrolment_page_draws_the_qr_itself(world, client_for):
    c = client_for(world.users["edu_a"])
    html = c.get("/me/otp/").content.decode()
    qr = html.split('id="hx-otp-qr">')[1].split("</div>")[0]
    assert qr.lstrip().startswith("<svg") and "<path" in qr
    assert "src=" not in qr and "href=" not in qr  # nothing fetched from anywhere
    assert c.get("/me/otp/").content.decode().split('id="hx-otp-secret">')[1][:20] == \
        html.split('id="hx-otp-secret">')[1][:20]  # a reload keeps the same secret


def test_wrong_code_does_not_enrol(world, client_for):
    c = client_for(world.users["edu_a"])
    c.get("/me/otp/")
    r = c.post("/me/otp/", {"otp_token": "000000x"})
    assert r.status_code == 200 and "动态口令不正确" in r.content.decode()
    assert not TOTPDevice.objects.filter(user=world.users["edu_a"], confirmed=True).exists()


def test_enrolled_user_signs_in_with_totp_or_a_recovery_code_once(world, client_for):
    user = world.users["edu_a"]
    device, codes = enrol(client_for(user), user)
    assert len(codes) == 10 and StaticToken.objects.filter(device__user=user).count() == 10
    assert AuditLog.objects.filter(object_id=str(user.pk), after__second_factor="enrolled").exists()

    r = sign_in(Client(), "edu_a")
    assert r.status_code == 200 and "动态口令" in r.content.decode()
    r = sign_in(Client(), "edu_a", "123456" if code_for(device) != "123456" else "654321")
    assert r.status_code == 200
    assert AuditLog.objects.filter(action="login_failed", object_repr="edu_a").count() == 2

    # django-otp throttles the device after a wrong code (1 s, 2 s, 4 s …): the failure is recorded, and
    # while the throttle holds even the right code waits. The 1 s after one failure may have passed by
    # now on a loaded machine, so the wait is made long by the failures recorded, not by the clock.
    device.refresh_from_db()
    assert device.throttling_failure_count == 1 and device.throttling_failure_timestamp is not None
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=20)  # 2**19 s
    assert sign_in(Client(), "edu_a", code_for(device, drift=1)).status_code == 200
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    StaticDevice.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    c = Client()
    r = sign_in(c, "edu_a", code_for(device, drift=1))  # next step's code: not used yet
    assert r.status_code == 302 and r["Location"] == "/"
    assert c.get("/me/").status_code == 200

    assert sign_in(Client(), "edu_a", codes[0]).status_code == 302
    assert sign_in(Client(), "edu_a", codes[0]).status_code == 200  # each recovery code works once


def test_profile_shows_the_state(world, client_for):
    user = world.users["edu_a"]
    c = client_for(user)
    assert "未启用" in c.get("/me/").content.decode()
    enrol(c, user)
    assert "剩余 10 个恢复码" in c.get("/me/").content.decode()


def test_renewing_recovery_codes_needs_a_current_code(world, client_for):
    user = world.users["edu_a"]
    c = client_for(user)
    device, old = enrol(c, user)
    r = c.post("/me/otp/", {"otp_token": "12"})
    assert "动态口令不正确" in r.content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    r = c.post("/me/otp/", {"otp_token": code_for(device, drift=1)})
    new = recovery_codes(r)
    assert len(new) == 10 and not set(new) & set(old)
    assert sign_in(Client(), "edu_a", old[1]).status_code == 200


@pytest.mark.parametrize("username,setting", [("station_a1", "HUXIAO_REQUIRE_OTP_FOR_POLICE"),
                                              ("admin_province", "HUXIAO_REQUIRE_OTP_FOR_ADMINS")])
def test_required_enrolment_comes_before_any_session(world, settings, username, setting):
    setattr(settings, setting, True)
    c = Client()
    r = sign_in(c, username)
    assert r.status_code == 302 and r["Location"] == "/login/otp/"
    assert c.get("/me/").status_code == 302 and c.get("/api/v1/schools").status_code == 401
    assert "<svg" in c.get("/login/otp/").content.decode()
    device = TOTPDevice.objects.get(user=world.users[username], confirmed=False)
    r = c.post("/login/otp/", {"otp_token": code_for(device)})
    assert r.status_code == 200 and len(recovery_codes(r)) == 10
    assert c.get("/me/").status_code == 200
    assert c.get("/api/v1/schools").status_code == 200
    # from now on the code is asked for at every sign-in
    assert sign_in(Client(), username).status_code == 200


def test_requirement_off_in_the_demo(world, settings):
    settings.HUXIAO_REQUIRE_OTP_FOR_POLICE = settings.HUXIAO_REQUIRE_OTP_FOR_ADMINS = False
    assert sign_in(Client(), "station_a1")["Location"] == "/"


def test_required_enrolment_stops_after_five_wrong_codes(world, settings):
    settings.HUXIAO_REQUIRE_OTP_FOR_POLICE = True
    c = Client()
    sign_in(c, "station_a1")
    c.get("/login/otp/")
    for _ in range(5):
        r = c.post("/login/otp/", {"otp_token": "000000"})
    assert r.status_code == 302 and r["Location"] == "/login/"
    assert c.get("/login/otp/").status_code == 302


def test_administrator_resets_a_lost_second_factor(world, client_for, settings):
    user = world.users["station_a1"]
    enrol(client_for(user), user)
    assert client_for(world.users["admin_b"]).post(f"/users/{user.pk}/reset-otp/").status_code == 404
    assert client_for(world.users["police_a"]).post(f"/users/{user.pk}/reset-otp/").status_code == 403
    assert client_for(world.users["admin_province"]).post(f"/users/{user.pk}/reset-otp/").status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists() and not StaticToken.objects.filter(device__user=user)
    settings.HUXIAO_REQUIRE_OTP_FOR_POLICE = True
    assert sign_in(Client(), "station_a1")["Location"] == "/login/otp/"
