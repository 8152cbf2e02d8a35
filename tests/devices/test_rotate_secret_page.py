"""重置密钥 on the device page: offered to the roles that may rotate, a confirmation step first, the new
secret shown once on a page no cache keeps, the old one refused from then on; refused roles see no button
and cannot rotate through the page."""

import re

from huxiao.core.models import AuditLog
from tests.defense.fixtures import add_device
from tests.devices.test_bulk_and_secrets import beat


def test_rotating_from_the_device_page_shows_the_new_secret_once(world, client_for):
    device, old = add_device(world.schools["a1"], serial="PAGE-ROTATE-1")
    c = client_for(world.users["security_a1"])
    detail = c.get(f"/devices/{device.pk}/").content.decode()
    assert f'href="/devices/{device.pk}/secret/"' in detail and "重置密钥" in detail

    confirm = c.get(f"/devices/{device.pk}/secret/")
    html = confirm.content.decode()
    assert confirm.status_code == 200 and 'id="rotate-confirm-button"' in html and "旧密钥立即失效" in html
    assert not AuditLog.objects.filter(event="devices.rotate_secret").exists()  # asking is not rotating
    assert beat(client_for(None), device, old, ago=10).status_code == 200

    done = c.post(f"/devices/{device.pk}/secret/")
    assert done.status_code == 201 and done["Cache-Control"] == "no-store"
    secret = re.search(r'id="device-secret">([0-9a-f]{64})<', done.content.decode()).group(1)
    assert secret != old
    assert AuditLog.objects.filter(event="devices.rotate_secret", object_id=str(device.pk)).count() == 1
    assert beat(client_for(None), device, old, ago=1).status_code == 401
    assert beat(client_for(None), device, secret).status_code == 200
    # never shown again: not on the device page, nor on the confirmation page
    for page in (c.get(f"/devices/{device.pk}/"), c.get(f"/devices/{device.pk}/secret/")):
        assert secret not in page.content.decode()


def test_refused_roles_see_no_button_and_cannot_rotate(world, client_for):
    device, old = add_device(world.schools["a1"], serial="PAGE-ROTATE-2")
    guard = client_for(world.users["guard_a1"])
    assert "重置密钥" not in guard.get(f"/devices/{device.pk}/").content.decode()
    assert guard.get(f"/devices/{device.pk}/secret/").status_code == 403
    assert guard.post(f"/devices/{device.pk}/secret/").status_code == 403
    assert client_for(world.users["edu_b"]).post(f"/devices/{device.pk}/secret/").status_code == 404
    anon = client_for(None).post(f"/devices/{device.pk}/secret/")
    assert anon.status_code == 302 and "login" in anon["Location"]
    assert not AuditLog.objects.filter(event="devices.rotate_secret").exists()
    assert beat(client_for(None), device, old).status_code == 200  # unchanged
