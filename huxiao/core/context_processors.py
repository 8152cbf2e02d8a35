"""Navigation entries for the user's roles, gathered from every domain app's nav.py."""

from importlib import import_module

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from huxiao.core.scoping import has_perm

_items = None


def _all_items():
    global _items
    if _items is None:
        items = []
        for app in settings.HUXIAO_APPS:
            try:
                module = import_module(f"{app}.nav")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.nav":
                    raise
                continue
            items.extend(module.NAV)
        _items = sorted(items, key=lambda i: i.order)
    return _items


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    entries = []
    for item in _all_items():
        if not has_perm(user, item.perm):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        entries.append({"label": item.label, "url": url, "icon": item.icon,
                        "active": request.path == url or (url != "/" and request.path.startswith(url))})
    unread = user.notifications.filter(read_at__isnull=True).count()
    return {"nav_items": entries, "unread_notifications": unread}
