"""The whole loop in a real browser as three users: an inspector fails an item on site (phone), the school
sees the hazard, rectifies it and uploads evidence, the inspector accepts and closes it; then the dashboard."""

import re

from tests.e2e.conftest import login, screenshot
from tests.hazards.helpers import PNG

FLAGSHIP = "金坛区华罗庚实验学校"


def test_inspection_to_closed_hazard(demo_server, new_page):
    inspector = new_page(width=390, height=844)  # on site, with a phone
    login(inspector, demo_server, "duxue")
    inspector.goto(demo_server.url + "/inspections/new/")
    inspector.select_option("#id_school", label=FLAGSHIP)
    cards = inspector.locator(".hx-item")
    assert cards.count() >= 6  # the default checklist (八项措施: 8 items)
    ids = [cards.nth(i).get_attribute("data-item") for i in range(cards.count())]
    for item in ids[1:]:
        inspector.click(f"label[for=pass-{item}]")
    inspector.click(f"label[for=fail-{ids[0]}]")
    inspector.fill(f"input[name=note-{ids[0]}]", "门卫室值班制度未上墙，夜间值班记录缺失")
    inspector.fill(f"input[name=place-{ids[0]}]", "北门门卫室")
    inspector.set_input_files(f"input[name=photos-{ids[0]}]",
                              files=[{"name": "现场.png", "mimeType": "image/png", "buffer": PNG}])
    screenshot(inspector, "hazard-1-inspection-on-phone")
    inspector.click("#inspection-form button[type=submit]")
    inspector.wait_for_load_state("networkidle")
    assert "已列入隐患台账" in inspector.content()
    screenshot(inspector, "hazard-2-inspection-saved")
    inspector.click("#result-table a[href^='/hazards/']:not([href*='attachments'])")
    inspector.wait_for_load_state("networkidle")
    hazard_url = inspector.url
    number = re.search(r"YH\d+", inspector.locator("h1").inner_text()).group(0)
    assert "待整改" in inspector.locator("h1").inner_text() and "北门门卫室" in inspector.locator("h1").inner_text()
    assert inspector.evaluate("document.querySelector('img[alt=\"现场.png\"]').naturalWidth") > 0

    school = new_page()
    login(school, demo_server, "xiaozhang")
    school.goto(demo_server.url + "/hazards/?status=pending")
    assert number in school.locator("#hazard-table").inner_text()
    assert "溧阳" not in school.locator("#hazard-table").inner_text()
    school.click(f"text={number}")
    school.wait_for_load_state("networkidle")
    assert "验收销号" not in school.locator("#transition-form").inner_text()  # the school cannot close
    school.click("button[value=start]")
    school.wait_for_load_state("networkidle")
    assert "整改中" in school.locator("h1").inner_text()
    school.click("button[value=submit]")  # without a note: refused, nothing changes
    school.wait_for_load_state("networkidle")
    assert "请填写说明" in school.locator(".alert-danger").inner_text()
    school.fill("#id_note", "值班制度已上墙")
    school.click("button[value=submit]")  # without evidence: refused
    school.wait_for_load_state("networkidle")
    assert "佐证材料" in school.locator(".alert-danger").inner_text()
    assert "整改中" in school.locator("h1").inner_text()
    school.fill("#id_note", "值班制度已上墙，补齐值班记录本")
    school.set_input_files("#id_evidence", files=[{"name": "整改后.png", "mimeType": "image/png", "buffer": PNG}])
    school.click("button[value=submit]")
    school.wait_for_load_state("networkidle")
    assert "待验收" in school.locator("h1").inner_text()
    screenshot(school, "hazard-3-school-submitted")
    # the school cannot close it, even by posting the form by hand
    response = school.request.post(hazard_url + "transition/", form={
        "action": "close", "csrfmiddlewaretoken": school.locator("input[name=csrfmiddlewaretoken]").first.get_attribute(
            "value")})
    assert response.status == 403

    inspector.goto(hazard_url)
    assert "整改后.png" in inspector.content()
    assert inspector.evaluate("document.querySelector('img[alt=\"整改后.png\"]').naturalWidth") > 0
    inspector.fill("#id_note", "现场复查，制度上墙，记录完整，同意销号")
    inspector.click("button[value=close]")
    inspector.wait_for_load_state("networkidle")
    assert "已销号" in inspector.locator("h1").inner_text()
    timeline = inspector.locator("#timeline").inner_text()
    for step in ("登记挂账", "开始整改", "提交验收", "验收销号"):
        assert step in timeline
    screenshot(inspector, "hazard-4-closed-timeline")


