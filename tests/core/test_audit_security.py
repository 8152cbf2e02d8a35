"""Audit log, attachments, sign-in throttling, idle sessions and the production security profile."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from huxiao.core import attachments, services
from huxiao.core.models import Attachment, AuditLog, School

ROOT = Path(__file__).resolve().parents[2]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_school_change_is_audited_with_before_after_and_ip(world, client):
    client.force_login(world.users["edu_a"])
    r = client.patch(f"/api/v1/schools/{world.schools['a1'].pk}", data='{"students": 1400}',
                     content_type="application/json", REMOTE_ADDR="10.1.2.3")
    assert r.status_code == 200
    entry = AuditLog.objects.filter(model="core.School", action="update").get()
    assert entry.username == "edu_a" and entry.ip == "10.1.2.3"
    assert entry.before == {"students": 1350} and entry.after == {"students": 1400}
    assert entry.region_code == "320413001" and entry.school_id == world.schools["a1"].pk


def test_audit_entries_cannot_be_changed_or_deleted(world):
    services.do_update_school(world.schools["a1"], {"students": 1}, actor=world.users["edu_a"])
    entry = AuditLog.objects.first()
    entry.username = "someone else"
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    assert AuditLog.objects.get(pk=entry.pk).username == "edu_a"


def test_audit_admin_is_read_only(world, client):
    admin = world.users["norole"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    services.do_update_school(world.schools["a1"], {"students": 2}, actor=world.users["edu_a"])
    entry = AuditLog.objects.first()
    r = client.post(f"/django-admin/core/auditlog/{entry.pk}/delete/", {"post": "yes"})
    assert r.status_code == 403
    assert AuditLog.objects.filter(pk=entry.pk).exists()


def test_sign_in_and_failures_are_audited(world, client):
    client.post("/login/", {"username": "edu_a", "password": "wrong"})
    client.post("/login/", {"username": "edu_a", "password": "Test-pass-2026"})
    actions = list(AuditLog.objects.filter(model="core.User").values_list("action", flat=True))
    assert "login_failed" in actions and "login" in actions


def test_repeated_failures_lock_the_account(world, client, settings):
    settings.AXES_ENABLED = True
    from axes.utils import reset

    reset()
    for _ in range(5):
        client.post("/login/", {"username": "edu_a", "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    r = client.post("/login/", {"username": "edu_a", "password": "Test-pass-2026"}, REMOTE_ADDR="10.0.0.9")
    assert r.status_code == 429 and "锁定" in r.content.decode()
    reset()


def test_idle_session_expires(world, client, settings):
    client.force_login(world.users["edu_a"])
    assert client.get("/").status_code == 200
    session = client.session
    session["last_seen"] = int(time.time()) - settings.SESSION_COOKIE_AGE - 5
    session.save()
    r = client.get("/")
    assert r.status_code == 302 and "/login/" in r["Location"]


def test_security_headers(world, client):
    client.force_login(world.users["edu_a"])
    r = client.get("/")
    assert "default-src 'self'" in r["Content-Security-Policy"]
    assert r["X-Frame-Options"] == "DENY" and r["X-Content-Type-Options"] == "nosniff"


def test_attachment_types_and_sizes(world, settings):
    user = world.users["principal_a1"]
    att = attachments.do_store_attachment(SimpleUploadedFile("门口.png", PNG), actor=user, school=world.schools["a1"])
    assert att.content_type == "image/png" and att.region_code == "320413001" and len(att.sha256) == 64
    assert Path(att.file.path).read_bytes() == PNG
    with pytest.raises(ValidationError, match="不支持的文件类型"):
        attachments.do_store_attachment(SimpleUploadedFile("virus.png", b"MZ\x90\x00"), actor=user)
    with pytest.raises(ValidationError, match="文件为空"):
        attachments.do_store_attachment(SimpleUploadedFile("e.png", b""), actor=user)
    settings.ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="文件过大"):
        attachments.do_store_attachment(SimpleUploadedFile("big.png", PNG), actor=user)
    with pytest.raises(PermissionDenied):
        attachments.do_store_attachment(SimpleUploadedFile("b.png", PNG), actor=user, school=world.schools["b1"])
    assert Attachment.objects.count() == 1


def test_production_profile_passes_deploy_checks():
    env = {**os.environ, "DJANGO_PRODUCTION": "1", "SECRET_KEY": "x" * 64 + "production-secret-key-abcdefgh",
           "FIELD_ENCRYPTION_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
           "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{ROOT}/var/deploycheck.sqlite3"),
           "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
           "ALLOWED_HOSTS": "huxiao.example.gov.cn"}
    env.pop("HUXIAO_TESTING", None)
    r = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT,
                       env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


def test_production_without_secrets_refuses_to_start():
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "HUXIAO_TESTING")}
    env["DJANGO_PRODUCTION"] = "1"
    r = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode != 0 and "SECRET_KEY must be set" in r.stderr


def test_school_counts_unchanged_by_refusals(world):
    assert School.objects.count() == 3
