"""Finding the optional modules of the domain apps (api, urls, nav, permissions, demo, panels, routing)."""

from importlib import import_module

from django.conf import settings


def app_modules(submodule: str, *, include_core: bool = True):
    """``(app, module)`` for each app of HUXIAO_APPS that has ``<app>.<submodule>``, in settings order.
    An import error inside an existing module is raised, not hidden."""
    found = []
    for app in settings.HUXIAO_APPS:
        if app == "huxiao.core" and not include_core:
            continue
        name = f"{app}.{submodule}"
        try:
            found.append((app, import_module(name)))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return found
