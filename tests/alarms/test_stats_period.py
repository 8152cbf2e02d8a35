"""Alarm statistics over a chosen period (the last 7/30/90 days, a month, a range of dates), in Beijing days,
through the API and the page; the charts' data are the table's figures; bad periods are refused by name."""

import datetime
import json
import re
import zoneinfo

import pytest
from django.utils import timezone

from huxiao.alarms.intake import Incoming, receive_alarms
from huxiao.alarms.models import Alarm
from huxiao.alarms.services import do_acknowledge_alarm, do_arrive_alarm, do_close_alarm, do_dispatch_alarm
from huxiao.core.actions import SYSTEM
from tests.alarms.conftest import make_panel

BJ = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime.datetime(*args, tzinfo=BJ)


@pytest.fixture
def november(world):
    """Alarms of school a1 around November 2026 (Beijing time) and one of b1 in November."""
    panel = make_panel(world.schools["a1"], "AP-ST-A1", "5B1")
    times = {"oct31": at(2026, 10, 31, 23, 59), "nov3": at(2026, 11, 3, 10, 0), "nov20": at(2026, 11, 20, 23, 30),
             "nov21": at(2026, 11, 21, 7, 0),  # 2026-11-20 23:00 UTC: a Beijing 21 November alarm
             "dec1": at(2026, 12, 1, 0, 0, 30)}
    ids = {}
    for key, when in times.items():
        ((ids[key], _new),) = receive_alarms([Incoming(device=panel, source="dc09", dedup_key=f"st:{key}",
                                                       code="PA" if key != "nov20" else "BA")], now=when)
    ((ids["test"], _new),) = receive_alarms([Incoming(device=panel, source="dc09", dedup_key="st:test", code="RP")],
                                            now=at(2026, 11, 3, 11, 0))
    b1 = make_panel(world.schools["b1"], "AP-ST-B1", "5B2")
    receive_alarms([Incoming(device=b1, source="dc09", dedup_key="st:b1", code="PA")], now=at(2026, 11, 4, 9, 0))
    nov3 = Alarm.objects.get(pk=ids["nov3"])  # acknowledged in 20 s, arrived in 4 minutes, a real alarm
    do_acknowledge_alarm(nov3, actor=SYSTEM, now=times["nov3"] + datetime.timedelta(seconds=20))
    do_dispatch_alarm(nov3, actor=SYSTEM, now=times["nov3"] + datetime.timedelta(seconds=60))
    do_arrive_alarm(nov3, actor=SYSTEM, now=times["nov3"] + datetime.timedelta(minutes=4))
    do_close_alarm(nov3, disposition="real", notes="现场处置", actor=SYSTEM, now=times["nov3"] + datetime.timedelta(minutes=9))
    nov21 = Alarm.objects.get(pk=ids["nov21"])  # acknowledged in 100 s, a false alarm
    do_acknowledge_alarm(nov21, actor=SYSTEM, now=times["nov21"] + datetime.timedelta(seconds=100))
    do_close_alarm(nov21, disposition="false", actor=SYSTEM, now=times["nov21"] + datetime.timedelta(minutes=3))
    return ids


def stats(client, query):
    return client.get(f"/api/v1/alarms/stats?{query}")


def test_a_month_counts_beijing_days(world, november, client_for):
    s = stats(client_for(world.users["police_a"]), "month=2026-11").json()
    assert s["period"] == {"kind": "month", "start": "2026-11-01", "end": "2026-11-30", "days": 30,
                           "label": "2026 年 11 月"}
    assert (s["total"], s["real"], s["tests"]) == (4, 3, 1)  # not 31 October, not 1 December, not b1
    by_day = {d["date"]: (d["count"], d["real"]) for d in s["by_day"]}
    assert len(s["by_day"]) == 30 and sum(c for c, _r in by_day.values()) == s["total"]
    assert by_day["2026-11-03"] == (2, 1) and by_day["2026-11-20"] == (1, 1) and by_day["2026-11-21"] == (1, 1)
    assert {r["category"]: r["count"] for r in s["by_category"]} == {
        "emergency": 2, "intrusion": 1, "fire": 0, "fault": 0, "arming": 0, "test": 1, "other": 0}
    assert {r["disposition"]: r["count"] for r in s["by_disposition"]} == {"real": 1, "false": 1, "test": 0, "fault": 0}
    assert s["false_alarm_rate"] == 0.5
    assert s["time_to_acknowledge"] == {"count": 2, "median": 60.0, "p90": 100.0, "max": 100.0}
    bands = {r["label"]: (r["acknowledge"], r["arrive"]) for r in s["response_bands"]}
    assert bands == {"≤30 秒": (1, 0), "30 秒–1 分钟": (0, 0), "1–3 分钟": (1, 0), "3–5 分钟": (0, 1),
                     "5–10 分钟": (0, 0), "10 分钟以上": (0, 0)}
    assert stats(client_for(world.users["police_b"]), "month=2026-11").json()["total"] == 1  # b1 only


def test_a_range_of_dates(world, november, client_for):
    c = client_for(world.users["police_a"])
    s = stats(c, "start=2026-11-20&end=2026-11-21").json()
    assert (s["total"], s["period"]["days"], [d["count"] for d in s["by_day"]]) == (2, 2, [1, 1])
    assert stats(c, "start=2026-10-31&end=2026-12-01").json()["total"] == 6


