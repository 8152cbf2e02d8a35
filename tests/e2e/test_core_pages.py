"""A school user and a district official in a real browser: log in, list schools, and the school user
is refused another school's page."""

import re

from tests.e2e.conftest import login, screenshot


def test_district_official_lists_schools(demo_server, new_page):
    page = new_page()
    login(page, demo_server, "jiaoyuju")
    screenshot(page, "core-home-district")
    assert "管辖范围概况" in page.content()
    page.goto(demo_server.url + "/schools/")
    rows = page.locator("#school-table tbody tr")
    assert rows.count() == 25  # first page of the district's ~100 schools
    total = int(re.search(r"共 (\d+) 所", page.locator("h1").inner_text()).group(1))
    assert total >= 90
    assert "溧阳" not in page.locator("#school-table").inner_text()  # the sibling district stays out
    page.select_option("select[name=school_type]", "kindergarten")
    page.click("#school-filter button[type=submit]")
    page.wait_for_load_state("networkidle")
    types = page.locator("#school-table tbody tr td:nth-child(3)").all_inner_texts()
    assert types and set(types) == {"幼儿园"}
    screenshot(page, "core-school-list-district")


def test_school_user_sees_only_own_school(demo_server, new_page):
    official = new_page()
    login(official, demo_server, "jiaoyuju")
    official.goto(demo_server.url + "/schools/?q=溧阳")
    assert official.locator("#school-table tbody tr").count() == 1  # "没有符合条件的学校"
    official.goto(demo_server.url + "/schools/?school_type=kindergarten")
    other_href = official.locator("#school-table tbody tr a").first.get_attribute("href")

    page = new_page(width=390, height=844)  # a phone
    login(page, demo_server, "xiaozhang")
    page.goto(demo_server.url + "/schools/")
    rows = page.locator("#school-table tbody tr")
    assert rows.count() == 1
    assert "华罗庚实验学校" in rows.first.inner_text()
    screenshot(page, "core-school-list-school-user")
    response = page.goto(demo_server.url + other_href)
    assert response.status == 404
    assert "不在您的管辖范围" in page.content()
    screenshot(page, "core-other-school-refused")
