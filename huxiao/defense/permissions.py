"""Who may read and keep the 三防 records (where is decided by the jurisdiction filter)."""

from huxiao.core.choices import Role as R
from huxiao.core.permissions import ALL_ROLES, PERSONAL_DATA_ROLES

PERMISSIONS = {
    "defense.view_records": ALL_ROLES,
    # the roster's personal fields; everyone else who may see the roster sees names only
    "defense.view_personal": PERSONAL_DATA_ROLES,
    "defense.change_records": {R.PRINCIPAL, R.SECURITY_OFFICER, R.EDUCATION_OFFICER, R.SYSADMIN},
}
