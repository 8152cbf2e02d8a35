"""Menu entries of the core app. Each domain app may have a nav.py with NAV = [NavItem(...)]."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from huxiao.core.scoping import has_perm, scope_for


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    perm: str
    icon: str = "circle"
    order: int = 100
    group: str = ""  # menu group; empty: the app's group in context_processors.APP_GROUPS
    # beyond the permission, whom the entry is for (user -> bool); None: everyone holding ``perm``
    offered: Callable | None = None

    def offered_to(self, user) -> bool:
        return has_perm(user, self.perm) and (self.offered is None or self.offered(user))


def reaches_regions(user) -> bool:
    """Whether the user's reach covers a region, not only their own school: the region navigation (a map
    and counts of schools by district and town) says nothing to a school's staff."""
    return scope_for(user, "core.view_school").reaches_regions


NAV = [
    NavItem(_("首页"), "home", "core.view_school", "house", 0),
    NavItem(_("学校台账"), "school-list", "core.view_school", "building", 10, _("学校")),
    NavItem(_("区划导航"), "region-root", "core.view_school", "diagram-3", 11, _("学校"), offered=reaches_regions),
    NavItem(_("学校导入"), "school-import", "core.import_school", "upload", 12, _("学校")),
    NavItem(_("校历"), "calendar", "core.view_calendar", "calendar3", 13, _("学校")),
    NavItem(_("校历管理"), "calendar-manage", "core.manage_calendar", "calendar-week", 14, _("学校")),
    NavItem(_("用户管理"), "user-list", "core.manage_users", "people", 90, _("系统")),
    NavItem(_("审计日志"), "audit-list", "core.view_audit", "journal-text", 91, _("系统")),
]
