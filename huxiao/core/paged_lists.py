"""Record-layer API lists whose page is built as a whole, and the layer's export on its own.

``core.records.api.add_list_operations`` converts each row on its own (``convert(row)``) and pages with a
deferred join. Some lists need the page at once: the school registry validates ``values()`` rows (the
page and the count, two queries: bench/scoping.py), the alarm history serialises a page with its
schools' cameras and guards in one query each and audits the read. :func:`add_paged_list` takes
``rows(qs, request)`` — a sliceable with ``count()`` that the paginator takes the page of — and registers
the same filters, 422 answers and Excel export as the layer. :func:`add_export_operation` registers the
export alone, for a list whose own paging is kept (the compliance drill-down's ``offset``/``limit``).
"""

from ninja import Query
from ninja.pagination import paginate

from huxiao.core.pagination import CountedPagination
from huxiao.core.records.api import api_filtered, need
from huxiao.core.records.export import XLSX, export_response
from huxiao.core.records.filters import query_schema


def _schema_name(name: str) -> str:
    return f"{name.title().replace('_', '')}Filters"


def add_paged_list(router, *, name: str, path: str, perm: str, filterset, queryset, rows, response, summary: str,
                   ordering=("-pk",), columns=(), export_title: str = "", export_path: str | None = None,
                   refuse_without_perm: bool = True):
    """``GET path`` (paged: ``{items, count, page, page_size}``) and, given ``columns``, ``GET export_path``.
    ``queryset(request)`` returns the scoped rows, ``rows(qs, request)`` the page source of the filtered
    ones (the export writes the filtered model rows through ``columns``). ``refuse_without_perm=False``
    keeps a list that answers an empty page, not 403, to a user without the role (the export refuses)."""
    filters_schema = query_schema(filterset, _schema_name(name))

    @router.get(path, response=list[response], summary=summary, operation_id=f"{name}_list", url_name=f"{name}-list")
    @paginate(CountedPagination)
    def list_records(request, filters: filters_schema = Query(...)):
        if refuse_without_perm:
            need(request, perm)
        qs, _data = api_filtered(request, filterset, queryset(request), ordering)
        return rows(qs, request)

    if columns:
        add_export_operation(router, name=name, path=export_path or f"{path.rstrip('/')}/export", perm=perm,
                             filterset=filterset, queryset=queryset, columns=columns, summary=summary,
                             export_title=export_title, ordering=ordering, filters_schema=filters_schema)
    return list_records


def add_export_operation(router, *, name: str, path: str, perm: str, filterset, queryset, columns, summary: str,
                         export_title: str = "", ordering=("-pk",), filters_schema=None):
    """``GET path``: the workbook of every row the list's filters select (streamed, formula-safe, audited)."""
    filters_schema = filters_schema or query_schema(filterset, _schema_name(name))

    @router.get(path, summary=export_summary(summary), operation_id=f"{name}_export", url_name=f"{name}-export",
                openapi_extra={"responses": {200: {"description": "Excel", "content": {
                    XLSX: {"schema": {"type": "string", "format": "binary"}}}}}})
    def export_records(request, filters: filters_schema = Query(...)):
        need(request, perm)
        qs, data = api_filtered(request, filterset, queryset(request), ordering)
        return export_response(qs, columns, title=export_title or name, request=request,
                               filters={k: data.getlist(k) for k in data})

    return export_records


def export_summary(summary: str) -> str:
    head = summary.split("（", 1)[0]
    return f"导出 Excel：{head}（与列表相同的筛选条件，全部行）"
