"""Who may do what with 护学岗 records; where is decided by the jurisdiction filter.

Station officers and police supervisors set up posts, people and rosters (001 §二(三): 定岗、定责);
guards, school security staff and police check in; the school's principal, education officials,
inspectors and 政法委 see the records and the figures.
"""

from huxiao.core.choices import Role as R

POLICE = {R.STATION_OFFICER, R.POLICE_SUPERVISOR}
CHECKERS = POLICE | {R.GUARD, R.SECURITY_OFFICER}
VIEWERS = CHECKERS | {R.PRINCIPAL, R.EDUCATION_OFFICER, R.INSPECTOR, R.PLC_COORDINATOR, R.SYSADMIN}
OFFICIALS = POLICE | {R.EDUCATION_OFFICER, R.INSPECTOR, R.PLC_COORDINATOR, R.SYSADMIN}

PERMISSIONS = {
    "patrols.view_post": VIEWERS,
    "patrols.manage_post": POLICE,
    "patrols.view_person": VIEWERS,
    "patrols.view_roster": VIEWERS,
    "patrols.manage_roster": POLICE,
    # a school's 上放学 times by season: the school itself and its police
    "patrols.manage_timetable": POLICE | {R.PRINCIPAL, R.SECURITY_OFFICER},
    "patrols.view_checkin": VIEWERS,
    "patrols.check_in": CHECKERS,
    "patrols.view_dashboard": OFFICIALS,
}
