"""The feed hub: one per web process (and event loop), between the channel layer and the consoles.

The hub follows the whole feed — every event, in id order, none skipped — and hands each batch to the
consoles of its process, which keep what their users may see (``feed.visible_rows``). It is the only
member of the wake-up group in its process, so a burst reaches a process once, not once per console,
and the database is read once per process, not once per console:

- a wake-up that carries its events and starts where the hub stands (``prev`` = the hub's last id) is
  taken as it is: no read at all;
- any other wake-up (a life-cycle step, SQLite, a wake-up missed or out of order) makes the hub read
  the feed after its last id (``feed.rows_after``); so does a poll every ``POLL_SECONDS``, which also
  covers the in-memory layer, where the DC-09 receiver (another process) cannot reach the consoles.
"""

import asyncio
import logging
import time
import weakref

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection

from huxiao.alarms import feed, realtime, sessions

log = logging.getLogger(__name__)
CARD_SECONDS = 10.0  # how long a hub serves a school's or device's card from memory
POLL_SECONDS = 2.0 if "redis" in settings.CHANNEL_LAYERS["default"]["BACKEND"].lower() else 0.25
_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, FeedHub]" = weakref.WeakKeyDictionary()


def hub() -> "FeedHub":
    loop = asyncio.get_running_loop()
    found = _hubs.get(loop)
    if found is None:
        found = _hubs[loop] = FeedHub()
    return found


class FeedHub:
    def __init__(self):
        self.consoles = set()
        self.last = 0
        self.lock = asyncio.Lock()
        self.tasks = []
        self.channel = None
        self.starting = asyncio.Lock()
        self.cards = CardCache()
        self.reads = []  # (user, request, alarm ids) of batches sent, audited after the send (flush_reads)
        self.checked = time.monotonic()

    async def join(self, console):
        """Start following the feed for ``console``. Everything after the hub's position at this moment
        reaches the console through ``offer``; what came before is the console's own catch-up."""
        self.consoles.add(console)
        async with self.starting:
            if self.tasks:
                return
            layer = get_channel_layer()
            self.channel = await layer.new_channel()
            await layer.group_add(realtime.GROUP, self.channel)
            self.last = await database_sync_to_async(feed.last_event_id)()
            self.tasks = [asyncio.ensure_future(self.listen(layer)), asyncio.ensure_future(self.poll())]

    async def leave(self, console):
        self.consoles.discard(console)
        if self.consoles or not self.tasks:
            return
        for task in self.tasks:
            task.cancel()
        self.tasks = []
        if self.reads:  # the poll that would have written them is gone
            asyncio.get_running_loop().create_task(self.flush_reads())
        await get_channel_layer().group_discard(realtime.GROUP, self.channel)

    async def listen(self, layer):
        while True:
            message = await layer.receive(self.channel)
            try:
                if message.get("type") == sessions.REVOKE:
                    async with self.lock:  # in order with the wake-ups: none after it reaches an ended console
                        await self.revalidate(set(message.get("users") or ()), set(message.get("sessions") or ()))
                else:
                    await self.advance(message)
            except Exception:  # the poll reads what this wake-up would have brought
                log.exception("handling an alarm wake-up failed")

    async def poll(self):
        while True:
            await asyncio.sleep(POLL_SECONDS)
            try:
                await self.advance(None)
            except Exception:
                log.exception("polling the alarm feed failed")
            await asyncio.gather(*(c.retry() for c in list(self.consoles) if c.behind), return_exceptions=True)
            if time.monotonic() - self.checked >= sessions.REVALIDATE_SECONDS:
                self.checked = time.monotonic()
                try:
                    await self.revalidate()
                except Exception:
                    log.exception("re-checking the consoles' sessions failed")
            await self.flush_reads()

    async def revalidate(self, users=None, gone=frozenset()):
        """Close the consoles whose session ended (``sessions.ended``): of ``users``, or all."""
        consoles = [c for c in list(self.consoles) if users is None or c.identity.user_id in users]
        if not consoles:
            return
        verdicts = await database_sync_to_async(sessions.ended)([c.identity for c in consoles], gone)
        await asyncio.gather(*(c.end() for c, bad in zip(consoles, verdicts, strict=True) if bad),
                             return_exceptions=True)

    def audit(self, console, alarm_ids):
        self.reads.append((console.user, console.request, alarm_ids))

    async def flush_reads(self):
        """Write the audit entries of the batches sent, one transaction per poll, on a thread of their own:
        not on the one the hub's feed reads queue on (database_sync_to_async), which the next burst needs."""
        reads, self.reads = self.reads, []
        if reads:
            try:
                if connection.vendor == "postgresql":
                    await sync_to_async(sessions.audit_batches, thread_sensitive=False)(reads)
                else:  # SQLite has one writer: on the thread that holds the connection
                    await database_sync_to_async(sessions.audit_batches)(reads)
            except Exception:
                log.exception("auditing console deliveries failed")
                self.reads[:0] = reads[-1000:]

    async def advance(self, message: dict | None):
        async with self.lock:
            if message is not None:
                if "rows" in message and message.get("prev") == self.last:
                    self.last = message["last"]
                    await self.deliver(realtime.rows_of(message))
                    return
                if message.get("last", 0) <= self.last:
                    return
            more = True
            while more:
                rows, more = await database_sync_to_async(feed.rows_after)(self.last)
                if not rows:
                    return
                self.last = rows[-1][0]
                await self.deliver(rows)

    async def deliver(self, rows):
        consoles = list(self.consoles)
        if not consoles or not rows:
            return
        schools, devices = self.cards.missing(rows)
        if schools or devices:
            self.cards.add(schools, devices, await database_sync_to_async(feed.load_context)(schools, devices))
        context = self.cards.context  # shared by the process's consoles
        await asyncio.gather(*(console.offer(rows, context) for console in consoles), return_exceptions=True)


class CardCache:
    """A feed hub's context (schools, devices, cameras, guards), each school and device kept for
    CARD_SECONDS: a burst from a school is served from memory after its first batch, and an edit of a
    school's contacts, guards or cameras reaches the consoles within CARD_SECONDS."""

    def __init__(self, seconds=CARD_SECONDS):
        self.seconds = seconds
        self.context = feed.Context({}, {}, {}, {})
        self.loaded = {}  # ("s"|"d", id) → monotonic time of loading

    def missing(self, rows) -> tuple[set, set]:
        """The rows' schools and devices not in the cache or older than CARD_SECONDS."""
        oldest = time.monotonic() - self.seconds
        schools, devices = feed.ids_of(rows)
        loaded = self.loaded
        return ({pk for pk in schools if loaded.get(("s", pk), 0) < oldest},
                {pk for pk in devices if loaded.get(("d", pk), 0) < oldest})

    def add(self, school_ids, device_ids, fresh: feed.Context):
        now, ctx = time.monotonic(), self.context
        if len(self.loaded) > 20000:  # start afresh rather than grow without bound
            self.loaded.clear()
            for cards in (ctx.schools, ctx.devices, ctx.cameras, ctx.guards):
                cards.clear()
        for pk in school_ids:
            ctx.schools.pop(pk, None)
            ctx.cameras.pop(pk, None)
            ctx.guards.pop(pk, None)
            self.loaded["s", pk] = now
        for pk in device_ids:
            ctx.devices.pop(pk, None)
            self.loaded["d", pk] = now
        for name in ("schools", "devices", "cameras", "guards"):
            getattr(ctx, name).update(getattr(fresh, name))
