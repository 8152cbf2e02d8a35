from django.utils.translation import gettext_lazy as _

from huxiao.core.nav import NavItem

NAV = [
    NavItem(_("隐患台账"), "hazard-list", "hazards.view_hazard", "exclamation-triangle", 40),
    NavItem(_("隐患统计"), "hazard-dashboard", "hazards.view_dashboard", "bar-chart", 41),
    NavItem(_("月度自查"), "selfcheck-list", "hazards.view_self_check", "calendar-check", 42),
]
NAV.append(NavItem(_("督办规则"), "policy-list", "hazards.manage_policy", "sliders", 43))
