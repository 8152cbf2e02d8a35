"""The API side of the record layer, registered on the app's ninja router: a paged list and an Excel
export per record type, both driven by the record's one filterset (the same rows as its page), and the
operations on one record — detail (read audit), create through a service (201), an action or a life-cycle
transition, 作废 — declared instead of written out per app."""

import inspect
import re

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Status
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import paginate

from huxiao.core.audit import record_read
from huxiao.core.pagination import CountedPagination
from huxiao.core.records.export import XLSX, export_response
from huxiao.core.records.filters import InvalidFilters, filtered, query_schema
from huxiao.core.records.paging import DeferredRows
from huxiao.core.records.views import get_visible_or_404
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
                        export_path: str | None = None, refuse_without_perm: bool = True, convert_for=None,
                        on_list=None, export_summary_text: str = ""):
    """Register ``GET path`` (paged: ``{items, count, page, page_size}``) and, given ``columns``,
    ``GET export_path`` (default ``<path>/export``, xlsx) on ``router``.

    ``queryset(request)`` returns the scoped rows. The page is built either row by row —
    ``convert(row)`` over a deferred join (ids from the index, then the page's rows) — or as a whole:
    ``rows(qs, request)`` returns a sliceable with ``count()`` whose slice is the converted page (a list
    that serialises its page with one query per relation, or validates ``values()`` rows).
    Neither: the rows themselves, read by the response schema (``Field(alias=…)``, resolvers).
    ``convert_for(request)`` gives the row converter of a list whose rows depend on the reader (personal
    fields), ``on_list(request)`` runs before the page is answered (a read audit); ``columns`` may be
    ``request -> columns``. ``refuse_without_perm=False`` keeps a list that answers an empty page, not
    403, to a user without the role (its export still refuses)."""
    if convert is not None and rows is not None:
        raise TypeError("give convert= or rows=, not both (neither: the response schema reads the rows)")
    filters_schema = query_schema(filterset, _schema_name(name))

    @router.get(path, response=list[response], summary=summary, operation_id=f"{name}_list", url_name=f"{name}-list")
    @paginate(CountedPagination)
    def list_records(request, filters: filters_schema = Query(...)):
        if refuse_without_perm:
            need(request, perm)
        qs, _data = api_filtered(request, filterset, queryset(request), ordering)
        if on_list is not None:
            on_list(request)
        if rows is not None:
            return rows(qs, request)
        return DeferredRows(qs, convert_for(request) if convert_for else convert)

    if columns:
        add_export_operation(router, name=name, path=export_path or f"{path.rstrip('/')}/export", perm=perm,
                             filterset=filterset, queryset=queryset, columns=columns, summary=summary,
                             export_title=export_title, ordering=ordering, filters_schema=filters_schema,
                             export_summary_text=export_summary_text)
    return list_records


def add_plain_list(router, *, name: str, path: str, perm: str, filterset, queryset, response, summary: str,
                   convert=None, ordering=(), limit: int = 500, columns=(), export_title: str = ""):
    """``GET path`` answering at most ``limit`` filtered rows as a bare JSON array: the shape of lists
    whose clients predate paging (short lists: plans, checklists, notices); with ``columns`` also
    ``GET <path>/export``, the workbook of every filtered row."""
    filters_schema = query_schema(filterset, _schema_name(name))

    @router.get(path, response=list[response], summary=summary, operation_id=f"{name}_list",
                url_name=f"{name}-list")
    def list_records(request, filters: filters_schema = Query(...)):
        need(request, perm)
        qs, _data = api_filtered(request, filterset, queryset(request), ordering)
        return [convert(row) for row in qs[:limit]] if convert else list(qs[:limit])

    if columns:
        add_export_operation(router, name=name, path=f"{path.rstrip('/')}/export", perm=perm, filterset=filterset,
                             queryset=queryset, columns=columns, summary=summary, export_title=export_title,
                             ordering=ordering, filters_schema=filters_schema)
    return list_records


def add_export_operation(router, *, name: str, path: str, perm: str, filterset, queryset, columns, summary: str,
                         export_title: str = "", ordering=("-pk",), filters_schema=None, export_summary_text: str = ""):
    """``GET path``: the workbook of every row the list's filters select (streamed, formula-safe, audited),
    also for a list that keeps paging of its own."""
    filters_schema = filters_schema or query_schema(filterset, _schema_name(name))

    @router.get(path, summary=export_summary_text or export_summary(summary), operation_id=f"{name}_export", url_name=f"{name}-export",
                openapi_extra={"responses": {200: {"description": "Excel", "content": {
                    XLSX: {"schema": {"type": "string", "format": "binary"}}}}}})
    def export_records(request, filters: filters_schema = Query(...)):
        need(request, perm)
        qs, data = api_filtered(request, filterset, queryset(request), ordering)
        return export_response(qs, columns(request) if callable(columns) else columns, title=export_title or name,
                               request=request, filters={k: data.getlist(k) for k in data})

    return export_records


def _schema_name(name: str) -> str:
    return f"{name.title().replace('_', '')}Filters"


def export_summary(summary: str) -> str:
    head = summary.split("（", 1)[0]
    return f"导出 Excel：{head}（与列表相同的筛选条件，全部行）"


# --- one record: detail, create, actions, transitions, 作废 ---------------------------------------------

def _path_params(path: str) -> list[str]:
    return re.findall(r"{(\w+)}", path)


