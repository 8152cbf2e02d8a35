"""Domain events: how one app reacts to what happened in another, after the commit, never inside it.

An app declares each event it emits (``declare("devices.network_changed", ...)`` in its ``signals.py``)
and emits it where the change happens::

    events.emit("defense.changed", school_ids=[school.pk])

Another app registers handlers in its ``handlers.py``::

    @on("defense.changed")
    def refresh(school_ids): ...

    @on("devices.network_changed", background=True)   # heavy: a Huey task (immediate in tests)
    def reevaluate(school_ids): ...

The rules:

- **After the commit.** Inside a transaction ``emit`` queues the dispatch with ``transaction.on_commit``:
  nothing is dispatched when the transaction (or the savepoint the emit was made in) rolls back.
  Outside a transaction it dispatches at once.
- **Isolated.** Each handler runs on its own (a sync one in its own atomic block): its exception is
  logged (logger ``huxiao.events``) and reaches neither the emitter nor the other handlers. The emitter's
  work is committed before any handler runs, so a broken handler can never undo it — this is what keeps
  the alarm path's acknowledgements independent of compliance.
- **Declared.** Emitting or handling an undeclared name raises (:class:`UndeclaredEvent`), so a typo
  fails the tests instead of silently reaching nobody.
- **Coalesced.** An event declared with ``merge=("school_ids",)`` that is emitted several times in the
  same transaction (and savepoint) with the same other data is dispatched once, with the union of the
  merged lists (and the latest of the ``latest`` keys): a batch of alarms from 30 schools re-evaluates
  each school once.
- **JSON-able data** only (ids, codes, ISO times), never model instances: a background handler gets its
  data through Huey, and a handler reads the records as committed.

Handlers are found once at startup (``discover``, called from ``CoreConfig.ready``): each app's
``signals.py`` (declarations) then ``handlers.py`` (and its ``audit_events.py``, the typed audit events).
"""

import json
import logging
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, transaction

logger = logging.getLogger("huxiao.events")


class UndeclaredEvent(LookupError):
    """An event name nobody declared (a typo, or a declaration that is not loaded)."""


@dataclass(frozen=True)
class EventType:
    name: str
    doc: str = ""
    merge: tuple = ()  # data keys holding lists that are united when emits coalesce
    latest: tuple = ()  # data keys (ISO times) of which coalesced emits keep the latest


@dataclass(frozen=True)
class Handler:
    event: str
    func: object
    background: bool = False

    @property
    def key(self) -> str:
        return f"{self.func.__module__}.{self.func.__qualname__}"


DECLARED: dict[str, EventType] = {}
HANDLERS: dict[str, list[Handler]] = {}


def declare(name: str, doc: str = "", *, merge=(), latest=()) -> str:
    """Declare an event ``"<app>.<what happened>"``; returns the name (use it as a constant).
    ``merge``: list-valued data keys united when emits of one transaction coalesce; ``latest``: keys of
    which the coalesced dispatch keeps the latest value (an ISO time: "as of")."""
    if name.count(".") != 1 or not all(name.split(".")):
        raise ValueError(f"event name {name!r} must be '<app>.<event>'")
    event = EventType(name, doc, tuple(merge), tuple(latest))
    if DECLARED.get(name, event) != event:
        raise ValueError(f"event {name!r} declared twice, differently")
    DECLARED[name] = event
    return name


def on(name: str, *, background: bool = False):
    """Register the decorated function as a handler of ``name`` (called with the event's data as keyword
    arguments). ``background=True``: run it in a Huey task instead of in the committing process."""

    def register(func):
        handler = Handler(name, func, background)
        handlers = HANDLERS.setdefault(name, [])
        if all(h.key != handler.key for h in handlers):  # a module imported twice registers once
            handlers.append(handler)
        return func

    return register


def handler_by_key(name: str, key: str) -> Handler | None:
    return next((h for h in HANDLERS.get(name, ()) if h.key == key), None)


