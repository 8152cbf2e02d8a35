from django.utils.translation import gettext_lazy as _

from huxiao.core.nav import NavItem

# Coverage, plans and checklists are reached from the inspection list (keeps the menu short).
NAV = [
    NavItem(_("检查督导"), "inspection-list", "inspections.view_inspection", "clipboard-check", 45),
]
