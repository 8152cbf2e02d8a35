"""The phone page offline, in headless Chromium against a live server: with the network cut, three
check-ins are kept on the phone (待上传 3 条), survive a reload served by the service worker, and arrive
exactly once when the network returns; sending the same batch again stores nothing twice."""

import os

import pytest

from huxiao.patrols.models import CheckIn, PhoneContact
from tests.patrols.helpers import patrol_world

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed")]


@pytest.fixture
def signed_in_cookie(world, client):
    patrol_world(world)
    client.force_login(world.users["guard_a1"])
    return client.cookies["sessionid"].value


def _count(page):
    return page.locator("#pending-count").inner_text()


def test_offline_check_ins_arrive_exactly_once(live_server, signed_in_cookie, world, monkeypatch, browser):
    from playwright.sync_api import expect

    post = world.extra["post_a1"]
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context = browser.new_context(geolocation={"latitude": post.latitude, "longitude": post.longitude},
                                  permissions=["geolocation"], locale="zh-CN")
    context.add_cookies([{"name": "sessionid", "value": signed_in_cookie, "domain": host, "path": "/"}])
    page = context.new_page()
    page.goto(f"{live_server.url}/patrols/phone/")
    expect(page.locator("#phone[data-offline=ready]")).to_be_attached(timeout=20000)  # the worker controls it
    expect(page.locator("#offline-unavailable")).to_be_hidden()

    context.set_offline(True)
    for _n in range(3):
        page.locator(".check-btn[data-kind=patrol]").click()
    expect(page.locator("#pending-count")).to_have_text("3", timeout=20000)
    expect(page.locator("#net-offline")).to_be_visible()
    page.reload()  # offline: the service worker serves the kept page, the queue is still there
    expect(page.locator("#pending-count")).to_have_text("3", timeout=20000)
    queued = page.evaluate("""() => new Promise((resolve) => {
        const req = indexedDB.open("huxiao-patrols", 1);
        req.onsuccess = () => { const all = req.result.transaction("queue").objectStore("queue").getAll();
                                 all.onsuccess = () => resolve(all.result); };
    })""")
    assert len(queued) == 3 and all(item["client_key"][14] == "7" for item in queued)  # UUIDv7
    assert CheckIn.objects.count() == 0

    context.set_offline(False)  # "online": the queue is sent
    expect(page.locator("#pending-count")).to_have_text("0", timeout=30000)
    assert CheckIn.objects.count() == 3
    assert set(CheckIn.objects.values_list("kind", flat=True)) == {"patrol"}
    contact = PhoneContact.objects.get()  # the supervisor's page: this phone has nothing left unsent
    assert (contact.pending, contact.sent, contact.user) == (0, 3, world.users["guard_a1"])
    assert sorted(str(k) for k in CheckIn.objects.values_list("client_key", flat=True)) == \
        sorted(i["client_key"] for i in queued)

    again = page.evaluate("""(items) => fetch("/api/v1/patrols/check-ins/sync", {method: "POST",
        headers: {"Content-Type": "application/json",
                  "X-CSRFToken": document.cookie.match(/csrftoken=([^;]+)/)[1]},
        body: JSON.stringify({items})}).then((r) => r.json())""", queued)
    assert (again["stored"], again["replayed"]) == (0, 3)
    assert CheckIn.objects.count() == 3
    context.close()


def test_a_gate_code_scanned_offline_arrives_once_with_its_proof(live_server, signed_in_cookie, world, browser):
    """The camera opens the page's address from the gate's code; offline, the kept page queues a check-in
    carrying the code (no position: geolocation is not granted), a reload does not add a second, and
    the server verifies the code when it arrives. A forged code, online, is refused on the page."""
    from playwright.sync_api import expect

    from huxiao.patrols import gate_codes

    post = world.extra["post_a1"]
    token = gate_codes.token_for(post)
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context = browser.new_context(locale="zh-CN")
    context.add_cookies([{"name": "sessionid", "value": signed_in_cookie, "domain": host, "path": "/"}])
    page = context.new_page()
    page.goto(f"{live_server.url}/patrols/phone/")
    expect(page.locator("#phone[data-offline=ready]")).to_be_attached(timeout=20000)
    page.select_option("#scan-kind", "patrol")  # remembered on the phone for later scans

    context.set_offline(True)
    page.goto(f"{live_server.url}/patrols/phone/?gate={token}")
    expect(page.locator("#pending-count")).to_have_text("1", timeout=20000)
    expect(page.locator("#gate-offline")).to_be_visible()
    assert "gate=" not in page.url  # the code left the address: a reload is not a second scan
    page.reload()
    expect(page.locator("#pending-count")).to_have_text("1", timeout=20000)
    assert CheckIn.objects.count() == 0

    context.set_offline(False)
    page.locator("#sync-now").click()
    expect(page.locator("#pending-count")).to_have_text("0", timeout=30000)
    record = CheckIn.objects.get()
    assert (record.evidence, record.kind, record.latitude, record.outside_fence) == ("qr", "patrol", None, False)

    bad = token[:-1] + ("A" if token[-1] != "A" else "B")
    page.goto(f"{live_server.url}/patrols/phone/?gate={bad}")
    expect(page.locator("#gate-scan[data-status=error]")).to_contain_text("二维码无效，未签到")
    expect(page.locator("#pending-count")).to_have_text("0")
    assert CheckIn.objects.count() == 1
    context.close()
