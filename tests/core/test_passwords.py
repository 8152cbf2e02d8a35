"""Password policy, self-service change, administrator reset and expiry, through pages and the API."""

import html
import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from huxiao.core.models import AuditLog, User
from tests.world import PASSWORD

WEAK = ["Abcdefgh12",           # too short, and a run
        "Abcdefghij12",         # 12 characters, but a run with a capital in front
        "Abcdefgh!@#$",         # a run and a keyboard row
        "Qwertyuiop12",         # keyboard row
        "Password@2026",        # common word + year
        "P@ssw0rd1234",         # leetspeak of a common word
        "Newguard-2026-x",      # contains the account name (newguard)
        "short1A!"]             # too short
STRONG = ["Guard-pass-2026", "Zk7#mQ2v!pLx9", "Correct-Horse-Battery9"]


@pytest.mark.parametrize("password", WEAK)
def test_weak_passwords_are_refused_in_chinese(password, db):
    from django.contrib.auth.password_validation import validate_password

    with pytest.raises(ValidationError) as exc:
        validate_password(password, User(username="newguard", full_name="新门卫"))
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in exc.value.messages)


@pytest.mark.parametrize("password", STRONG)
def test_strong_passwords_pass(password, db):
    from django.contrib.auth.password_validation import validate_password

    validate_password(password, User(username="newguard", full_name="新门卫"))


def test_api_refuses_a_weak_password_and_creates_nothing(world, client_for):
    admin = client_for(world.users["admin_province"])
    before = User.objects.count()
    r = admin.post("/api/v1/users", data=json.dumps({"username": "weakling", "password": "Abcdefghij12",
                                                     "roles": []}), content_type="application/json")
    assert r.status_code in (400, 422) and "password" in json.dumps(r.json(), ensure_ascii=False)
    assert "容易被猜到" in json.dumps(r.json(), ensure_ascii=False)
    assert User.objects.count() == before


def test_demo_password_still_signs_in(db):
    from huxiao.core.demo import DEMO_PASSWORD

    user = User.objects.create(username="demo-user")
    user.set_password(DEMO_PASSWORD)  # the seed sets it directly; the policy applies when a user sets one
    user.save()
    r = Client().post("/login/", {"username": "demo-user", "password": DEMO_PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/"


def test_self_service_change(world, client):
    user = world.users["edu_a"]
    other = Client()
    other.force_login(user)
    assert client.post("/login/", {"username": "edu_a", "password": PASSWORD}).status_code == 302
    r = client.post("/me/password/", {"old_password": "wrong", "new_password1": "Zk7#mQ2v!pLx9",
                                      "new_password2": "Zk7#mQ2v!pLx9"})
    assert r.status_code == 200 and "原密码不正确" in r.content.decode()
    r = client.post("/me/password/", {"old_password": PASSWORD, "new_password1": "Abcdefghij12",
                                      "new_password2": "Abcdefghij12"})
    assert "容易被猜到" in r.content.decode()
    r = client.post("/me/password/", {"old_password": PASSWORD, "new_password1": "Zk7#mQ2v!pLx9",
                                      "new_password2": "Zk7#mQ2v!pLx8"})
    assert "不一致" in r.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    r = client.post("/me/password/", {"old_password": PASSWORD, "new_password1": "Zk7#mQ2v!pLx9",
                                      "new_password2": "Zk7#mQ2v!pLx9"})
    assert r.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Zk7#mQ2v!pLx9")
    assert client.get("/me/").status_code == 200  # this session stays
    assert other.get("/me/").status_code == 302  # the other one ended


def test_administrator_reset_forces_a_change_at_next_sign_in(world, client_for):
    target = world.users["principal_a1"]
    session = client_for(target)
    assert client_for(world.users["admin_b"]).post(f"/users/{target.pk}/reset-password/").status_code == 404
    assert client_for(world.users["edu_a"]).post(f"/users/{target.pk}/reset-password/").status_code == 403
    admin = client_for(world.users["admin_province"])
    r = admin.post(f"/users/{target.pk}/reset-password/")
    assert r.status_code == 302
    r = admin.get(r["Location"])
    assert r.status_code == 200
    assert admin.get(f"/users/{target.pk}/reset-password/").status_code == 302  # shown once
    temporary = html.unescape(r.content.decode().split('id="hx-temporary-password">')[1].split("<")[0])
    assert len(temporary) == 16
    assert session.get("/me/").status_code == 302  # the user's sessions ended
    assert AuditLog.objects.filter(object_id=str(target.pk), username="admin_province", action="update").exists()

    c = Client()
    r = c.post("/login/", {"username": "principal_a1", "password": temporary})
    assert r.status_code == 302 and r["Location"] == "/login/password/"
    assert c.get("/me/").status_code == 302  # no session until the password is changed
    assert c.get("/api/v1/schools").status_code == 401
    r = c.post("/login/password/", {"new_password1": "Abcdefghij12", "new_password2": "Abcdefghij12"})
    assert r.status_code == 200 and "容易被猜到" in r.content.decode()
    r = c.post("/login/password/", {"new_password1": "Lotus-pond-4471", "new_password2": "Lotus-pond-4471"})
    assert r.status_code == 302 and r["Location"] == "/"
    assert c.get("/me/").status_code == 200
    target.refresh_from_db()
    assert not target.must_change_password and target.check_password("Lotus-pond-4471")


def test_pending_step_cannot_be_reached_without_the_password(world, client):
    assert client.get("/login/password/").status_code == 302
    r = client.post("/login/password/", {"new_password1": "Lotus-pond-4471", "new_password2": "Lotus-pond-4471"})
    assert r.status_code == 302 and r["Location"] == "/login/"
    assert world.users["edu_a"].check_password(PASSWORD)


def test_expired_password_must_be_changed(world, settings):
    user = world.users["edu_a"]
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=100))
    settings.PASSWORD_MAX_AGE_DAYS = 0
    assert Client().post("/login/", {"username": "edu_a", "password": PASSWORD})["Location"] == "/"
    settings.PASSWORD_MAX_AGE_DAYS = 90
    c = Client()
    r = c.post("/login/", {"username": "edu_a", "password": PASSWORD})
    assert r["Location"] == "/login/password/"
    assert "已过期" in c.get("/login/password/").content.decode()
    r = c.post("/login/password/", {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert "不能与原密码相同" in r.content.decode()
