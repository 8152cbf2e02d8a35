"""Who may do what on the hazard ledger; where is decided by the jurisdiction filter."""

from huxiao.core.choices import Role as R

SCHOOL = {R.PRINCIPAL, R.SECURITY_OFFICER}
# Inspectors of 教育 or 公安 — never the school itself (SPEC §3: closed only by an inspector).
INSPECTORS = {R.STATION_OFFICER, R.POLICE_SUPERVISOR, R.EDUCATION_OFFICER, R.INSPECTOR}
OFFICIALS = INSPECTORS | {R.PLC_COORDINATOR, R.SYSADMIN}

PERMISSIONS = {
    "hazards.view_hazard": SCHOOL | {R.GUARD} | OFFICIALS,
    "hazards.report_hazard": SCHOOL | INSPECTORS,
    "hazards.rectify_hazard": SCHOOL,
    "hazards.accept_hazard": INSPECTORS,
    # 作废 a hazard entered by mistake: those who accept hazards, never the school that owes the rectification
    "hazards.void_hazard": INSPECTORS,
    "hazards.view_dashboard": OFFICIALS,
    "hazards.issue_document": INSPECTORS,
    "hazards.file_self_check": SCHOOL,
    "hazards.view_self_check": SCHOOL | OFFICIALS,
    "hazards.manage_policy": {R.EDUCATION_OFFICER, R.POLICE_SUPERVISOR, R.SYSADMIN},
}