def test_the_last_days_end_today(world, client_for):
    c = client_for(world.users["police_a"])
    panel = make_panel(world.schools["a2"], "AP-ST-A2", "5B3")
    now = timezone.now()
    receive_alarms([Incoming(device=panel, source="dc09", dedup_key="st:now", code="PA")], now=now)
    receive_alarms([Incoming(device=panel, source="dc09", dedup_key="st:8d", code="PA")],
                   now=now - datetime.timedelta(days=8))
    week = stats(c, "days=7").json()
    assert week["period"]["kind"] == "days" and week["period"]["end"] == timezone.localdate().isoformat()
    assert week["total"] == 1 and len(week["by_day"]) == 7
    assert stats(c, "days=30").json()["total"] == stats(c, "").json()["total"] == 2  # the default: 30 days


@pytest.mark.parametrize("query,field,message", [
    ("month=2026-13", "month", "月份格式应为 YYYY-MM"),
    ("start=2026-11-21&end=2026-11-20", "end", "结束日期不能早于开始日期"),
    ("start=2026-11-21", "end", "请填写结束日期"),
    ("end=2026-11-21", "start", "请填写开始日期"),
    ("start=1900-01-01&end=2026-11-21", "start", "日期须在 2000-01-01 至 2100-12-31 之间"),
    ("start=2000-01-01&end=2100-12-31", "end", "统计区间不超过 3660 天"),
])
def test_a_bad_period_is_refused_by_name(world, november, client_for, query, field, message):
    r = stats(client_for(world.users["police_a"]), query)
    assert r.status_code == 400 and message in r.json()["errors"][field][0]


@pytest.mark.parametrize("query,param", [("month=11-2026", "month"), ("days=0", "days"), ("days=9999", "days"),
                                         ("start=tomorrow&end=2026-11-21", "start")])
def test_a_malformed_parameter_answers_422_naming_it(world, client_for, query, param):
    r = stats(client_for(world.users["police_a"]), query)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == param


def _chart(html):
    return json.loads(re.search(r'<script id="hx-stats-data" type="application/json">(.*?)</script>', html, re.S)
                      .group(1))


def test_the_page_picks_the_period_and_charts_the_table(world, november, client_for):
    c = client_for(world.users["police_a"])
    r = c.get("/alarms/stats/", {"period": "month", "month": "2026-11"})
    html = r.content.decode()
    assert r.status_code == 200 and "2026 年 11 月（2026-11-01 至 2026-11-30）" in html
    assert '<select name="period"' in html and 'type="month"' in html and 'type="date"' in html
    assert '<option value="month" selected>' in html and "echarts.min.js" in html and "alarms/stats.js" in html
    chart = _chart(html)
    s = r.context["s"]
    assert chart["day_total"] == [d["count"] for d in s["by_day"]] and sum(chart["day_total"]) == s["total"] == 4
    assert chart["categories"][:3] == ["紧急报警", "入侵", "火警"]  # names, never codes
    assert chart["category_counts"] == [r["count"] for r in s["by_category"]]
    assert chart["dispositions"] == [{"name": "真实警情", "value": 1}, {"name": "误报", "value": 1},
                                     {"name": "测试", "value": 0}, {"name": "设备故障", "value": 0}]
    assert chart["band_ack"] == [1, 0, 1, 0, 0, 0] and chart["band_arrive"] == [0, 0, 0, 1, 0, 0]
    table = re.search(r'<table class="table table-sm mb-0" id="hx-by-day">(.*?)</table>', html, re.S).group(1)
    assert "<td>2026-11-21</td><td class=\"text-end\">1</td>" in table
    r = c.get("/alarms/stats/", {"period": "custom", "start": "2026-11-20", "end": "2026-11-21"})
    assert r.context["s"]["total"] == 2
    assert c.get("/alarms/stats/", {"period": "7"}).context["s"]["period"]["days"] == 7
    assert c.get("/alarms/stats/").context["s"]["period"]["days"] == 30
    assert c.get("/alarms/stats/?days=90").context["s"]["period"]["days"] == 90  # the old links


@pytest.mark.parametrize("params,field,message", [
    ({"period": "custom", "start": "2026-11-21", "end": "2026-11-20"}, "end", "结束日期不能早于开始日期"),
    ({"period": "custom", "start": "2026-11-21"}, "end", "请填写结束日期"),
    ({"period": "month"}, "month", "请选择月份"),
    ({"period": "month", "month": "2026-13"}, "month", "月份格式应为 YYYY-MM"),
    ({"period": "custom", "start": "2026-02-30", "end": "2026-11-22"}, "start", "日期格式应为 YYYY-MM-DD"),
    ({"period": "365"}, "period", "请选择统计区间"),
])
def test_the_page_marks_a_bad_period_on_its_field(world, client_for, params, field, message):
    r = client_for(world.users["police_a"]).get("/alarms/stats/", params)
    html = r.content.decode()
    assert r.status_code == 400 and message in html
    assert re.search(rf'name="{field}"[^>]*class="[^"]*is-invalid', html) or re.search(
        rf'class="[^"]*is-invalid[^"]*"[^>]*name="{field}"', html)
    assert f"{field}:" not in html
