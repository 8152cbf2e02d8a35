"""Columns of a record list: one declaration for the page table and the Excel export.

A column shows on the page (``page=True``) and is written to the export (``export=True``) unless told
otherwise, so a list declares one tuple: the export carries every field in its own column, the page the
fewer, combined cells that fit a screen. A cell value may be a :class:`Linked` or a :class:`Badge`: the
page shows the link or the badge, the export their plain text (a ``str`` subclass whose ``__html__`` gives
the markup; Django's escaping honours it)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.html import format_html


@dataclass(frozen=True)
class Column:
    """``name`` is the attribute path (``school.name``; a choice field shows its label), or give
    ``value`` (row -> value). ``sort`` names the ordering key of the filterset when the column sorts."""

    name: str
    label: Any
    value: Callable | None = None
    sort: str = ""
    link: bool = False  # the cell links to the row's detail page (``get_absolute_url``)
    export: bool = True  # written to the Excel export
    page: bool = True  # shown in the page's table

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


def page_only(columns) -> tuple:
    return tuple(c for c in columns if c.page)


def export_only(columns) -> tuple:
    return tuple(c for c in columns if c.export)


class Cell(str):
    """Text with attributes for the page's markup (``__html__``); the export writes the text alone."""

    def __new__(cls, text, **attrs):
        obj = super().__new__(cls, "" if text is None else str(text))
        obj.__dict__.update(attrs)
        return obj

    @property
    def text(self) -> str:
        return str.__str__(self)


class Linked(Cell):
    """Text shown as a link to ``url`` on the page."""

    def __new__(cls, text, url: str = ""):
        return super().__new__(cls, text, url=url)

    def __html__(self):
        return format_html('<a href="{}">{}</a>', self.url, self.text) if self.url else format_html("{}", self.text)


class Badge(Cell):
    """Text shown as a Bootstrap badge of ``tone`` (success, danger, secondary…)."""

    def __new__(cls, text, tone: str = "secondary"):
        return super().__new__(cls, text, tone=tone)

    def __html__(self):
        return format_html('<span class="badge text-bg-{}">{}</span>', self.tone, self.text)
