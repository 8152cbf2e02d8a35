"""The API side of the record layer: a paged list and an Excel export per record type, both driven by
the record's one filterset (the same rows as its page), registered on the app's ninja router."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Query
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import paginate

from huxiao.core.pagination import CountedPagination
from huxiao.core.records.export import XLSX, export_response
from huxiao.core.records.filters import InvalidFilters, filtered, query_schema
from huxiao.core.records.paging import DeferredRows
from huxiao.core.scoping import has_perm

CONTROL_PARAMS = ("page", "page_size")


def api_filtered(request, filterset_class, queryset, ordering=()):
    """The queryset narrowed by the request's filters; 422 naming each invalid parameter."""
    data = request.GET.copy()
    for key in CONTROL_PARAMS:
        data.pop(key, None)
    try:
        fs = filtered(filterset_class, data, queryset, request)
    except InvalidFilters as exc:
        raise NinjaValidationError([{"type": "value_error", "loc": ["query", name], "msg": "；".join(msgs)}
                                    for name, msgs in exc.errors.items()]) from None
    qs = fs.qs
    if not (data.get("sort") and "sort" in fs.filters) and ordering:
        qs = qs.order_by(*ordering)
    return qs, data


def need(request, perm: str):
    if not has_perm(request.user, perm):
        raise PermissionDenied(_("您的角色无权执行此操作"))


def add_list_operations(router, *, name: str, path: str, perm: str, filterset, queryset, response, summary: str,
                        convert=None, rows=None, ordering=("-pk",), columns=(), export_title: str = "",
                        export_path: str | None = None, refuse_without_perm: bool = True):
    """Register ``GET path`` (paged: ``{items, count, page, page_size}``) and, given ``columns``,
    ``GET export_path`` (default ``<path>/export``, xlsx) on ``router``.

    ``queryset(request)`` returns the scoped rows. The page is built either row by row —
    ``convert(row)`` over a deferred join (ids from the index, then the page's rows) — or as a whole:
    ``rows(qs, request)`` returns a sliceable with ``count()`` whose slice is the converted page (a list
    that serialises its page with one query per relation, or validates ``values()`` rows).
    ``refuse_without_perm=False`` keeps a list that answers an empty page, not 403, to a user without
    the role (its export still refuses)."""
    if (convert is None) == (rows is None):
        raise TypeError("give exactly one of convert= or rows=")
    filters_schema = query_schema(filterset, _schema_name(name))

    @router.get(path, response=list[response], summary=summary, operation_id=f"{name}_list", url_name=f"{name}-list")
    @paginate(CountedPagination)
    def list_records(request, filters: filters_schema = Query(...)):
        if refuse_without_perm:
            need(request, perm)
        qs, _data = api_filtered(request, filterset, queryset(request), ordering)
        return rows(qs, request) if rows is not None else DeferredRows(qs, convert)

    if columns:
        add_export_operation(router, name=name, path=export_path or f"{path.rstrip('/')}/export", perm=perm,
                             filterset=filterset, queryset=queryset, columns=columns, summary=summary,
                             export_title=export_title, ordering=ordering, filters_schema=filters_schema)
    return list_records


def add_plain_list(router, *, name: str, path: str, perm: str, filterset, queryset, convert, response,
                   summary: str, ordering=(), limit: int = 500):
    """``GET path`` answering at most ``limit`` filtered rows as a bare JSON array: the shape of lists
    whose clients predate paging (short lists: plans, checklists, notices)."""
    filters_schema = query_schema(filterset, _schema_name(name))

    @router.get(path, response=list[response], summary=summary, operation_id=f"{name}_list",
                url_name=f"{name}-list")
    def list_records(request, filters: filters_schema = Query(...)):
        need(request, perm)
        qs, _data = api_filtered(request, filterset, queryset(request), ordering)
        return [convert(row) for row in qs[:limit]]

    return list_records


def add_export_operation(router, *, name: str, path: str, perm: str, filterset, queryset, columns, summary: str,
                         export_title: str = "", ordering=("-pk",), filters_schema=None):
    """``GET path``: the workbook of every row the list's filters select (streamed, formula-safe, audited),
    also for a list that keeps paging of its own."""
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


def _schema_name(name: str) -> str:
    return f"{name.title().replace('_', '')}Filters"


def export_summary(summary: str) -> str:
    head = summary.split("（", 1)[0]
    return f"导出 Excel：{head}（与列表相同的筛选条件，全部行）"
