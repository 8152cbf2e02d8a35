"""The hazards' overdue ladder as a declaration on the core ladder: climbed by the clock's day, each rung
once through the EscalationStep constraint, thresholds read with the candidates, the command still works."""

import datetime
import io
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from huxiao.core import clock, events, ladder
from huxiao.core.models import AuditLog, Notification
from huxiao.hazards.ladder import HAZARD_LADDER, apply_ladder
from huxiao.hazards.models import EscalationStep, Hazard
from tests.hazards.helpers import api, hazard_payload

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()


def report(world, **kw):
    r = api(world.users["edu_a"]).post("/hazards/", hazard_payload(world, **kw))
    assert r.status_code == 201, r.content
    return Hazard.objects.get(pk=r.json()["id"])


def at(day, hour=9, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TZ)


def test_declared_on_the_core_ladder_and_climbed_by_the_day():
    assert ladder.LADDERS["hazards.overdue"] is HAZARD_LADDER
    assert [s.key for s in HAZARD_LADDER.steps] == ["reminder", "notice", "interview", "listed"]
    day_handlers = [h.key for h in events.HANDLERS[clock.DAY]]
    assert "huxiao.core.handlers.climb_ladders" in day_handlers
    assert not any("ladder" in h.key or "escalate" in h.key for h in events.HANDLERS[clock.HOUR])


def test_the_first_tick_of_the_day_climbs_later_hours_do_not(world):
    h = report(world)
    day = h.deadline + datetime.timedelta(days=1)
    # a hazard overdue since midnight: the day's first minute takes the rung (no belated reminder),
    # stamped with that minute
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert clock.DAY in clock.tick(at(day, 0, 0))
    step = EscalationStep.objects.get(hazard=h)
    assert (step.level, step.at, step.overdue_days) == ("notice", at(day, 0, 0), 1)
    Hazard.objects.filter(pk=h.pk).update(escalation="")  # were the ladder run again, it would climb again
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert clock.DAY not in clock.tick(at(day, 10))
    assert EscalationStep.objects.filter(hazard=h).count() == 1


def test_a_racing_climb_takes_no_rung_twice(world):
    h = report(world)
    later = at(h.deadline + datetime.timedelta(days=1))
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert [s.level for s in apply_ladder(now=later)] == ["notice"]
    # the other climb read the hazard before the first committed: no rung yet, in its eyes
    Hazard.objects.filter(pk=h.pk).update(escalation="reminder")
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert apply_ladder(now=later) == []
    assert EscalationStep.objects.filter(hazard=h).count() == 1
    assert AuditLog.objects.filter(model="hazards.Hazard", object_id=str(h.pk), event="hazards.escalate").count() == 1
    assert Notification.objects.filter(title__contains="逾期通报", recipient=world.users["edu_a"]).count() == 1
    assert Hazard.objects.get(pk=h.pk).escalation == "reminder"  # the loser changed nothing


def test_a_hazard_submitted_before_the_lock_does_not_climb(world):
    h = report(world)
    day = h.deadline + datetime.timedelta(days=20)
    Hazard.objects.filter(pk=h.pk).update(status="awaiting")  # between the read and the lock
    assert ladder.take_step(HAZARD_LADDER, h.pk, day, now=at(day)) is None
    assert not EscalationStep.objects.exists()
    assert not AuditLog.objects.filter(event="hazards.escalate").exists()


def _queries_of_a_quiet_climb(day):
    with CaptureQueriesContext(connection) as ctx:
        assert apply_ladder(now=at(day)) == []
    return len(ctx.captured_queries)


def test_hazards_that_take_no_rung_cost_no_query_each(world):
    first = report(world)
    with TestCase.captureOnCommitCallbacks(execute=True):
        apply_ladder(now=at(first.deadline + datetime.timedelta(days=1)))
    quiet = first.deadline + datetime.timedelta(days=2)  # notice taken, interview not reached
    few = _queries_of_a_quiet_climb(quiet)
    for _i in range(6):
        report(world)
    with TestCase.captureOnCommitCallbacks(execute=True):
        apply_ladder(now=at(first.deadline + datetime.timedelta(days=1)))
    assert EscalationStep.objects.count() == 7
    assert _queries_of_a_quiet_climb(quiet) == few


def test_the_command_moves_the_clock(world):
    h = report(world, severity="major")
    out = io.StringIO()
    with mock.patch("django.db.transaction.on_commit", lambda func, *a, **k: func()):
        call_command("hazard_ladder", "--at", str(h.deadline + datetime.timedelta(days=40)), stdout=out)
    assert "挂牌督办 逾期 40 天" in out.getvalue() and "督办 1 条" in out.getvalue()
    assert EscalationStep.objects.get(hazard=h).supervising_region == "320400"
