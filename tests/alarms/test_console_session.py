"""The police console follows its session (issue 11 item 4) and its reads are audited (item 5).

Through the whole ASGI application, as a browser connects: the session cookie of a real sign-in, the
Origin check, channels' session and auth middleware. Signing out, deactivation, a lost role or a moved
unit close the socket with 4401 and nothing more is sent; the polling fallback answers 401/403.
"""

import asyncio
import json
import time

import pytest
from asgiref.sync import sync_to_async
from asgiref.testing import ApplicationCommunicator
from django.conf import settings
from django.test import Client

from huxiao.alarms import sessions
from huxiao.alarms.intake import Incoming, receive_alarms
from huxiao.core.choices import AuditAction, Role
from huxiao.core.models import AuditLog, RoleAssignment
from tests.aio import run
from tests.alarms.conftest import make_panel

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
FEED = "/api/v1/alarms/feed"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


class Console(ApplicationCommunicator):
    def __init__(self, client: Client, address="10.9.8.7"):
        from huxiao.asgi import application

        cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        super().__init__(application, {
            "type": "websocket", "path": "/ws/alarms/", "query_string": b"after=0", "subprotocols": [],
            "client": (address, 50000), "server": ("testserver", 80),
            "headers": [(b"host", b"testserver"), (b"origin", b"http://testserver"), (b"cookie", cookie.encode())]})

    async def open(self):
        await self.send_input({"type": "websocket.connect"})
        msg = await self.receive_output(5)
        assert msg["type"] == "websocket.accept", msg

    async def next(self, timeout=5.0) -> dict:
        return await self.receive_output(timeout)

    async def alarms(self, timeout=5.0) -> list:
        msg = await self.next(timeout)
        assert msg["type"] == "websocket.send", msg
        return [e["alarm"]["id"] for e in json.loads(msg["text"])["events"]]

    async def closed(self, timeout=8.0) -> int:
        """The close code, skipping anything sent before it (which the caller checks apart)."""
        while True:
            msg = await self.next(timeout)
            if msg["type"] == "websocket.close":
                return msg.get("code")


def raise_alarm(panel, key):
    ((pk, _),) = receive_alarms([Incoming(device=panel, source="dc09", dedup_key=key, code="PA", zone="1")])
    return pk


@pytest.fixture
def station(world, monkeypatch):
    """A station officer and a panel of their school; the hubs' periodic re-check put off (a test that
    wants it sets it again), so what closes the console is the revocation signal."""
    monkeypatch.setattr(sessions, "REVALIDATE_SECONDS", 3600)
    return world.users["station_a1"], make_panel(world.schools["a1"], "SESS-A1", "5E1")


def _scenario(client, panel, change, *, expect_polling=(401, 403)):
    """Open a console, see one alarm, make ``change`` (sync), then: closed with 4401, the next alarm is not
    sent, the feed refuses."""
    async def scenario():
        console = Console(client)
        await console.open()
        first = await sync_to_async(raise_alarm)(panel, f"s:{id(change)}:1")
        assert await console.alarms() == [first]
        await sync_to_async(change)()
        assert await console.closed() == sessions.ENDED_CODE
        await sync_to_async(raise_alarm)(panel, f"s:{id(change)}:2")
        await asyncio.sleep(1.0)
        assert await console.receive_nothing(0.5)
    run(scenario())
    assert client.get(FEED).status_code in expect_polling


def test_sign_out_closes_the_console_and_stops_the_polling(station):
    user, panel = station
    client = signed_in(user)
    assert client.get(FEED).status_code == 200
    _scenario(client, panel, lambda: client.post("/logout/"))
    reads = AuditLog.objects.filter(action=AuditAction.READ, user=user, model="alarms.Alarm")
    # once per connection and once per delivered batch (one alarm), with the socket's address; the
    # batch's entry is written by the hub after the send, off the alarm's transaction: wait for it
    deadline = time.monotonic() + 5
    while reads.count() < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert reads.count() == 2 and set(reads.values_list("ip", flat=True)) == {"10.9.8.7"}


def test_deactivation_closes_the_console(station):
    user, panel = station
    client = signed_in(user)

    def deactivate():
        user.is_active = False
        user.save(update_fields=["is_active"])
    _scenario(client, panel, deactivate)


def test_losing_the_role_closes_the_console(station):
    user, panel = station
    client = signed_in(user)
    _scenario(client, panel, lambda: RoleAssignment.objects.filter(user=user).delete())


def test_moving_the_roles_unit_closes_the_console(station, world):
    user, panel = station
    client = signed_in(user)
    unit = world.units["station_a1"]

    def move():  # the station now covers another town: the console's reach was decided on the old one
        unit.region = world.regions["town_a2"]
        unit.save()
    # the user still holds a police role, so the page's feed keeps answering, in its new reach
    _scenario(client, panel, move, expect_polling=(200,))


def test_a_session_ended_without_a_signal_is_found_by_the_periodic_check(station, monkeypatch):
    """"Sign out everywhere" may delete session rows directly: the hubs' periodic re-check closes the
    console anyway."""
    from django.contrib.sessions.models import Session

    monkeypatch.setattr(sessions, "REVALIDATE_SECONDS", 0.5)
    user, panel = station
    client = signed_in(user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    _scenario(client, panel, lambda: Session.objects.filter(session_key=key).delete())


def test_signing_out_one_session_leaves_the_users_other_console_open(station):
    user, panel = station
    first, second = signed_in(user), signed_in(user)

    async def scenario():
        a, b = Console(first), Console(second)
        await a.open()
        await b.open()
        await sync_to_async(first.post)("/logout/")
        assert await a.closed() == sessions.ENDED_CODE
        pk = await sync_to_async(raise_alarm)(panel, "s:other")
        assert await b.alarms() == [pk]
        await b.send_input({"type": "websocket.disconnect", "code": 1000})
    run(scenario())
    assert second.get(FEED).status_code == 200 and first.get(FEED).status_code in (401, 403)


def test_a_user_without_the_console_role_is_refused_and_not_audited(world):
    user = world.users["principal_a1"]
    client = signed_in(user)

    async def scenario():
        console = Console(client)
        await console.send_input({"type": "websocket.connect"})
        msg = await console.next()
        assert msg["type"] == "websocket.close" and msg["code"] == 4403
    run(scenario())
    assert not AuditLog.objects.filter(action=AuditAction.READ, user=user).exists()


def test_a_role_added_elsewhere_ends_the_console_too(world):
    """The identity is the whole set of role assignments: a new role may widen the reach, so the console
    reconnects and is admitted anew; an unchanged user is not ended."""
    user = world.users["station_a1"]
    before = sessions.identity_of(user, None)
    assert sessions.ended([before]) == [False]
    RoleAssignment.objects.create(user=user, role=Role.INSPECTOR, unit=world.units["edu_a"])
    assert sessions.ended([before]) == [True]
