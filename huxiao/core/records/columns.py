"""Columns of a record list: one declaration for the page table and the Excel export."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Column:
    """``name`` is the attribute path (``school.name``; a choice field shows its label), or give
    ``value`` (row -> value). ``sort`` names the ordering key of the filterset when the column sorts."""

    name: str
    label: Any
    value: Callable | None = None
    sort: str = ""
    link: bool = False  # the cell links to the row's detail page (``get_absolute_url``)
    export: bool = True

    def get(self, row):
        if self.value is not None:
            return self.value(row)
        obj = row
        parts = self.name.split(".")
        for part in parts[:-1]:
            obj = getattr(obj, part, None)
            if obj is None:
                return ""
        last = parts[-1]
        display = getattr(obj, f"get_{last}_display", None)
        value = display() if callable(display) else getattr(obj, last, "")
        return "" if value is None else value
