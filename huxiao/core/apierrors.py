"""How the API answers errors, and how the OpenAPI document says so.

One shape per kind of error (in ``core.schemas``): ``ErrorOut`` (``detail`` text, plus ``errors`` by field
for a 400 from a service's ``ValidationError``) and ``ValidationErrorOut`` (422: ``detail`` is a list of
problems, each with the ``loc`` of the field). ``install(api)`` registers the handlers; ``HuxiaoAPI`` adds
the error responses every operation can give to its OpenAPI entry, so clients (and schemathesis) know all
the answers.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from huxiao.core.inputs import UnsupportedMediaType
from huxiao.core.schemas import ErrorOut, ValidationErrorOut

ERROR_DESCRIPTIONS = {
    400: gettext_lazy("请求无效（业务规则不允许，errors 按字段说明）"),
    401: gettext_lazy("未登录或令牌无效"),
    403: gettext_lazy("无权执行此操作（角色或管辖范围）"),
    404: gettext_lazy("对象不存在或不在您的管辖范围内"),
    415: gettext_lazy("请求体须为 application/json"),
    422: gettext_lazy("参数或请求体不符合接口定义（loc 指明字段）"),
}


def _messages(exc: ValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in errs] for field, errs in exc.message_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def install(api: NinjaAPI) -> None:
    """Register the error handlers of the API."""

    @api.exception_handler(ValidationError)
    def _validation_error(request, exc):
        errors = _messages(exc)
        first_field, first = next(iter(errors.items()))
        detail = first[0] if first_field == "__all__" else f"{first_field}: {first[0]}"
        return api.create_response(request, {"detail": detail, "errors": errors}, status=400)

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        message = str(exc)
        if not message or message.startswith("No ") or "matches the given query" in message:
            message = _("对象不存在或不在您的管辖范围内")
        return api.create_response(request, {"detail": message}, status=404)

    @api.exception_handler(PermissionDenied)
    def _permission_denied(request, exc):
        return api.create_response(request, {"detail": str(exc) or _("无权执行此操作")}, status=403)

    @api.exception_handler(HttpError)
    def _http_error(request, exc):
        # ninja turns anything the parser raises into "400 Cannot parse request body"; the parser's own
        # refusals (415, 422 naming the field) are answered as such
        cause = exc.__cause__
        if isinstance(cause, UnsupportedMediaType | NinjaValidationError):
            return api.on_exception(request, cause)
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            return api.create_response(request, {"detail": _("请求体不是合法的 JSON")}, status=400)
        return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


def _component(schema: dict, model) -> dict:
    name = model.__name__
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    if name not in components:
        definition = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for sub_name, sub in definition.pop("$defs", {}).items():
            components.setdefault(sub_name, sub)
        components[name] = definition
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}


def _codes_for(operation: dict) -> list[int]:
    codes = [400, 403, 404]
    if operation.get("security"):
        codes.append(401)
    if "application/json" in (operation.get("requestBody") or {}).get("content", {}):
        codes.append(415)
    if operation.get("parameters") or operation.get("requestBody"):
        codes.append(422)
    return codes


def document_errors(schema: dict) -> dict:
    """Add the error answers each operation can give to an OpenAPI document (in place)."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses: dict[str, Any] = operation.setdefault("responses", {})
            for code in _codes_for(operation):
                if str(code) in responses or code in responses:
                    continue
                model = ValidationErrorOut if code == 422 else ErrorOut
                responses[code] = {"description": str(ERROR_DESCRIPTIONS[code]), "content": _component(schema, model)}
    return schema


class HuxiaoAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document lists the error answers of every operation."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        return document_errors(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))
