"""Deadline ladders: remind before a deadline, then escalate step by step while it stays unmet (the seeds'
到期提醒 → 整改通知/通报 → 约谈 → 挂牌督办 at the next level up), each step once, told to the people whose
jurisdiction covers the record.

An app declares its ladder in its ``ladder.py`` (found by ``discover``)::

    INCIDENT_FOLLOW_UP = declare(Ladder(
        name="incidents.follow_up", label=_("事件处置督办"), model=Incident,
        deadline="respond_by",                       # a date field or annotation, or a callable(record)
        select=lambda qs, today: qs.filter(status__in=OPEN),   # which records are on the ladder at all
        roles=(Role.PRINCIPAL, Role.EDUCATION_OFFICER, Role.STATION_OFFICER),
        steps=(
            Step("reminder", _("到期提醒"), offset=-1, until=0, message=N_("事件即将到期：%(title)s")),
            Step("notice", _("整改通知"), offset=1, message=N_("事件已逾期 %(days)d 天：%(title)s")),
            Step("listed", _("挂牌督办"), offset=10, up_to=RegionLevel.CITY,
                 message=N_("事件挂牌督办：%(title)s 已逾期 %(days)d 天")),
        ),
        context=lambda i: {"title": i.title}, url=incident_url))

and the core clock climbs it: at the first tick of every local day (``clock.day``, core/handlers.py)
each declared ladder runs ``climb(None, ladder, today)`` in a savepoint of its own (one ladder's failure
is logged and rolled back, and stops no other); the notifications go out once the day's run commits.

The rules of ``climb(records, ladder, today, *, actor=SYSTEM)``:

- ``days`` is ``today - deadline`` in days (negative before it). A step is *reached* when
  ``days >= offset`` and, if it has one, ``days <= until`` (a reminder is pointless once overdue). An
  ``offset`` may be a callable of the record (thresholds from the record's policy; ``None``: this record
  never takes that step, e.g. 挂牌督办 for 重大 hazards only).
- A record takes the **highest** step it has reached, if it is higher than any it already took: steps
  only go up, and a clock that stood still jumps to the step reached instead of sending stale ones.
- **Once.** Each step taken is a row whose uniqueness the database guarantees — the app's own step model
  (``step_model``, unique on record and level: the hazards' ``EscalationStep``) or core's ``LadderStep``
  (unique on ladder, record, deadline and level). The record is locked and re-read before the insert,
  and an insert that meets the constraint (a racing climb took the step) is skipped: no second audit
  entry, no second notification.
- **Live records only**: a voided record (``VoidableRecord``) never climbs.
- Each step taken writes one typed audit entry (``audit_event``, by ``actor``, ``SYSTEM`` by default)
  and notifies, through ``core.services.notify`` (per-user channels), the users holding the step's roles
  (or the ladder's) whose jurisdiction covers the record (``core.reach.users_reaching``), from
  ``from_level`` up to ``up_to``. The step row keeps the supervising region (the record's region at
  ``up_to``) and how many were told.

How the coming ladders declare theirs:

- **Incidents** (事件处置): ``deadline`` the response or 办结 date, ``select`` the open ones, steps as above;
  the core store.
- **Key-person re-screening** (重点人员复核): ``deadline`` a callable, last screening + the period; a
  person reached from stations of several districts names them with ``reaches`` (the record's
  ``ReachLink`` targets); each re-screening gives a new deadline that climbs afresh (core store).
- **Report reminders** (月报催报): the record is the school (or unit) that reports, ``select`` those that
  have not filed the current period and annotates its due day, ``deadline`` that annotation; steps
  "reminder" (offset -3, until 0) and "overdue" (offset 1): once per period, because the deadline is part
  of the step's identity in the core store.
- **Risk follow-ups** (风险跟踪): ``deadline`` the next follow-up date; the step roles per risk level.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huxiao.core import audit
from huxiao.core.actions import SYSTEM, is_system, require
from huxiao.core.audit import audit_events
from huxiao.core.choices import AuditAction, RegionLevel
from huxiao.core.models import LadderStep, VoidableRecord
from huxiao.core.reach import ancestors, level_of, users_reaching

logger = logging.getLogger("huxiao.ladder")
CHUNK = 2000


@audit_events
class LadderAudit(models.TextChoices):
    STEP = "core.ladder_step", gettext_lazy("到期提醒与逾期督办")


@dataclass(frozen=True)
class Step:
    """One step of a ladder, reached ``offset`` days after the deadline (negative: before it)."""

    key: str  # stored in the step row's ``level``
    label: object  # its Chinese name
    offset: int | Callable  # or callable(record) -> int | None (None: not for this record)
    message: str  # the notification's title, a msgid with %(days)d, %(deadline)s and the ladder's context
    until: int | None = None  # the last day (relative) on which it is still taken
    roles: tuple = ()  # who is told; () the ladder's roles
    up_to: str = RegionLevel.COUNTY  # how high the people told sit (and the supervising region)
    from_level: str | None = None  # only officials at this level or higher (no school staff)
    notice_level: str = ""  # the notification level; "" warning once overdue, info before

    def offset_for(self, record) -> int | None:
        return self.offset(record) if callable(self.offset) else self.offset

    def reached(self, record, days: int) -> bool:
        offset = self.offset_for(record)
        return offset is not None and days >= offset and (self.until is None or days <= self.until)


def _nothing(record):
    return ""


def _no_context(record) -> dict:
    return {}


@dataclass(frozen=True)
class Ladder:
    """A declared ladder over the records of ``model`` (see the module docstring)."""

    name: str  # "<app>.<what>"
    label: object
    model: type
    steps: tuple
    deadline: str | Callable = "deadline"  # attribute (field or annotation) or callable(record) -> date
    roles: tuple = ()
    select: Callable | None = None  # (queryset, today) -> the records on the ladder
    context: Callable = _no_context  # record -> dict for the messages
    body: Callable = _nothing  # record -> notification body
    url: Callable = _nothing  # record -> the record's page
    reaches: Callable | None = None  # record -> targets of users_reaching (default: the record itself)
    audit_event: str = LadderAudit.STEP
    level_field: str = ""  # a field of the record kept at the highest step taken (read as its current step)
    step_model: type | None = None  # the app's step model; None: core's LadderStep
    step_record_field: str = ""  # the step model's foreign key to the record
    perm: str = ""  # the permission a user climbing by hand needs on the record ("" SYSTEM only)

    def __post_init__(self):
        if self.name.count(".") != 1 or not all(self.name.split(".")):
            raise ValueError(f"ladder name {self.name!r} must be '<app>.<what>'")
        keys = [s.key for s in self.steps]
        if not keys or len(set(keys)) != len(keys):
            raise ValueError(f"ladder {self.name}: steps must be given, with distinct keys")
        for s in self.steps:
            if not (s.roles or self.roles):
                raise ValueError(f"ladder {self.name}: step {s.key} tells nobody (no roles)")
            if s.until is not None and not callable(s.offset) and s.until < s.offset:
                raise ValueError(f"ladder {self.name}: step {s.key} ends before it starts")
        if self.step_model is not None and not self.step_record_field:
            raise ValueError(f"ladder {self.name}: step_model needs step_record_field")

    def step(self, key) -> Step | None:
        return next((s for s in self.steps if s.key == key), None)

    def rank(self, key) -> int:
        """The step's place on the ladder (-1: none)."""
        return next((i for i, s in enumerate(self.steps) if s.key == key), -1)

    def deadline_of(self, record) -> datetime.date | None:
        return self.deadline(record) if callable(self.deadline) else getattr(record, self.deadline)

    def due(self, record, today) -> tuple[int, Step] | None:
        """(rank, step) of the highest step ``record`` has reached on ``today``, or None."""
        deadline = self.deadline_of(record)
        if deadline is None:
            return None
        days = (today - deadline).days
        for rank in range(len(self.steps) - 1, -1, -1):
            if self.steps[rank].reached(record, days):
                return rank, self.steps[rank]
        return None


