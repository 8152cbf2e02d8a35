"""Who sees compliance: officials the regional dashboard, everyone their own school's checklist."""

from huxiao.core.permissions import ALL_ROLES, OFFICIALS

PERMISSIONS = {
    "compliance.view_dashboard": OFFICIALS,
    "compliance.view_checklist": ALL_ROLES,
}
