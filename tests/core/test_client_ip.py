"""The source address the audit log and sign-in throttling record: X-Forwarded-For counts only when the
peer is a configured proxy, and then only its right-most address that is not itself a proxy."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from huxiao.core.middleware import client_ip, scope_client_ip
from huxiao.core.models import AuditLog

pytestmark = pytest.mark.django_db


def patch_school(client, world, **headers):
    client.force_login(world.users["edu_a"])
    r = client.patch(f"/api/v1/schools/{world.schools['a1'].pk}", data='{"students": 1401}',
                     content_type="application/json", **headers)
    assert r.status_code == 200, r.content
    return AuditLog.objects.filter(model="core.School", action="update").latest("pk").ip


def test_forged_forwarded_for_from_an_untrusted_client_is_ignored(world, client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    ip = patch_school(client, world, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert ip == "203.0.113.7"


def test_no_proxies_configured_means_the_header_is_never_believed(world, client, settings):
    settings.TRUSTED_PROXIES = []
    ip = patch_school(client, world, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert ip == "10.0.0.1"


def test_chain_through_trusted_proxies_gives_the_real_client(world, client, settings):
    # client 198.51.100.20 -> edge proxy 10.8.0.3 -> nginx 10.0.0.1 -> app; the client itself sent a forged entry
    settings.TRUSTED_PROXIES = ["10.0.0.1", "10.8.0.0/16"]
    ip = patch_school(client, world, REMOTE_ADDR="10.0.0.1",
                      HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.20, 10.8.0.3")
    assert ip == "198.51.100.20"


def test_rotating_forged_addresses_through_the_proxy_keep_the_real_one(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    factory = RequestFactory()
    seen = {client_ip(factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"9.9.9.{i}, 192.0.2.50"))
            for i in range(20)}
    assert seen == {"192.0.2.50"}


@pytest.mark.parametrize("remote,header,expected", [
    ("10.0.0.1", "", "10.0.0.1"),                         # proxy without a header: the proxy itself
    ("10.0.0.1", "not-an-address", "10.0.0.1"),           # garbage ends the walk at the last trusted hop
    ("10.0.0.1", "192.0.2.9, junk", "10.0.0.1"),
    ("10.0.0.1", "192.0.2.9:5123", "192.0.2.9"),          # a port is dropped
    ("10.0.0.1", "[2001:db8::5]:443", "2001:db8::5"),
    ("::ffff:10.0.0.1", "192.0.2.9", "192.0.2.9"),        # IPv4-mapped peer of a dual-stack socket
    ("10.0.0.1", "10.0.0.1, 10.0.0.1", "10.0.0.1"),       # only proxies: the left-most of them
    ("garbage", "192.0.2.9", None),
])
def test_edge_cases(settings, remote, header, expected):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=header)
    assert client_ip(request) == expected


def test_websocket_scope_uses_the_same_rule(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    forged = {"client": ("203.0.113.7", 5000), "headers": [(b"x-forwarded-for", b"1.2.3.4")]}
    proxied = {"client": ("10.0.0.1", 5000), "headers": [(b"x-forwarded-for", b"1.2.3.4, 198.51.100.20")]}
    assert scope_client_ip(forged) == "203.0.113.7"
    assert scope_client_ip(proxied) == "198.51.100.20"


def test_misconfigured_proxy_list_is_refused(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.300"]
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        client_ip(RequestFactory().get("/", REMOTE_ADDR="10.0.0.1"))


def test_usable_as_the_axes_client_ip_callable(settings):
    from axes.helpers import get_client_ip_address

    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    settings.AXES_CLIENT_IP_CALLABLE = "huxiao.core.middleware.client_ip"
    request = RequestFactory().post("/login/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="5.5.5.5, 192.0.2.77")
    assert get_client_ip_address(request) == "192.0.2.77"
