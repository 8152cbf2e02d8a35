"""Who may read and keep the 三防 records (where is decided by the jurisdiction filter)."""

from huxiao.core.choices import Role as R
from huxiao.core.permissions import ALL_ROLES

PERMISSIONS = {
    "defense.view_records": ALL_ROLES,
    "defense.change_records": {R.PRINCIPAL, R.SECURITY_OFFICER, R.EDUCATION_OFFICER, R.SYSADMIN},
}
