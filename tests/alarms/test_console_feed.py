"""The console feed: WebSocket catch-up from the last seen id, live events, jurisdiction, polling fallback."""

import asyncio
import datetime
import json

import pytest
from asgiref.sync import sync_to_async
from asgiref.testing import ApplicationCommunicator

from huxiao.alarms.consumers import AlarmConsoleConsumer
from huxiao.alarms.intake import Incoming, receive_alarms
from huxiao.alarms.stats import compute
from huxiao.core.actions import SYSTEM
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


def expand(msg) -> list:
    """What console.js does with a WebSocket message (``expand``): each alarm gets its school's card,
    cameras and guards and its device's card back from the message's ``schools`` and ``devices``."""
    for e in msg["events"]:
        alarm = e["alarm"]
        school = msg["schools"][str(alarm["school"])]
        alarm["school"], alarm["cameras"], alarm["guards"] = school["card"], school["cameras"], school["guards"]
        alarm["device"] = None if alarm["device"] is None else msg["devices"][str(alarm["device"])]
    return msg["events"]


async def events(comm, n, timeout=3.0):
    got = []
    while len(got) < n:
        msg = await comm.receive_json_from(timeout=timeout)
        assert len(msg["schools"]) == len({e["alarm"]["school"] for e in msg["events"]})  # each school once
        got.extend(expand(msg))
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


def test_live_batches_are_the_feed_as_the_database_gives_it(world, caplog):
    """What a console receives live — through its process's hub, on PostgreSQL from the events the
    intake published with its wake-up, without reading them back — is, once expanded, exactly what the
    feed API reads from the database for the same user: cards, cameras, guards, steps, times; and only
    what the user may see. It is serialised on the event loop, with no query (no fallback logged)."""
    from huxiao.alarms import feed
    from huxiao.devices.choices import DeviceKind, DeviceLocation
    from huxiao.devices.services import do_register_device

    do_register_device(world.schools["a1"], {"kind": DeviceKind.CAMERA, "location": DeviceLocation.GATE,
                                             "name": "校门摄像机", "serial": "LV-CAM"}, actor=SYSTEM)
    panels = [make_panel(world.schools["a1"], f"LV-A1-{i}", f"7A{i}") for i in range(2)]
    other = make_panel(world.schools["b1"], "LV-B1", "7B0")
    user = world.users["police_a"]

    async def scenario():
        comm, ok, _ = await connect(user, after=await sync_to_async(feed.last_event_id)())
        assert ok
        at = datetime.datetime(2026, 3, 2, 1, 2, 3, 5000, tzinfo=datetime.UTC)
        items = [Incoming(device=p, source="dc09", dedup_key=f"lv:{p.pk}:{i}", code=code, zone=str(i),
                          message="M", occurred_at=at)
                 for p in (*panels, other) for i, code in enumerate(("PA", "BA", "RP"))]
        await sync_to_async(receive_alarms)(items)
        live = await events(comm, 6)  # the nine alarms came in one batch; b1 is another district's school
        await comm.disconnect()
        return live

    live = run_coroutine(scenario())
    assert [r.getMessage() for r in caplog.records if r.name == "huxiao.alarms.consumers"] == []
    stored = feed.events_after(user, live[0]["id"] - 1)["events"]
    assert json.loads(json.dumps(stored)) == live
    assert len(live) == 6 and {e["alarm"]["device"]["serial"] for e in live} == {"LV-A1-0", "LV-A1-1"}
    assert live[0]["alarm"]["cameras"][0]["serial"] == "LV-CAM"


