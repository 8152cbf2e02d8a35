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
