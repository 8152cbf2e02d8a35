"""The console feed: WebSocket catch-up from the last seen id, live events, jurisdiction, polling fallback."""

import datetime
import json

import pytest
from asgiref.sync import sync_to_async
from asgiref.testing import ApplicationCommunicator

from huxiao.alarms.consumers import AlarmConsoleConsumer
from huxiao.alarms.intake import Incoming, receive_alarms
from huxiao.alarms.stats import compute
from tests.aio import run as run_coroutine
from tests.alarms.conftest import make_panel

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def raise_alarm(panel, key, code="PA"):
    ((pk, _),) = receive_alarms([Incoming(device=panel, source="dc09", dedup_key=key, code=code, zone="1")])
    return pk


class Socket(ApplicationCommunicator):
    """A WebSocket client speaking ASGI to the consumer (channels.testing needs daphne)."""

    async def connect(self):
        await self.send_input({"type": "websocket.connect"})
        msg = await self.receive_output(5)
        return msg["type"] == "websocket.accept", msg.get("code")

    async def receive_json_from(self, timeout=3.0):
        msg = await self.receive_output(timeout)
        assert msg["type"] == "websocket.send", msg
        return json.loads(msg["text"])

    async def disconnect(self):
        await self.send_input({"type": "websocket.disconnect", "code": 1000})
        await self.wait(2)


async def connect(user, after=0):
    scope = {"type": "websocket", "path": "/ws/alarms/", "query_string": f"after={after}".encode(),
             "headers": [], "subprotocols": [], "user": user}
    comm = Socket(AlarmConsoleConsumer.as_asgi(), scope)
    connected, code = await comm.connect()
    return comm, connected, code


async def events(comm, n, timeout=3.0):
    got = []
    while len(got) < n:
        msg = await comm.receive_json_from(timeout=timeout)
        got.extend(msg["events"])
    return got


def test_console_catch_up_live_and_scope(world):
    a1 = make_panel(world.schools["a1"], "WS-A1", "A11")
    a2 = make_panel(world.schools["a2"], "WS-A2", "A22")
    first = raise_alarm(a1, "ws:1")
    raise_alarm(a2, "ws:2")

    async def scenario():
        comm, ok, _ = await connect(world.users["station_a1"])
        assert ok
        caught = await events(comm, 1)
        assert [e["alarm"]["id"] for e in caught] == [first]  # a2 is another station's school
        cursor = caught[-1]["id"]
        second = await sync_to_async(raise_alarm)(a1, "ws:3")
        live = await events(comm, 1)
        assert live[0]["alarm"]["id"] == second and live[0]["kind"] == "received"
        assert live[0]["alarm"]["school"]["name"] == world.schools["a1"].name
        assert live[0]["alarm"]["steps"] == ["acknowledge"]
        await comm.disconnect()
        # missed while disconnected: a reconnecting console gets it from its last seen id
        third = await sync_to_async(raise_alarm)(a1, "ws:4")
        comm, ok, _ = await connect(world.users["station_a1"], after=live[-1]["id"])
        again = await events(comm, 1)
        assert [e["alarm"]["id"] for e in again] == [third]
        await comm.disconnect()
        # the district sees both stations' schools
        comm, ok, _ = await connect(world.users["police_a"], after=0)
        all_events = await events(comm, 4)
        assert len({e["alarm"]["school"]["id"] for e in all_events}) == 2
        await comm.disconnect()
        return cursor

    run_coroutine(scenario())
    check_console_refuses_users_without_the_role(world)


def check_console_refuses_users_without_the_role(world):
    async def scenario():
        for key in ("principal_a1", "edu_a"):
            comm, ok, code = await connect(world.users[key])
            assert not ok
        from django.contrib.auth.models import AnonymousUser

        comm, ok, code = await connect(AnonymousUser())
        assert not ok

    run_coroutine(scenario())


def test_polling_fallback_and_stats(world, client_for):
    a1 = make_panel(world.schools["a1"], "PL-A1", "B11")
    ids = [raise_alarm(a1, f"pl:{i}") for i in range(3)]
    raise_alarm(a1, "pl:test", code="RP")
    c = client_for(world.users["station_a1"])
    page1 = c.get("/api/v1/alarms/feed?after=0").json()
    assert [e["alarm"]["id"] for e in page1["events"]][:3] == ids
    assert c.get(f"/api/v1/alarms/feed?after={page1['last']}").json()["events"] == []
    assert c.get("/api/v1/alarms/feed?after=-5").status_code == 200
    assert c.get("/api/v1/alarms/feed?after=abc").status_code == 422
    assert client_for(world.users["police_b"]).get("/api/v1/alarms/feed?after=0").json()["events"] == []
    state = c.get("/api/v1/alarms/console").json()
    assert {a["id"] for a in state["alarms"]} == set(ids) and state["last"] >= page1["last"]
    s = compute(world.users["police_a"], now=datetime.datetime.now(datetime.UTC))
    assert s["total"] == 4 and s["real"] == 3 and s["tests"] == 1
    assert s["devices_never_tested"] == []
    api = c.get("/api/v1/alarms/stats?days=7").json()
    assert {r["category"]: r["count"] for r in api["by_category"]}["emergency"] == 3
    assert "报警统计" in c.get("/alarms/stats/").content.decode()
