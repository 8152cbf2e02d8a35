"""The permission matrix: every page and API operation, every named user, what each may do.

Each app declares ``CASES`` in ``tests/<app>/matrix_cases.py`` (and may define ``extend_world(world)``
to add the records its cases act on). ``tests/core/test_permission_matrix.py`` runs every case for every
user of tests/world.py and fails when a URL or API operation of the product has no case.

A case lists who is ``allowed`` (2xx, or a redirect that is not to the login page). Everyone else must
be refused: anonymous users are sent to log in (pages) or get 401 (API); users without the role get 403
(or 404); users holding the role but outside the record's jurisdiction get 404, never the record.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path


@dataclass
class Case:
    name: str  # URL name of a page, or "METHOD /api/v1/path/{param}" of an API operation
    path: Callable  # world -> URL
    allowed: set
    method: str = "GET"
    data: Callable | None = None  # world -> dict (form data, or JSON for the API)
    hidden: set = field(default_factory=set)  # must answer 404 (have the role, but out of jurisdiction)
    content_type: str | None = None  # "json" for API bodies

    @property
    def is_api(self) -> bool:
        return " " in self.name

    def __str__(self):
        return self.name


def app_modules():
    here = Path(__file__).parent
    modules = []
    for path in sorted(here.glob("*/matrix_cases.py")):
        modules.append(import_module(f"tests.{path.parent.name}.matrix_cases"))
    return modules


def all_cases():
    cases = []
    for module in app_modules():
        cases.extend(module.CASES)
    return cases


def extend_world(world):
    for module in app_modules():
        hook = getattr(module, "extend_world", None)
        if hook is not None:
            hook(world)
    return world
