"""Browser test: granting a role, the administrator finds the unit by typing part of its name among the
demo's units (a datalist the browser filters, no script) instead of scrolling a flat list; no console error."""

from tests.e2e.conftest import login, screenshot


def test_role_grant_finds_the_unit_by_typing(demo_server, new_page):
    page = new_page(width=1366, height=800)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, demo_server, "admin")
    page.goto(demo_server.url + "/users/?q=menwei")
    page.locator("main table a[href^='/users/']").first.click()
    page.wait_for_load_state("load")
    box = page.locator("#id_unit")
    assert box.get_attribute("list") == "id_unit-options" and box.evaluate("e => e.tagName") == "INPUT"
    labels = page.locator("#id_unit-options option").evaluate_all("os => os.map(o => o.value)")
    assert len(labels) > 50, len(labels)  # the demo's units, all offered
    wanted = next(label for label in labels if "派出所" in label)
    box.fill(wanted.split("（")[0])
    screenshot(page, "core/unit-picker-typed")
    page.select_option("#id_role", "station_officer")
    box.fill(wanted)
    page.locator("form.card button.btn-primary").click()
    page.wait_for_load_state("load")
    assert wanted.split("（")[0] in page.locator("main table").first.inner_text()
    screenshot(page, "core/unit-picker-granted")
    assert not errors, errors
