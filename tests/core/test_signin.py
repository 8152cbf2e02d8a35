"""Sign-in throttling through the login page, as an attacker drives it: forged X-Forwarded-For, many
addresses, deliberate failures against someone else's account."""

import pytest
from django.test import Client

from huxiao.core import signin
from huxiao.core.models import AuditLog, Notification
from tests.world import PASSWORD


@pytest.fixture
def axes_on(settings):
    from axes.utils import reset

    settings.AXES_ENABLED = True
    settings.TRUSTED_PROXIES = []
    reset()
    yield settings
    reset()


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, moved by the test (one process, no wall-clock comparisons)."""
    now = [1_000_000.0]
    monkeypatch.setattr(signin, "_now", lambda: now[0])
    return now


def attempt(client, username, password, addr="198.51.100.7", **extra):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=addr, **extra)


def signed_in(response):
    return response.status_code == 302 and "/login/" not in response["Location"]


def test_rotating_forwarded_for_does_not_bypass_the_address_lockout(world, axes_on):
    attacker = Client()
    for i in range(5):  # a different account and a different forged address each time
        r = attempt(attacker, f"guess{i}", "wrong", addr="198.51.100.7", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
        assert r.status_code == (200 if i < 4 else 429)  # the fifth failure locks the address
    r = attempt(attacker, "edu_a", PASSWORD, addr="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.200")
    assert r.status_code == 429 and "锁定" in r.content.decode()
    assert "_auth_user_id" not in attacker.session
    assert signed_in(attempt(Client(), "edu_a", PASSWORD, addr="198.51.100.8"))  # other addresses unaffected


def test_forwarded_for_is_believed_only_from_a_trusted_proxy(world, axes_on):
    axes_on.TRUSTED_PROXIES = ["10.0.0.1"]
    client = Client()
    for i in range(5):  # through the proxy; a forged left-most entry does not change the client
        attempt(client, f"guess{i}", "wrong", addr="10.0.0.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 203.0.113.5")
    r = attempt(client, "edu_a", PASSWORD, addr="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert r.status_code == 429
    assert signed_in(attempt(Client(), "edu_a", PASSWORD, addr="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.6"))


def test_account_delay_grows_and_never_becomes_a_lockout(world, axes_on, clock):
    for i in range(5):  # five free failures, from five addresses (no address lockout)
        assert attempt(Client(), "edu_a", "wrong", addr=f"198.51.100.{i}").status_code == 200
    waits = []
    for i in range(4):
        attempt(Client(), "edu_a", "wrong", addr=f"198.51.101.{i}")
        waits.append(signin.remaining_delay("edu_a"))
        if i < 3:
            clock[0] += waits[-1]
    assert waits == [2, 4, 8, 16]
    failures = signin.account_state("edu_a")["failures"]
    # inside the delay even the right password is not checked, and the refusal is not counted
    r = attempt(Client(), "edu_a", PASSWORD, addr="198.51.102.1")
    assert r.status_code == 429 and "秒后再试" in r.content.decode()
    assert signin.account_state("edu_a")["failures"] == failures
    clock[0] += 300
    assert signed_in(attempt(Client(), "edu_a", PASSWORD, addr="198.51.102.2"))


def test_delay_is_capped(world, axes_on, clock, settings):
    settings.SIGNIN_MAX_DELAY_SECONDS = 60
    for i in range(15):
        attempt(Client(), "edu_a", "wrong", addr=f"198.51.100.{i}")
        clock[0] += 1000
    attempt(Client(), "edu_a", "wrong", addr="198.51.100.99")
    assert signin.remaining_delay("edu_a") == 60


def test_unknown_accounts_get_the_same_answer(world, axes_on, clock):
    for name in ("edu_a", "nobody-here"):
        for i in range(6):
            attempt(Client(), name, "wrong", addr=f"198.51.{100 + len(name)}.{i}")
    answers = [attempt(Client(), name, "wrong", addr="198.51.120.1") for name in ("edu_a", "nobody-here")]
    assert [a.status_code for a in answers] == [429, 429]
    assert answers[0].content.decode().count("秒后再试") == answers[1].content.decode().count("秒后再试") == 1


def test_known_browser_signs_in_while_its_account_is_attacked(world, axes_on, clock):
    station = Client()
    assert signed_in(attempt(station, "station_a1", PASSWORD, addr="198.51.100.50"))
    assert signin.COOKIE in station.cookies
    station.post("/logout/")
    for i in range(20):  # from the station's own address too: it is locked for everyone else
        attempt(Client(), "station_a1", "wrong", addr="198.51.100.50" if i < 6 else f"198.51.103.{i}")
    assert attempt(Client(), "station_a1", PASSWORD, addr="198.51.100.51").status_code == 429
    assert attempt(Client(), "principal_a1", PASSWORD, addr="198.51.100.50").status_code == 429
    assert signed_in(attempt(station, "station_a1", PASSWORD, addr="198.51.100.50"))


def test_a_known_browser_that_keeps_failing_loses_its_exemption(world, axes_on, clock):
    browser = Client()
    assert signed_in(attempt(browser, "edu_a", PASSWORD, addr="198.51.100.60"))
    browser.post("/logout/")
    for i in range(5):
        attempt(browser, "edu_a", "wrong", addr=f"198.51.104.{i}")
    assert signin.account_state("edu_a")["failures"] == 0  # counted against the browser, not the account
    for i in range(6):
        attempt(browser, "edu_a", "wrong", addr=f"198.51.105.{i}")
    assert signin.account_state("edu_a")["failures"] == 6
    assert attempt(browser, "edu_a", PASSWORD, addr="198.51.105.9").status_code == 429


def test_a_forged_device_cookie_is_ignored(world, axes_on, clock):
    forger = Client()
    forger.cookies[signin.COOKIE] = "edu_a:abc:forged"
    for i in range(6):
        attempt(forger, "edu_a", "wrong", addr=f"198.51.106.{i}")
    assert signin.account_state("edu_a")["failures"] == 6


def test_open_session_survives_someone_elses_failed_sign_ins(world, axes_on, clock):
    officer = Client()
    assert signed_in(attempt(officer, "station_a1", PASSWORD, addr="198.51.100.70"))
    for i in range(30):
        attempt(Client(), "station_a1", "wrong", addr="198.51.100.70" if i % 2 else f"198.51.107.{i}")
    assert officer.get("/me/").status_code == 200
    assert officer.get("/api/v1/schools").status_code == 200


def test_administrators_are_alerted_once_and_can_lift_the_delay(world, axes_on, clock, client_for,
                                                                django_capture_on_commit_callbacks):
    for i in range(12):
        with django_capture_on_commit_callbacks(execute=True):
            attempt(Client(), "edu_a", "wrong", addr=f"198.51.108.{i}")
        clock[0] += 600
    alerts = Notification.objects.filter(title__contains="edu_a")
    assert {n.recipient.username for n in alerts} == {"admin_province"}  # admin_b's district is elsewhere
    assert alerts.count() == 1 and alerts.get().level == "warning"
    target = world.users["edu_a"]
    assert client_for(world.users["admin_b"]).post(f"/users/{target.pk}/unlock/").status_code == 404
    assert client_for(world.users["edu_a"]).post(f"/users/{target.pk}/unlock/").status_code == 403
    admin = client_for(world.users["admin_province"])
    assert "近期连续登录失败 12 次" in admin.get(f"/users/{target.pk}/").content.decode()
    r = admin.post(f"/users/{target.pk}/unlock/")
    assert r.status_code == 302 and signin.account_state("edu_a")["failures"] == 0
    assert AuditLog.objects.filter(model="core.User", object_id=str(target.pk), action="update",
                                   username="admin_province").exists()
    assert signed_in(attempt(Client(), "edu_a", PASSWORD, addr="198.51.108.200"))


def test_admin_site_signs_in_through_the_product_sign_in(world, client):
    r = client.get("/django-admin/login/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")
