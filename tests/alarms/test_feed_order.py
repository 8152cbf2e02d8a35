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
    """Proved from what PostgreSQL records, not from clocks: while the earlier writer holds the feed lock,
    the later one is seen waiting for it in pg_locks and has not returned; once the earlier commits, the
    later one completes with its event after the earlier's."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has a single writer; the lock is PostgreSQL's")
    panel = make_panel(world.schools["a1"], "FO-A1", "F0F")
    ((pk, _),) = receive_alarms([Incoming(device=panel, source="dc09", dedup_key="fo:0", code="PA")])
    alarm = Alarm.objects.get(pk=pk)
    locked, release, done = threading.Event(), threading.Event(), threading.Event()

    def earlier_writer():
        try:
            with transaction.atomic():
                feed_lock()
                AlarmEvent.objects.create(alarm=alarm, region_code=alarm.region_code, school_id=alarm.school_id,
                                          kind="acknowledged", at=alarm.received_at)
                locked.set()
                release.wait(30)
        finally:
            connection.close()

    def later_writer():
        try:
            receive_alarms([Incoming(device=panel, source="dc09", dedup_key="fo:1", code="BA")])
            done.set()
        finally:
            connection.close()

    earlier = threading.Thread(target=earlier_writer)
    earlier.start()
    assert locked.wait(30)
    later = threading.Thread(target=later_writer)
    later.start()
    waiting = 0
    for _ in range(600):  # up to 30 s on a loaded machine; normally the first look or two
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            waiting = cursor.fetchone()[0]
        if waiting:
            break
        time.sleep(0.05)
    assert waiting == 1 and not done.is_set()  # the later writer waits for the earlier one's commit
    release.set()
    earlier.join(30)
    later.join(30)
    assert done.is_set()
    kinds = list(AlarmEvent.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == ["received", "acknowledged", "received"]
