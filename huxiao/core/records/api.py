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


def add_list_operations(router, *, name: str, path: str, perm: str, filterset, queryset, convert, response,
                        summary: str, ordering=("-pk",), columns=(), export_title: str = "", deferred=True):
    """Register ``GET path`` (paged list) and, given ``columns``, ``GET path + 'export'`` (xlsx) on
    ``router``. ``queryset(request)`` returns the scoped rows; ``convert(row)`` the output dict."""
    filters_schema = query_schema(filterset, f"{name.title().replace('_', '')}Filters")
    rows_class = DeferredRows if deferred else None

    @router.get(path, response=list[response], summary=summary, operation_id=f"{name}_list", url_name=f"{name}-list")
    @paginate(CountedPagination)
    def list_records(request, filters: filters_schema = Query(...)):
        need(request, perm)
        qs, _data = api_filtered(request, filterset, queryset(request), ordering)
        if rows_class is None:
            return [convert(r) for r in qs]
        return rows_class(qs, convert)

    if not columns:
        return list_records

    @router.get(f"{path}export", summary=_export_summary(summary), operation_id=f"{name}_export",
                url_name=f"{name}-export",
                openapi_extra={"responses": {200: {"description": "Excel", "content": {
                    XLSX: {"schema": {"type": "string", "format": "binary"}}}}}})
    def export_records(request, filters: filters_schema = Query(...)):
        need(request, perm)
        qs, data = api_filtered(request, filterset, queryset(request), ordering)
        return export_response(qs, columns, title=export_title or name, request=request,
                               filters={k: data.getlist(k) for k in data})

    return list_records


def _export_summary(summary: str) -> str:
    head = summary.split("（", 1)[0]
    return f"导出 Excel：{head}（与列表相同的筛选条件，全部行）"
