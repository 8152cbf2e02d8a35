"""The generic deadline ladder (core.ladder), with test-only declarations over existing models stored in
core's LadderStep: a yearly re-screening of guards (a deadline computed from the record, recurring) and a
follow-up of hazards (a plain deadline field, a voidable record)."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.test import TestCase
from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from huxiao.core import clock, ladder
from huxiao.core.choices import RegionLevel, Role
from huxiao.core.ladder import Ladder, LadderAudit, Step, climb
from huxiao.core.models import AuditLog, LadderStep, Notification
from huxiao.core.void import do_void
from huxiao.defense.models import Guard
from huxiao.hazards.models import Hazard
from tests.hazards.helpers import api, hazard_payload

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()
CHECKED = datetime.date(2025, 3, 1)
DUE = datetime.date(2026, 3, 1)  # a year after the background check


def rescreen_due(guard):
    checked = guard.background_checked_on
    return checked.replace(year=checked.year + 1) if checked else None


RESCREENING = Ladder(
    name="defense.rescreening", label="保安员背景复审", model=Guard, deadline=rescreen_due,
    select=lambda qs, today: qs.filter(active=True, background_checked_on__isnull=False).select_related("school"),
    roles=(Role.PRINCIPAL, Role.SECURITY_OFFICER),
    steps=(
        Step("reminder", "复审提醒", offset=-30, until=0, message=N_("保安员 %(name)s 背景复审将于 %(deadline)s 到期")),
        Step("overdue", "逾期通知", offset=1, roles=(Role.PRINCIPAL, Role.EDUCATION_OFFICER),
             message=N_("保安员 %(name)s 背景复审已逾期 %(days)d 天")),
        Step("escalated", "上级督办", offset=30, roles=(Role.EDUCATION_OFFICER,), up_to=RegionLevel.CITY,
             from_level=RegionLevel.CITY, message=N_("保安员 %(name)s 背景复审逾期 %(days)d 天，市级督办")),
    ),
    context=lambda g: {"name": g.name}, body=lambda g: g.school.name, perm="defense.change_records")

FOLLOW_UP = Ladder(
    name="hazards.follow_up_test", label="隐患跟踪", model=Hazard,
    roles=(Role.EDUCATION_OFFICER,),
    steps=(Step("follow_up", "跟踪", offset=2, message=N_("隐患跟踪：%(place)s")),),
    context=lambda h: {"place": h.place})


def make_guard(world, school="a1", name="王保安", checked=CHECKED, **kw):
    return Guard.objects.create(school=world.schools[school], name=name, category="doorkeeper",
                                id_number_encrypted="x", id_number_index=f"idx-{name}", id_number_masked="1234",
                                birth_date=datetime.date(1980, 1, 1), first_hired_on=datetime.date(2020, 1, 1),
                                background_checked_on=checked, **kw)


def run(lad, day, **kw):
    """Climb ``lad`` on ``day`` with its notifications written as after the commit; the keys taken."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return [s.level for s in climb(None, lad, day, now=datetime.datetime.combine(day, datetime.time(9),
                                                                                      tzinfo=TZ), **kw)]


def told(title_part):
    return set(Notification.objects.filter(title__contains=title_part).values_list("recipient__username", flat=True))


def test_each_step_once_on_its_day_to_its_people(world):
    guard = make_guard(world)
    day = DUE - datetime.timedelta(days=31)
    assert run(RESCREENING, day) == []
    assert run(RESCREENING, DUE - datetime.timedelta(days=30)) == ["reminder"]
    assert run(RESCREENING, DUE - datetime.timedelta(days=29)) == []  # once
    assert run(RESCREENING, DUE) == []  # due today is not overdue
    assert run(RESCREENING, DUE + datetime.timedelta(days=1)) == ["overdue"]
    assert run(RESCREENING, DUE + datetime.timedelta(days=29)) == []
    assert run(RESCREENING, DUE + datetime.timedelta(days=30)) == ["escalated"]
    assert run(RESCREENING, DUE + datetime.timedelta(days=400)) == []  # the top: nothing more
    steps = list(LadderStep.objects.filter(ladder="defense.rescreening", record_id=guard.pk))
    assert [(s.level, s.overdue_days, s.supervising_region, s.deadline) for s in steps] == [
        ("reminder", 0, "320413", DUE), ("overdue", 1, "320413", DUE), ("escalated", 30, "320400", DUE)]
    assert [s.label for s in steps] == ["reminder", "overdue", "escalated"]  # a test ladder is not declared
    assert {s.region_code for s in steps} == {"320413001"} and {s.school_id for s in steps} == {guard.school_id}
    # who is told: the school's staff, then with the district's bureau, then the city alone
    assert told("将于 2026-03-01 到期") == {"principal_a1", "security_a1"}
    assert told("已逾期 1 天") == {"principal_a1", "edu_a"}
    assert told("市级督办") == {"edu_city"}
    assert steps[0].recipients == 2 and steps[2].recipients == 1
    note = Notification.objects.get(title__contains="市级督办")
    assert note.body == "东城实验小学" and note.level == "warning"
    assert set(Notification.objects.filter(title__contains="到期").values_list("level", flat=True)) == {"info"}
    entries = AuditLog.objects.filter(model="defense.Guard", object_id=str(guard.pk)).order_by("id")
    assert [(e.event, e.username, e.after["step"]) for e in entries] == [
        (LadderAudit.STEP, "system", "reminder"), (LadderAudit.STEP, "system", "overdue"),
        (LadderAudit.STEP, "system", "escalated")]


