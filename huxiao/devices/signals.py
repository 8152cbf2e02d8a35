"""Signals of the device registry, sent inside the changing transaction with ``school_ids`` (a set)."""

from django.dispatch import Signal

# devices of these schools changed networked state (heard again, or silent past their window)
network_state_changed = Signal()
# devices of these schools were registered, taken out of use or back into use
registry_changed = Signal()
