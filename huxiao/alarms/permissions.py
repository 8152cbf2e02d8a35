"""Who may do what with alarms. Where is decided by the jurisdiction filter (core.scoping)."""

from huxiao.core.choices import Role as R
from huxiao.core.permissions import ALL_ROLES, OFFICIALS

POLICE = {R.STATION_OFFICER, R.POLICE_SUPERVISOR}

PERMISSIONS = {
    # the alarms of one's jurisdiction (schools see their own)
    "alarms.view_alarm": ALL_ROLES,
    # the real-time police console (派出所 / 110 指挥中心)
    "alarms.view_console": POLICE | {R.SYSADMIN},
    # 确认 / 派警 / 到场 / 处置完毕
    "alarms.handle_alarm": POLICE,
    "alarms.view_stats": OFFICIALS | {R.PRINCIPAL, R.SECURITY_OFFICER},
    # DC-09 accounts and keys of alarm panels
    "alarms.manage_dc09": {R.POLICE_SUPERVISOR, R.SYSADMIN},
}
