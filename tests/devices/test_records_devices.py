"""The device registry on the record layer (one filterset for the page, the API list and the export) and
a device's page: state, last heard, heartbeat history chart, alarms, the configured video link; the
supervision window in words wherever devices show it."""

import datetime
import io
import json

import openpyxl
import pytest
from django.utils import timezone

from huxiao.core.models import AuditLog
from huxiao.devices import services
from huxiao.devices.display import heartbeat_history, window_text
from huxiao.devices.models import Device
from tests.defense.fixtures import add_device

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(world):
    now = timezone.now()
    a1, a2, b1 = world.schools["a1"], world.schools["a2"], world.schools["b1"]
    made = {
        "panel": add_device(a1, serial="A1-PANEL", seen=now)[0],
        "camera": add_device(a1, kind="camera", location="gate", serial="A1-CAM", seen=now - datetime.timedelta(hours=3),
                             window=1800)[0],
        "police": add_device(a1, kind="camera", location="outside_gate", serial="=CAM+1", police_built=True)[0],
        "town": add_device(a2, kind="nvr", location="duty_room", serial="A2-NVR", seen=now)[0],
        "other_district": add_device(b1, serial="B1-PANEL", seen=now)[0],
    }
    Device.objects.filter(pk=made["town"].pk).update(installed_on=datetime.date(2022, 5, 1))
    services.do_set_device_active(made["police"], False, actor=world.users["security_a1"])
    return made


def ids(response):
    assert response.status_code == 200, response.content[:300]
    return {d["id"] for d in response.json()["items"]}


def sheet(response):
    assert response.status_code == 200, response.content[:300]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(book.active.iter_rows(values_only=True))


def table_of(response) -> str:
    html = response.content.decode()
    start = html.index('id="record-table"')
    return html[start:html.index("</table>", start)]


@pytest.mark.parametrize("query, expected", [
    ("", {"panel", "camera", "police", "town"}),
    ("kind=camera", {"camera", "police"}),
    ("location=gate", {"camera"}),
    ("networked=true", {"panel", "town"}),
    ("networked=false", {"camera"}),  # out of use is neither
    ("active=false", {"police"}),
    ("police_built=true", {"police"}),
    ("q=NVR", {"town"}),
    ("region=320413101", {"town"}),
    ("school={a2}", {"town"}),
    ("school_id={a2}", {"town"}),  # the list's earlier parameter name
    ("school={b1}", set()),  # out of reach: matches nothing
    ("installed_on_after=2022-01-01&installed_on_before=2022-12-31", {"town"}),
])
def test_device_list_filters(world, registry, client_for, query, expected):
    query = query.format(a2=world.schools["a2"].pk, b1=world.schools["b1"].pk)
    got = ids(client_for(world.users["edu_a"]).get(f"/api/v1/devices/?{query}"))
    assert got == {registry[k].pk for k in expected}


def test_device_rows_say_state_window_and_sort(world, registry, client_for):
    c = client_for(world.users["edu_a"])
    rows = {d["serial"]: d for d in c.get("/api/v1/devices/").json()["items"]}
    assert rows["A1-CAM"]["state"] == "offline" and rows["A1-CAM"]["supervision_window_label"] == "30 分钟"
    assert rows["=CAM+1"]["state_label"] == "停用" and rows["A1-PANEL"]["networked"] is True
    order = [d["serial"] for d in c.get("/api/v1/devices/?sort=-last_seen_at").json()["items"]]
    assert order.index("A1-CAM") > order.index("A1-PANEL")


@pytest.mark.parametrize("query, param", [
    ("kind=toaster", "kind"), ("networked=maybe", "networked"), ("sort=secret", "sort"),
    ("installed_on_after=2026-02-30", "installed_on"), ("school_id=abc", "school_id"), ("region=1", "region"),
])
def test_invalid_device_filters_are_422_naming_the_parameter(world, registry, client_for, query, param):
    c = client_for(world.users["edu_a"])
    before = AuditLog.objects.count()
    for path in ("/api/v1/devices/", "/api/v1/devices/export"):
        r = c.get(f"{path}?{query}")
        assert r.status_code == 422, (path, r.content)
        assert any(param in "".join(map(str, p["loc"])) for p in r.json()["detail"]), r.json()
    assert AuditLog.objects.count() == before


