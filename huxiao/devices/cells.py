"""Cells of record lists that the page shows as a link or a badge and the Excel export writes as their
plain text (a ``str`` subclass whose ``__html__`` gives the markup: Django's escaping honours it), and
separate column sets for a list's page and its export."""

from django.utils.html import format_html


class Linked(str):
    """Text shown as a link to ``url`` on the page; the text alone in the export."""

    url: str

    def __new__(cls, text, url: str = ""):
        obj = super().__new__(cls, "" if text is None else str(text))
        obj.url = url
        return obj

    def __html__(self):
        text = str.__str__(self)
        return format_html('<a href="{}">{}</a>', self.url, text) if self.url else format_html("{}", text)


class Badge(str):
    """Text shown as a Bootstrap badge of ``tone`` (success, danger, secondary…)."""

    tone: str

    def __new__(cls, text, tone: str = "secondary"):
        obj = super().__new__(cls, "" if text is None else str(text))
        obj.tone = tone
        return obj

    def __html__(self):
        return format_html('<span class="badge text-bg-{}">{}</span>', self.tone, str.__str__(self))


class PageColumns:
    """Mixin of a ``RecordListView``: the page shows ``page_columns(request)`` (few, combined cells that fit
    a screen), its "导出 Excel" writes ``export_columns(request)`` (every field in its own column)."""

    def page_columns(self, request):
        return self.columns

    def export_columns(self, request):
        return self.columns

    def get(self, request, *args, **kwargs):
        export = request.GET.get("export") == "xlsx"
        self.columns = self.export_columns(request) if export else self.page_columns(request)
        return super().get(request, *args, **kwargs)
