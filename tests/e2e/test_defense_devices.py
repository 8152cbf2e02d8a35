"""三防 lists and device pages in a real browser: a district official filters and exports the guard list,
opens a gate camera's page (state, heartbeat chart drawn by ECharts), a school's security officer reads the
roster and the devices as cards on a phone. No page may log a console error."""

from tests.e2e.conftest import login, screenshot


def watch_console(page) -> list:
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def test_official_lists_guards_and_opens_a_camera(demo_server, new_page):
    page = new_page(width=1280, height=900)
    errors = watch_console(page)
    login(page, demo_server, "jiaoyuju")
    page.goto(demo_server.url + "/defense/")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/defense/guards/")
    assert page.locator("#record-table tbody tr").count() >= 10
    page.select_option("select[name=category]", "full_time")
    page.click("#record-filter button[type=submit]")
    page.wait_for_load_state("networkidle")
    categories = set(page.locator("#record-table tbody tr td:nth-child(3)").all_inner_texts())  # 姓名 学校 类别
    assert categories == {"专职保安员"}
    with page.expect_download() as download:
        page.click("#record-export")
    assert download.value.suggested_filename.endswith(".xlsx")
    screenshot(page, "defense-guard-list-district")

    page.goto(demo_server.url + "/devices/?kind=camera&location=gate")
    page.wait_for_load_state("networkidle")
    assert "0:10:00" not in page.content() and "10 分钟" in page.locator("#record-table").inner_text()
    screenshot(page, "device-list-gate-cameras")
    page.locator("#record-table tbody tr td a").first.click()
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("#heartbeat-chart canvas")
    assert page.locator("#device-status").inner_text() in ("联网", "离线", "停用")
    assert page.locator("#supervision-window").inner_text() == "10 分钟"
    screenshot(page, "device-page-camera")
    page.select_option("#history-form select[name=days]", "30")
    page.click("#history-form button[type=submit]")
    page.wait_for_selector("#heartbeat-chart canvas")
    assert not errors, errors

    phone = new_page(width=390, height=844)
    phone_errors = watch_console(phone)
    login(phone, demo_server, "jiaoyuju")
    phone.goto(demo_server.url + "/defense/facilities/?closed_management=false")
    phone.wait_for_load_state("networkidle")
    assert phone.locator("#record-cards").is_visible() and not phone.locator("#record-table").is_visible()
    screenshot(phone, "defense-facility-list-phone")
    assert not phone_errors, phone_errors


def test_security_officer_reads_the_roster_as_cards_on_a_phone(demo_server, new_page):
    page = new_page(width=390, height=844)
    errors = watch_console(page)
    login(page, demo_server, "anbao")
    page.goto(demo_server.url + "/defense/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#guard-cards").is_visible() and not page.locator("#guard-table").is_visible()
    assert page.locator("#device-cards li").count() >= 8 and page.locator("#device-cards").is_visible()
    first = page.locator("#guard-cards li").first
    assert first.bounding_box()["width"] > 300  # a card, not a column one character wide
    screenshot(page, "defense-school-records-phone")
    first.locator("a").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#training-table").is_visible()
    screenshot(page, "defense-guard-phone")
    assert not errors, errors
