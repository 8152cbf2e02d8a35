"""Permission matrix of the record-layer pages and operations added to core: the school registry's and
the audit log's Excel exports."""

from tests.matrix import Case

VIEW, AUDIT = "core.view_school", "core.view_audit"

CASES = [
    Case("school-list", lambda w: "/schools/?export=xlsx", perm=VIEW),
    Case("school-list", lambda w: "/schools/?school_type=primary&region=320413", perm=VIEW),
    Case("GET /api/v1/schools/export", lambda w: "/api/v1/schools/export", perm=VIEW),
    Case("audit-list", lambda w: "/audit/?export=xlsx", perm=AUDIT),
    Case("audit-list", lambda w: "/audit/?event=core.update_school&region=320413", perm=AUDIT),
]
