"""Domain events (core.events): dispatched after the commit and never on a rollback, each handler isolated,
declared names only, coalesced per transaction — and the life-safety path that depends on it: a broken
compliance handler leaves DC-09 alarms stored, acknowledged and on the console. The core clock emits
through the same hook."""

import datetime
import logging
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone

from huxiao.core import clock, events
from tests.alarms.conftest import RunningReceiver, make_panel

PING = "tests.ping"


@pytest.fixture
def ping(monkeypatch):
    """A declared test event with a recording handler; the registries are restored afterwards."""
    monkeypatch.setitem(events.DECLARED, PING, events.EventType(PING, "test", merge=("ids",)))
    monkeypatch.setitem(events.HANDLERS, PING, [])
    calls = []

    def record(ids, **data):
        calls.append(sorted(ids))

    events.on(PING)(record)
    return calls


def _raise(**data):
    raise RuntimeError("handler bug")


# --- after the commit, never on a rollback --------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_dispatched_after_the_commit_and_never_on_a_rollback(ping):
    with transaction.atomic():
        events.emit(PING, ids=[1])
        assert ping == []  # queued: nothing runs inside the transaction
    assert ping == [[1]]

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        events.emit(PING, ids=[2])
        raise Boom
    assert ping == [[1]]  # rolled back: never dispatched

    with transaction.atomic():
        events.emit(PING, ids=[3])
        with pytest.raises(Boom), transaction.atomic():  # a savepoint rolled back, the transaction commits
            events.emit(PING, ids=[4])
            raise Boom
    assert ping == [[1], [3]]

    events.emit(PING, ids=[5])  # outside a transaction: at once
    assert ping == [[1], [3], [5]]


@pytest.mark.django_db(transaction=True)
def test_each_handler_is_isolated_and_the_emitter_never_sees_its_failure(ping, caplog):
    from huxiao.core.models import Region

    events.on(PING)(_raise)  # registered after the recorder: a failure reaches neither it nor the emitter
    events.on(PING)(lambda ids: ping.append(["second", *ids]))
    with caplog.at_level(logging.ERROR, logger="huxiao.events"), transaction.atomic():
        Region.objects.filter(pk="320413").update(name="金坛区（测）")
        events.emit(PING, ids=[7])
    assert ping == [[7], ["second", 7]]
    assert Region.objects.get(pk="320413").name == "金坛区（测）"  # the emitter's work is committed
    failed = [r for r in caplog.records if r.name == "huxiao.events"]
    assert len(failed) == 1 and "_raise" in failed[0].getMessage() and failed[0].exc_info


@pytest.mark.django_db(transaction=True)
def test_a_background_handler_is_isolated_too(ping, caplog):
    events.on(PING, background=True)(_raise)
    with caplog.at_level(logging.ERROR, logger="huxiao.events"):
        events.emit(PING, ids=[8])  # Huey is immediate in tests: the task runs here, its failure logged
    assert ping == [[8]]
    assert any("_raise" in r.getMessage() for r in caplog.records if r.name == "huxiao.events")


@pytest.mark.django_db(transaction=True)
def test_emits_of_one_transaction_coalesce(ping):
    with transaction.atomic():
        events.emit(PING, ids=[1, 2])
        events.emit(PING, ids=[2, 3])
        events.emit(PING, ids=[3])
    assert ping == [[1, 2, 3]]


def test_undeclared_names_and_data_that_is_not_json_are_refused(db):
    from huxiao.core.models import Region

    with pytest.raises(events.UndeclaredEvent):
        events.emit("devices.network_chaged", school_ids=[1])  # a typo fails, it never reaches nobody
    with pytest.raises(TypeError):
        events.emit("defense.changed", school_ids=[Region.objects.first()])  # ids, never instances
    with pytest.raises(ValueError):
        events.declare("no_app_prefix")


