"""The hazards and 护学岗 dashboards draw their bars through the shared js/region-bars.js, in headless
Chromium against a live server, with no console error."""

import os

import pytest

from tests.patrols.helpers import patrol_world

CHROMIUM = "/usr/bin/chromium"
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed")]


@pytest.mark.parametrize("path, chart", [("/patrols/dashboard/", "#patrol-chart"),
                                         ("/hazards/dashboard/", "#hazard-chart")])
def test_dashboard_draws_its_bars(live_server, world, client, browser, path, chart):
    from playwright.sync_api import expect

    patrol_world(world)
    client.force_login(world.users["edu_a"])  # both dashboards' figures for district A
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context = browser.new_context(locale="zh-CN")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host,
                          "path": "/"}])
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{live_server.url}{path}")
        expect(page.locator(f"{chart} canvas")).to_be_attached(timeout=20000)  # ECharts drew into it
        drawn = page.evaluate(f"""() => {{
            const chart = echarts.getInstanceByDom(document.querySelector("{chart}"));
            const option = chart.getOption();
            return {{series: option.series.map((s) => s.name), regions: option.xAxis[0].data}};
        }}""")
        assert drawn["regions"] and len(drawn["series"]) >= 2 and all(drawn["series"])
        # the live test server has no WebSocket (the bell's push channel): its refusal is not the page's
        assert [e for e in errors if "WebSocket" not in e] == []
    finally:
        context.close()
