from django.utils.translation import gettext_lazy as _

from huxiao.core.nav import NavItem

NAV = [NavItem(_("三防台账"), "defense-home", "defense.view_records", "shield-check", 15)]