def test_export_is_the_filtered_rows_formula_safe_and_audited(world, registry, client_for):
    c = client_for(world.users["edu_a"])
    rows = sheet(c.get("/api/v1/devices/export?kind=camera"))
    header = rows[0]
    assert sorted(r[header.index("设备编号")] for r in rows[1:]) == ["=CAM+1", "A1-CAM"]
    camera = next(r for r in rows[1:] if r[header.index("设备编号")] == "A1-CAM")
    assert camera[header.index("监测窗口")] == "30 分钟" and camera[header.index("状态")] == "离线"
    assert camera[header.index("名称")] == "gatecamera"  # the name's text, not the page's link
    entry = AuditLog.objects.order_by("-id").first()
    assert entry.event == "core.export" and entry.after == {"count": 2, "filters": {"kind": ["camera"]}}
    book = openpyxl.load_workbook(io.BytesIO(b"".join(c.get("/devices/?export=xlsx").streaming_content)))
    cells = [cell for row in book.active.iter_rows() for cell in row if cell.value == "=CAM+1"]
    assert cells and all(cell.data_type == "s" for cell in cells)
    everything = sheet(c.get("/devices/?export=xlsx"))
    assert "B1-PANEL" not in {r[header.index("设备编号")] for r in everything} and len(everything) == 5


def test_list_page_pickers_badges_and_invalid_filter(world, registry, client_for):
    c = client_for(world.users["edu_a"])
    r = c.get("/devices/")
    html = r.content.decode()
    assert '<select name="region"' in html and '<select name="school"' in html and 'id="defense-tabs"' in html
    table = table_of(r)
    assert f'href="/devices/{registry["panel"].pk}/"' in table and 'text-bg-success">联网' in table
    assert 'text-bg-danger">离线' in table and "30 分钟" in table and "0:30:00" not in html
    r = c.get("/devices/?kind=toaster&installed_on_after=2026-02-30")
    html = r.content.decode()
    assert r.status_code == 200 and "is-invalid" in html and "设备类型：" in html and "安装日期：" in html
    assert "A1-PANEL" not in table_of(r)


def test_school_page_shows_the_window_in_words(world, registry, client_for):
    page = client_for(world.users["security_a1"]).get(f"/defense/schools/{world.schools['a1'].pk}/").content.decode()
    assert "30 分钟" in page and "5 分钟" in page and "0:30:00" not in page and "0:05:00" not in page


def test_window_in_words():
    assert window_text(datetime.timedelta(minutes=30)) == "30 分钟"
    assert window_text(datetime.timedelta(hours=1, minutes=30)) == "1 小时 30 分钟"
    assert window_text(datetime.timedelta(seconds=45)) == "45 秒"
    assert window_text(datetime.timedelta(days=7)) == "7 天"


def test_device_page_state_last_heard_chart_and_period(world, registry, client_for):
    camera = registry["camera"]
    c = client_for(world.users["security_a1"])
    r = c.get(f"/devices/{camera.pk}/")
    html = r.content.decode()
    assert 'data-state="offline"' in html and "30 分钟" in html and "未收到心跳" in html
    chart = json.loads(html.split('id="heartbeat-chart-data" type="application/json">')[1].split("</script>")[0])
    assert len(chart["labels"]) == 7 * 24 and sum(chart["counts"]) == 1 and chart["expected"] == 2
    assert len(chart["short"]) == 7 * 24 and 'selected>近 7 天' in html
    assert "vendor/echarts-5.6.0/echarts.min.js" in html and "devices/device_detail.js" in html
    assert "<script>" not in html  # no inline script (CSP)
    month = c.get(f"/devices/{camera.pk}/?days=30").content.decode()
    chart = json.loads(month.split('id="heartbeat-chart-data" type="application/json">')[1].split("</script>")[0])
    assert len(chart["labels"]) == 30 and chart["expected"] == 48
    bad = c.get(f"/devices/{camera.pk}/?days=5")
    assert bad.status_code == 200 and "is-invalid" in bad.content.decode() and "心跳统计时段：" in bad.content.decode()


def test_heartbeat_history_counts_per_hour_and_marks_short_hours(world, client_for):
    now = timezone.localtime().replace(minute=23, second=0, microsecond=0) - datetime.timedelta(hours=1)
    device, _ = add_device(world.schools["a1"], serial="HB-1", window=600)
    Device.objects.filter(pk=device.pk).update(created_at=now - datetime.timedelta(hours=5))
    device.refresh_from_db()
    services.record_heartbeats([(device.pk, now - datetime.timedelta(minutes=m)) for m in (1, 11, 21, 31, 41, 51)])
    history = heartbeat_history(device, 1, now)
    points = history["points"]
    assert len(points) == 24 and history["expected"] == 6 and sum(p["count"] for p in points) == 6
    assert [p["count"] for p in points[-2:]] == [3, 3]
    # the four whole hours since registration fell short (the last has 3 of 6); the hour under way and the
    # hours before registration are not counted
    assert [p["short"] for p in points[-6:]] == [False, True, True, True, True, False]
    assert history["short"] == 4
    assert history["registered_within"] == device.created_at  # the page says the earlier hours do not count
    page = client_for(world.users["edu_a"]).get(f"/devices/{device.pk}/?days=1").content.decode()
    assert "登记，此前的时段不计" in page
    r = client_for(world.users["edu_a"]).get(f"/api/v1/devices/{device.pk}/heartbeats?days=1")
    assert r.status_code == 200 and sum(p["count"] for p in r.json()["points"]) == 6
    assert r.json()["bucket"] == "hour" and r.json()["expected"] == 6
    assert client_for(world.users["edu_a"]).get(f"/api/v1/devices/{device.pk}/heartbeats?days=5").status_code == 422
    assert client_for(world.users["edu_b"]).get(f"/api/v1/devices/{device.pk}/heartbeats").status_code == 404


