"""Events of the 三防 registry (core.events), dispatched after the commit."""

from huxiao.core import events

# a guard, facility or equipment record of these schools changed
CHANGED = events.declare("defense.changed", "三防 records of these schools changed (school_ids)",
                         merge=("school_ids",))