def test_a_clock_that_stood_still_jumps_to_the_step_reached(world):
    make_guard(world)
    assert run(RESCREENING, DUE + datetime.timedelta(days=45)) == ["escalated"]
    assert LadderStep.objects.count() == 1 and not told("逾期") - {"edu_city"}


def test_a_reminder_is_not_sent_once_overdue(world):
    make_guard(world)
    assert run(RESCREENING, DUE - datetime.timedelta(days=10)) == ["reminder"]
    late = make_guard(world, name="李门卫")
    # first seen the day after its deadline: overdue straight away, no belated reminder
    assert run(RESCREENING, DUE + datetime.timedelta(days=1)) == ["overdue", "overdue"]
    assert not LadderStep.objects.filter(record_id=late.pk, level="reminder").exists()


def test_a_new_deadline_climbs_afresh(world):
    guard = make_guard(world)
    assert run(RESCREENING, DUE + datetime.timedelta(days=2)) == ["overdue"]
    Guard.objects.filter(pk=guard.pk).update(background_checked_on=DUE + datetime.timedelta(days=3))
    assert run(RESCREENING, DUE + datetime.timedelta(days=5)) == []  # the new deadline is a year away
    next_due = datetime.date(2027, 3, 4)
    assert run(RESCREENING, next_due - datetime.timedelta(days=30)) == ["reminder"]
    assert list(LadderStep.objects.order_by("id").values_list("deadline", "level")) == [
        (DUE, "overdue"), (next_due, "reminder")]


def test_records_off_the_ladder_never_climb(world):
    make_guard(world, name="离岗", active=False)
    make_guard(world, name="未审", checked=None)
    assert run(RESCREENING, DUE + datetime.timedelta(days=40)) == []
    assert not LadderStep.objects.exists() and not Notification.objects.exists()


def report(world, **kw):
    r = api(world.users["edu_a"]).post("/hazards/", hazard_payload(world, **kw))
    assert r.status_code == 201, r.content
    return Hazard.objects.get(pk=r.json()["id"])


def test_voided_records_never_climb(world):
    kept, wrong = report(world), report(world, place="重复登记")
    do_void(wrong, "误录", actor=world.users["inspector_a"])
    day = kept.deadline + datetime.timedelta(days=2)
    assert run(FOLLOW_UP, kept.deadline + datetime.timedelta(days=1)) == []  # before the offset
    assert run(FOLLOW_UP, day) == ["follow_up"]
    assert list(LadderStep.objects.values_list("record_id", flat=True)) == [kept.pk]
    # voided after being read, before the step is taken: the locked re-read finds nothing to take
    later = report(world, place="后来作废")
    do_void(later, "误录", actor=world.users["inspector_a"])
    assert ladder.take_step(FOLLOW_UP, later.pk, day, now=timezone.now()) is None
    assert told("隐患跟踪") == {"edu_a"}  # the district's bureau (up to the county by default)


