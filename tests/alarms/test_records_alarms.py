"""The alarm history (报警记录) on the record layer: status, category, date range, school, region and
disposition filters shared by the page, the paged API list and the Excel export; invalid filters refused
by name; the export is exactly the filtered rows, formula-safe and audited; out-of-jurisdiction alarms are
never listed or exported. The console and its feed are not touched."""

import datetime
import io

import openpyxl
import pytest
from django.utils import timezone

from huxiao.alarms import services
from huxiao.alarms.intake import Incoming, receive_alarms
from huxiao.alarms.models import Alarm
from huxiao.core.choices import AuditAction
from huxiao.core.models import AuditLog
from tests.alarms.conftest import make_panel

pytestmark = pytest.mark.django_db

FORMULA = "=cmd|' /C calc'!A0"


@pytest.fixture
def history(world):
    """a1: an emergency closed as a false alarm (received 40 days ago), an intrusion acknowledged, a test;
    a2: a fire, open; b1 (溧阳): an emergency."""
    panels = {k: make_panel(world.schools[k], f"AP-REC-{k}", acct) for k, acct in
              (("a1", "7B1"), ("a2", "7B2"), ("b1", "7B3"))}

    def one(key, code, n, **kw):
        ((pk, _new),) = receive_alarms([Incoming(device=panels[key], source="dc09", dedup_key=f"rec:{key}:{n}",
                                                 code=code, zone=str(n), **kw)])
        return Alarm.objects.get(pk=pk)

    made = {"false": one("a1", "PA", 1, message=FORMULA), "intrusion": one("a1", "BA", 2),
            "test": one("a1", "RP", 3), "fire": one("a2", "FA", 4), "other": one("b1", "PA", 5)}
    officer = world.users["station_a1"]
    services.do_acknowledge_alarm(made["false"], actor=officer)
    services.do_close_alarm(made["false"], disposition="false", notes=FORMULA, actor=officer)
    services.do_acknowledge_alarm(made["intrusion"], actor=officer)
    Alarm.objects.filter(pk=made["false"].pk).update(received_at=timezone.now() - datetime.timedelta(days=40))
    return {k: Alarm.objects.get(pk=a.pk) for k, a in made.items()}


def _ids(response):
    assert response.status_code == 200, response.content
    return sorted(a["id"] for a in response.json()["items"])


def _rows(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    return list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows())


def _day(days_ago: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=days_ago)).isoformat()


@pytest.mark.parametrize("query, keys", [
    ("status=closed", ["false"]),
    ("status=acknowledged", ["intrusion"]),
    ("category=fire", ["fire"]),
    ("category=emergency", ["false"]),
    ("disposition=false", ["false"]),
    ("open_only=true", ["fire", "intrusion"]),
    ("include_tests=false", ["false", "fire", "intrusion"]),
    ("region=320413101", ["fire"]),
    ("q=东城", ["false", "intrusion", "test"]),
    (lambda w: f"school={w.schools['a2'].pk}", ["fire"]),
    (lambda w: f"school_id={w.schools['a2'].pk}", ["fire"]),  # the list's earlier parameter name
    (lambda w: f"received_before={_day(30)}", ["false"]),
    (lambda w: f"received_after={_day(1)}&category=intrusion", ["intrusion"]),
])
def test_each_api_filter(world, history, client_for, query, keys):
    query = query(world) if callable(query) else query
    got = _ids(client_for(world.users["edu_a"]).get(f"/api/v1/alarms/alarms?{query}"))
    assert got == sorted(history[k].pk for k in keys)


def test_the_list_is_paged_newest_first_as_the_console_shows_alarms(world, history, client_for):
    body = client_for(world.users["station_a1"]).get("/api/v1/alarms/alarms?page_size=2").json()
    assert (body["count"], body["page"], body["page_size"]) == (3, 1, 2)  # the station reaches a1 only
    first = body["items"][0]
    assert first["id"] == history["test"].pk and first["school"]["name"] == "东城实验小学"
    assert body["items"][1]["id"] == history["intrusion"].pk


def test_a_non_empty_page_is_one_audited_read_and_an_empty_one_none(world, history, client_for):
    c = client_for(world.users["edu_a"])
    reads = AuditLog.objects.filter(action=AuditAction.READ, model="alarms.Alarm", user=world.users["edu_a"])
    c.get("/api/v1/alarms/alarms?category=fire")
    assert list(reads.values_list("after", flat=True)) == [{"what": "报警列表", "count": 1}]
    c.get("/api/v1/alarms/alarms?category=arming")
    assert reads.count() == 1


