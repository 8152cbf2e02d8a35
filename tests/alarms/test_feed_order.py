"""On PostgreSQL, feed events become visible in id order: a transaction that adds events waits for an
earlier one to commit, so a console cursor can never pass over an event committed late."""

import threading
import time

import pytest
from django.db import connection, transaction

from huxiao.alarms.intake import Incoming, feed_lock, receive_alarms
from huxiao.alarms.models import Alarm, AlarmEvent
from tests.alarms.conftest import make_panel

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_later_transaction_waits_for_the_earlier_feed_writer(world):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has a single writer; the lock is PostgreSQL's")
    panel = make_panel(world.schools["a1"], "FO-A1", "F0F")
    ((pk, _),) = receive_alarms([Incoming(device=panel, source="dc09", dedup_key="fo:0", code="PA")])
    alarm = Alarm.objects.get(pk=pk)
    locked, times = threading.Event(), {}

    def slow_writer():
        with transaction.atomic():
            feed_lock()
            AlarmEvent.objects.create(alarm=alarm, region_code=alarm.region_code, school_id=alarm.school_id,
                                      kind="acknowledged", at=alarm.received_at)
            locked.set()
            time.sleep(0.5)
        times["slow_commit"] = time.perf_counter()
        connection.close()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    locked.wait(5)
    receive_alarms([Incoming(device=panel, source="dc09", dedup_key="fo:1", code="BA")])
    times["fast_commit"] = time.perf_counter()
    thread.join(5)
    assert times["fast_commit"] >= times["slow_commit"]
    kinds = list(AlarmEvent.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == ["received", "acknowledged", "received"]
