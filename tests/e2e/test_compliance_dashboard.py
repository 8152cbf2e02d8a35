"""The 达标看板 in a real browser: the district official's dashboard with ECharts, drill-down to a failing
school and its reasons, the school's own checklist, and a device going silent lowering the networked rate."""

import re
import time

from tests.e2e.conftest import login, screenshot

PICK_SCHOOL = """
from pathlib import Path
from django.conf import settings
from huxiao.compliance.models import RuleStatus
from huxiao.devices.models import Device
# a school whose alarm and gate video are networked now; the heartbeat simulator is told to skip it
status = RuleStatus.objects.filter(campaign__code='jintan-2023', rule_id='JT-2', status='met',
                                   region_code__startswith='320413').order_by('school__name').first()
gate_video = Device.objects.filter(school_id=status.school_id, kind__in=['camera', 'nvr'], location='gate')
Path(settings.VAR_DIR, 'heartbeat_skip.txt').write_text('\\n'.join(gate_video.values_list('serial', flat=True)))
print(status.school_id)
"""

SET_LAST_SEEN = """
import datetime
from django.utils import timezone
from huxiao.compliance.models import RuleStatus
from huxiao.compliance.services import refresh_school_ids
from huxiao.devices.models import Device
from huxiao.devices.services import sweep_network_states
Device.objects.filter(school_id=SCHOOL, kind__in=['camera', 'nvr'], location='gate').update(
    last_seen_at=timezone.now() - datetime.timedelta(hours=HOURS))
changed = sweep_network_states()  # the worker's handler re-evaluates too; here at once, to print the state
refresh_school_ids([SCHOOL])
print(changed, RuleStatus.objects.get(campaign__code='jintan-2023', rule_id='JT-2', school_id=SCHOOL).status)
"""


def _three(page, key):
    return page.locator(f"[data-three='{key}']").inner_text().strip()


def test_district_dashboard_drill_down_and_checklist(demo_server, new_page):
    page = new_page(width=1400, height=1000)
    login(page, demo_server, "jiaoyuju")
    page.goto(demo_server.url + "/compliance/?campaign=jintan-2023")  # the default is the campaign in force
    assert "金坛区" in page.locator("#dashboard-title").inner_text()
    assert page.locator("#three-100 .card").count() == 3
    page.wait_for_selector("#chart-rules canvas")
    page.wait_for_selector("#chart-trend canvas")
    rows = page.locator("#rates-table tbody tr")
    assert rows.count() == 9  # the nine indicators of the Jintan 2023 campaign (alarm and video apart)
    headers = page.locator("#rates-table thead th").all_inner_texts()
    assert "东城街道" in headers and "薛埠镇" in headers  # one column per town
    screenshot(page, "compliance-dashboard-district")

    page.locator("#rates-table tbody tr[data-rule='JT-4'] td:nth-child(5) a").click()
    page.wait_for_load_state("networkidle")
    assert "未达标学校" in page.locator("#failing-title").inner_text()
    reasons = page.locator("#failing-table tbody tr td:nth-child(3)").all_inner_texts()
    assert reasons and all(re.search(r"专职保安员 \d+ 人，按在校生 [\d,]+ 人应不少于 \d+ 人", r) for r in reasons)
    screenshot(page, "compliance-failing-jt4")

    page.locator("#failing-table tbody tr a").first.click()
    page.wait_for_load_state("networkidle")
    assert "三防达标清单" in page.locator("#checklist-title").inner_text()
    assert page.locator("[data-rule='JT-4'][data-status='not_met']").count() >= 1
    screenshot(page, "compliance-checklist-from-drilldown")

    page.goto(demo_server.url + "/compliance/?region=320413&campaign=jiangsu-2019")
    page.wait_for_selector("#chart-rules canvas")
    assert page.locator("#rates-table tbody tr").count() == 15  # 14 Jiangsu 2019 rules and the national 三个100% one it lacks
    with page.expect_download() as download:
        page.click("#export-link")
    assert download.value.suggested_filename.startswith("compliance-jiangsu-2019-320413")


def test_school_user_sees_own_checklist(demo_server, new_page):
    page = new_page(width=390, height=844)
    login(page, demo_server, "xiaozhang")
    page.goto(demo_server.url + "/compliance/my/")
    assert "金坛区华罗庚实验学校" in page.locator("#checklist-title").inner_text()
    todo = page.locator("[data-status='not_met']")
    assert todo.count() >= 1
    assert "待整改" in todo.first.inner_text()
    screenshot(page, "compliance-checklist-school-phone")
    response = page.goto(demo_server.url + "/compliance/")
    assert response.status == 403

    desk = new_page(width=1280, height=900)
    login(desk, demo_server, "anbao")
    desk.goto(demo_server.url + "/defense/")
    desk.wait_for_load_state("networkidle")
    assert "三防台账" in desk.locator("#defense-title").inner_text()
    assert desk.locator("#guard-table tbody tr").count() >= 2
    assert desk.locator("#device-table tbody tr").count() >= 8
    assert "****" in desk.locator("#guard-table").inner_text()  # ID numbers masked
    screenshot(desk, "defense-school-records")


def test_device_going_silent_lowers_the_networked_rate(demo_server, new_page):
    page = new_page(width=1400, height=1000)
    login(page, demo_server, "jiaoyuju")
    page.goto(demo_server.url + "/compliance/?region=320413&campaign=jintan-2023")
    school = demo_server.manage("shell", "-c", PICK_SCHOOL).stdout.split()[-1]  # last line: the id
    time.sleep(3)  # a heartbeat round already under way may still include the school's devices

    def rate_with_gate_video(hours_silent):
        out = demo_server.manage("shell", "-c", SET_LAST_SEEN.replace("SCHOOL", school).replace(
            "HOURS", str(hours_silent))).stdout.split()[-1]
        page.reload()
        return float(_three(page, "networked").rstrip("%")), out

    # The demo's simulators keep other devices beating, so the district rate drifts on its own: compare
    # the rate with the school's gate video silent and heard again, back to back, a few times.
    trace = []
    for _attempt in range(3):
        silent, status_silent = rate_with_gate_video(3)
        heard, status_heard = rate_with_gate_video(0)
        trace.append((silent, status_silent, heard, status_heard))
        if status_silent == "not_met" and status_heard == "met" and silent < heard:
            break
    assert (status_silent, status_heard) == ("not_met", "met"), trace
    assert silent < heard, (school, trace)
    rate_with_gate_video(3)
    screenshot(page, "compliance-dashboard-after-silence")
    page.goto(demo_server.url + "/defense/")
    page.wait_for_load_state("networkidle")