@pytest.mark.parametrize("query, param", [
    ("status=lost", "status"), ("category=ufo", "category"), ("disposition=maybe", "disposition"),
    ("received_after=2026-13-01", "received"), ("received_after=0001-01-01", "received"),
    ("received_before=9999-12-31", "received"), ("school=abc", "school"), ("school_id=0", "school_id"),
    ("region=99", "region"), ("sort=dedup_key", "sort"), ("open_only=perhaps", "open_only"),
])
def test_invalid_filters_are_422_naming_the_parameter_and_change_nothing(world, history, client_for, query, param):
    c = client_for(world.users["edu_a"])
    entries, alarms = AuditLog.objects.count(), Alarm.objects.count()
    for path in ("/api/v1/alarms/alarms", "/api/v1/alarms/alarms/export"):
        r = c.get(f"{path}?{query}")
        assert r.status_code == 422, (path, r.content)
        assert any(param in "".join(map(str, p["loc"])) for p in r.json()["detail"]), r.json()
    assert (AuditLog.objects.count(), Alarm.objects.count()) == (entries, alarms)


def test_export_is_exactly_the_filtered_rows_formula_safe_and_audited(world, history, client_for):
    c = client_for(world.users["edu_a"])
    rows = _rows(c.get("/api/v1/alarms/alarms/export?disposition=false"))
    header = [cell.value for cell in rows[0]]
    assert header[:4] == ["接警时间", "学校", "区划代码", "事件"]
    assert len(rows) == 2
    row = {h: cell for h, cell in zip(header, rows[1], strict=True)}
    assert row["处置结果"].value == "误报" and row["状态"].value == "处置完毕" and row["类别"].value == "紧急报警"
    assert row["处置情况"].value == FORMULA and row["处置情况"].data_type == "s"  # text, never a formula
    received = timezone.localtime(history["false"].received_at).replace(tzinfo=None, microsecond=0)
    assert row["接警时间"].value.replace(microsecond=0) == received  # Beijing time
    entry = AuditLog.objects.order_by("-id").first()
    assert (entry.event, entry.model, entry.username) == ("core.export", "alarms.Alarm", "edu_a")
    assert entry.after == {"count": 1, "filters": {"disposition": ["false"]}}


def test_page_and_its_export_show_the_same_rows(world, history, client_for):
    c = client_for(world.users["edu_a"])
    html = c.get("/alarms/?category=fire").content.decode()
    assert "金城中心幼儿园" in html and "东城实验小学" not in html.split('id="alarm-table"')[1]
    rows = _rows(c.get("/alarms/?category=fire&export=xlsx"))
    assert [r[1].value for r in rows[1:]] == ["金城中心幼儿园"]


def test_out_of_jurisdiction_alarms_are_never_listed_or_exported(world, history, client_for):
    c = client_for(world.users["edu_a"])
    assert history["other"].pk not in _ids(c.get("/api/v1/alarms/alarms"))
    assert _ids(c.get(f"/api/v1/alarms/alarms?school={world.schools['b1'].pk}")) == []
    schools = {r[1].value for r in _rows(c.get("/api/v1/alarms/alarms/export"))[1:]}
    assert schools == {"东城实验小学", "金城中心幼儿园"}
    assert "溧阳南渡初级中学" not in {r[1].value for r in _rows(c.get("/alarms/?export=xlsx"))[1:]}


def test_page_filters_are_pickers_and_an_invalid_one_is_shown_on_its_field(world, history, client_for):
    c = client_for(world.users["edu_city"])
    html = c.get("/alarms/").content.decode()
    for name in ("status", "category", "disposition", "region", "school"):
        assert f'<select name="{name}"' in html, name
    assert 'name="received_after"' in html and 'type="date"' in html and "导出 Excel" in html
    r = c.get("/alarms/?disposition=maybe&received_after=2026-02-30")
    assert r.status_code == 200
    html = r.content.decode()
    assert "is-invalid" in html and "处置结果" in html and "接警日期" in html
    assert "溧阳南渡初级中学" not in html.split('id="alarm-table"')[1]  # nothing listed


def test_refused_without_the_role(world, history, client_for):
    assert client_for(world.users["norole"]).get("/api/v1/alarms/alarms/export").status_code == 403
    assert client_for(world.users["norole"]).get("/alarms/?export=xlsx").status_code == 403
    assert client_for(None).get("/api/v1/alarms/alarms/export").status_code == 401
    assert not AuditLog.objects.filter(event="core.export").exists()
