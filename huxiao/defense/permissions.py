"""Who may read and keep the 三防 records (where is decided by the jurisdiction filter)."""

from huxiao.core.choices import Role as R
from huxiao.core.permissions import ALL_ROLES, PERSONAL_DATA_ROLES

VIEW, PERSONAL, CHANGE = "defense.view_records", "defense.view_personal", "defense.change_records"

PERMISSIONS = {
    VIEW: ALL_ROLES,
    # the roster's personal fields; everyone else who may see the roster sees names only
    PERSONAL: PERSONAL_DATA_ROLES,
    CHANGE: {R.PRINCIPAL, R.SECURITY_OFFICER, R.EDUCATION_OFFICER, R.SYSADMIN},
}
