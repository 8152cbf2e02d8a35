"""The police console's WebSocket: catch-up from the last seen event id, then live events.

A console connects to ``/ws/alarms/?after=<last event id>``. It joins its process's feed hub
(``hub.FeedHub``), then reads every event it missed that its user may see; after that the hub offers
it each new batch of the feed, of which it sends what its user may see (``feed.visible_rows``, the
user's jurisdiction through ``core.scoping``).
"""

import asyncio
import logging

import orjson
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from huxiao.alarms import feed, sessions
from huxiao.alarms.hub import hub
from huxiao.core.scoping import has_perm

log = logging.getLogger(__name__)
PUSH_LIMIT = 100  # events in the first catch-up message: the first alarms go out before the rest is read
BURST_LIMIT = 500  # events per further catch-up message: fewer round trips for the rest


class AlarmConsoleConsumer(AsyncJsonWebsocketConsumer):
    # no channel of its own: its process's feed hub is the one member of the wake-up group
    channel_layer_alias = None

    @classmethod
    async def encode_json(cls, content):
        """orjson: a message of PUSH_LIMIT alarms encodes in about a seventh of the standard encoder's time
        (and ~20 % smaller: Chinese as UTF-8, not \\u escapes)."""
        return orjson.dumps(content).decode()

    ended = False

    async def connect(self):
        user = self.scope.get("user")
        request = sessions.scope_request(self.scope)

        def admitted():
            if not (user and user.is_authenticated and has_perm(user, "alarms.view_console")):
                return None
            feed.prepare(user)  # live batches are then serialised for this user without a query
            identity = sessions.identity_of(user, self.scope.get("session"))
            sessions.audit_connect(user, request)
            return identity

        identity = await database_sync_to_async(admitted)()
        if identity is None:
            await self.close(code=4403)
            return
        self.user, self.identity, self.request = user, identity, request
        query = dict(part.split("=", 1) for part in self.scope.get("query_string", b"").decode().split("&")
                     if "=" in part)
        try:
            self.cursor = max(0, int(query.get("after", "0")))
        except ValueError:
            self.cursor = 0
        self.lock = asyncio.Lock()
        self.behind = False  # a batch of the hub could not be handled: read the database before the next
        self.hub = hub()
        async with self.lock:  # offers of the hub wait until the catch-up is out
            await self.hub.join(self)
            await self.accept()
            await self.catch_up()

    async def disconnect(self, code):
        if hasattr(self, "hub"):
            await self.hub.leave(self)

    async def end(self):
        """The session ended (``sessions.ended``): nothing more is sent, the socket is closed."""
        if self.ended:
            return
        self.ended = True
        await self.close(code=sessions.ENDED_CODE)
        # in a task of its own: leaving may stop the hub's tasks, of which the caller may be one
        asyncio.ensure_future(self.hub.leave(self))

    async def send_events(self, message: dict):
        """Send a batch of events (unless the session ended meanwhile) and have it audited."""
        if self.ended:
            return
        await self.send_json(message)
        self.hub.audit(self, [e["alarm"]["id"] for e in message["events"]])

    async def catch_up(self):
        limit = PUSH_LIMIT
        while True:
            batch = await database_sync_to_async(feed.events_after)(self.user, self.cursor, limit)
            if batch["events"]:
                self.cursor = batch["last"]
                await self.send_events({"type": "events", "last": batch["last"], "more": batch["more"],
                                        **compact(batch["events"])})
            if not batch["more"]:
                return
            limit = BURST_LIMIT

    async def offer(self, rows, context):
        """A batch of the feed from the hub (every event, in id order)."""
        async with self.lock:
            if self.ended or self.behind and not await self.recover():
                return
            fresh = [row for row in rows if row[0] > self.cursor]
            if not fresh:
                return
            try:  # on the event loop: the user's scope was read at connect (feed.prepare), cards by the hub
                events = self.serialise(fresh, context)
            except Exception:  # nothing may be skipped: read these events from the database instead
                log.exception("serialising a feed batch for a console failed; reading it from the database")
                await self.recover()
                return
            self.cursor = fresh[-1][0]
            if events:
                await self.send_events({"type": "events", "last": self.cursor, "more": False, **compact(events)})

    async def recover(self) -> bool:
        """(Lock held.) Catch up from the database after a batch that could not be handled; until that
        succeeds the console is ``behind``: it takes no live batch (its cursor stays before the events it
        has not been sent), and the hub's poll calls ``retry``."""
        self.behind = True
        try:
            await self.catch_up()
        except Exception:
            log.exception("reading the alarm feed for a console failed; trying again")
            return False
        self.behind = False
        return True

    async def retry(self):
        async with self.lock:
            if self.behind:
                await self.recover()

    def serialise(self, rows, context) -> list:
        return feed.serialise(self.user, feed.visible_rows(self.user, rows), context)

    async def receive_json(self, content, **kwargs):
        if content.get("type") == "ping":
            await self.send_json({"type": "pong", "last": self.cursor})


def compact(events: list) -> dict:
    """A console message of ``events`` that names each school (with its cameras and guards) and device
    once: ``{"events": […], "schools": {id: {"card", "cameras", "guards"}}, "devices": {id: card}}``, the
    alarms holding their ids. A burst from a few schools is then about half the bytes to encode, send
    and parse; console.js puts the cards back (``expand``)."""
    schools, devices = {}, {}
    for event in events:
        alarm = event["alarm"]
        school = alarm["school"]
        if not isinstance(school, dict):  # the events of one alarm share its dict
            continue
        key = str(school["id"])
        if key not in schools:
            schools[key] = {"card": school, "cameras": alarm["cameras"], "guards": alarm["guards"]}
        alarm["school"] = school["id"]
        del alarm["cameras"], alarm["guards"]
        device = alarm["device"]
        if device is not None:
            devices.setdefault(str(device["id"]), device)
            alarm["device"] = device["id"]
    return {"events": events, "schools": schools, "devices": devices}
