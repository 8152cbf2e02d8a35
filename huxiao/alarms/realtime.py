"""Telling consoles that the alarm feed moved. The feed itself is the AlarmEvent table.

A wake-up carries the newest event id. When the writer knows them (the intake on PostgreSQL), it also
carries the new events themselves, as ``feed.rows_after`` would read them (one JSON document: orjson
writes and reads it several times faster than the channel layer's msgpack would the rows), and
``prev``: the newest event id before them. A process whose feed hub (``hub.FeedHub``) is at ``prev``
takes the events as they are; any other reads the feed from the database. Group members are the hubs, one per web process, not the
consoles, so a message is copied once per process whatever the number of consoles.
"""

import logging

import orjson
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

GROUP = "alarms"
log = logging.getLogger(__name__)


def wake_message(last_event_id: int, prev: int | None = None, rows: list | None = None) -> dict:
    message = {"type": "alarms.wake", "last": int(last_event_id)}
    if rows is not None and prev is not None:
        message["prev"], message["rows"] = int(prev), orjson.dumps(rows)
    return message


def rows_of(message: dict) -> list | None:
    """The events a wake-up carries (lists in ``feed.rows_after``'s column order), or None."""
    rows = message.get("rows")
    return orjson.loads(rows) if rows is not None else None


def _message(wake) -> dict:
    return wake if isinstance(wake, dict) else wake_message(wake)


def publish(wake):
    """Send the wake-up (a ``wake_message`` or an event id) to every process's hub (Redis layer) or this
    process's (in-memory)."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(GROUP, _message(wake))
    except Exception:  # a console wake-up must never undo a stored alarm; hubs also poll
        log.exception("alarm wake-up could not be published")


async def apublish(wake):
    layer = get_channel_layer()
    if layer is not None:
        try:
            await layer.group_send(GROUP, _message(wake))
        except Exception:
            log.exception("alarm wake-up could not be published")