def test_a_racing_climb_meets_the_databases_uniqueness(world):
    """Two climbs that both read "no step taken yet": the second insert meets the unique constraint and
    is skipped — one row, one audit entry, one notification each."""
    guard = make_guard(world)
    day = DUE + datetime.timedelta(days=1)
    assert run(RESCREENING, day) == ["overdue"]
    with mock.patch.object(ladder, "taken_ranks", return_value={}):  # a stale read, as a racing climb has
        assert run(RESCREENING, day) == []
    assert LadderStep.objects.filter(record_id=guard.pk).count() == 1
    assert AuditLog.objects.filter(model="defense.Guard", event=LadderAudit.STEP).count() == 1
    assert Notification.objects.filter(title__contains="已逾期").count() == 2  # principal and edu_a, once
    with pytest.raises(IntegrityError), transaction.atomic():
        LadderStep.objects.create(ladder="defense.rescreening", record_id=guard.pk, deadline=DUE, level="overdue",
                                  at=timezone.now(), region_code="320413001", supervising_region="320413")


def test_who_may_climb(world):
    guard = make_guard(world)
    day = DUE + datetime.timedelta(days=1)
    with pytest.raises(PermissionDenied):
        climb(None, RESCREENING, day, actor=None)
    hazard = report(world)
    with pytest.raises(PermissionDenied, match="只能由系统执行"):  # a ladder naming no permission
        run(FOLLOW_UP, hazard.deadline + datetime.timedelta(days=2), actor=world.users["edu_a"])
    with pytest.raises(PermissionDenied):
        run(RESCREENING, day, actor=world.users["edu_b"])  # another district's guard
    with pytest.raises(PermissionDenied):
        run(RESCREENING, day, actor=world.users["station_a1"])  # reaches it, may not change it
    assert not LadderStep.objects.exists() and not AuditLog.objects.filter(event=LadderAudit.STEP).exists()
    assert run(RESCREENING, day, actor=world.users["edu_a"]) == ["overdue"]
    entry = AuditLog.objects.get(model="defense.Guard", object_id=str(guard.pk))
    assert (entry.username, entry.event) == ("edu_a", LadderAudit.STEP)


def test_the_clock_day_climbs_every_declared_ladder_each_on_its_own(world, monkeypatch, caplog,
                                                                    django_capture_on_commit_callbacks):
    make_guard(world)
    broken = Ladder(name="defense.broken", label="坏阶梯", model=Guard, roles=(Role.PRINCIPAL,),
                    select=lambda qs, today: 1 / 0, steps=(Step("x", "x", offset=0, message="x"),))
    monkeypatch.setitem(ladder.LADDERS, broken.name, broken)
    monkeypatch.setitem(ladder.LADDERS, RESCREENING.name, RESCREENING)
    day = DUE + datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        emitted = clock.tick(datetime.datetime.combine(day, datetime.time(0, 0, 30), tzinfo=TZ))
    assert clock.DAY in emitted
    step = LadderStep.objects.get()
    assert (step.ladder, step.level, timezone.localtime(step.at).date()) == ("defense.rescreening", "overdue", day)
    assert "ladder defense.broken: climb failed" in caplog.text
    assert "hazards.overdue" in ladder.LADDERS  # the apps' ladders are declared by discovery
    # another tick the same day: no new day, nothing climbs again
    with django_capture_on_commit_callbacks(execute=True):
        assert clock.DAY not in clock.tick(datetime.datetime.combine(day, datetime.time(10), tzinfo=TZ))
    assert LadderStep.objects.count() == 1


@pytest.mark.parametrize("change, message", [
    ({"name": "nodot"}, "must be '<app>.<what>'"),
    ({"steps": ()}, "distinct keys"),
    ({"steps": (Step("a", "a", 0, "m"), Step("a", "b", 1, "m"))}, "distinct keys"),
    ({"roles": ()}, "tells nobody"),
    ({"steps": (Step("a", "a", offset=0, until=-1, message="m"),)}, "ends before it starts"),
    ({"step_model": LadderStep}, "step_record_field"),
])
def test_bad_declarations_are_refused(change, message):
    fields = {"name": "defense.x", "label": "x", "model": Guard, "roles": (Role.PRINCIPAL,),
              "steps": (Step("a", "a", offset=0, message="m"),)}
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Ladder(**{**fields, **change})


def test_a_name_declared_twice_differently_is_refused(monkeypatch):
    monkeypatch.setattr(ladder, "LADDERS", {})
    ladder.declare(FOLLOW_UP)
    assert ladder.declare(FOLLOW_UP) is FOLLOW_UP
    with pytest.raises(ValueError, match="declared twice"):
        ladder.declare(Ladder(name=FOLLOW_UP.name, label="x", model=Guard, roles=(Role.PRINCIPAL,),
                              steps=(Step("a", "a", offset=0, message="m"),)))
