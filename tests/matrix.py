"""The permission matrix: every page and API operation, every named user, what each may do.

Each app declares ``CASES`` in ``tests/<app>/matrix_cases*.py`` (any file matching that pattern: an app
may split its cases, e.g. ``matrix_cases_export.py``; each may define ``extend_world(world)`` to add the
records its cases act on, and ``EXEMPT = {name: why}``). ``tests/core/test_permission_matrix.py`` runs
every case for every user of tests/world.py and fails when a URL or API operation of the product has no
case.

Writing a case — who is allowed is derived, not listed::

    Case("hazard-detail", lambda w: f"/hazards/{w.extra['hazard'].pk}/",
         perm="hazards.view_hazard", reach="a1")

``perm`` is the permission the request needs (a key of ``core.permissions.PERMISSIONS``), or
``SIGNED_IN`` (anyone signed in, even without a role) or ``ANY_ROLE`` (anyone holding some role).
``reach`` is where the record lies: a key of ``tests.world.REACH`` ("a1", "a2", "b1", "town_a1",
"district_a", "district_b", "city", "province") or a set of user keys (e.g. ``{"edu_a"}`` for a record of
edu_a's own); leave it out (None) for a listing, or a creation whose target is chosen in the form. Then

- allowed = (users whose role grants ``perm``) ∩ (users whose jurisdiction reaches ``reach``)
            ∪ ``also`` − ``except_``
- hidden = users whose role grants ``perm`` but whose jurisdiction does not reach the record: they must
  get 404, never the record (only when ``reach`` is given; ``out_of_reach=None`` when the product refuses
  them otherwise, e.g. a form that does not offer the record, which shows the form again).

``also`` and ``except_`` list the exceptions only, each with a comment saying why (a rule beyond the
permission: "only the token's owner", "an inspection may not be recorded by the school itself"…).

The old form, ``Case(name, path, {"user", …}, hidden={…})`` (allowed users listed by hand), still runs,
for cases not converted yet; do not write new ones in it.

Everyone else must be refused: anonymous users are sent to log in (pages) or get 401 (API); users without
the role get 403 (or 404). A refused request leaves no new row in any table of the product's apps (audit
entries included). An allowed write (POST/PUT/PATCH/DELETE) leaves exactly one new audit entry, and
its ``event`` is typed (``core.audit.audit_events``) unless the case is listed in ``UNTYPED_YET`` below;
``audit_entries=`` states another number for a write that is audited otherwise (with a comment).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

from tests import world

SIGNED_IN = "<signed in>"  # perm: anyone signed in, even without a role
ANY_ROLE = "<any role>"  # perm: anyone holding some role

# Writes whose audit entry has no typed event yet ("METHOD case-name" as in the test ids). Each is a
# service still calling audit.record without event=; the matrix fails once it is typed, so that the line
# is removed then.
UNTYPED_YET: set[str] = set()  # e.g. {"POST user-unlock",  # core.signin.do_lift_delay}


@dataclass
class Case:
    name: str  # URL name of a page, or "METHOD /api/v1/path/{param}" of an API operation
    path: Callable  # world -> URL
    allowed: set | None = None  # old form only: the allowed users, by hand
    method: str = "GET"
    data: Callable | None = None  # world -> dict (form data, or JSON for the API)
    hidden: set = field(default_factory=set)  # must answer 404 (besides those derived from reach)
    content_type: str | None = None  # "json" for API bodies
    perm: str | None = None
    reach: str | set | frozenset | None = None
    also: set = field(default_factory=set)
    except_: set = field(default_factory=set)
    out_of_reach: int | None = 404
    audit_entries: int = 1  # new audit entries an allowed write leaves

    def __post_init__(self):
        if (self.allowed is None) == (self.perm is None):
            raise ValueError(f"{self.name}: give perm= (and reach=), or the old allowed set, not both")
        if self.allowed is not None:
            self.allowed = set(self.allowed)
            self.hidden = set(self.hidden)
            return
        holders = perm_holders(self.perm)
        reached = reach_users(self.reach)
        self.allowed = ((holders & reached) | set(self.also)) - set(self.except_)
        if self.reach is not None and self.out_of_reach == 404:
            self.hidden = set(self.hidden) | (holders - reached - set(self.also))
        else:
            self.hidden = set(self.hidden)

    @property
    def is_api(self) -> bool:
        return " " in self.name

    @property
    def is_write(self) -> bool:
        return self.method != "GET"

    @property
    def id(self) -> str:
        return f"{self.method} {self.name}"

    def __str__(self):
        return self.name


def perm_holders(perm: str) -> set:
    if perm == SIGNED_IN:
        return set(world.SIGNED_IN)
    if perm == ANY_ROLE:
        return set(world.ROLE_USERS)
    return world.users_with(perm)


def reach_users(reach) -> set:
    if reach is None:
        return set(world.SIGNED_IN)
    if isinstance(reach, str):
        return set(world.REACH[reach])
    return set(reach)


def app_modules():
    here = Path(__file__).parent
    modules = []
    for path in sorted(here.glob("*/matrix_cases*.py")):
        modules.append(import_module(f"tests.{path.parent.name}.{path.stem}"))
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
