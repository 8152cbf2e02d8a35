from django.utils.translation import gettext_lazy as _

from huxiao.core.nav import NavItem

NAV = [
    NavItem(_("检查督导"), "inspection-list", "inspections.view_inspection", "clipboard-check", 45),
    NavItem(_("检查覆盖"), "inspection-coverage", "inspections.view_coverage", "grid-3x3-gap", 46),
    NavItem(_("检查计划"), "plan-list", "inspections.view_plan", "calendar3", 47),
    NavItem(_("检查表"), "template-list", "inspections.view_template", "list-check", 48),
]
