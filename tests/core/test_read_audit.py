"""Sensitive reads leave exactly one ``read`` entry with the reader, what was read and the proxy-verified
address — user lists and pages, attachment downloads, hazard and inspection details, issued documents,
import reports — and a refused read leaves none. The audit page finds them by action, user, type, date."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from huxiao.core.attachments import do_store_attachment
from huxiao.core.models import AuditLog, ImportJob
from tests.hazards.helpers import PNG, api, hazard_payload

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"
REAL = "198.51.100.23"
VIA_PROXY = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"6.6.6.6, {REAL}"}  # 6.6.6.6: forged by the client


@pytest.fixture(autouse=True)
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY]


def signed_in(user):
    c = Client(**VIA_PROXY)
    c.force_login(user)
    return c


def reads():
    return AuditLog.objects.filter(action="read")


def one_read(**match):
    entries = list(reads())
    assert len(entries) == 1, [(e.username, e.model, e.after) for e in entries]
    entry = entries[0]
    assert entry.ip == REAL
    for key, value in match.items():
        got = entry.after.get(key) if key in ("what", "count") else getattr(entry, key)
        assert got == value, (key, got, value)
    return entry


@pytest.fixture
def hazard(world):
    return api(world.users["edu_a"]).post("/hazards/", hazard_payload(world)).json()["id"]


@pytest.fixture
def inspection(world):
    from tests.inspections.test_inspections import payload

    return api(world.users["inspector_a"]).post("/inspections/", payload(world)).json()["id"]


@pytest.fixture
def attachment(world):
    return do_store_attachment(SimpleUploadedFile("门卫室.png", PNG), actor=world.users["principal_a1"],
                               school=world.schools["a1"])


def test_user_list_page(world):
    r = signed_in(world.users["admin_province"]).get("/users/")
    assert r.status_code == 200
    entry = one_read(what="用户列表", model="core.User", username="admin_province")
    assert entry.after["count"] >= 10 and entry.region_code == "32"


def test_user_list_api(world):
    r = signed_in(world.users["admin_b"]).get("/api/v1/users")
    assert r.status_code == 200
    entry = one_read(what="用户列表", model="core.User", username="admin_b", count=len(r.json()))
    assert entry.region_code == "320481"  # filed under the reader's own jurisdiction


def test_user_page(world):
    subject = world.users["principal_a1"]
    assert signed_in(world.users["admin_province"]).get(f"/users/{subject.pk}/").status_code == 200
    one_read(what="用户信息", model="core.User", object_id=str(subject.pk))


def test_attachment_downloads(world, attachment):
    assert signed_in(world.users["edu_a"]).get(f"/attachments/{attachment.pk}/").status_code == 200
    one_read(what="附件下载", model="core.Attachment", object_id=str(attachment.pk), school_id=world.schools["a1"].pk)
    before = reads().count()
    assert signed_in(world.users["edu_a"]).get(f"/hazards/attachments/{attachment.pk}/").status_code == 200
    assert reads().count() == before + 1 and reads().first().after["what"] == "附件下载"


def test_hazard_detail_page_and_api(world, hazard):
    assert signed_in(world.users["police_a"]).get(f"/hazards/{hazard}/").status_code == 200
    one_read(what="隐患详情", model="hazards.Hazard", object_id=str(hazard), region_code="320413001")
    assert signed_in(world.users["police_a"]).get(f"/api/v1/hazards/{hazard}").status_code == 200
    assert reads().count() == 2 and {e.ip for e in reads()} == {REAL}


def test_inspection_detail_page_and_api(world, inspection):
    assert signed_in(world.users["edu_a"]).get(f"/inspections/{inspection}/").status_code == 200
    one_read(what="检查记录详情", model="inspections.Inspection", object_id=str(inspection))
    assert signed_in(world.users["edu_a"]).get(f"/api/v1/inspections/{inspection}").status_code == 200
    assert reads().count() == 2


def test_issued_documents(world, hazard, inspection):
    c = signed_in(world.users["edu_a"])
    c.post(f"/hazards/schools/{world.schools['a1'].pk}/notices/")
    c.post("/inspections/bulletins/", {"region": "320413"})
    assert not reads().exists()  # issuing is a change (audited as such), not a read
    from huxiao.hazards.models import IssuedDocument

    notice = IssuedDocument.objects.get(kind="notice")
    bulletin = IssuedDocument.objects.get(kind="bulletin")
    assert c.get(f"/hazards/notices/{notice.pk}.docx").status_code == 200
    one_read(what="整改通知书", object_id=str(notice.pk), school_id=world.schools["a1"].pk)
    assert c.get(f"/inspections/bulletins/{bulletin.pk}.docx").status_code == 200
    assert reads().count() == 2 and reads().first().after["what"] == "检查通报"


def test_import_report(world):
    job = ImportJob.objects.create(original_name="x.xlsx", path="/nonexistent", created_by=world.users["edu_a"],
                                   status="failed", errors=[{"row": 2, "column": "学校名称", "message": "必填"}])
    c = signed_in(world.users["edu_a"])
    assert c.get(f"/schools/import/{job.pk}/").status_code == 200
    one_read(what="学校导入报告", model="core.ImportJob", count=1)
    running = ImportJob.objects.create(original_name="y.xlsx", path="/nonexistent", created_by=world.users["edu_a"])
    c.get(f"/schools/import/{running.pk}/", HTTP_HX_REQUEST="true")  # a progress poll shows no report
    assert reads().count() == 1


@pytest.mark.parametrize("user,url", [
    ("admin_b", lambda w, x: f"/users/{w.users['principal_a1'].pk}/"),      # out of jurisdiction: 404
    ("edu_a", lambda w, x: "/users/"),                                       # no such role: 403
    ("edu_b", lambda w, x: f"/attachments/{x['attachment'].pk}/"),
    ("edu_b", lambda w, x: f"/hazards/{x['hazard']}/"),
    ("edu_b", lambda w, x: f"/api/v1/hazards/{x['hazard']}"),
    ("edu_b", lambda w, x: f"/inspections/{x['inspection']}/"),
    ("edu_b", lambda w, x: f"/api/v1/inspections/{x['inspection']}"),
    ("principal_a1", lambda w, x: "/api/v1/users"),
    ("anonymous", lambda w, x: f"/hazards/{x['hazard']}/"),
])
def test_refused_reads_leave_nothing(world, hazard, inspection, attachment, user, url):
    extra = {"hazard": hazard, "inspection": inspection, "attachment": attachment}
    client = Client(**VIA_PROXY) if user == "anonymous" else signed_in(world.users[user])
    r = client.get(url(world, extra))
    assert r.status_code in (302, 401, 403, 404)
    assert not reads().exists()


def test_audit_page_filters_reads(world, hazard):
    signed_in(world.users["admin_province"]).get("/users/")
    signed_in(world.users["edu_a"]).get(f"/hazards/{hazard}/")
    admin = signed_in(world.users["admin_province"])
    page = admin.get("/audit/?action=read").content.decode()
    assert "读取敏感信息" in page and "用户列表" in page and "隐患详情" in page and REAL in page
    assert 'data-action="update"' not in page and 'data-action="create"' not in page
    page = admin.get("/audit/?action=read&user=edu_a").content.decode()
    assert "隐患详情" in page and "用户列表" not in page
    page = admin.get("/audit/?action=read&model=core.User").content.decode()
    assert "用户列表" in page and "隐患详情" not in page
    today = timezone.localdate()
    page = admin.get(f"/audit/?action=read&start={today}&end={today}").content.decode()
    assert "用户列表" in page
    tomorrow = today + datetime.timedelta(days=1)
    page = admin.get(f"/audit/?action=read&start={tomorrow}").content.decode()
    assert "用户列表" not in page and "没有符合条件的记录" in page


def test_audit_page_shows_local_time(world):
    signed_in(world.users["admin_province"]).get("/users/")
    entry = reads().get()
    local = timezone.localtime(entry.at, timezone.get_fixed_timezone(8 * 60))
    page = signed_in(world.users["admin_province"]).get("/audit/?action=read").content.decode()
    assert local.strftime("%Y-%m-%d %H:%M:%S") in page and "北京时间" in page


@pytest.mark.parametrize("query,message", [
    ("start=2026-13-01", "起始日期格式应为 YYYY-MM-DD"),
    ("start=2026-05-02&end=2026-05-01", "截止日期不能早于起始日期"),
    ("end=9999-12-31", "日期超出合理范围"),
    ("action=steal", "action"),
    ("model=auth.Secret", "model"),
])
def test_bad_audit_filters_are_named_not_500(world, query, message):
    r = signed_in(world.users["admin_province"]).get(f"/audit/?{query}")
    assert r.status_code == 200
    page = r.content.decode()
    assert 'id="audit-filter-errors"' in page
    if message not in ("action", "model"):
        assert message in page


def test_audit_page_is_for_auditors_only(world):
    signed_in(world.users["admin_province"]).get("/users/")
    assert signed_in(world.users["edu_a"]).get("/audit/?action=read").status_code == 403
    # a district administrator sees the reads filed under its district, not the province's
    page = signed_in(world.users["admin_b"]).get("/audit/?action=read").content.decode()
    assert "用户列表" not in page
    signed_in(world.users["admin_b"]).get("/users/")
    page = signed_in(world.users["admin_b"]).get("/audit/?action=read").content.decode()
    assert "<td>admin_b</td>" in page and "<td>admin_province</td>" not in page
