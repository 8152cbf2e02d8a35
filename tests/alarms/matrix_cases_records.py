"""Permission matrix of the alarm history's record-layer additions: its Excel export (page and API)."""

from tests.matrix import Case

VIEW = "alarms.view_alarm"

CASES = [
    Case("alarm-list", lambda w: "/alarms/?export=xlsx", perm=VIEW),
    Case("alarm-list", lambda w: "/alarms/?disposition=false&received_after=2026-01-01&region=320413", perm=VIEW),
    Case("GET /api/v1/alarms/alarms/export", lambda w: "/api/v1/alarms/alarms/export", perm=VIEW),
]