def test_every_handler_handles_a_declared_event():
    assert events.HANDLERS, "discovery registered no handler"
    assert {h.event for hs in events.HANDLERS.values() for h in hs} <= set(events.DECLARED)
    handled = {name: [h.key for h in hs] for name, hs in events.HANDLERS.items()}
    assert "huxiao.compliance.handlers.devices_networked" in handled["devices.network_changed"]
    assert "huxiao.compliance.handlers.defense_changed" in handled["defense.changed"]
    assert "huxiao.devices.handlers.sweep_silent_devices" in handled["clock.tick"]


# --- the life-safety path --------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failing_compliance_handler_leaves_alarms_stored_acknowledged_and_on_the_console(
        world, client_for, monkeypatch, caplog):
    """The DC-09 receiver stores a batch; the panel is heard for the first time (its networked state
    changes), so compliance is asked to re-evaluate the school — and fails. The alarm is stored, the
    panel gets its ACK, the console's feed has it; the failure is logged, after the commit."""
    from huxiao.alarms.dc09.frames import build, parse_response
    from huxiao.alarms.models import Alarm
    from huxiao.compliance import handlers as compliance_handlers

    asked = []

    def broken(school_ids, now=None):
        asked.append(list(school_ids))
        raise RuntimeError("compliance bug")

    panel = make_panel(world.schools["a1"], "EV-A1", "1EE1")
    assert not panel.network_state
    monkeypatch.setattr(compliance_handlers, "refresh_school_ids", broken)
    running = RunningReceiver(escalate=False)
    try:
        with caplog.at_level(logging.ERROR, logger="huxiao.events"):
            answers = [parse_response(running.send(build("1EE1", seq=n, code="PA", zone=str(n)))) for n in (1, 2)]
    finally:
        running.stop()
    assert answers == ["ACK", "ACK"]
    alarms = list(Alarm.objects.filter(device=panel).order_by("zone"))
    assert [(a.zone, a.status) for a in alarms] == [("1", "received"), ("2", "received")]
    assert asked == [[world.schools["a1"].pk]]  # asked once (the panel's first sign of life), and failed
    assert any("devices_networked" in r.getMessage() for r in caplog.records if r.name == "huxiao.events")
    panel.refresh_from_db()
    assert panel.network_state  # the registry's own state is committed
    feed = client_for(world.users["station_a1"]).get("/api/v1/alarms/feed?after=0").json()
    assert {e["alarm"]["id"] for e in feed["events"]} >= {a.pk for a in alarms}


def test_a_batch_of_100_alarms_from_30_schools_evaluates_each_school_once(
        world, monkeypatch, django_capture_on_commit_callbacks):
    from huxiao.alarms.intake import Incoming, store_alarms
    from huxiao.compliance import handlers as compliance_handlers
    from huxiao.compliance.models import RuleStatus
    from huxiao.compliance.services import sync_campaigns
    from huxiao.core.actions import SYSTEM
    from huxiao.devices.services import do_register_device
    from tests.world import make_school

    sync_campaigns()
    town, station = world.regions["town_a1"], world.units["station_a1"]
    schools = [make_school(f"21324139{n:02d}", f"事件测试小学{n}", town, station) for n in range(30)]
    panels = [make_panel(s, f"CO-P-{n}", f"C{n:02X}0") for n, s in enumerate(schools)]
    cameras = [do_register_device(s, {"kind": "camera", "location": "gate", "name": "校门摄像机",
                                      "serial": f"CO-C-{n}"}, actor=SYSTEM)[0] for n, s in enumerate(schools)]
    calls = []
    real = compliance_handlers.refresh_school_ids

    def spy(school_ids, now=None):
        calls.append(list(school_ids))
        return real(school_ids, now=now)

    monkeypatch.setattr(compliance_handlers, "refresh_school_ids", spy)
    now = timezone.now()
    items = [Incoming(device=panels[i % 30], source="dc09", dedup_key=f"co:{i}", code="PA", zone=str(i))
             for i in range(100)]
    with django_capture_on_commit_callbacks(execute=True):
        # the alarms' panels and, in the same transaction, supervision heartbeats of the gate cameras: two
        # networked-state changes per school, one evaluation
        results, _wake = store_alarms(items, now=now, heartbeats=[(c.pk, now) for c in cameras])
    assert len({pk for pk, _new in results}) == 100
    ids = sorted(s.pk for s in schools)
    assert calls == [ids]
    networked = RuleStatus.objects.filter(school__in=schools, campaign__code="jintan-2023", rule_id="JT-2")
    assert sorted(networked.values_list("status", flat=True)) == ["met"] * 30


