"""Whom a record reaches: the region codes above it and the people whose jurisdiction covers it.

A GB/T 2260 code names its own level by its digits: ``320000`` a province, ``320400`` a city, ``320413`` a
district (区县), ``320413101`` a 乡镇街道. A record of a school carries the school's code (a district's or a
town's); every unit at that code or above it — the town's police station, the district's bureau, the
city's, the province's — has the record in its jurisdiction (``scoping.Scope`` reads the same prefixes).
"""

from django.db.models import Q

from huxiao.core.choices import RegionLevel, UnitKind

# lowest first: a record's own level, then up
LEVELS = (RegionLevel.TOWN, RegionLevel.COUNTY, RegionLevel.CITY, RegionLevel.PROVINCE)


def level_of(code: str) -> str:
    """The administrative level a region code names, from its digits."""
    if len(code) > 6:
        return RegionLevel.TOWN
    if code.endswith("0000"):
        return RegionLevel.PROVINCE
    if code.endswith("00"):
        return RegionLevel.CITY
    return RegionLevel.COUNTY


def ancestors(code: str) -> list[str]:
    """``code`` and the codes of every region above it, its own first:
    ``320413101`` → ``["320413101", "320413", "320400", "320000"]``."""
    code = (code or "").strip()
    if not code:
        return []
    if len(code) < 6:  # a prefix ("3204"): the region it is the prefix of
        code = code.ljust(6, "0")
    chain = [code]
    if len(code) > 9:
        chain.append(code[:9])
    if len(code) > 6:
        chain.append(code[:6])
    chain += [code[:4] + "00", code[:2] + "0000"]
    return list(dict.fromkeys(chain))


def _where(target) -> tuple[str, int | None]:
    """(region code, school id) of a School, of a record of a school, or of a bare region code."""
    if isinstance(target, str):
        return target, None
    from huxiao.core.models import School

    if isinstance(target, School):
        return target.region_code, target.pk
    return target.region_code, getattr(target, "school_id", None)


def users_reaching(target, roles, *, up_to=RegionLevel.PROVINCE, from_level=None) -> list:
    """The active users holding one of ``roles`` whose jurisdiction covers ``target`` (a School, a record
    of a school, or a region code), ordered by id.

    Officials count through their unit's region: at the record's own region or above it, up to the level
    ``up_to`` (``RegionLevel.COUNTY``: the district and below). School staff count through the school's
    own unit. ``from_level`` keeps only the officials at that level or higher (and no school staff):
    ``from_level=up_to=RegionLevel.CITY`` is the city alone."""
    region_code, school_id = _where(target)
    top = LEVELS.index(up_to)
    bottom = LEVELS.index(from_level) if from_level else 0
    codes = [c for c in ancestors(region_code) if bottom <= LEVELS.index(level_of(c)) <= top]
    # a school unit sits at its town's code: another school's staff must not count as the town's officials
    where = Q(unit__region_code__in=codes) & ~Q(unit__kind=UnitKind.SCHOOL)
    if school_id is not None and from_level is None:
        where |= Q(unit__school__id=school_id)
    from huxiao.core.models import RoleAssignment

    assignments = RoleAssignment.objects.filter(where, role__in=list(roles), user__is_active=True)
    return sorted({a.user for a in assignments.select_related("user")}, key=lambda u: u.pk)