def _checked(name: str, data: dict) -> EventType:
    event = DECLARED.get(name)
    if event is None:
        raise UndeclaredEvent(f"event {name!r} is not declared (events.declare in the emitting app's signals.py)")
    try:
        json.dumps(data)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"event {name!r}: data must be JSON-able (ids, codes), got {data!r}") from exc
    for key in event.merge:
        if key in data and not isinstance(data[key], list):
            raise TypeError(f"event {name!r}: {key} must be a list")
    return event


def _united(*lists) -> list:
    """The distinct values of ``lists``, sorted (ids, codes)."""
    values = set().union(*lists)
    try:
        return sorted(values)
    except TypeError:  # mixed types
        return sorted(values, key=str)


class _Pending:
    """One queued dispatch, waiting for the commit (an on_commit callback)."""

    def __init__(self, event: EventType, data: dict):
        self.event, self.data = event, data
        self.done = False  # run already (a test's captured callbacks stay in the list once executed)
        self.__qualname__ = f"events.dispatch({event.name})"  # the name Django's on_commit logs

    def absorb(self, data: dict) -> bool:
        """Merge ``data`` of the same event into this dispatch when only the merged lists differ."""
        merge, latest = self.event.merge, self.event.latest
        if self.done or not merge or set(data) != set(self.data):
            return False
        if any(self.data[k] != v for k, v in data.items() if k not in merge and k not in latest):
            return False
        for key in merge:
            self.data[key] = _united(self.data[key], data[key])
        for key in latest:
            self.data[key] = max(self.data[key], data[key])
        return True

    def __call__(self):
        self.done = True
        dispatch(self.event.name, self.data)


def emit(name: str, *, using: str = DEFAULT_DB_ALIAS, **data) -> None:
    """Announce that ``name`` happened. Dispatched after the commit (at once outside a transaction)."""
    event = _checked(name, data)
    for key in event.merge:
        if key in data:
            data[key] = _united(data[key])
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        dispatch(name, data)
        return
    if event.merge:
        # the same event queued in this transaction and savepoint: merge into it (a rollback of the
        # savepoint discards both, as Django discards the callbacks registered in it)
        current = set(connection.savepoint_ids)
        for sids, func, _robust in connection.run_on_commit:
            if isinstance(func, _Pending) and func.event is event and sids == current and func.absorb(data):
                return
    transaction.on_commit(_Pending(event, dict(data)), using=using, robust=True)


def dispatch(name: str, data: dict) -> None:
    """Run every handler of ``name`` with ``data``, each isolated (see the module docstring)."""
    for handler in list(HANDLERS.get(name, ())):
        if handler.background:
            try:
                from huxiao.core.tasks import run_event_handler

                run_event_handler(name, handler.key, data)
            except Exception:
                logger.exception("event %s: could not queue %s", name, handler.key)
        else:
            run_handler(handler, data)


def run_handler(handler: Handler, data: dict) -> bool:
    """Call one handler in its own atomic block; an exception is logged, never raised. True on success."""
    try:
        with transaction.atomic():
            handler.func(**data)
        return True
    except Exception:
        logger.exception("event %s: handler %s failed (data %s)", handler.event, handler.key, data)
        return False


def discover() -> None:
    """Load every app's declarations (``signals.py``) and handlers (``handlers.py``) once; a handler of an
    undeclared event is a configuration error."""
    from huxiao.core import clock  # noqa: F401  (declares the clock's events)
    from huxiao.core.discovery import app_modules

    app_modules("audit_events")  # typed audit events: their labels on the audit page, whatever was imported
    app_modules("signals")
    app_modules("handlers")
    unknown = sorted(name for name in HANDLERS if name not in DECLARED)
    if unknown:
        raise ImproperlyConfigured(f"handlers registered for undeclared events: {', '.join(unknown)}")
