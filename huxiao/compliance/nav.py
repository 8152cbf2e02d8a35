from django.utils.translation import gettext_lazy as _

from huxiao.core.nav import NavItem

NAV = [
    NavItem(_("达标看板"), "compliance-dashboard", "compliance.view_dashboard", "speedometer2", 20),
    NavItem(_("达标清单"), "compliance-my-checklist", "compliance.view_checklist", "list-check", 21),
]
