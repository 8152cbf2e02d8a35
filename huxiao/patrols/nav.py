from django.utils.translation import gettext_lazy as _

from huxiao.core.nav import NavItem

NAV = [
    NavItem(_("护学岗"), "patrol-post-list", "patrols.view_post", "person-badge", 60, _("护学岗")),
    NavItem(_("护学岗签到"), "patrol-checkin-list", "patrols.view_checkin", "geo-alt", 61, _("护学岗")),
    NavItem(_("手机签到"), "patrol-phone", "patrols.check_in", "phone", 63, _("护学岗")),
    NavItem(_("签到手机"), "patrol-phone-list", "patrols.view_checkin", "phone-vibrate", 64, _("护学岗")),
    NavItem(_("护学岗统计"), "patrol-dashboard", "patrols.view_dashboard", "graph-up", 62, _("护学岗")),
]
