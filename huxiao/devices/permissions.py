"""Who may see and register 技防 devices (where is decided by the jurisdiction filter)."""

from huxiao.core.choices import Role as R
from huxiao.core.permissions import ALL_ROLES

PERMISSIONS = {
    "devices.view_device": ALL_ROLES,
    "devices.register_device": {R.PRINCIPAL, R.SECURITY_OFFICER, R.STATION_OFFICER, R.POLICE_SUPERVISOR,
                                R.EDUCATION_OFFICER, R.SYSADMIN},
}
