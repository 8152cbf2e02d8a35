"""The police console's WebSocket: catch-up from the last seen event id, then live events.

A console connects to ``/ws/alarms/?after=<last event id>``; it first receives every event it missed,
then each new one. Wake-ups come through the channel layer (Redis: from any process, including the
DC-09 receiver); a short database poll covers the in-memory layer, where the receiver is another
process. Scope is the user's jurisdiction, read again for each batch.
"""

import asyncio

import orjson
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from huxiao.alarms import feed, realtime
from huxiao.core.scoping import has_perm

PUSH_LIMIT = 100  # events in the first message: the first alarms of a burst go out before the rest is read
BURST_LIMIT = 500  # events per further message of the same burst: fewer round trips for the rest
POLL_SECONDS = 2.0 if "redis" in settings.CHANNEL_LAYERS["default"]["BACKEND"].lower() else 0.25


class AlarmConsoleConsumer(AsyncJsonWebsocketConsumer):
    @classmethod
    async def encode_json(cls, content):
        """orjson: a message of PUSH_LIMIT alarms encodes in about a seventh of the standard encoder's time
        (and ~20 % smaller: Chinese as UTF-8, not \\u escapes)."""
        return orjson.dumps(content).decode()

    async def connect(self):
        user = self.scope.get("user")
        allowed = await database_sync_to_async(lambda: bool(user and user.is_authenticated and
                                                            has_perm(user, "alarms.view_console")))()
        if not allowed:
            await self.close(code=4403)
            return
        self.user = user
        query = dict(part.split("=", 1) for part in self.scope.get("query_string", b"").decode().split("&")
                     if "=" in part)
        try:
            self.cursor = max(0, int(query.get("after", "0")))
        except ValueError:
            self.cursor = 0
        self.lock = asyncio.Lock()
        await self.channel_layer.group_add(realtime.GROUP, self.channel_name)
        await self.accept()
        await self.push()
        self.poller = asyncio.ensure_future(self.poll())

    async def disconnect(self, code):
        poller = getattr(self, "poller", None)
        if poller is not None:
            poller.cancel()
        if hasattr(self, "user"):
            await self.channel_layer.group_discard(realtime.GROUP, self.channel_name)

    async def poll(self):
        while True:
            await asyncio.sleep(POLL_SECONDS)
            await self.push()

    async def alarms_wake(self, message):
        if message.get("last", 0) > self.cursor:
            await self.push()

    async def push(self):
        async with self.lock:
            limit = PUSH_LIMIT
            while True:
                batch = await database_sync_to_async(feed.events_after)(self.user, self.cursor, limit)
                if batch["events"]:
                    self.cursor = batch["last"]
                    await self.send_json({"type": "events", **batch})
                if not batch["more"]:
                    return
                limit = BURST_LIMIT

    async def receive_json(self, content, **kwargs):
        if content.get("type") == "ping":
            await self.send_json({"type": "pong", "last": self.cursor})
