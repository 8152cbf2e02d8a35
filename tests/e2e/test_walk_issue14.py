"""The rest of issue 14's walk-through, where users meet it in the browser (desktop 1366 px and phone 390 px,
failing on console errors and failed local requests, screenshots under var/screenshots/walk/): the region
map's colours, legend and popups; 重置密钥 on a device page; the statistics page's never-tested devices and
their filtered list; the coverage page's footnote of the 乡村* mark."""

import re

import pytest

from tests.e2e.conftest import login, screenshot
from tests.e2e.walk import Watch, page_problems

SIZES = {"desktop": (1366, 800), "phone": (390, 844)}


def _page(new_page, server, username, size):
    page = new_page(*SIZES[size])
    watch = Watch(server.url).attach(page)
    watch.where = f"{username} {size}"
    login(page, server, username)
    return page, watch


def _check(page, watch, where, size):
    problems = page_problems(page, where, phone=size == "phone") + watch.problems
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("size", SIZES)
def test_region_map_colours_schools_with_a_legend_and_popups(demo_server, new_page, size):
    page, watch = _page(new_page, demo_server, "jiaoyuju", size)
    page.goto(demo_server.url + "/regions/320413/")
    page.wait_for_selector("#region-map[data-figures='loaded']")
    legend = page.locator("#region-map-legend")
    assert legend.is_visible()
    assert [t for t in ("报警中", "未达标", "达标", "未评估") if t in legend.inner_text()] == \
        ["报警中", "未达标", "达标", "未评估"]
    states = page.eval_on_selector_all("#region-map path[data-state]", "els => els.map(e => e.dataset.state)")
    assert states and set(states) <= {"alarm", "not_met", "met", "unknown"}, states
    assert "plain" not in states
    note = page.locator("#region-map-note").inner_text()
    assert "未达标：三个100%有一项未达标" in note and "依据：" in note
    first = "not_met" if "not_met" in states else states[0]
    page.locator(f"#region-map path[data-state='{first}']").first.dispatch_event("click")
    popup = page.locator(".hx-map-popup")
    popup.wait_for()
    page.wait_for_function("() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")
    page.wait_for_timeout(400)  # the map pans the popup into view (an animation)
    text = popup.inner_text()
    assert "封闭化管理100%" in text and "专职保安员配备100%" in text and "未销号隐患" in text, text
    assert "未处置报警" in text
    href = popup.locator("a").first.get_attribute("href")
    assert re.fullmatch(r"/schools/\d+/", href), href
    screenshot(page, f"walk/issue14-region-map-{size}")
    _check(page, watch, f"jiaoyuju {size} region map", size)
    page.goto(demo_server.url + href)  # the popup's link opens the school
    assert page.locator("h1").count() and "/schools/" in page.url
    _check(page, watch, f"jiaoyuju {size} school from the map", size)


def test_school_staff_rotate_a_device_key_once_and_a_guard_is_not_offered(demo_server, new_page):
    page, watch = _page(new_page, demo_server, "anbao", "desktop")
    page.goto(demo_server.url + "/devices/")
    page.locator("main table tbody tr td a[href^='/devices/']").first.click()
    page.wait_for_load_state("load")
    device_url = page.url
    page.click("#rotate-secret")
    page.wait_for_selector("#rotate-confirm")
    assert "旧密钥立即失效" in page.locator("#rotate-confirm").inner_text()
    screenshot(page, "walk/issue14-rotate-confirm")
    page.click("#rotate-confirm-button")
    page.wait_for_selector("#device-secret")
    secret = page.locator("#device-secret").inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", secret), secret
    screenshot(page, "walk/issue14-rotate-shown")
    page.goto(device_url)
    assert secret not in page.content()
    _check(page, watch, "anbao rotate", "desktop")

    guard, guard_watch = _page(new_page, demo_server, "menwei", "phone")
    guard.goto(device_url)
    assert guard.locator("#rotate-secret").count() == 0
    _check(guard, guard_watch, "menwei device page", "phone")


@pytest.mark.parametrize("size", SIZES)
def test_never_tested_devices_link_to_their_filtered_list(demo_server, new_page, size):
    page, watch = _page(new_page, demo_server, "fenju", size)
    page.goto(demo_server.url + "/alarms/stats/")
    card = page.locator("#never-tested")
    count = int(page.locator("#hx-never-tested").inner_text())
    rows = card.locator("table tr a[href^='/devices/']").count()
    assert rows == min(count, 20)
    screenshot(page, f"walk/issue14-stats-never-tested-{size}")
    _check(page, watch, f"fenju {size} stats", size)
    if count:
        page.click("#never-tested-all")
        page.wait_for_load_state("load")
        assert "never_tested=true" in page.url
        heading = page.locator("main h1").inner_text()
        assert f"共 {count} 条" in heading, heading
        screenshot(page, f"walk/issue14-devices-never-tested-{size}")
        _check(page, watch, f"fenju {size} never-tested devices", size)


def test_coverage_footnote_says_what_the_asterisk_means(demo_server, new_page):
    page, watch = _page(new_page, demo_server, "jiaoyuju", "desktop")
    page.goto(demo_server.url + "/inspections/coverage/")
    note = page.locator("#coverage-footnote").inner_text()
    assert note.startswith("*") and "治安交通环境复杂" in note and "000 §三(一)3" in note
    screenshot(page, "walk/issue14-coverage-footnote")
    _check(page, watch, "jiaoyuju coverage", "desktop")
