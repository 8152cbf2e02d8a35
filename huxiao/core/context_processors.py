"""Navigation for the user's roles, gathered from every domain app's nav.py and grouped into menus."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from huxiao.core.discovery import app_modules

# The menu group of each app's entries (an entry may name its own group instead)
APP_GROUPS = {
    "huxiao.devices": _("三防达标"),
    "huxiao.defense": _("三防达标"),
    "huxiao.compliance": _("三防达标"),
    "huxiao.hazards": _("隐患排查"),
    "huxiao.inspections": _("隐患排查"),
    "huxiao.alarms": _("一键报警"),
}
GROUP_ICONS = {"学校": "building", "三防达标": "shield-check", "隐患排查": "exclamation-triangle",
               "一键报警": "broadcast", "系统": "gear"}

_items = None


def _all_items():
    global _items
    if _items is None:
        items = []
        for app, module in app_modules("nav"):
            items.extend((item, item.group or APP_GROUPS.get(app, "")) for item in module.NAV)
        _items = sorted(items, key=lambda pair: pair[0].order)
    return _items


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_groups": []}
    groups, by_label = [], {}
    for item, group in _all_items():
        if not item.offered_to(user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        entry = {"label": item.label, "url": url, "icon": item.icon,
                 "active": request.path == url or (url != "/" and request.path.startswith(url))}
        key = str(group) or f"_{item.url_name}"
        if key not in by_label:
            by_label[key] = {"label": group, "icon": GROUP_ICONS.get(str(group), item.icon), "items": []}
            groups.append(by_label[key])
        by_label[key]["items"].append(entry)
    for g in groups:
        g["active"] = any(e["active"] for e in g["items"])
    unread = user.notifications.filter(read_at__isnull=True).count()
    return {"nav_groups": groups, "unread_notifications": unread}
