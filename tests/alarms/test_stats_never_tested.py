"""The statistics page's "从未测试的报警设备": the first few listed, their count, and a link to the device list
filtered to exactly those devices ("never tested" filter of the device registry, page and API)."""

import re

import pytest

from huxiao.alarms import stats
from huxiao.alarms.intake import Incoming, receive_alarms
from huxiao.core.actions import SYSTEM
from huxiao.devices.services import do_set_device_active
from tests.alarms.conftest import make_panel


@pytest.fixture
def panels(world, monkeypatch):
    """Five panels at a1 (one tested, one taken out of use), two at a2, one at b1 (another district)."""
    monkeypatch.setattr(stats, "NEVER_TESTED_SHOWN", 3)
    made = {f"a1-{i}": make_panel(world.schools["a1"], f"NT-A1-{i}", f"7A{i}") for i in range(5)}
    made |= {f"a2-{i}": make_panel(world.schools["a2"], f"NT-A2-{i}", f"7B{i}") for i in range(2)}
    made["b1"] = make_panel(world.schools["b1"], "NT-B1", "7C1")
    receive_alarms([Incoming(device=made["a1-0"], source="dc09", dedup_key="nt:test", code="RP")])
    receive_alarms([Incoming(device=made["a1-1"], source="dc09", dedup_key="nt:real", code="PA")])  # real: not a test
    do_set_device_active(made["a1-4"], False, actor=SYSTEM)
    return made


def test_the_page_lists_the_first_few_and_links_to_all_of_them(world, panels, client_for):
    c = client_for(world.users["police_a"])
    html = c.get("/alarms/stats/").content.decode()
    card = html[html.index('id="never-tested"'):]
    card = card[:card.index("</div></div>")]
    assert re.search(r'id="hx-never-tested">5<', card)  # a1-1..a1-3, a2-0, a2-1; not b1 (other district)
    assert len(re.findall(r'href="/devices/\d+/"', card)) == 3 and "仅列出前 3 台" in card
    assert 'href="/devices/?never_tested=true"' in card and "查看全部 5 台" in card

    api = c.get("/api/v1/alarms/stats?days=7").json()
    assert api["devices_never_tested_count"] == 5 and len(api["devices_never_tested"]) == 3

    listed = c.get("/api/v1/devices/?never_tested=true").json()
    serials = {d["serial"] for d in (listed["items"] if isinstance(listed, dict) else listed)}
    assert serials == {"NT-A1-1", "NT-A1-2", "NT-A1-3", "NT-A2-0", "NT-A2-1"}
    page = c.get("/devices/?never_tested=true").content.decode()
    assert all(s in page for s in serials) and "NT-A1-0" not in page and "NT-B1" not in page
    assert "从未测试的报警设备" in page  # the filter's choice, shown selected


def test_tested_filter_and_bad_value(world, panels, client_for):
    c = client_for(world.users["police_a"])
    listed = c.get("/api/v1/devices/?never_tested=false").json()
    assert {d["serial"] for d in (listed["items"] if isinstance(listed, dict) else listed)} == {"NT-A1-0"}
    assert c.get("/api/v1/devices/?never_tested=maybe").status_code == 422
    page = c.get("/devices/?never_tested=maybe")
    assert page.status_code in (200, 400) and "报警测试" in page.content.decode()


def test_all_tested_shows_no_link(world, client_for):
    panel = make_panel(world.schools["a1"], "NT-ONE", "7D1")
    receive_alarms([Incoming(device=panel, source="dc09", dedup_key="nt:one", code="RP")])
    html = client_for(world.users["police_a"]).get("/alarms/stats/").content.decode()
    assert "全部设备均已测试" in html and "never_tested=true" not in html
