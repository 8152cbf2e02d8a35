"""The 工作台 in a real browser, as the demo's school security officer, guard, district education official and
station officer, at desktop and phone size: each sees their own to-do items above the summary, each item's
link opens a list, and no page logs a console error."""

import pytest

from tests.e2e.conftest import login, screenshot

ROLES = {
    # demo user: item keys that the demo's data gives them
    "anbao": {"hazards.self_check_this_month"},
    "menwei": set(),
    "jiaoyuju": {"core.unread_notifications"},  # 128 unread in the demo
    "minjing": set(),
}


def watch_console(page) -> list:
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


@pytest.mark.parametrize("username", list(ROLES))
def test_each_role_sees_its_worklist_and_its_links_open_lists(demo_server, new_page, username):
    page = new_page()
    errors = watch_console(page)
    login(page, demo_server, username)
    response = page.goto(demo_server.url + "/")
    assert response.status == 200, page.inner_text("body")[:2000]
    assert page.locator("#worklist").is_visible()
    keys = set(page.locator("#worklist .hx-work").evaluate_all("els => els.map(e => e.dataset.key)"))
    assert ROLES[username] <= keys, keys
    api = page.request.get(demo_server.url + "/api/v1/me/worklist").json()
    assert {i["key"] for i in api["items"]} == keys  # the page and the API say the same
    screenshot(page, f"worklist-{username}")
    links = page.locator("#worklist a.hx-work-link").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    for href in links[:4]:
        response = page.goto(demo_server.url + href)
        assert response.status == 200, href
    page.goto(demo_server.url + "/")
    phone = new_page(width=390, height=844)
    phone_errors = watch_console(phone)
    login(phone, demo_server, username)
    phone.goto(demo_server.url + "/")
    assert phone.locator("#worklist").is_visible()
    # on a phone the items stack: none is wider than the screen
    widths = phone.locator("#worklist .hx-work").evaluate_all("els => els.map(e => e.getBoundingClientRect().right)")
    assert all(w <= 390 for w in widths), widths
    screenshot(phone, f"worklist-{username}-phone")
    assert errors == [] and phone_errors == []
