"""What the device registry does when time passes (core.events)."""

from huxiao.core import clock
from huxiao.core.events import on
from huxiao.devices.services import sweep_network_states


@on(clock.TICK)
def sweep_silent_devices(at: str):
    """Every minute: devices whose heartbeat went stale are marked silent (``devices.silent``)."""
    sweep_network_states(now=clock.parse_at(at))