def add_operation(router, method: str, path: str, *, name: str, summary: str, response, handler, payload=None,
                  status: int | None = None):
    """Register ``handler(request, payload, **path_params)`` as ``method path`` (``operation_id`` and
    ``url_name`` = ``name``; path parameters are integers; ``payload`` the body schema). With ``status``
    the answer is ``{status: response}`` (201 for a creation)."""
    params = [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    params += [inspect.Parameter(p, inspect.Parameter.KEYWORD_ONLY, annotation=int) for p in _path_params(path)]
    if payload is not None:
        params.append(inspect.Parameter("payload", inspect.Parameter.KEYWORD_ONLY, annotation=payload))

    def operation(request, **kwargs):
        body = kwargs.pop("payload", None)
        out = handler(request, body, **kwargs)
        return Status(status, out) if status else out

    operation.__signature__ = inspect.Signature(params)
    operation.__name__ = operation.__qualname__ = name
    register = getattr(router, method.lower())
    register(path, response={status: response} if status else response, summary=summary, operation_id=name,
             url_name=name.replace("_", "-"))(operation)
    return operation


def _rows(queryset, request):
    return queryset(request) if callable(queryset) and not isinstance(queryset, type) else queryset


def fetch_record(request, queryset, ids: dict, perm: str | None = None, action: str = "view", scoped: bool = False):
    """The record named by the (one) path parameter: 403 without the role, 404 out of reach.
    ``scoped``: ``queryset(request)`` is already what the user may see (e.g. shared templates)."""
    (pk,) = ids.values()
    if scoped:
        need(request, perm)
        return get_object_or_404(_rows(queryset, request), pk=pk)
    return get_visible_or_404(request, _rows(queryset, request), pk, perm, action)


def _as_is(obj, _request):
    return obj


def add_detail_operation(router, path: str, *, name: str, queryset, response, summary: str, convert=_as_is,
                         perm: str | None = None, read_what: str | None = None, audit_if=None,
                         scoped: bool = False):
    """``GET path``: the record (``queryset`` is a model, a queryset or ``request -> queryset``) as
    ``convert(obj, request)``. With ``read_what`` each read is audited (``core.audit.record_read``) —
    only when ``audit_if(out)`` holds, if given (e.g. when personal fields were shown)."""

    def handler(request, _body, **ids):
        obj = fetch_record(request, queryset, ids, perm, scoped=scoped)
        out = convert(obj, request)
        if read_what is not None and (audit_if is None or audit_if(out)):
            record_read(obj, actor=request.user, request=request, what=read_what)
        return out

    return add_operation(router, "get", path, name=name, summary=summary, response=response, handler=handler)


def add_create_operation(router, path: str, *, name: str, payload, create, response, summary: str, convert=_as_is,
                         perm: str | None = None, target=None, target_perm: str | None = None,
                         target_key: str = "school_id"):
    """``POST path`` → 201 and ``convert(create(request, target, body), request)``. ``target`` is the model
    the record is made under (a school), fetched in the jurisdiction of ``target_perm`` from the path
    parameter or the body's field ``target_key`` (403 without the role, 404 out of reach); ``perm`` is
    checked first when there is no target. The service refuses bad values with 400 naming the field."""

    def handler(request, body, **ids):
        obj = None
        if perm:
            need(request, perm)
        if target is not None:
            pk = ids[target_key] if target_key in ids else getattr(body, target_key)
            obj = get_visible_or_404(request, target, pk, target_perm)
        return convert(create(request, obj, body), request)

    return add_operation(router, "post", path, name=name, summary=summary, response=response, handler=handler,
                         payload=payload, status=201)


def add_record_operation(router, method: str, path: str, *, name: str, queryset, act, response, summary: str,
                         convert=_as_is, payload=None, perm: str | None = None, action: str = "view",
                         status: int | None = None, scoped: bool = False):
    """``method path`` on one record (fetched for ``perm`` / the model's ``action`` permission):
    ``act(request, obj, body)`` calls the service and returns the record, answered as ``convert``
    (default: the record itself, read by the response schema)."""

    def handler(request, body, **ids):
        obj = fetch_record(request, queryset, ids, perm, action, scoped=scoped)
        return convert(act(request, obj, body), request)

    return add_operation(router, method, path, name=name, summary=summary, response=response, handler=handler,
                         payload=payload, status=status)


def add_transition_operation(router, path: str, *, name: str, queryset, services: dict, payload, convert,
                             response, summary: str, perm: str | None = None):
    """``POST path`` with ``{"action": …, …}``: ``services[action](obj, actor=…, **the rest of the body)``;
    the life cycle's ``TransitionTable`` (inside the service) refuses in Chinese: 403 without the
    action's permission, 400 naming ``status`` / ``note`` / ``evidence``."""

    def act(request, obj, body):
        return services[body.action](obj, actor=request.user, **body.dict(exclude={"action"}))

    return add_record_operation(router, "post", path, name=name, queryset=queryset, act=act, convert=convert,
                                response=response, summary=summary, payload=payload, perm=perm)


def add_void_operation(router, path: str, *, name: str, model, convert, response, summary: str):
    """``POST path`` with ``{"reason": …}``: 作废 the record (``<app>.void_<model>`` on its reach; 400 naming
    ``reason`` when blank or when already voided)."""
    from huxiao.core.records.voiding import VoidIn, void_record

    return add_record_operation(
        router, "post", path, name=name, queryset=model, action="void", payload=VoidIn, response=response,
        act=lambda request, obj, body: void_record(obj, body.reason, actor=request.user), convert=convert,
        summary=summary)
