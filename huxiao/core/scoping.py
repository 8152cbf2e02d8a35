"""The one jurisdiction filter. Every user-visible query goes through ``visible_to(user, perm)``.

A record is visible to a user when its ``region_code`` starts with the region prefix of one of the
user's units (upper levels read everything below), or when it belongs to the user's own school.
With ``perm``, only the role assignments that grant that permission count, so a user who is a guard at
one school and an inspector in a district reaches each only with what each role allows.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Q

from huxiao.core.choices import UnitKind
from huxiao.core.permissions import roles_with


@dataclass(frozen=True)
class Scope:
    region_prefixes: tuple[str, ...] = ()
    school_ids: tuple[int, ...] = ()
    everything: bool = False

    @property
    def empty(self) -> bool:
        return not (self.everything or self.region_prefixes or self.school_ids)

    def q(self, region_field="region_code", school_field="school_id") -> Q:
        if self.everything:
            return Q()
        if self.empty:
            return Q(pk__in=[])
        q = Q(pk__in=[])
        for prefix in self.region_prefixes:
            q |= Q(**{f"{region_field}__startswith": prefix})
        if self.school_ids and school_field:
            q |= Q(**{f"{school_field}__in": self.school_ids})
        return q

    def covers(self, region_code: str | None, school_id: int | None = None) -> bool:
        if self.everything:
            return True
        if school_id is not None and school_id in self.school_ids:
            return True
        return bool(region_code) and any(region_code.startswith(p) for p in self.region_prefixes)

    @property
    def reaches_regions(self) -> bool:
        """Whether the scope covers any whole region (not only single schools)."""
        return self.everything or bool(self.region_prefixes)

    def covers_region(self, region) -> bool:
        """Whether the whole of ``region`` (a ``Region`` or anything with a ``prefix``; the nation's is
        empty) lies in the scope."""
        return self.everything or any(region.prefix.startswith(p) for p in self.region_prefixes if region.prefix)

    def top_regions(self):
        """The highest regions of the scope, in code order: the provinces for a national scope."""
        from huxiao.core.models import Region

        if self.everything:
            return Region.objects.filter(level="province").order_by("code")
        codes = {c for p in self.region_prefixes for c in (p, p.ljust(6, "0"))}
        return Region.objects.filter(pk__in=codes).order_by("code")

    def q_in_or_above(self, region_field="region_code") -> Q:
        """Records of a region in the scope or of a region above it (a rule set by a parent region)."""
        if self.everything:
            return Q()
        q = Q(pk__in=[])
        for prefix in self.region_prefixes:
            q |= Q(**{f"{region_field}__startswith": prefix}) | Q(**{f"{region_field}__in": [prefix[:n] for n in (2, 4, 6)]})
        return q


def _assignments(user):
    cached = getattr(user, "_huxiao_assignments", None)
    if cached is None:
        from huxiao.core.authcache import assignments

        cached = assignments(user)
        user._huxiao_assignments = cached
    return cached


def roles_of(user) -> set:
    if not getattr(user, "is_authenticated", False):
        return set()
    return {a.role for a in _assignments(user)}


def has_perm(user, perm: str) -> bool:
    """Whether any of the user's roles grants ``perm`` somewhere (navigation, page-level checks)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    allowed = roles_with(perm)
    return any(a.role in allowed for a in _assignments(user))


def scope_for(user, perm: str | None = None) -> Scope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    if user.is_superuser:
        return Scope(everything=True)
    cache = user.__dict__.setdefault("_huxiao_scopes", {})
    if perm in cache:
        return cache[perm]
    allowed = roles_with(perm) if perm else None
    prefixes, schools = set(), set()
    for a in _assignments(user):
        if allowed is not None and a.role not in allowed:
            continue
        if a.unit.kind == UnitKind.SCHOOL:
            school = getattr(a.unit, "school", None)
            if school is not None:
                schools.add(school.pk)
        else:
            prefixes.add(a.unit.scope_prefix)
    # drop prefixes already covered by a shorter one
    kept = tuple(sorted(p for p in prefixes if not any(p != o and p.startswith(o) for o in prefixes)))
    scope = Scope(region_prefixes=kept, school_ids=tuple(sorted(schools)))
    cache[perm] = scope
    return scope


def perm_for(model, action: str = "view") -> str:
    """The permission of ``action`` on ``model``: ``"<app_label>.<action>_<model_name>"`` (it must be
    declared in the app's permissions.py)."""
    meta = model._meta
    perm = f"{meta.app_label}.{action}_{meta.model_name}"
    roles_with(perm)  # unknown permission: KeyError naming it
    return perm


def _links_into(model, scope: Scope, object_id=None):
    """The ``core.ReachLink`` rows of ``model`` (of one record, given ``object_id``) whose place lies in
    ``scope``: a queryset, used as a subquery (no query of its own)."""
    from huxiao.core.models.links import ReachLink

    meta = model._meta.concrete_model._meta
    links = ReachLink.objects.filter(content_type__app_label=meta.app_label, content_type__model=meta.model_name)
    if object_id is not None:
        links = links.filter(object_id=object_id)
    return links.filter(scope.q("region_code", "school_id"))


def extra_reach_q(model, scope: Scope) -> Q:
    """For a model with ``SCOPE_EXTRA_REACH = True``: its records linked into ``scope`` from a further
    region or school (``core.ReachLink``), as one ``pk IN (subquery)`` condition. ``Q(pk__in=[])`` when
    the model does not use extra reach or the scope needs none."""
    if not getattr(model, "SCOPE_EXTRA_REACH", False) or scope.everything or scope.empty:
        return Q(pk__in=[])
    return Q(pk__in=_links_into(model, scope).values("object_id"))


class ScopedQuerySet(models.QuerySet):
    """QuerySet of a record that carries ``region_code`` and a school link (``SCOPE_SCHOOL_FIELD``).

    A model that sets ``SCOPE_EXTRA_REACH = True`` is also reached through its ``core.ReachLink`` rows
    (a record linked into further regions or schools): still one query, the links being a subquery."""

    def visible_to(self, user, perm: str | None = None):
        scope = scope_for(user, perm)
        q = scope.q(getattr(self.model, "SCOPE_REGION_FIELD", "region_code"),
                    getattr(self.model, "SCOPE_SCHOOL_FIELD", "school_id"))
        if getattr(self.model, "SCOPE_EXTRA_REACH", False) and not scope.everything and not scope.empty:
            q |= extra_reach_q(self.model, scope)
        return self.filter(q)

    def restrict(self, user, action: str = "view"):
        """NetBox-style: the records ``user`` may ``action``, the permission derived from the model."""
        return self.visible_to(user, perm_for(self.model, action))


def can(user, perm: str, obj=None) -> bool:
    """Whether ``user`` may do ``perm`` on ``obj`` (or at all, when obj is None)."""
    if not has_perm(user, perm):
        return False
    if obj is None:
        return True
    scope = scope_for(user, perm)
    school_field = getattr(type(obj), "SCOPE_SCHOOL_FIELD", "school_id")  # None: a record with no school
    school_id = obj.pk if school_field == "id" else (getattr(obj, school_field, None) if school_field else None)
    if scope.covers(getattr(obj, getattr(type(obj), "SCOPE_REGION_FIELD", "region_code"), None), school_id):
        return True
    # a record reached from further places (SCOPE_EXTRA_REACH): one query on its links
    return bool(getattr(type(obj), "SCOPE_EXTRA_REACH", False) and obj.pk is not None and not scope.empty
                and _links_into(type(obj), scope, obj.pk).exists())
