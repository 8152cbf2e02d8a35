from django.utils.translation import gettext_lazy as _

from huxiao.core.nav import NavItem

NAV = [
    NavItem(_("接警台"), "alarm-console", "alarms.view_console", "broadcast", 40),
    NavItem(_("报警记录"), "alarm-list", "alarms.view_alarm", "bell", 41),
    NavItem(_("报警统计"), "alarm-stats", "alarms.view_stats", "bar-chart", 42),
]
