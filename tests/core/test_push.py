"""Real-time push of non-alarm events (issue 13 item 8): ``/ws/events/`` through the whole ASGI application
as a browser connects (session cookie of a real sign-in, Origin check, channels' session and auth
middleware). A committed notification updates the user's page; a rolled-back one never arrives; other
users get nothing; anonymous or foreign-origin sockets are refused; signing out closes the socket."""

import json

import pytest
from asgiref.sync import sync_to_async
from asgiref.testing import ApplicationCommunicator
from django.conf import settings
from django.db import transaction
from django.test import Client

from huxiao.core import push
from huxiao.core.services import notify
from tests.aio import run

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


class Socket(ApplicationCommunicator):
    """channels' WebsocketCommunicator, which cannot be imported here (channels.testing needs daphne)."""

    def __init__(self, headers):
        from huxiao.asgi import application

        super().__init__(application, {"type": "websocket", "path": "/ws/events/", "query_string": b"",
                                       "headers": headers, "subprotocols": [], "client": ("10.1.2.3", 50000),
                                       "server": ("testserver", 80)})

    async def connect(self, timeout=5):
        await self.send_input({"type": "websocket.connect"})
        msg = await self.receive_output(timeout)
        return (True, None) if msg["type"] == "websocket.accept" else (False, msg.get("code"))

    async def receive_from(self, timeout=5):
        msg = await self.receive_output(timeout)
        assert msg["type"] == "websocket.send", msg
        return msg["text"]

    async def send_to(self, text_data):
        await self.send_input({"type": "websocket.receive", "text": text_data})

    async def send_json_to(self, data):
        await self.send_to(json.dumps(data))

    async def disconnect(self, code=1000, timeout=1):
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)


def socket(client: Client | None = None, origin=b"http://testserver") -> Socket:
    headers = [(b"host", b"testserver"), (b"origin", origin)]
    if client is not None:
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    return Socket(headers)


async def opened(ws) -> dict:
    connected, _code = await ws.connect(timeout=5)
    assert connected
    return json.loads(await ws.receive_from(timeout=5))


async def next_event(ws, timeout=5.0) -> dict:
    return json.loads(await ws.receive_from(timeout=timeout))


def test_a_committed_notification_reaches_the_users_page_only(world):
    user, other = world.users["principal_a1"], world.users["principal_a2"]
    mine, theirs = socket(signed_in(user)), socket(signed_in(other))

    async def scenario():
        assert await opened(mine) == {"kind": "hello", "data": {"unread": 0}}
        assert (await opened(theirs))["kind"] == "hello"
        await sync_to_async(notify)([user], "隐患即将到期", url="/hazards/1/", level="warning")
        event = await next_event(mine)
        assert event == {"kind": "notification", "data": {"unread": 1, "title": "隐患即将到期", "level": "warning",
                                                            "url": "/hazards/1/"}}
        assert await theirs.receive_nothing(0.5)
        await sync_to_async(notify)([user], "第二条", level="info")
        assert (await next_event(mine))["data"]["unread"] == 2
        await mine.disconnect()
        await theirs.disconnect()
    run(scenario())


def test_nothing_is_pushed_before_or_without_the_commit(world):
    user = world.users["principal_a1"]

    def rolled_back():
        try:
            with transaction.atomic():
                notify([user], "不会发出")
                push.push([user], "hazard", {"id": 1})
                raise RuntimeError
        except RuntimeError:
            pass

    def committed():
        with transaction.atomic():
            push.push([user.pk], "hazard", {"id": 2})

    ws = socket(signed_in(user))

    async def scenario():
        await opened(ws)
        await sync_to_async(rolled_back)()
        assert await ws.receive_nothing(0.5)
        await sync_to_async(committed)()
        assert await next_event(ws) == {"kind": "hazard", "data": {"id": 2}}
        await ws.disconnect()
    run(scenario())


def test_a_reconnecting_page_catches_up_with_hello(world):
    user = world.users["principal_a1"]
    notify([user], "离线时的通知")  # outside a transaction: written at once
    ws = socket(signed_in(user))

    async def scenario():
        assert await opened(ws) == {"kind": "hello", "data": {"unread": 1}}
        await ws.send_to(text_data="not json")  # ignored
        await ws.send_json_to({"type": "ping"})
        assert await next_event(ws) == {"kind": "pong", "data": {}}
        await ws.disconnect()
    run(scenario())


def test_anonymous_and_foreign_origin_sockets_are_refused(world):
    anonymous, foreign = socket(), socket(signed_in(world.users["principal_a1"]), origin=b"http://evil.example")

    async def scenario():
        assert await anonymous.connect(timeout=5) == (False, push.REFUSED_CODE)
        connected, _code = await foreign.connect(timeout=5)
        assert not connected
    run(scenario())


def test_signing_out_closes_the_socket(world):
    user = world.users["principal_a1"]
    client = signed_in(user)
    ws, other_tab = socket(client), socket(signed_in(user))

    async def scenario():
        await opened(ws)
        await opened(other_tab)
        await sync_to_async(client.post)("/logout/")
        closed = await ws.receive_output(timeout=5)
        assert closed == {"type": "websocket.close", "code": push.ENDED_CODE}
        assert await other_tab.receive_nothing(0.5)  # the user's other session stays open
        await sync_to_async(notify)([user], "仍在另一浏览器登录")
        assert (await next_event(other_tab))["kind"] == "notification"
        await other_tab.disconnect()
    run(scenario())


def test_deactivation_closes_every_socket_of_the_user(world):
    user = world.users["principal_a1"]

    def deactivate():
        user.is_active = False
        user.save(update_fields=["is_active"])

    ws = socket(signed_in(user))

    async def scenario():
        await opened(ws)
        await sync_to_async(deactivate)()
        assert (await ws.receive_output(timeout=5))["code"] == push.ENDED_CODE
    run(scenario())