LADDERS: dict[str, Ladder] = {}


def declare(ladder: Ladder) -> Ladder:
    """Register ``ladder`` so the clock climbs it every day; returns it."""
    old = LADDERS.get(ladder.name)
    if old is not None and (old.model, [s.key for s in old.steps]) != (ladder.model, [s.key for s in ladder.steps]):
        raise ValueError(f"ladder {ladder.name!r} declared twice, differently")
    LADDERS[ladder.name] = ladder
    return ladder


def discover() -> None:
    """Import every app's ``ladder.py`` (their declarations)."""
    from huxiao.core.discovery import app_modules

    app_modules("ladder")


# --- climbing ------------------------------------------------------------------------------------

def candidates(records, ladder: Ladder, today):
    """The live records of ``records`` (all of the model's when None) that are on ``ladder`` today."""
    qs = ladder.model._default_manager.all() if records is None else records
    if issubclass(ladder.model, VoidableRecord):
        qs = qs.filter(voided_at__isnull=True)
    if ladder.select is not None:
        qs = ladder.select(qs, today)
    if ladder.level_field:
        qs = qs.exclude(**{ladder.level_field: ladder.steps[-1].key})
    offsets = [s.offset for s in ladder.steps]
    if isinstance(ladder.deadline, str) and not any(callable(o) for o in offsets):
        # nothing is reached before the earliest offset: leave the records whose deadline is further away
        qs = qs.filter(**{f"{ladder.deadline}__lte": today - datetime.timedelta(days=min(offsets))})
    return qs


