"""Additions to the record layer's API side: a 422 naming a body field in the schema's own shape, and
``DELETE`` of one record answered 204."""

from ninja.errors import ValidationError as NinjaValidationError

from huxiao.core.records.api import add_operation


def unprocessable(field: str, message: str, where: tuple = ("body", "payload")) -> NinjaValidationError:
    """A 422 naming ``field`` (by default of the body) with a Chinese message, shaped as ninja's own
    validation errors (``loc`` = ``where`` + the field)."""
    return NinjaValidationError([{"type": "value_error", "loc": [*where, field], "msg": message}])


def add_delete_operation(router, path: str, *, name: str, fetch, delete, summary: str):
    """``DELETE path`` → 204: ``delete(request, fetch(request, **path_params))``. ``fetch`` finds the
    record within the caller's reach (403 without the role, 404 out of reach); ``delete`` calls the
    service."""

    def handler(request, _body, **ids):
        delete(request, fetch(request, **ids))

    return add_operation(router, "delete", path, name=name, summary=summary, response=None, handler=handler,
                         status=204)


def add_bulk_operation(router, path: str, *, name: str, perm: str, payload, run, summary: str, response=None,
                       row_extra=None):
    """``POST path`` with ``{"items": [...]}``: ``run(rows, actor=…)`` — the app's bulk service over the
    numbered rows (``core.bulk_schemas.rows_of``) — answered 200 with what each row did (``answer``, each
    row updated with ``row_extra(outcome)``), or 400 with every problem of every row
    (``import_rows.RowsRejected``: nothing written); 403 without ``perm``."""
    from ninja import Status

    from huxiao.core.bulk_schemas import BulkOut, BulkRejected, answer, rows_of
    from huxiao.core.import_rows import RowsRejected
    from huxiao.core.records.api import need

    def handler(request, body):
        need(request, perm)
        try:
            outcomes = run(rows_of(body.items), actor=request.user)
        except RowsRejected as exc:
            return Status(400, {"detail": str(exc), "errors": exc.errors})
        return Status(200, answer(outcomes, row_extra))

    return add_operation(router, "post", path, name=name, summary=summary, payload=payload, handler=handler,
                         response={200: response or BulkOut, 400: BulkRejected})
