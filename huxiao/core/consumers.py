"""The WebSocket of every signed-in page: ``/ws/events/`` (see ``huxiao.core.push``).

Admission: a signed-in, active user (channels' session and auth middleware), from an allowed origin
(``AllowedHostsOriginValidator`` in ``huxiao.asgi``, as for the alarm console); anyone else is closed
with 4403. The socket joins its user's group and is sent ``hello`` with the unread count, then every
event pushed to the user. On ``push.recheck`` (the user's identity changed) it re-checks the session it
was admitted on — the session still exists, its auth hash still matches (a password change ends it),
the user is still active — and closes with 4401 when it does not.
"""

from importlib import import_module

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY
from django.utils.crypto import constant_time_compare

from huxiao.core import push


def _admit(user, session):
    """(Sync.) ``(user id, session key, auth hash, unread count)`` of an admissible socket, else None."""
    if not (user is not None and user.is_authenticated and user.is_active):
        return None
    key = getattr(session, "session_key", None) if session is not None else None
    auth_hash = session.get(HASH_SESSION_KEY) if key else None
    return user.pk, key, auth_hash, user.notifications.filter(read_at__isnull=True).count()


def session_alive(user_id, session_key, auth_hash) -> bool:
    """(Sync.) Whether the session a socket was admitted on still stands."""
    from huxiao.core.models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    if session_key and not import_module(settings.SESSION_ENGINE).SessionStore().exists(session_key):
        return False
    return not auth_hash or constant_time_compare(auth_hash, user.get_session_auth_hash())


class EventsConsumer(AsyncJsonWebsocketConsumer):
    group = None

    async def connect(self):
        admitted = await database_sync_to_async(_admit)(self.scope.get("user"), self.scope.get("session"))
        if admitted is None:
            await self.close(code=push.REFUSED_CODE)
            return
        self.user_id, self.session_key, self.auth_hash, unread = admitted
        self.group = push.group_name(self.user_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json({"kind": "hello", "data": {"unread": unread}})

    async def disconnect(self, code):
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            self.group = None

    async def push_event(self, message):
        await self.send_json({"kind": message["kind"], "data": message["data"]})

    async def push_recheck(self, message):
        ended = self.session_key is not None and self.session_key in message.get("sessions", ())
        if ended or not await database_sync_to_async(session_alive)(self.user_id, self.session_key, self.auth_hash):
            await self.disconnect(push.ENDED_CODE)
            await self.close(code=push.ENDED_CODE)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        """Only ``{"type": "ping"}`` is understood (answered ``pong``); anything else is ignored."""
        try:
            content = await self.decode_json(text_data) if text_data else None
        except ValueError:
            return
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"kind": "pong", "data": {}})
