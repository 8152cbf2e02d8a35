"""Two things the API side of the record layer (``core/records/api.py``) does not offer yet, for lists whose
paths and shapes predate it (the hazard ledger's self-checks and notices, the inspections' plans and
templates):

- :func:`add_export` — ``GET <path>/export`` (the layer puts the export at ``<path>export``, which reads
  right only for ``/``);
- :func:`add_plain_list` — a list answered as a bare JSON array (capped), the shape existing clients of
  these lists read, instead of the layer's ``{items, count, page, page_size}``.

Both go through the layer's filterset adapter (422 naming each invalid parameter), guard and streamed
export, so their rows are those of the page. The layer should gain an ``export_path`` and an unpaged mode;
then this module goes.
"""

from ninja import Query

from huxiao.core.records.api import api_filtered, need
from huxiao.core.records.export import XLSX, export_response
from huxiao.core.records.filters import query_schema

XLSX_RESPONSE = {"responses": {200: {"description": "Excel", "content": {
    XLSX: {"schema": {"type": "string", "format": "binary"}}}}}}


def _camel(name: str) -> str:
    return name.title().replace("_", "")


def add_export(router, *, name: str, path: str, perm: str, filterset, queryset, columns, title: str,
               summary: str, ordering=()):
    """Register ``GET path`` answering the workbook of the rows ``queryset(request)`` narrowed by the
    request's filters (every row, formula-safe, audited)."""
    filters_schema = query_schema(filterset, f"{_camel(name)}ExportFilters")

    @router.get(path, summary=summary, operation_id=f"{name}_export", url_name=f"{name}-export",
                openapi_extra=XLSX_RESPONSE)
    def export_records(request, filters: filters_schema = Query(...)):
        need(request, perm)
        qs, data = api_filtered(request, filterset, queryset(request), ordering)
        return export_response(qs, columns, title=str(title), request=request,
                               filters={k: data.getlist(k) for k in data})

    return export_records


def add_plain_list(router, *, name: str, path: str, perm: str, filterset, queryset, convert, response,
                   summary: str, ordering=(), limit: int = 500):
    """Register ``GET path`` answering at most ``limit`` filtered rows as a JSON array."""
    filters_schema = query_schema(filterset, f"{_camel(name)}Filters")

    @router.get(path, response=list[response], summary=summary, operation_id=f"{name}_list",
                url_name=f"{name}-list")
    def list_records(request, filters: filters_schema = Query(...)):
        need(request, perm)
        qs, _data = api_filtered(request, filterset, queryset(request), ordering)
        return [convert(row) for row in qs[:limit]]

    return list_records
