"""The core clock: time passing is an event, emitted through the same hook as every other (core.events).

Once a minute ``tick()`` emits

- ``clock.tick`` (``at``: the minute, ISO 8601) — e.g. devices find the ones whose heartbeat went stale
  and emit ``devices.silent``;
- ``clock.hour`` (``at``) when the local hour changed since the last tick — e.g. the hazards' escalation
  ladder (deadlines passed) and the missing self-check flags;
- ``clock.day`` (``day``: the local date, ``at``) when the local date changed — e.g. the day's
  compliance snapshot, ``hazards.deadline_passed``.

Handlers must be idempotent: the first tick after a start (or after the clock stood still) emits
``clock.hour`` and ``clock.day`` too, so a missed midnight is caught up rather than lost.

Who ticks: the Huey periodic task ``core.tasks.clock_task`` (every minute) wherever a consumer runs; the
minute is claimed in the cache, so clocks sharing one (Redis) tick once. Without a consumer
(``run_demo --no-worker``) the serving process runs ``start_thread()``: one daemon thread per process,
started explicitly, never at import.
"""

import datetime
import logging
import threading

from django.core.cache import cache
from django.db import close_old_connections
from django.utils import timezone

from huxiao.core import events

logger = logging.getLogger("huxiao.events")

TICK = events.declare("clock.tick", "every minute (at: the minute, ISO 8601)")
HOUR = events.declare("clock.hour", "the local hour changed (at)")
DAY = events.declare("clock.day", "the local date changed (day: the date, at)")

LAST_KEY = "huxiao:clock:last"
CLAIM_TTL = 3600


def tick(now: datetime.datetime | None = None) -> list[str]:
    """Emit the clock's events for the minute of ``now``; returns the names emitted ([] when another
    clock already ticked this minute)."""
    minute = (now or timezone.now()).replace(second=0, microsecond=0)
    if not cache.add(f"huxiao:clock:{minute.timestamp():.0f}", 1, timeout=CLAIM_TTL):
        return []
    last = cache.get(LAST_KEY)
    cache.set(LAST_KEY, minute.isoformat(), timeout=None)
    at = minute.isoformat()
    local = timezone.localtime(minute)
    previous = timezone.localtime(datetime.datetime.fromisoformat(last)) if last else None
    emitted = [TICK]
    events.emit(TICK, at=at)
    if previous is None or (previous.date(), previous.hour) != (local.date(), local.hour):
        events.emit(HOUR, at=at)
        emitted.append(HOUR)
    if previous is None or previous.date() != local.date():
        events.emit(DAY, day=local.date().isoformat(), at=at)
        emitted.append(DAY)
    return emitted


def parse_at(at: str) -> datetime.datetime:
    """The ``at`` of a clock event as an aware datetime."""
    return datetime.datetime.fromisoformat(at)


# --- the in-process clock (no Huey consumer) ----------------------------------------------------

_thread: threading.Thread | None = None
_stop = threading.Event()
_lock = threading.Lock()


def _seconds_to_next_minute() -> float:
    now = timezone.now()
    return 60 - now.second - now.microsecond / 1e6


def _run():
    while not _stop.wait(_seconds_to_next_minute()):
        try:
            tick()
        except Exception:
            logger.exception("clock: tick failed")
        finally:
            close_old_connections()


def start_thread() -> threading.Thread:
    """Run the clock in this process (a daemon thread ticking at each minute); once per process."""
    global _thread
    with _lock:
        if _thread is None or not _thread.is_alive():
            _stop.clear()
            _thread = threading.Thread(target=_run, name="huxiao-clock", daemon=True)
            _thread.start()
        return _thread


def stop_thread(timeout: float = 5.0) -> None:
    global _thread
    with _lock:
        _stop.set()
        if _thread is not None:
            _thread.join(timeout)
        _thread = None
