"""Real-time push of non-alarm events to open pages: ``push(user_ids, kind, data)``.

Every signed-in page opens one WebSocket to ``/ws/events/`` (``core/static/core/push.js``, reconnecting
with back-off); its consumer (``core.consumers.EventsConsumer``) joins one channel-layer group per user,
``huxiao.user.<id>``. ``push`` sends ``{"kind": kind, "data": data}`` to each user's group **after the
surrounding transaction commits** (at once outside one), so a page never shows what was rolled back.
The page dispatches it as the DOM event ``hx:push`` (and ``hx:push:<kind>``); kinds in use:

- ``notification`` — a new in-app notification (``data``: ``unread``, ``title``, ``level``, ``url``);
  push.js updates the navbar's unread badge without a reload;
- ``hello`` — sent by the consumer on connect (``unread``), so a page that was offline catches up.

Delivery is at most once and best effort: a failure to publish is logged and never reaches the caller,
and a page that missed a message gets the current count with its next ``hello``. With the Redis channel
layer every process's pages are reached; with the in-memory layer (the embedded demo) those of the
process that pushes.

This is not the alarm console's path: alarms have their own hub, feed and fenced-off code
(``huxiao.alarms``); nothing here is on the life-safety path.

When who a user is changes (sign-out, deactivation, a role or unit changed: ``core.signals.identity_changed``)
the user's sockets are told to re-check their session (``recheck``); a socket whose session ended is closed
with code 4401 and push.js stops reconnecting.
"""

import json
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.dispatch import receiver

log = logging.getLogger(__name__)
ENDED_CODE = 4401  # close code: the session ended (push.js does not reconnect)
REFUSED_CODE = 4403  # close code: not signed in


def group_name(user_id: int) -> str:
    return f"huxiao.user.{int(user_id)}"


def _ids(user_ids) -> list[int]:
    """Distinct ids, in order, of ``user_ids`` (users or ids; None and unsaved ones skipped)."""
    ids = set()
    for user in user_ids:
        pk = getattr(user, "pk", user)
        if pk:
            ids.add(int(pk))
    return sorted(ids)


async def _group_send_all(layer, ids, message):
    for user_id in ids:
        await layer.group_send(group_name(user_id), message)


def _send_now(ids, message):
    layer = get_channel_layer()
    if layer is None or not ids:
        return
    try:
        async_to_sync(_group_send_all)(layer, ids, message)
    except Exception:  # a page update must never undo or delay the change it reports
        log.exception("push of %s to %d user(s) could not be published", message.get("kind") or message["type"],
                      len(ids))


def push(user_ids, kind: str, data: dict | None = None):
    """Send ``data`` (JSON-able) as an event of ``kind`` to the open pages of ``user_ids`` (ids or users),
    once the surrounding transaction commits."""
    ids = _ids(user_ids)
    data = data or {}
    json.dumps(data)  # a TypeError here, in the caller, rather than later on the commit
    if ids:
        message = {"type": "push.event", "kind": str(kind), "data": data}
        transaction.on_commit(lambda: _send_now(ids, message))


def push_each(payloads: dict, kind: str):
    """``push`` with data of its own for each user: ``{user_id: data}``."""
    for user_id, data in payloads.items():
        push([user_id], kind, data)


def recheck(user_ids, session_keys=()):
    """Tell these users' sockets to re-check their session now (``session_keys``: just signed out)."""
    _send_now(_ids(user_ids), {"type": "push.recheck", "sessions": sorted(k for k in session_keys if k)})


def _connect():
    from huxiao.core.signals import identity_changed

    @receiver(identity_changed, weak=False, dispatch_uid="huxiao.core.push.recheck")
    def _identity_changed(sender, user_ids=(), session_keys=(), **kwargs):
        recheck(user_ids, session_keys)


_connect()