def test_hub_takes_only_events_that_continue_its_position(world, monkeypatch):
    """A wake-up whose events do not start where the hub stands (missed, out of order, or not this
    database's) is not trusted: the hub reads the feed from the database. And a batch a console cannot
    serialise is read from the database too: nothing is skipped."""
    from channels.layers import get_channel_layer

    from huxiao.alarms import feed, realtime

    panel = make_panel(world.schools["a1"], "HB-A1", "7C0")
    user = world.users["station_a1"]
    calls = {"fail": 1}
    real_serialise = feed.serialise

    def flaky_serialise(*args, **kwargs):
        if calls["fail"]:
            calls["fail"] -= 1
            raise KeyError("card")
        return real_serialise(*args, **kwargs)

    async def scenario():
        start = await sync_to_async(feed.last_event_id)()
        comm, ok, _ = await connect(user, after=start)
        assert ok
        pk = await sync_to_async(raise_alarm)(panel, "hb:1")  # its events come with the wake-up on PostgreSQL
        first = await events(comm, 1)
        assert first[0]["alarm"]["id"] == pk
        # rows of some other feed, claiming to continue from an id this hub is not at
        bogus = [(first[0]["id"] + 1, "received", "2026-03-02T09:00:00+08:00", "x", 10**9, "PA", "假", "emergency",
                  "1", "", False, "dc09", "received", None, None, None, None, None, None, "", "", "", 0,
                  world.schools["a1"].pk, world.schools["a1"].region_code, None)]
        await get_channel_layer().group_send(realtime.GROUP, realtime.wake_message(first[0]["id"] + 1,
                                                                                   first[0]["id"] - 5, bogus))
        await asyncio.sleep(0.3)  # the hub has dealt with it
        monkeypatch.setattr(feed, "serialise", flaky_serialise)
        second = await sync_to_async(raise_alarm)(panel, "hb:2")
        got = await events(comm, 1)
        await comm.disconnect()
        return second, got

    second, got = run_coroutine(scenario())
    assert [e["alarm"]["id"] for e in got] == [second]  # the real one, from the database; never the bogus
    assert calls["fail"] == 0


def test_console_that_could_not_read_a_batch_catches_up_before_anything_newer(world, monkeypatch):
    """A batch that fails to serialise, and whose database fallback fails too, is not skipped: the console
    takes no newer batch until it has read the missed events, which the hub's poll retries on its own."""
    from huxiao.alarms import feed

    panel = make_panel(world.schools["a1"], "BH-A1", "7D0")
    user = world.users["station_a1"]
    fail = {"serialise": 1, "events_after": 1}
    real_serialise, real_events_after = feed.serialise, feed.events_after

    def flaky(name, real):
        def call(*args, **kwargs):
            if fail[name]:
                fail[name] -= 1
                raise ConnectionError("database went away")
            return real(*args, **kwargs)
        return call

    async def scenario():
        start = await sync_to_async(feed.last_event_id)()
        comm, ok, _ = await connect(user, after=start)
        assert ok
        monkeypatch.setattr(feed, "serialise", flaky("serialise", real_serialise))
        monkeypatch.setattr(feed, "events_after", flaky("events_after", real_events_after))
        missed = await sync_to_async(raise_alarm)(panel, "bh:1")
        recovered = await events(comm, 1, timeout=6.0)  # from the poll's retry, with no newer alarm
        later = await sync_to_async(raise_alarm)(panel, "bh:2")
        live = await events(comm, 1)
        await comm.disconnect()
        return missed, later, recovered, live

    missed, later, recovered, live = run_coroutine(scenario())
    assert fail == {"serialise": 0, "events_after": 0}
    assert [e["alarm"]["id"] for e in recovered] == [missed]
    assert [e["alarm"]["id"] for e in live] == [later]


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


def feed_world(world, panels_per_school=2, alarms_per_panel=3):
    """Alarms (and a gate camera) at schools a1, a2 and b1; returns the panels by school key."""
    from huxiao.devices.choices import DeviceKind, DeviceLocation
    from huxiao.devices.services import do_register_device

    panels = {}
    for n, key in enumerate(("a1", "a2", "b1")):
        school = world.schools[key]
        do_register_device(school, {"kind": DeviceKind.CAMERA, "location": DeviceLocation.GATE, "name": "校门摄像机",
                                    "serial": f"FQ-CAM-{key}"}, actor=SYSTEM)
        panels[key] = [make_panel(school, f"FQ-{key}-{i}", f"F{n}{i}") for i in range(panels_per_school)]
        receive_alarms([Incoming(device=p, source="dc09", dedup_key=f"fq:{key}:{p.pk}:{j}", code="PA", zone=str(j),
                                 occurred_at=datetime.datetime(2026, 3, 2, 1, 2, 3, 4000 * j, tzinfo=datetime.UTC))
                        for p in panels[key] for j in range(alarms_per_panel)])
    return panels


