"""DC-09 settings of an alarm panel through the API (key forms, timestamp opt-out, no account oracle) and
what the device page and the alarm statistics show of them (status, last heard, forged frames)."""

import json

from django.utils import timezone

from huxiao.devices.models import Device
from tests.alarms.conftest import make_panel

UNUSABLE = "DC-09 账号无效或不可用"


def put(client, device, **body):
    return client.put(f"/api/v1/alarms/devices/{device.pk}/dc09", data=json.dumps(body),
                      content_type="application/json")


def error_text(response) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


def test_keys_as_the_standard_writes_them_and_the_legacy_form(world, client_for):
    panel = make_panel(world.schools["a1"], "AP-K", "2001")
    c = client_for(world.users["police_a"])
    for key in ("00112233445566778899aabbccddeeff", "00112233445566778899AABBCCDDEEFF0011223344556677",
                "00112233445566778899AABBCCDDEEFF" * 2):
        r = put(c, panel, account="2001", key=key)
        assert r.status_code == 200, r.content
        assert r.json() == {"device_id": panel.pk, "account": "2001", "encrypted": True, "key_form": "hex",
                            "timestamp_optional": False}
    r = put(c, panel, account="2001", key="Legacy-Panel-Key", key_form="chars")
    assert r.status_code == 200 and r.json()["key_form"] == "chars"
    panel.refresh_from_db()
    before = (panel.dc09_key_encrypted, panel.dc09_key_form)
    for body, field in [({"key": "0123456789ABCDEF"}, "32、48 或 64 位十六进制"),  # 16 digits: no hex key
                        ({"key": "XYZ3456789ABCDEF0123456789ABCDEF"}, "十六进制"),
                        ({"key": "short", "key_form": "chars"}, "16、24 或 32 个"),
                        ({"key": "0" * 32, "timestamp_optional": True}, "必须带时间戳"),
                        ({"key_form": "base64"}, "key_form")]:
        r = put(c, panel, account="2001", **body)
        assert r.status_code in (400, 422) and field in error_text(r), (body, r.content)
    panel.refresh_from_db()
    assert (panel.dc09_key_encrypted, panel.dc09_key_form) == before  # refused input changes nothing
    r = put(c, panel, account="2001", key="", timestamp_optional=True)
    assert r.status_code == 200 and r.json()["encrypted"] is False and r.json()["timestamp_optional"] is True


def test_account_stays_as_typed(world, client_for):
    panel = make_panel(world.schools["a1"], "AP-T", "1001")
    r = put(client_for(world.users["police_a"]), panel, account="2001")
    assert r.status_code == 200 and r.json()["account"] == "2001"
    assert Device.objects.get(pk=panel.pk).dc09_account == "2001"


def test_no_oracle_for_accounts_of_other_jurisdictions(world, client_for):
    make_panel(world.schools["a1"], "AP-A", "2001")
    mine = make_panel(world.schools["b1"], "AP-B", "3001")
    c = client_for(world.users["police_b"])  # cannot see school a1
    taken = put(c, mine, account="2001")
    invalid = put(c, mine, account="ZZZZ")
    assert taken.status_code == invalid.status_code and taken.status_code in (400, 422)
    assert UNUSABLE in error_text(taken) and error_text(taken) == error_text(invalid)
    assert "已被" not in error_text(taken)
    # an official who can see the other device is told plainly
    other = make_panel(world.schools["a2"], "AP-A2", "4001")
    r = put(client_for(world.users["police_a"]), other, account="2001")
    assert r.status_code in (400, 422) and "已被本辖区其他设备使用" in error_text(r)
    assert Device.objects.get(pk=mine.pk).dc09_account == "3001"


def test_device_page(world, client_for):
    panel = make_panel(world.schools["a1"], "AP-P", "2001", "00112233445566778899AABBCCDDEEFF")
    Device.objects.filter(pk=panel.pk).update(forged_frames=3, last_forged_at=timezone.now(),
                                              last_seen_at=timezone.now())
    page = client_for(world.users["security_a1"]).get(f"/devices/{panel.pk}/").content.decode()
    assert "联网" in page and 'id="forged-warning"' in page and "伪造报文 3 条" in page
    assert "十六进制（32/48/64 位，标准）" in page and "2001" in page and 'id="timestamp-warning"' not in page
    assert "00112233" not in page  # the key itself is never shown
    legacy = make_panel(world.schools["a1"], "AP-OLD", "2005", timestamp_optional=True)
    page = client_for(world.users["security_a1"]).get(f"/devices/{legacy.pk}/").content.decode()
    assert 'id="timestamp-warning"' in page and "离线" in page and 'id="forged-warning"' not in page
    assert client_for(world.users["principal_a2"]).get(f"/devices/{panel.pk}/").status_code == 404
    assert client_for(world.users["police_b"]).get(f"/devices/{panel.pk}/").status_code == 404


def test_forged_frames_in_the_alarm_statistics(world, client_for):
    panel = make_panel(world.schools["a1"], "AP-S", "2001", "00112233445566778899AABBCCDDEEFF")
    Device.objects.filter(pk=panel.pk).update(forged_frames=4, last_forged_at=timezone.now())
    data = client_for(world.users["police_a"]).get("/api/v1/alarms/stats").json()
    assert data["forged_frames"] == 4 and data["devices_forged"][0]["account"] == "2001"
    page = client_for(world.users["police_a"]).get("/alarms/stats/").content.decode()
    assert 'id="hx-forged">4<' in page
    assert client_for(world.users["police_b"]).get("/api/v1/alarms/stats").json()["forged_frames"] == 0
