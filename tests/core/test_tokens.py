"""API tokens: expiry, last use, deactivation, sign out everywhere, police tokens need a second factor."""

from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from huxiao.core import services
from huxiao.core.models import ApiToken
from tests.alarms.test_console_session import station  # noqa: F401 - fixture


def call(raw):
    return Client().get("/api/v1/schools", HTTP_AUTHORIZATION=f"Bearer {raw}")


def issue_on_page(client, name="对接", days=None):
    data = {"name": name, **({"days": days} if days else {})}
    r = client.post("/me/", data)
    body = r.content.decode()
    return r, (body.split('id="new-token">')[1].split("<")[0] if 'id="new-token"' in body else None)


def test_token_from_the_page_expires_after_the_chosen_days(world, client_for, settings):
    c = client_for(world.users["edu_a"])
    r, raw = issue_on_page(c)
    token = ApiToken.objects.get(user=world.users["edu_a"])
    assert abs((token.expires_at - token.created_at) - timedelta(days=settings.API_TOKEN_DAYS)) < timedelta(seconds=5)
    _r, raw30 = issue_on_page(c, "短期", 30)
    short = ApiToken.objects.get(name="短期")
    assert abs((short.expires_at - short.created_at) - timedelta(days=30)) < timedelta(seconds=5)
    r, none = issue_on_page(c, "太长", 4000)
    assert none is None and "有效期" in r.content.decode()
    assert call(raw).status_code == 200 and call(raw30).status_code == 200
    short.expires_at = timezone.now() + timedelta(seconds=1)
    short.save()
    assert call(raw30).status_code == 200
    # a second later (the cached token knows its own expiry: no change needed for it to lapse)
    later = timezone.now() + timedelta(seconds=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert call(raw30).status_code == 401
        assert call(raw).status_code == 200
        assert c.get("/me/").content.decode().count("已过期") == 1


def test_last_use_is_recorded_and_shown(world, client_for):
    _t, raw = services.do_issue_token(world.users["edu_a"], "t", actor=world.users["edu_a"])
    assert call(raw).status_code == 200
    token = ApiToken.objects.get()
    assert token.last_used_at is not None
    assert token.last_used_at.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d %H:%M") in \
        client_for(world.users["edu_a"]).get("/me/").content.decode()


def test_deactivated_users_tokens_stop_working(world, client_for):
    user = world.users["edu_a"]
    _t, raw = services.do_issue_token(user, "t", actor=user)
    assert call(raw).status_code == 200  # now cached
    assert client_for(world.users["admin_province"]).post(f"/users/{user.pk}/active/").status_code == 302
    assert call(raw).status_code == 401


def test_sign_out_everywhere_ends_sessions_and_tokens(world, client_for):
    user = world.users["edu_a"]
    _t, raw = services.do_issue_token(user, "t", actor=user)
    laptop, phone = client_for(user), client_for(user)
    assert call(raw).status_code == 200 and phone.get("/me/").status_code == 200
    r = laptop.post("/me/sign-out-everywhere/")
    assert r.status_code == 302 and r["Location"] == "/login/"
    assert call(raw).status_code == 401
    assert phone.get("/me/").status_code == 302 and laptop.get("/me/").status_code == 302
    assert phone.get("/api/v1/schools").status_code == 401
    assert ApiToken.objects.get().revoked_at is not None
    assert laptop.get("/me/sign-out-everywhere/").status_code in (302, 405)  # GET changes nothing
    r = Client().post("/me/sign-out-everywhere/")
    assert r.status_code == 302 and r["Location"].startswith("/login/?next=")  # anonymous: nothing to end


def test_police_tokens_need_a_second_factor(world, client_for):
    officer = world.users["station_a1"]
    c = client_for(officer)
    r, raw = issue_on_page(c)
    assert raw is None and "双因素认证" in r.content.decode()
    assert not ApiToken.objects.filter(user=officer).exists()
    device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    _r, raw = issue_on_page(c)
    assert raw and call(raw).status_code == 200
    device.delete()  # the second factor removed (administrator reset): the token stops
    assert call(raw).status_code == 401


def test_revoked_and_malformed_tokens_are_refused(world, client_for):
    user = world.users["edu_a"]
    _t, raw = services.do_issue_token(user, "t", actor=user)
    c = client_for(user)
    token = ApiToken.objects.get()
    assert client_for(world.users["edu_b"]).post(f"/me/tokens/{token.pk}/revoke/").status_code == 404
    assert c.post(f"/me/tokens/{token.pk}/revoke/").status_code == 302
    assert call(raw).status_code == 401
    for bad in ("hx_" + "a" * 5000, "hx_", "x" * 40, raw[:-1]):
        assert call(bad).status_code == 401


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sign_out_everywhere_closes_an_open_console(station):  # noqa: F811 - the fixture
    """From another browser: the console's WebSocket is closed (4401) and its polling refused."""
    from tests.alarms.test_console_session import _scenario, signed_in

    user, panel = station
    console, laptop = signed_in(user), signed_in(user)
    _scenario(console, panel, lambda: laptop.post("/me/sign-out-everywhere/"))