def test_device_page_lists_its_alarms_to_who_may_see_them(world, registry, client_for):
    from huxiao.alarms.models import Alarm

    panel = registry["panel"]
    alarm = Alarm.objects.create(school=panel.school, device=panel, source="http", dedup_key="t-1", code="E120",
                                 label="紧急报警", category="emergency", received_at=timezone.now())
    html = client_for(world.users["station_a1"]).get(f"/devices/{panel.pk}/").content.decode()
    assert 'id="device-alarms"' in html and f'href="/alarms/{alarm.pk}/"' in html and "近 30 天 1 条" in html
    other = client_for(world.users["security_a1"]).get(f"/devices/{registry['camera'].pk}/").content.decode()
    assert "该设备没有报警记录" in other


def test_video_link_from_the_installation_template(world, registry, client_for, settings):
    c = client_for(world.users["police_a"])
    camera, panel = registry["camera"], registry["panel"]
    assert 'id="video-link"' not in c.get(f"/devices/{camera.pk}/").content.decode()  # no template configured
    settings.VIDEO_URL_TEMPLATE = "https://nvr.example/play?school={school_code}&id={device_code}"
    html = c.get(f"/devices/{camera.pk}/").content.decode()
    expected = f"https://nvr.example/play?school={camera.school.code}&amp;id=A1-CAM"
    assert f'id="video-link" href="{expected}"' in html and 'rel="noopener noreferrer"' in html
    assert 'id="video-link"' not in c.get(f"/devices/{panel.pk}/").content.decode()  # an alarm panel has no video
    detail = c.get(f"/api/v1/devices/{camera.pk}").json()
    assert detail["video_url"] == f"https://nvr.example/play?school={camera.school.code}&id=A1-CAM"
    assert c.get(f"/api/v1/devices/{panel.pk}").json()["video_url"] is None
    Device.objects.filter(pk=camera.pk).update(serial="CAM 1/&x")
    assert c.get(f"/api/v1/devices/{camera.pk}").json()["video_url"].endswith("id=CAM%201%2F%26x")  # quoted
    for bad in ("javascript:alert(1)//{device_code}", "https://nvr.example/{password}"):
        settings.VIDEO_URL_TEMPLATE = bad
        assert c.get(f"/api/v1/devices/{camera.pk}").json()["video_url"] is None, bad
        assert 'id="video-link"' not in c.get(f"/devices/{camera.pk}/").content.decode()


def test_device_detail_api_in_and_out_of_reach(world, registry, client_for):
    panel = registry["panel"]
    got = client_for(world.users["security_a1"]).get(f"/api/v1/devices/{panel.pk}").json()
    assert got["serial"] == "A1-PANEL" and got["state"] == "networked" and got["supervision_window_label"] == "5 分钟"
    assert client_for(world.users["principal_a2"]).get(f"/api/v1/devices/{panel.pk}").status_code == 404
    assert client_for(world.users["norole"]).get(f"/api/v1/devices/{panel.pk}").status_code == 403


def test_taking_a_device_out_of_use_from_its_page_returns_there(world, registry, client_for):
    panel = registry["panel"]
    r = client_for(world.users["principal_a1"]).post(f"/devices/{panel.pk}/active/", {"active": "0", "back": "device"})
    assert r.status_code == 302 and r["Location"] == f"/devices/{panel.pk}/"
    assert not Device.objects.get(pk=panel.pk).active


def test_gate_camera_links_of_an_alarm_open_the_camera_page(world, registry, client_for):
    from huxiao.alarms.models import Alarm

    panel, camera = registry["panel"], registry["camera"]
    alarm = Alarm.objects.create(school=panel.school, device=panel, source="http", dedup_key="t-2", code="E120",
                                 label="紧急报警", category="emergency", received_at=timezone.now())
    c = client_for(world.users["station_a1"])
    html = c.get(f"/alarms/{alarm.pk}/").content.decode()
    assert f'<a href="/devices/{camera.pk}/">' in html
    page = c.get(f"/devices/{camera.pk}/")
    assert page.status_code == 200 and "A1-CAM" in page.content.decode()


def test_list_queries_do_not_grow_with_the_rows(world, registry, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(world.users["edu_a"])

    def queries(url):
        c.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return len(ctx.captured_queries)

    urls = ("/devices/", "/api/v1/devices/")
    before = [queries(u) for u in urls]
    for n in range(6):
        add_device(world.schools["a2"], kind="camera", location="gate", serial=f"MORE-{n}", seen=timezone.now())
    assert [queries(u) for u in urls] == before