def test_dashboard_and_overdue_list(demo_server, new_page):
    page = new_page()
    login(page, demo_server, "jiaoyuju")
    page.goto(demo_server.url + "/hazards/dashboard/")
    page.wait_for_selector("#hazard-chart canvas")
    totals = {el.get_attribute("data-k"): el.inner_text() for el in page.locator("#totals .value").all()}
    rows = page.locator("#dashboard-table tbody tr")
    assert rows.count() >= 5
    overdue_sum = sum(int(rows.nth(i).locator("td").nth(4).inner_text()) for i in range(rows.count()))
    assert overdue_sum == int(totals["overdue"]) > 0
    screenshot(page, "hazard-5-dashboard")
    page.goto(demo_server.url + "/hazards/?overdue=on")
    assert "逾期" in page.locator("#hazard-table").inner_text()
    screenshot(page, "hazard-6-overdue-list")
    page.goto(demo_server.url + "/inspections/coverage/")
    screenshot(page, "hazard-7-coverage")


def test_ladder_after_moving_the_clock(demo_server, new_page):
    """Move the clock 40 days: a fresh hazard of the flagship school climbs the ladder, visible to the
    school, its education bureau and its police at once."""
    import datetime

    page = new_page()
    login(page, demo_server, "fenju")
    page.goto(demo_server.url + "/hazards/?q=家长车辆占道")  # the flagship's fresh traffic hazard (demo)
    page.click("#hazard-table tbody tr a")
    page.wait_for_load_state("networkidle")
    hazard_url = page.url
    deadline = datetime.date.fromisoformat(page.locator("#deadline").inner_text().strip())
    out = demo_server.manage("hazard_ladder", "--at", str(deadline + datetime.timedelta(days=40))).stdout
    assert "约谈" in out
    for user in ("xiaozhang", "jiaoyuju", "minjing"):
        viewer = new_page()
        login(viewer, demo_server, user)
        viewer.goto(hazard_url)
        assert "约谈" in viewer.locator("#escalations").inner_text()
        screenshot(viewer, f"hazard-8-ladder-{user}")
        viewer.goto(demo_server.url + "/notifications/")
        assert "约谈" in viewer.locator("main").inner_text(), (user, viewer.locator("main").inner_text()[:300])


def test_supporting_pages(demo_server, new_page):
    """Plans, checklists, self-checks and policies render for an official; the school files a self-check."""
    page = new_page()
    login(page, demo_server, "jiaoyuju")
    for path, name, marker in (("/inspections/plans/", "plans", "金坛区秋季学期校园安全联合检查"),
                               ("/inspections/templates/", "templates", "应急处置预案及演练是否到位"),
                               ("/hazards/self-checks/", "selfchecks", "未发现隐患"),
                               ("/hazards/policies/", "policies", "默认督办规则")):
        response = page.goto(demo_server.url + path)
        assert response.status == 200 and marker in page.content(), path
        screenshot(page, f"hazard-9-{name}")
    school = new_page(width=390, height=844)
    login(school, demo_server, "anbao")
    school.goto(demo_server.url + "/hazards/self-checks/new/")
    school.check("#id_no_hazards")
    school.click("#selfcheck-form button[type=submit]")
    school.wait_for_load_state("networkidle")
    assert "已填报" in school.content() or "已填报" in school.locator(".alert").first.inner_text()
    screenshot(school, "hazard-10-selfcheck-filed")
