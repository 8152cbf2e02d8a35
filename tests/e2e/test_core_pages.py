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


def _workbook(path, rows):
    from openpyxl import Workbook

    from huxiao.core.importing import COLUMNS

    wb = Workbook()
    ws = wb.active
    ws.append([c.header for c in COLUMNS])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def _row(i, town="320413001", station="东城派出所", students=500):
    return [f"2132{700000 + i:06d}", f"浏览器导入小学{i}", "小学", "公办", "城市", "否", "否", students, 0, 40,
            f"测试路 {i} 号", 119.6, 31.72, town, station, "王校长", "13912345678", "李安保", "13812345678", "否",
            "07:20", "11:40", "16:30"]


def test_import_with_progress_and_row_report(demo_server, new_page, tmp_path):
    page = new_page()
    login(page, demo_server, "jiaoyuju")
    page.goto(demo_server.url + "/schools/import/")
    bad = [_row(1), _row(2, students="很多"), _row(3, town="320481", station="")]
    page.set_input_files("#id_file", str(_workbook(tmp_path / "bad.xlsx", bad)))
    page.click("main form button[type=submit]")
    page.wait_for_selector("#import-errors", timeout=20000)
    report = page.locator("#import-errors").inner_text()
    assert "第 3 行" in report and "在校生数" in report and "应为整数" in report
    assert "第 4 行" in report and "不在您的管辖范围内" in report
    assert "未导入任何数据" in page.content()
    screenshot(page, "core-import-refused")

    page.goto(demo_server.url + "/schools/import/")
    good = [_row(i) for i in range(10, 310)]
    page.set_input_files("#id_file", str(_workbook(tmp_path / "good.xlsx", good)))
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=已导入 300 所学校", timeout=60000)
    screenshot(page, "core-import-done")
    page.goto(demo_server.url + "/schools/?q=浏览器导入小学")
    assert "共 300 所" in page.locator("h1").inner_text()


def test_region_navigation_and_map(demo_server, new_page):
    page = new_page()
    login(page, demo_server, "shiju")
    page.goto(demo_server.url + "/regions/")
    page.click("text=金坛区")
    page.wait_for_load_state("networkidle")
    assert page.locator(".leaflet-interactive").count() >= 90  # every demo school with coordinates
    assert "东城街道" in page.locator("table").inner_text()
    screenshot(page, "core-region-map")
