"""Live page events in a real browser (issue 13 item 8): a notification made by another user's action
raises the unread badge of an open page without a reload; signing out ends the page's socket."""

from tests.e2e.conftest import login, screenshot

UNREAD = "(document.getElementById('hx-unread') || {textContent: '0'}).textContent"


def test_a_notification_raises_the_badge_without_reload(demo_server, new_page):
    watcher = new_page()
    login(watcher, demo_server, "anbao")  # the school's security officer
    watcher.goto(demo_server.url + "/calendar/")
    watcher.wait_for_selector("html[data-hx-push=open]", timeout=15000)
    assert watcher.locator("#calendar-month td[data-date]").count() >= 28
    before = int(watcher.evaluate(UNREAD))
    watcher.evaluate("window.hxNotReloaded = true")

    principal = new_page()
    login(principal, demo_server, "xiaozhang")  # same school: starting a rectification notifies the others
    pending = principal.request.get(demo_server.url + "/api/v1/hazards/?status=pending").json()["items"]
    assert pending, "the demo's school has a pending hazard"
    principal.goto(f"{demo_server.url}/hazards/{pending[0]['id']}/")
    principal.click("button[value=start]")
    principal.wait_for_load_state("networkidle")
    assert "整改中" in principal.locator("h1").inner_text()

    watcher.wait_for_function(f"{UNREAD} === '{before + 1}'", timeout=15000)
    assert watcher.evaluate("window.hxNotReloaded") is True
    screenshot(watcher, "core-live-unread-badge")


def test_signing_out_elsewhere_ends_the_pages_socket(demo_server, new_page):
    page = new_page()
    login(page, demo_server, "anbao")
    page.goto(demo_server.url + "/notifications/")
    page.wait_for_selector("html[data-hx-push=open]", timeout=15000)
    page.context.new_page()  # a second tab of the same browser signs out
    other = page.context.pages[-1]
    other.goto(demo_server.url + "/notifications/")
    other.locator("#hx-user-menu").click()
    other.locator("form[action='/logout/'] button").click()
    other.wait_for_load_state("networkidle")
    page.wait_for_selector("html[data-hx-push=ended]", timeout=15000)
