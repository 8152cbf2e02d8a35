"""Events of the device registry (core.events), dispatched after the commit with ``school_ids`` (a list)."""

from huxiao.core import events

# devices of these schools changed networked state (heard again, or silent past their window)
# (``at``: the instant the state was judged, ISO 8601)
NETWORK_CHANGED = events.declare("devices.network_changed", "devices changed networked state (school_ids, at)",
                                 merge=("school_ids",), latest=("at",))
# devices were registered, taken out of use or back into use
REGISTRY_CHANGED = events.declare("devices.registry_changed", "devices registered or (de)activated (school_ids)",
                                  merge=("school_ids",))
# devices whose heartbeat went stale (past their supervision window) at this minute
SILENT = events.declare("devices.silent", "devices fell silent (device_ids, school_ids)",
                        merge=("device_ids", "school_ids"))
