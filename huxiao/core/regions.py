"""Region-prefix tests in one place. A GB/T 2260 code lies in a region when it starts with the region's
significant prefix (``Region.prefix``: 2 digits for a province, 4 a city, 6 a county, 9 a town; "" the
nation), which an indexed ``LIKE 'prefix%'`` serves. Apps never spell that test themselves (a test walks
the product code for ``region_code__startswith`` and ``.startswith(`` on region codes): they ask here,
or the jurisdiction's ``Scope``.
"""

from django.db.models import Q


def _prefix(region_or_prefix) -> str:
    """A ``Region`` (anything with ``prefix``) or a prefix / code given as text."""
    prefix = getattr(region_or_prefix, "prefix", region_or_prefix)
    return prefix or ""


def within(code: str | None, region_or_prefix) -> bool:
    """Whether the region code ``code`` lies in the region (its own code counts)."""
    return bool(code is not None) and code.startswith(_prefix(region_or_prefix))


def overlaps(code_a: str, code_b: str) -> bool:
    """Whether two regions given by their codes or prefixes nest (either lies in the other)."""
    return within(code_a, code_b) or within(code_b, code_a)


def q_within(region_or_prefix, field: str = "region_code") -> Q:
    """The records of the region: ``<field> LIKE 'prefix%'`` (everything for the nation)."""
    prefix = _prefix(region_or_prefix)
    return Q(**{f"{field}__startswith": prefix}) if prefix else Q()


def in_region(queryset, region_or_prefix, field: str = "region_code"):
    """``queryset`` narrowed to the region's records."""
    return queryset.filter(q_within(region_or_prefix, field))
