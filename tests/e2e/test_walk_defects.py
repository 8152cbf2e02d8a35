"""The smaller defects of issue 14's walk-through, each looked for where the user met it, in the browser:
the hazard form's dates and policy choice, the policy list, the 整改通知书 offered only for a school with
open hazards, the menus of school users, the 达标清单 entry, and a form's errors under their labels."""

import re

from tests.e2e.conftest import login, screenshot

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# an error naming a field by its path or its Python name instead of its label
FIELD_NAMES = re.compile(r"\[\d+\]\.|(?<![A-Za-z_])(description|place|deadline|responsible_person)(?![A-Za-z_])")


def _menu_labels(page) -> list:
    return [t.strip() for t in page.locator("#hx-nav a").all_inner_texts()]


def test_hazard_form_dates_and_default_policy(demo_server, new_page):
    page = new_page(width=1366, height=800)
    login(page, demo_server, "anbao")
    page.goto(demo_server.url + "/hazards/new/")
    found_on = page.locator("#id_found_on")
    assert ISO_DATE.match(found_on.input_value()), found_on.input_value()  # shown, not blank
    options = page.locator("#id_policy option").all_inner_texts()
    assert [o.strip() for o in options].count("默认督办规则") == 1, options

    # sent with the required fields empty (the browser's own check bypassed): the server's errors
    page.evaluate("document.getElementById('hazard-form').noValidate = true")
    page.click("#hazard-form button[type=submit]")
    page.wait_for_load_state("load")
    text = page.locator("main").inner_text()
    assert "此项必填" in text or "这个字段是必填项" in text
    assert not FIELD_NAMES.search(text), text
    assert page.locator("main .is-invalid").count() >= 1  # the field itself is marked
    screenshot(page, "walk/defect-hazard-form-errors")


def test_policy_list_names_the_default_once(demo_server, new_page):
    page = new_page(width=1366, height=800)
    login(page, demo_server, "jiaoyuju")
    page.goto(demo_server.url + "/hazards/policies/")
    names = [n.strip() for n in page.locator("#policy-table tbody tr td:first-child").all_inner_texts()]
    assert sum(1 for n in names if n.startswith("默认督办规则")) == 1, names
    screenshot(page, "walk/defect-policy-list")


def _schools_with_and_without_open_hazards(server) -> tuple[int, int]:
    out = server.manage("shell", "-c", (
        "from huxiao.core.models import School\n"
        "from huxiao.hazards.models import Hazard\n"
        "open_ids = set(Hazard.objects.open().values_list('school_id', flat=True))\n"
        "district = School.objects.filter(region_code__startswith='320413').order_by('pk')\n"
        "print(district.filter(pk__in=open_ids).first().pk, district.exclude(pk__in=open_ids).first().pk)"))
    with_open, without = out.stdout.split()[-2:]
    return int(with_open), int(without)


def test_rectification_notice_offered_only_with_open_hazards(demo_server, new_page):
    with_open, without = _schools_with_and_without_open_hazards(demo_server)
    page = new_page(width=1366, height=800)
    login(page, demo_server, "jiaoyuju")
    page.goto(f"{demo_server.url}/schools/{without}/")
    assert page.locator("#school-hazards").count() == 1
    assert "整改通知书" not in page.locator("#school-hazards").inner_text()
    page.goto(f"{demo_server.url}/hazards/?school={without}")
    assert page.locator("#notice-issue").count() == 0
    screenshot(page, "walk/defect-notice-no-hazards")

    page.goto(f"{demo_server.url}/schools/{with_open}/")  # a school with open hazards is offered one
    assert "整改通知书" in page.locator("#school-hazards").inner_text()
    page.goto(f"{demo_server.url}/hazards/?school={with_open}")
    assert page.locator("#notice-issue").count() == 1


def _school_only(server, usernames) -> list:
    """The accounts whose every role is held at a school unit (a browser test before this one may have
    granted one of them a role elsewhere: test_unit_picker grants menwei one)."""
    out = server.manage("shell", "-c", (
        "from huxiao.core.models import RoleAssignment\n"
        f"names = {list(usernames)!r}\n"
        "other = set(RoleAssignment.objects.filter(user__username__in=names).exclude(unit__kind='school')"
        ".values_list('user__username', flat=True))\n"
        "print('school-only:', *(n for n in names if n not in other))"))
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("school-only:"))  # the shell says more
    return line.split()[1:]


def test_school_users_menus(demo_server, new_page):
    users = _school_only(demo_server, ("xiaozhang", "anbao", "menwei"))
    assert {"xiaozhang", "anbao"} <= set(users), users
    for username in users:
        page = new_page(width=1366, height=800)
        login(page, demo_server, username)
        labels = _menu_labels(page)
        assert not any("区划导航" in label for label in labels), (username, labels)


def test_checklist_entry_is_not_the_dashboard(demo_server, new_page):
    page = new_page(width=1366, height=800)
    login(page, demo_server, "jiaoyuju")
    page.goto(demo_server.url + "/compliance/")
    dashboard = page.locator("main h1").first.inner_text()
    page.goto(demo_server.url + "/compliance/my/")
    assert page.locator("main h1").first.inner_text() != dashboard, page.url
    screenshot(page, "walk/defect-checklist-entry")