# --- the clock -------------------------------------------------------------------------------------

TZ = timezone.get_current_timezone()


def test_the_clock_emits_the_minute_the_hour_and_the_day_once(db):
    t = datetime.datetime(2026, 3, 2, 8, 59, 30, tzinfo=TZ)
    assert clock.tick(t) == ["clock.tick", "clock.hour", "clock.day"]  # the first tick catches up
    assert clock.tick(t + datetime.timedelta(seconds=20)) == []  # the same minute: another clock had it
    assert clock.tick(t + datetime.timedelta(seconds=40)) == ["clock.tick", "clock.hour"]  # 09:00
    assert clock.tick(t + datetime.timedelta(minutes=2)) == ["clock.tick"]
    assert clock.tick(datetime.datetime(2026, 3, 3, 0, 0, 5, tzinfo=TZ)) == ["clock.tick", "clock.hour", "clock.day"]


def test_a_device_falling_silent_is_a_clock_event_and_compliance_follows(
        world, django_capture_on_commit_callbacks):
    """The clock's minute (its Huey task) finds the gate camera past its window: the registry marks it
    silent (``devices.silent``) and the school's networked rule is no longer met."""
    from huxiao.compliance.models import RuleStatus
    from huxiao.compliance.services import sync_campaigns
    from huxiao.core.tasks import clock_task
    from huxiao.devices.models import Device
    from tests.defense.fixtures import add_device

    sync_campaigns()
    a1 = world.schools["a1"]
    t = timezone.now().replace(second=0, microsecond=0)
    add_device(a1, serial="CK-P", seen=t)
    camera, _secret = add_device(a1, kind="camera", location="gate", serial="CK-C", seen=t)
    row = RuleStatus.objects.get(school=a1, campaign__code="jintan-2023", rule_id="JT-2")
    assert row.status == "met"
    silent = []
    events.on("devices.silent")(lambda device_ids, school_ids: silent.append(device_ids))
    try:
        with mock.patch("django.utils.timezone.now", return_value=t + datetime.timedelta(minutes=6)), \
                django_capture_on_commit_callbacks(execute=True):
            clock_task.call_local()
    finally:
        events.HANDLERS["devices.silent"].pop()
    assert silent == [sorted(Device.objects.filter(school=a1).values_list("pk", flat=True))]
    camera.refresh_from_db()
    assert not camera.network_state
    row.refresh_from_db()
    assert row.status == "not_met"


def test_the_in_process_clock_is_one_thread_per_process():
    """Without a Huey consumer (run_demo --no-worker) the clock runs in a daemon thread: started
    explicitly, once per process, and stopped."""
    first = clock.start_thread()
    try:
        assert clock.start_thread() is first and first.is_alive() and first.daemon
    finally:
        clock.stop_thread()
    assert not first.is_alive()


def test_a_new_day_announces_the_deadlines_that_passed(world, django_capture_on_commit_callbacks):
    from huxiao.hazards.models import Hazard
    from tests.hazards.helpers import api, hazard_payload

    r = api(world.users["edu_a"]).post("/hazards/", hazard_payload(world))
    hazard = Hazard.objects.get(pk=r.json()["id"])
    announced = []
    events.on("hazards.deadline_passed")(lambda hazard_ids, day: announced.append((hazard_ids, day)))
    try:
        day = hazard.deadline + datetime.timedelta(days=1)
        with django_capture_on_commit_callbacks(execute=True):
            clock.tick(datetime.datetime.combine(hazard.deadline, datetime.time(12), tzinfo=TZ))
            clock.tick(datetime.datetime.combine(day, datetime.time(0, 0, 30), tzinfo=TZ))
    finally:
        events.HANDLERS["hazards.deadline_passed"].pop()
    assert announced == [([hazard.pk], day.isoformat())]