def _chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def taken_ranks(ladder: Ladder, records) -> dict:
    """``{record pk: rank of the highest step taken}`` (for its present deadline, in the core store)."""
    if ladder.level_field:
        return {r.pk: ladder.rank(getattr(r, ladder.level_field)) for r in records}
    ranks = {}
    if ladder.step_model is not None:
        rows = ladder.step_model._default_manager.filter(**{f"{ladder.step_record_field}__in": [r.pk for r in records]})
        for pk, level in rows.values_list(f"{ladder.step_record_field}_id", "level"):
            ranks[pk] = max(ranks.get(pk, -1), ladder.rank(level))
        return ranks
    deadlines = {r.pk: ladder.deadline_of(r) for r in records}
    rows = LadderStep.objects.filter(ladder=ladder.name, record_id__in=list(deadlines))
    for pk, deadline, level in rows.values_list("record_id", "deadline", "level"):
        if deadlines.get(pk) == deadline:
            ranks[pk] = max(ranks.get(pk, -1), ladder.rank(level))
    return ranks


def climb(records, ladder: Ladder, today: datetime.date, *, actor=SYSTEM, now=None) -> list:
    """Move every live record of ``records`` (None: all of the ladder's model) that is on ``ladder`` up to
    the highest step it has reached on ``today``; returns the step rows created (see the module
    docstring). ``now``: the time the steps are stamped with (the clock's minute)."""
    if actor is None:
        require(actor, ladder.perm)  # refused: a forgotten actor never means "skip the checks"
    now = now or timezone.now()
    taken = []
    for chunk in _chunks(candidates(records, ladder, today).order_by("pk").iterator(chunk_size=CHUNK), CHUNK):
        ranks = taken_ranks(ladder, chunk)
        for record in chunk:
            found = ladder.due(record, today)
            if found and found[0] > ranks.get(record.pk, -1):
                step = take_step(ladder, record.pk, today, now=now, actor=actor)
                if step is not None:
                    taken.append(step)
    return taken


def _check_actor(actor, ladder: Ladder, record):
    if is_system(actor):
        return
    if not ladder.perm:
        raise PermissionDenied(_("该提醒督办只能由系统执行"))
    require(actor, ladder.perm, record)


