"""The walk-through of issue 14, repeated by the suite: every demo account signs in, opens its home page,
every entry of its menu and the first record each list links to, at desktop size (1366×800) and then on a
phone (390×844). A page fails the walk on a console error or uncaught exception, a failed or erroring
request to the server, Python-looking text (``<generator``, ``object at 0x``, ``{'``, ``None``), an
error naming a raw field path (``[0].``) and, on the phone, a page wider than the screen. Every page is
photographed to var/screenshots/walk/ (``index.txt`` there says which menu entry each file is); all
problems of an account are listed together.
"""

import re
import time

import pytest

from huxiao.core.demo import DEMO_USERS
from tests.e2e.conftest import SCREENSHOTS, login
from tests.e2e.walk import Watch, menu_links, page_problems, slug

DESKTOP = {"width": 1366, "height": 800}
PHONE = {"width": 390, "height": 844}
WALK_SHOTS = SCREENSHOTS / "walk"
# the first row of a list leads to a record page (tables on a desktop, the record layer's cards on a phone)
FIRST_RECORD = "main table tbody tr td a[href^='/'], main #record-cards a[href^='/']"
# a kind of record page (/hazards/<n>/) is walked once per run, by the first account whose lists lead there
RECORD_KINDS_WALKED = set()


def _open(page, watch, server, path, where, shot):
    watch.where = where
    start = time.monotonic()
    # charts are drawn from the page's own data once it has loaded; nothing is fetched later
    response = page.goto(server.url + path, wait_until="load")
    if page.locator("#region-map:not([data-figures-url=''])").count():  # the map's figures arrive after load
        page.wait_for_selector("#region-map[data-figures]", timeout=15000)
    loaded = time.monotonic()
    problems = []
    if response is None or response.status >= 400:
        problems.append(f"{where}: page answered {response.status if response else 'nothing'}")
    problems += page_problems(page, where, phone=page.viewport_size["width"] < 576)
    WALK_SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(WALK_SHOTS / f"{shot}.png"), full_page=True)
    with open(WALK_SHOTS / "index.txt", "a", encoding="utf-8") as index:
        index.write(f"{shot}.png\t{where}\t{loaded - start:.2f}s\t{time.monotonic() - loaded:.2f}s\n")
    return problems


def _first_record(page, seen: set):
    """The path of the first record the open list links to, if it is a page not walked yet."""
    for href in page.eval_on_selector_all(FIRST_RECORD, "els => els.map(e => e.getAttribute('href'))"):
        path = href.split("#")[0]
        kind = re.sub(r"\d+", "<n>", path)
        if (path and path not in seen and kind not in RECORD_KINDS_WALKED and "?" not in path
                and not path.endswith(("/export", ".xlsx", ".docx"))):
            RECORD_KINDS_WALKED.add(kind)
            return path
    return None


@pytest.mark.parametrize("username", [u[0] for u in DEMO_USERS])
def test_walk_through_as_every_role(demo_server, browser, username):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai")
    try:
        page = context.new_page()
        watch = Watch(demo_server.url).attach(page)
        watch.where = f"{username} login"
        login(page, demo_server, username)
        links = [("首页", "/")] + [link for link in menu_links(page, demo_server.url) if link[1] != "/"]
        assert len(links) >= 3, f"{username}: menu has {links}"

        problems, pages, seen = [], [], {path for _label, path in links}
        for label, path in links:
            problems += _open(page, watch, demo_server, path, f"{username} desktop {label} {path}",
                              f"{username}-desktop-{slug(path)}")
            pages.append((label, path))
            record = _first_record(page, seen)
            if record:
                seen.add(record)
                pages.append((f"{label}·记录", record))
                problems += _open(page, watch, demo_server, record, f"{username} desktop {label}·记录 {record}",
                                  f"{username}-desktop-{slug(record)}")

        page.set_viewport_size(PHONE)  # the same signed-in page, now a phone
        for label, path in pages:
            problems += _open(page, watch, demo_server, path, f"{username} phone {label} {path}",
                              f"{username}-phone-{slug(path)}")
        problems += watch.problems
        assert not problems, "\n".join(problems)
    finally:
        context.close()
