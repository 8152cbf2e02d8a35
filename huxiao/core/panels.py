"""Sections other apps add to the school detail page.

An app provides ``school_panels(request, school) -> list[Panel]`` in its ``panels.py``; each panel
is rendered from the app's own template with its own context, only for users the app lets see it.
"""

from dataclasses import dataclass, field

from huxiao.core.discovery import app_modules


@dataclass
class Panel:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


def school_panels(request, school) -> list[Panel]:
    panels = []
    for _app, module in app_modules("panels", include_core=False):
        panels.extend(module.school_panels(request, school))
    return sorted(panels, key=lambda p: p.order)
