"""In headless Chromium against a live server, with the browser in New York's time zone: the console shows
an alarm's time as the rest of the site does (Y-m-d H:i:s, Beijing time) and dispatches with the picked
unit and officer; the statistics page draws its four charts from the table's figures, without script errors."""

import datetime
import os

import pytest

from huxiao.alarms.intake import Incoming, receive_alarms
from huxiao.alarms.models import Alarm
from tests.alarms.conftest import make_panel

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed")]


@pytest.fixture
def browser_page(live_server, world, monkeypatch, request):
    host = live_server.url.split("//", 1)[1].split(":")[0]

    started = {}

    def open_as(user, path):
        """Started at the first page, after the test wrote its records (whose after-commit pushes must not
        run beside Playwright's event loop)."""
        from django.test import Client

        if not started:
            started["browser"] = request.getfixturevalue("browser")  # the process's one Chromium
        browser = started["browser"]
        c = Client()
        c.force_login(user)
        context = browser.new_context(locale="zh-CN", timezone_id="America/New_York", viewport={"width": 1400,
                                                                                                 "height": 1000})
        context.add_cookies([{"name": "sessionid", "value": c.cookies["sessionid"].value, "domain": host,
                              "path": "/"}])
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.goto(live_server.url + path)
        return page

    contexts = []
    yield open_as
    for context in contexts:
        context.close()


def test_console_time_is_beijing_time_and_dispatch_picks(world, browser_page):
    from playwright.sync_api import expect

    panel = make_panel(world.schools["a1"], "AP-BR-A1", "6C1")
    received = datetime.datetime(2026, 3, 2, 1, 2, 3, tzinfo=datetime.UTC)  # 09:02:03 in Beijing, 20:02 in New York
    ((pk, _new),) = receive_alarms([Incoming(device=panel, source="dc09", dedup_key="br:1", code="PA", zone="7")],
                                   now=received)
    page = browser_page(world.users["station_a1"], "/alarms/console/")
    card = page.locator(f".hx-alarm[data-alarm-id='{pk}']")
    expect(card.locator(".hx-time")).to_have_text("2026-03-02 09:02:03", timeout=20000)
    assert page.evaluate("new Date().getTimezoneOffset()") in (240, 300)  # the browser really is in New York

    card.locator("[data-step=acknowledge]").click()
    expect(card).to_have_attribute("data-status", "acknowledged", timeout=10000)
    card.locator("[data-field=officer]").select_option("")  # a station sending its own people must name one
    card.locator("[data-step=dispatch]").click()
    expect(card.locator(".hx-error")).to_have_text("本单位出警，请选择出警民警", timeout=10000)
    card.locator("[data-field=officer]").select_option(str(world.users["station_a1"].pk))
    card.locator("[data-step=dispatch]").click()
    expect(card).to_have_attribute("data-status", "dispatched", timeout=10000)
    alarm = Alarm.objects.get(pk=pk)
    assert (alarm.dispatch_unit, alarm.dispatched_officer) == (world.units["station_a1"], world.users["station_a1"])
    # the refused dispatch answers 400 on purpose; the live server has no WebSocket (the console polls)
    assert [e for e in page.errors if "status of 400" not in e and "WebSocket" not in e] == []


def test_stats_page_draws_the_charts_of_its_table(world, browser_page):
    panel = make_panel(world.schools["a1"], "AP-BR-ST", "6C2")
    receive_alarms([Incoming(device=panel, source="dc09", dedup_key=f"br:s{n}", code=code)
                    for n, code in enumerate(["PA", "PA", "BA", "RP"])])
    page = browser_page(world.users["police_a"], "/alarms/stats/?period=7")
    page.wait_for_function("window.hxAlarmCharts && Object.keys(window.hxAlarmCharts).length === 4", timeout=20000)
    series = page.evaluate("""() => Object.fromEntries(Object.entries(window.hxAlarmCharts).map(
        ([id, chart]) => [id, chart.getOption().series.map((s) => s.data)]))""")
    assert sum(series["hx-chart-day"][0]) == 4 and sum(series["hx-chart-day"][1]) == 3
    assert series["hx-chart-category"][0][:3] == [2, 1, 0]
    assert page.locator("#id_month").is_disabled() and page.locator("#id_start").is_disabled()
    page.locator("#id_period").select_option("custom")
    assert page.locator("#id_start").is_enabled() and page.locator("#id_month").is_disabled()
    assert [e for e in page.errors if "WebSocket" not in e] == []  # the live server has no WebSocket