def supervising_region(code: str, level) -> str:
    """The region at ``level`` above (or at) ``code``: the level that supervises the step."""
    return next((c for c in ancestors(code) if level_of(c) == level), code)


def recipients_of(ladder: Ladder, record, step: Step) -> list:
    targets = ladder.reaches(record) if ladder.reaches else [record]
    users = {}
    for target in targets:
        for user in users_reaching(target, step.roles or ladder.roles, up_to=step.up_to, from_level=step.from_level):
            users[user.pk] = user
    return [users[pk] for pk in sorted(users)]


def _store(ladder: Ladder, record, step: Step, deadline, days: int, now, supervising: str, told: int):
    common = {"level": step.key, "at": now, "overdue_days": max(0, days), "supervising_region": supervising,
              "recipients": told}
    if ladder.step_model is None:
        return LadderStep.objects.create(ladder=ladder.name, record_id=record.pk, deadline=deadline,
                                         region_code=record.region_code, school_id=getattr(record, "school_id", None),
                                         **common)
    extra = {"school": record.school} if hasattr(record, "school_id") else {}
    return ladder.step_model._default_manager.create(**{ladder.step_record_field: record}, **extra, **common)


def _already_taken(ladder: Ladder, record, step: Step, deadline) -> bool:
    if ladder.step_model is None:
        return LadderStep.objects.filter(ladder=ladder.name, record_id=record.pk, deadline=deadline,
                                         level=step.key).exists()
    return ladder.step_model._default_manager.filter(**{ladder.step_record_field: record}, level=step.key).exists()


@transaction.atomic
def take_step(ladder: Ladder, pk, today, *, now, actor=SYSTEM):
    """Lock the record ``pk``, re-read it and take the step it has reached if it is higher than the one it
    holds: the step row, the level field, one audit entry, the notification. None when there is nothing
    to take (any more), or when a racing climb took the step first (the database's uniqueness)."""
    locked = candidates(ladder.model._default_manager.filter(pk=pk), ladder, today).select_for_update(of=("self",))
    record = locked.first()
    if record is None:  # voided, closed or moved off the ladder since it was read
        return None
    _check_actor(actor, ladder, record)
    found = ladder.due(record, today)
    if found is None or found[0] <= taken_ranks(ladder, [record]).get(record.pk, -1):
        return None
    step = found[1]
    deadline = ladder.deadline_of(record)
    days = (today - deadline).days
    recipients = recipients_of(ladder, record, step)
    try:
        with transaction.atomic():
            row = _store(ladder, record, step, deadline, days, now, supervising_region(record.region_code, step.up_to),
                         len(recipients))
    except IntegrityError:
        if _already_taken(ladder, record, step, deadline):
            return None  # taken meanwhile by another climb: once, whatever the race
        raise
    if ladder.level_field:
        ladder.model._default_manager.filter(pk=record.pk).update(**{ladder.level_field: step.key})
    overdue = max(0, days)
    after = ({ladder.level_field: step.key} if ladder.level_field
             else {"ladder": ladder.name, "step": step.key, "deadline": deadline.isoformat()})
    audit.record(AuditAction.UPDATE, record, actor=actor, after={**after, "overdue_days": overdue},
                 event=ladder.audit_event)
    title = _(step.message) % {**ladder.context(record), "deadline": deadline, "days": overdue,
                               "step": step.label}
    from huxiao.core.services import notify

    notify(recipients, title, ladder.body(record), ladder.url(record),
           level=step.notice_level or ("warning" if overdue else "info"))
    return row


def climb_all(today: datetime.date, *, now=None) -> dict:
    """Climb every declared ladder (the clock's daily run), each on its own: a ladder that fails is
    logged and rolled back, the others go on. ``{ladder name: steps taken}``; a failed one is absent."""
    discover()
    taken = {}
    for name, ladder in list(LADDERS.items()):
        try:
            with transaction.atomic():
                taken[name] = len(climb(None, ladder, today, now=now))
        except Exception:
            logger.exception("ladder %s: climb failed on %s", name, today)
    return taken
