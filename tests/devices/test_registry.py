"""Registering devices (page and API) and taking them out of use; compliance follows at once."""

import json

from django.utils import timezone

from huxiao.compliance.models import RuleStatus
from huxiao.devices.models import Device
from tests.defense.fixtures import add_device


def test_register_page_shows_the_secret_once_and_refuses_bad_input(world, client_for):
    a1 = world.schools["a1"]
    c = client_for(world.users["security_a1"])
    url = f"/devices/schools/{a1.pk}/new/"
    bad = {"kind": "camera", "location": "gate", "name": "球机", "serial": "有 空格", "window_minutes": "5"}
    assert c.post(url, bad).status_code == 200 and Device.objects.count() == 0
    assert c.post(url, {**bad, "serial": "CAM-1", "window_minutes": "0"}).status_code == 200
    r = c.post(url, {**bad, "serial": "CAM-1"}, follow=True)
    assert "设备密钥（仅显示一次" in r.content.decode()
    device = Device.objects.get()
    assert device.supervision_window.total_seconds() == 300 and device.region_code == a1.region_code
    assert device.secret_encrypted and "CAM-1" not in device.secret_encrypted
    r = c.post(url, {**bad, "serial": "CAM-1"})
    assert r.status_code == 200 and "serial" in r.context["form"].errors
    assert Device.objects.count() == 1


def test_register_api_validates(world, client_for):
    c = client_for(world.users["edu_a"])

    def post(**kw):
        data = {"school_id": world.schools["a1"].pk, "kind": "alarm_panel", "location": "duty_room",
                "name": "一键报警", "serial": "AP-1", **kw}
        return c.post("/api/v1/devices/", data=json.dumps(data), content_type="application/json")

    assert post(kind="toaster").status_code == 422
    assert post(supervision_window_seconds=5).status_code == 422
    assert post(school_id=world.schools["b1"].pk).status_code == 404
    r = post()
    assert r.status_code == 201 and len(r.json()["secret"]) == 64 and r.json()["networked"] is False
    assert post().status_code == 400  # the serial is taken
    assert Device.objects.count() == 1


def test_taking_a_device_out_of_use_reevaluates(world, client_for, django_capture_on_commit_callbacks):
    a1 = world.schools["a1"]
    panel, _ = add_device(a1, serial="P-1", seen=timezone.now())
    camera, _ = add_device(a1, kind="camera", location="gate", serial="C-1", seen=timezone.now())
    row = RuleStatus.objects.get(school=a1, campaign__code="jintan-2023", rule_id="JT-2")
    assert row.status == "met"
    c = client_for(world.users["principal_a1"])
    with django_capture_on_commit_callbacks(execute=True):  # compliance follows after the commit
        assert c.post(f"/devices/{camera.pk}/active/", {"active": "0"}).status_code == 302
    row.refresh_from_db()
    assert row.status == "not_met" and "未登记校门口" in row.reason
    assert client_for(world.users["guard_a1"]).post(f"/devices/{panel.pk}/active/", {"active": "0"}).status_code == 403
    assert client_for(world.users["principal_a2"]).post(f"/devices/{panel.pk}/active/",
                                                        {"active": "0"}).status_code == 404
    assert Device.objects.get(pk=panel.pk).active
