"""Paging that stays fast on millions of rows: pick the page's ids from the index first, then load just
those rows (sorting whole rows to keep fifty is what makes lists slow — a deferred join)."""


class LazyRows:
    """A sliceable view of a queryset that converts only the page the paginator takes."""

    def __init__(self, qs, convert=None):
        self.qs, self.convert = qs, convert or (lambda row: row)

    def __getitem__(self, item):
        return [self.convert(row) for row in self.qs[item]]

    def __len__(self):
        return self.count()

    def count(self):
        return self.qs.count()


class DeferredRows(LazyRows):
    """Deferred join: the ids of the slice in the queryset's order, then those rows with the queryset's
    select_related / prefetch_related, converted in the same order."""

    def __getitem__(self, item):
        if isinstance(item, int):
            return self[item:item + 1][0]
        ids = list(self.qs.values_list("pk", flat=True)[item])
        rows = self.qs.model._base_manager.filter(pk__in=ids)
        related = self.qs.query.select_related
        if related:
            rows = rows.select_related(*_select_paths(related)) if isinstance(related, dict) else rows.select_related()
        rows = {r.pk: r for r in rows.prefetch_related(*self.qs._prefetch_related_lookups)}
        return [self.convert(rows[pk]) for pk in ids if pk in rows]


def _select_paths(tree: dict, prefix="") -> list[str]:
    paths = []
    for name, sub in tree.items():
        path = f"{prefix}{name}"
        deeper = _select_paths(sub, f"{path}__") if sub else []
        paths.extend(deeper or [path])
    return paths
