"""Production refuses the published demo keys and short keys; OpenAPI and docs need a sign-in there;
the CSP lets pages connect only to their own origin."""

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from huxiao.core import services

ROOT = Path(__file__).resolve().parents[2]
GOOD_SECRET = "k3Jx9-production-secret-that-is-long-enough-0a1b2c3d4e5f"
GOOD_FIELD_KEY = base64.urlsafe_b64encode(bytes(range(32))).decode()
DEMO_SECRET = "insecure-demo-key-only-for-the-embedded-demo-0123456789abcdef"
DEMO_FIELD_KEY = "ZGVtby1maWVsZC1rZXktMzItYnl0ZXMtbG9uZy0wMDA="


def load_settings(**env):
    """Import the settings in a fresh interpreter with ``env``; (returncode, stdout, stderr)."""
    base = {k: v for k, v in os.environ.items()
            if k not in ("HUXIAO_TESTING", "SECRET_KEY", "FIELD_ENCRYPTION_KEY", "API_DOCS_REQUIRE_LOGIN")}
    base.update({"DJANGO_PRODUCTION": "1", "DATABASE_URL": "postgres://huxiao@db.invalid/huxiao",
                 "REDIS_URL": "redis://redis.invalid:6379/0", "ALLOWED_HOSTS": "huxiao.example.gov.cn"})
    base.update(env)
    code = ("import json, huxiao.settings as s; print(json.dumps({'docs': s.API_DOCS_REQUIRE_LOGIN, "
            "'connect': s.CONTENT_SECURITY_POLICY['DIRECTIVES']['connect-src'], "
            "'police': s.HUXIAO_REQUIRE_OTP_FOR_POLICE, 'admins': s.HUXIAO_REQUIRE_OTP_FOR_ADMINS, "
            "'expiry': s.PASSWORD_MAX_AGE_DAYS}))")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout, r.stderr


@pytest.mark.parametrize("env,message", [
    ({"SECRET_KEY": DEMO_SECRET, "FIELD_ENCRYPTION_KEY": GOOD_FIELD_KEY}, "SECRET_KEY is the published demo key"),
    ({"SECRET_KEY": "django-insecure-" + "x" * 40, "FIELD_ENCRYPTION_KEY": GOOD_FIELD_KEY}, "SECRET_KEY"),
    ({"SECRET_KEY": "short-but-not-demo", "FIELD_ENCRYPTION_KEY": GOOD_FIELD_KEY}, "at least 32 bytes"),
    ({"SECRET_KEY": GOOD_SECRET, "FIELD_ENCRYPTION_KEY": DEMO_FIELD_KEY}, "FIELD_ENCRYPTION_KEY is the published"),
    ({"SECRET_KEY": GOOD_SECRET, "FIELD_ENCRYPTION_KEY": base64.urlsafe_b64encode(b"k" * 16).decode()},
     "at least 32 bytes"),
    ({"SECRET_KEY": GOOD_SECRET, "FIELD_ENCRYPTION_KEY": "not base64 at all!"}, "FIELD_ENCRYPTION_KEY"),
])
def test_production_refuses_demo_and_short_keys(env, message):
    code, _out, err = load_settings(**env)
    assert code != 0 and "ImproperlyConfigured" in err and message in err


def test_production_with_real_keys_starts_with_the_strict_profile():
    code, out, err = load_settings(SECRET_KEY=GOOD_SECRET, FIELD_ENCRYPTION_KEY=GOOD_FIELD_KEY)
    assert code == 0, err
    assert json.loads(out) == {"docs": True, "connect": ["'self'"], "police": True, "admins": True, "expiry": 90}


def test_demo_keeps_its_keys_and_open_docs():
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_PRODUCTION", "SECRET_KEY")}
    env["HUXIAO_TESTING"] = "1"
    r = subprocess.run([sys.executable, "-c", "import huxiao.settings as s; print(s.API_DOCS_REQUIRE_LOGIN, "
                        "s.SECRET_KEY == s.DEMO_SECRET_KEY)"], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=60)
    assert r.stdout.split() == ["False", "True"], r.stderr


@pytest.mark.parametrize("path", ["/api/v1/openapi.json", "/api/openapi.json"])
def test_openapi_needs_a_sign_in_when_required(world, client, client_for, settings, path):
    settings.API_DOCS_REQUIRE_LOGIN = True
    r = client.get(path)
    assert r.status_code == 401 and "登录" in r.json()["detail"]
    assert "paths" in client_for(world.users["guard_a1"]).get(path).json()
    _t, raw = services.do_issue_token(world.users["edu_a"], "t", actor=world.users["edu_a"])
    assert client.get(path, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    assert client.get(path, HTTP_AUTHORIZATION="Bearer hx_forged").status_code == 401
    settings.API_DOCS_REQUIRE_LOGIN = False
    assert client.get(path).status_code == 200


def test_docs_page_redirects_to_sign_in_when_required(world, client, client_for, settings):
    settings.API_DOCS_REQUIRE_LOGIN = True
    for path in ("/api/v1/docs", "/api/docs"):
        r = client.get(path)
        assert r.status_code == 302 and r["Location"].startswith("/login/")
    assert client_for(world.users["edu_a"]).get("/api/v1/docs").status_code == 200


def test_csp_connects_only_to_the_own_origin(world, client_for):
    r = client_for(world.users["edu_a"]).get("/")
    policy = dict(part.strip().split(" ", 1) for part in r["Content-Security-Policy"].split(";") if part.strip())
    assert policy["connect-src"] == "'self'"
