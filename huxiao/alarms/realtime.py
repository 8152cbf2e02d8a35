"""Telling consoles that the alarm feed moved. The feed itself is the AlarmEvent table: a wake-up only
carries the newest event id; each console then reads what its user may see from the database."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

GROUP = "alarms"
log = logging.getLogger(__name__)


def wake_message(last_event_id: int) -> dict:
    return {"type": "alarms.wake", "last": int(last_event_id)}


def publish(last_event_id: int):
    """Send the wake-up to every console of every process (Redis layer) or of this process (in-memory)."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(GROUP, wake_message(last_event_id))
    except Exception:  # a console wake-up must never undo a stored alarm; consoles also poll
        log.exception("alarm wake-up could not be published")


async def apublish(last_event_id: int):
    layer = get_channel_layer()
    if layer is not None:
        try:
            await layer.group_send(GROUP, wake_message(last_event_id))
        except Exception:
            log.exception("alarm wake-up could not be published")
