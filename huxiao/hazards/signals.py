"""Events of the hazard ledger (core.events), dispatched after the commit."""

from huxiao.core import events

# owed hazards (待整改 / 整改中) whose deadline passed yesterday: overdue from ``day`` (ISO date) on
DEADLINE_PASSED = events.declare("hazards.deadline_passed", "hazards overdue from this day on (hazard_ids, day)",
                                 merge=("hazard_ids",))
