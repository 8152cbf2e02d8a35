"""The audit page's entries: ``{{ e|audit_label }}``, ``{% for label, old, new in e|audit_changes %}``,
``{{ e.model|record_type }}`` (core.audit_display; no query per entry)."""

from django import template

from huxiao.core import audit_display

register = template.Library()

register.filter("audit_label", audit_display.entry_label)
register.filter("audit_changes", audit_display.changes)
register.filter("audit_read", audit_display.read_summary)
register.filter("record_type", audit_display.model_name)
