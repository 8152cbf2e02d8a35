"""The audit page on the record layer: each entry in Chinese (the typed event's label, Beijing time, the
changed fields by their labels with old → new values, masked values masked), its filters (event, user,
dates, region picker) and its Excel export, which is itself audited."""

import datetime
import io
import zoneinfo

import openpyxl
import pytest

from huxiao.core import services
from huxiao.core.choices import SchoolType
from huxiao.core.models import AuditLog

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def changes(world):
    a1, b1 = world.schools["a1"], world.schools["b1"]
    services.do_update_school(a1, {"name": "东城实验小学（新校区）", "students": 1400,
                                   "school_type": SchoolType.NINE_YEAR, "principal_phone": "13912345678"},
                              actor=world.users["edu_a"])
    services.do_update_school(b1, {"staff": 75}, actor=world.users["edu_b"])
    return {"a1": AuditLog.objects.get(event="core.update_school", school_id=a1.pk),
            "b1": AuditLog.objects.get(event="core.update_school", school_id=b1.pk)}


def page(world, query="", user="admin_province"):
    from django.test import Client

    c = Client()
    c.force_login(world.users[user])
    r = c.get(f"/audit/?{query}")
    assert r.status_code == 200, r.content[:300]
    return r.content.decode()


def test_an_entry_reads_in_chinese_with_field_labels_and_local_time(world, changes):
    entry = changes["a1"]
    html = page(world, "event=core.update_school")
    assert "修改学校" in html  # the typed event's label (core.CoreAudit.UPDATE_SCHOOL)
    local = entry.at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")
    assert local in html
    assert "学校名称" in html and "在校生数" in html and "学校类型" in html  # the fields' verbose names
    assert "东城实验小学</span> → <span class=\"audit-new\">东城实验小学（新校区）" in html
    assert "1350</span> → <span class=\"audit-new\">1400" in html
    assert "小学</span> → <span class=\"audit-new\">九年一贯制学校" in html  # choice labels, not values
    assert "{&#x27;" not in html and "nine_year" not in html  # no Python dicts, no raw codes


def test_masked_values_stay_masked(world, changes):
    html = page(world, "event=core.update_school")
    assert "校长电话" in html and "139****5678" in html
    assert "13912345678" not in html


def test_an_entry_without_a_typed_event_shows_its_action(world, client_for):
    client_for(world.users["admin_province"]).get("/users/")  # a read: no event, action 读取敏感信息
    html = page(world, "action=read")
    assert "读取敏感信息" in html and "用户列表" in html


def test_filter_by_event_user_and_region(world, changes):
    html = page(world, "event=core.update_school&region=320481")
    assert "溧阳南渡初级中学" in html and "东城实验小学" not in html
    html = page(world, "user=edu_a&event=core.update_school")
    assert "<td>edu_a</td>" in html and "<td>edu_b</td>" not in html
    tomorrow = datetime.datetime.now(SHANGHAI).date() + datetime.timedelta(days=1)
    assert "没有符合条件的记录" in page(world, f"event=core.update_school&start={tomorrow}")


def test_filters_are_pickers(world, changes):
    html = page(world)
    assert '<select name="event"' in html and '<optgroup label="基础平台">' in html and "修改学校" in html
    assert '<select name="region"' in html and 'value="320413"' in html
    assert 'type="date"' in html


@pytest.mark.parametrize("query, message", [
    ("event=core.steal", "event"),
    ("region=99", "区划"),
    ("start=2026-13-01", "起始日期格式应为 YYYY-MM-DD"),
])
def test_bad_filters_are_named_on_their_field(world, changes, query, message):
    html = page(world, query)
    assert 'id="audit-filter-errors"' in html and "is-invalid" in html
    assert message in html if message != "event" else "事件" in html
    assert "东城实验小学（新校区）" not in html  # nothing listed


def test_a_district_auditor_sees_its_district_only(world, changes):
    html = page(world, "event=core.update_school", user="admin_b")
    assert "溧阳南渡初级中学" in html and "东城实验小学" not in html


def _sheet(response):
    assert response.status_code == 200, response.content[:300]
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def test_export_is_the_filtered_entries_and_is_audited(world, changes, client_for):
    c = client_for(world.users["admin_province"])
    before = AuditLog.objects.count()  # after signing in (audited too)
    rows = list(_sheet(c.get("/audit/?event=core.update_school&export=xlsx")).iter_rows(values_only=True))
    header = rows[0]
    assert header[0] == "时间（北京时间）" and "内容" in header
    assert len(rows) == 3
    by_object = {r[header.index("对象")]: r for r in rows[1:]}
    a1 = by_object["东城实验小学（新校区）"]
    assert a1[header.index("操作")] == "修改学校"
    assert a1[0] == changes["a1"].at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")
    assert "在校生数：1350 → 1400" in a1[header.index("内容")]
    assert "139****5678" in a1[header.index("内容")] and "13912345678" not in a1[header.index("内容")]
    assert AuditLog.objects.count() == before + 1
    read = AuditLog.objects.order_by("-id").first()
    assert (read.event, read.model, read.username) == ("core.export", "core.AuditLog", "admin_province")
    assert read.after == {"count": 2, "filters": {"event": ["core.update_school"]}}


def test_export_keeps_formula_looking_text_as_text(world, client_for):
    school = world.schools["a1"]
    services.do_update_school(school, {"name": "=1+2 东城"}, actor=world.users["edu_a"])
    ws = _sheet(client_for(world.users["admin_province"]).get("/audit/?event=core.update_school&export=xlsx"))
    cells = [cell for row in ws.iter_rows() for cell in row if str(cell.value).startswith("=1+2")]
    assert cells and all(cell.data_type == "s" for cell in cells)


def test_export_is_for_auditors_only(world, changes, client_for):
    official, anonymous = client_for(world.users["edu_a"]), client_for(None)
    before = AuditLog.objects.count()  # (signing in is audited too)
    assert official.get("/audit/?export=xlsx").status_code == 403
    assert anonymous.get("/audit/?export=xlsx").status_code == 302
    assert AuditLog.objects.count() == before
    rows = list(_sheet(client_for(world.users["admin_b"]).get("/audit/?event=core.update_school&export=xlsx"))
                .iter_rows(values_only=True))
    assert [r[rows[0].index("对象")] for r in rows[1:]] == ["溧阳南渡初级中学"]
