"""Who may do what in inspections and supervision (检查督导); where is decided by the jurisdiction filter."""

from huxiao.core.choices import Role as R

INSPECTORS = {R.STATION_OFFICER, R.POLICE_SUPERVISOR, R.EDUCATION_OFFICER, R.INSPECTOR}
PLANNERS = {R.POLICE_SUPERVISOR, R.EDUCATION_OFFICER, R.INSPECTOR, R.SYSADMIN}

PERMISSIONS = {
    # the school sees the inspections of its own school and what they found
    "inspections.view_inspection": INSPECTORS | {R.PRINCIPAL, R.SECURITY_OFFICER, R.PLC_COORDINATOR, R.SYSADMIN},
    "inspections.record_inspection": INSPECTORS,
    "inspections.void_inspection": INSPECTORS,  # 作废 one entered by mistake (with the hazards it raised)
    "inspections.view_template": INSPECTORS | PLANNERS,
    "inspections.manage_template": PLANNERS,
    "inspections.view_plan": INSPECTORS | PLANNERS | {R.PLC_COORDINATOR},
    "inspections.manage_plan": PLANNERS,
    "inspections.view_coverage": INSPECTORS | PLANNERS | {R.PLC_COORDINATOR},
    "inspections.issue_bulletin": INSPECTORS,
}