@pytest.mark.django_db
def test_feed_steps_are_decided_per_alarm_jurisdiction(world):
    """One feed call for a user who handles school a1's alarms (station officer) but only views a2's
    (its principal, by school) and b1's (education officer, by region): steps for a1's alarms only —
    the same as asking ``can`` alarm by alarm — and each alarm exactly as ``alarm_dict`` shows it."""
    from huxiao.alarms import feed, services
    from huxiao.alarms.models import Alarm
    from huxiao.core.choices import Role
    from huxiao.core.models import RoleAssignment, User
    from huxiao.core.scoping import can

    feed_world(world)
    a1_alarms = list(Alarm.objects.filter(school=world.schools["a1"]).order_by("id"))
    services.do_acknowledge_alarm(a1_alarms[0], actor=world.users["station_a1"])
    # an alarm whose stored region is a1's town although its school is a2: `can` reads both
    moved = Alarm.objects.filter(school=world.schools["a2"]).order_by("id").first()
    Alarm.objects.filter(pk=moved.pk).update(region_code=world.schools["a1"].region_code, device=None)
    user = User.objects.create_user("mixed_roles", full_name="多角色")
    for role, unit in ((Role.STATION_OFFICER, "station_a1"), (Role.PRINCIPAL, "school_a2"),
                       (Role.EDUCATION_OFFICER, "edu_b")):
        RoleAssignment.objects.create(user=user, role=role, unit=world.units[unit])

    got = feed.events_after(user, 0)
    alarms = {e["alarm"]["id"]: e["alarm"] for e in got["events"]}
    assert len(alarms) == Alarm.objects.count() == 18 and not got["more"]
    instances = {a.pk: a for a in Alarm.objects.filter(pk__in=alarms).select_related("school__police_station",
                                                                                      "device")}
    schools = {a.school_id for a in instances.values()}
    cameras, guards = feed.gate_cameras(schools), feed.guards_of(schools)
    by_school = {}
    for pk, data in alarms.items():
        alarm = instances[pk]
        assert data == feed.alarm_dict(alarm, user, cameras, guards)
        assert data["steps"] == (feed.NEXT_STEPS.get(alarm.status, []) if can(user, feed.HANDLE, alarm) else [])
        assert data["cameras"] and data["cameras"][0]["name"] == "校门摄像机"
        by_school.setdefault(data["school"]["id"], []).append(data["steps"])
    a1, a2, b1 = (world.schools[k].pk for k in ("a1", "a2", "b1"))
    assert sorted(by_school[a1]) == [["acknowledge"]] * 5 + [["dispatch", "close"]]
    assert by_school[b1] == [[]] * 6
    assert alarms[moved.pk]["steps"] == ["acknowledge"] and alarms[moved.pk]["device"] is None
    assert sorted(by_school[a2]) == [[]] * 5 + [["acknowledge"]]
    # the acknowledged alarm shows its current state in both of its events
    acknowledged = [e for e in got["events"] if e["alarm"]["id"] == a1_alarms[0].pk]
    assert [e["kind"] for e in acknowledged] == ["received", "acknowledged"]
    assert all(e["alarm"]["acknowledged_at"] and e["alarm"]["status"] == "acknowledged" for e in acknowledged)
    assert alarms[a1_alarms[0].pk]["occurred_at"] == "2026-03-02T09:02:03+08:00"
    assert alarms[a1_alarms[1].pk]["occurred_at"] == "2026-03-02T09:02:03.004000+08:00"


@pytest.mark.django_db
def test_feed_queries_do_not_grow_with_alarms(world, django_assert_max_num_queries):
    """A feed call reads a fixed number of queries however many alarms, devices and schools it covers."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from huxiao.alarms import feed

    feed_world(world, panels_per_school=4, alarms_per_panel=5)
    user = world.users["police_city"]
    feed.events_after(user, 0, 1)  # reads the user's roles, kept on the user object
    with CaptureQueriesContext(connection) as few:
        assert len(feed.events_after(user, 0, 2)["events"]) == 2
    # the events with their alarms; schools; devices with gate cameras; guards
    with django_assert_max_num_queries(4) as many:
        got = feed.events_after(user, 0)
    assert len(got["events"]) == 60 and len({e["alarm"]["school"]["id"] for e in got["events"]}) == 3
    assert len({e["alarm"]["device"]["id"] for e in got["events"]}) == 12
    assert len(few.captured_queries) == len(many.captured_queries)
