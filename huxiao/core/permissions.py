"""What each role may do. Apps add their own actions in their permissions.py (PERMISSIONS = {...}).

Where a role may act is never decided here: that is the jurisdiction filter in scoping.py.
"""

from huxiao.core.choices import Role

R = Role
ALL_ROLES = frozenset(Role)
OFFICIALS = frozenset({R.STATION_OFFICER, R.POLICE_SUPERVISOR, R.EDUCATION_OFFICER, R.INSPECTOR,
                       R.PLC_COORDINATOR, R.SYSADMIN})
# Who sees personal data in full (guards' ID tail, age, phone, certificate and background check; school
# contact phones): the school's security staff and the supervising education and police officials.
PERSONAL_DATA_ROLES = frozenset({R.PRINCIPAL, R.SECURITY_OFFICER, R.STATION_OFFICER, R.POLICE_SUPERVISOR,
                                 R.EDUCATION_OFFICER, R.INSPECTOR})

PERMISSIONS: dict[str, frozenset] = {
    "core.view_school": ALL_ROLES,
    "core.change_school": frozenset({R.PRINCIPAL, R.SECURITY_OFFICER, R.EDUCATION_OFFICER, R.SYSADMIN}),
    "core.add_school": frozenset({R.EDUCATION_OFFICER, R.SYSADMIN}),
    "core.delete_school": frozenset({R.EDUCATION_OFFICER, R.SYSADMIN}),
    "core.import_school": frozenset({R.EDUCATION_OFFICER, R.SYSADMIN}),
    "core.view_unit": ALL_ROLES,
    "core.view_contacts": PERSONAL_DATA_ROLES,
    "core.manage_users": frozenset({R.SYSADMIN}),
    "core.manage_units": frozenset({R.SYSADMIN}),
    "core.view_audit": frozenset({R.SYSADMIN}),
    "core.upload_attachment": ALL_ROLES,
    "core.view_calendar": ALL_ROLES,
    "core.manage_calendar": frozenset({R.EDUCATION_OFFICER, R.SYSADMIN}),
}

_loaded = False


def load_app_permissions():
    """Merge PERMISSIONS from each domain app's permissions.py (called once from CoreConfig.ready)."""
    global _loaded
    if _loaded:
        return
    from huxiao.core.discovery import app_modules

    for _app, module in app_modules("permissions", include_core=False):
        for perm, roles in module.PERMISSIONS.items():
            PERMISSIONS[perm] = frozenset(roles)
    _loaded = True


def roles_with(perm: str) -> frozenset:
    try:
        return PERMISSIONS[perm]
    except KeyError as exc:
        raise KeyError(f"unknown permission {perm!r}; declare it in the app's permissions.py") from exc
