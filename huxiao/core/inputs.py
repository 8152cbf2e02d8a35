"""The one place where crafted input is refused before any view, service or database sees it.

Every API request goes through :class:`InputParser` (the ninja parser of ``huxiao.api``): JSON bodies only
as ``application/json`` (415 otherwise), and in bodies, query strings and form fields no text with NUL or
other control characters (they break PostgreSQL, XML documents such as the .docx notices, and logs) and no
number beyond the signed 64-bit range (no column holds one; past it the database raises instead of
answering). Each refusal is a 422 whose ``loc`` names the field. Types the schemas use for what the
parser cannot know (a time of day must not carry a time zone) live here too, and so does the check the
pages' forms apply (:func:`validate_clean_text`, through ``huxiao.core.middleware``'s form guard).
"""

import datetime
import json
import math
import re
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from pydantic import AfterValidator, Field, WithJsonSchema

INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)
# C0 controls except tab, LF and CR; DEL; C1 controls; lone surrogates; the two XML non-characters
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
NUMERIC = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
JSON_TYPES = ("application/json",)

MSG_CONTROL = gettext_lazy("含有不允许的控制字符（如 NUL、\\u0007）")
MSG_RANGE = gettext_lazy("数值超出允许范围（64 位整数）")


class UnsupportedMediaType(HttpError):
    def __init__(self, content_type: str):
        super().__init__(415, _("请求体须为 JSON，Content-Type 应为 application/json（收到：%(t)s）") % {
            "t": content_type or _("无")})


def text_problem(value: str) -> str | None:
    return MSG_CONTROL if CONTROL.search(value) else None


def number_problem(value) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return MSG_RANGE if not INT64_MIN <= value <= INT64_MAX else None
    if isinstance(value, float):
        return MSG_RANGE if not math.isfinite(value) or abs(value) > INT64_MAX else None
    return None


def _walk(value: Any, loc: tuple, out: list) -> None:
    if isinstance(value, str):
        if problem := text_problem(value):
            out.append(_error(loc, problem, "control_character"))
    elif isinstance(value, dict):
        for key, item in value.items():
            if problem := text_problem(key):
                out.append(_error((*loc, key.encode("unicode_escape").decode()), problem, "control_character"))
            else:
                _walk(item, (*loc, key), out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, (*loc, index), out)
    elif problem := number_problem(value):
        out.append(_error(loc, problem, "number_out_of_range"))


def _error(loc: tuple, msg: str, kind: str) -> dict:
    return {"type": kind, "loc": list(loc), "msg": str(msg)}


def _query_value_problem(value: str) -> tuple[str, str] | None:
    if problem := text_problem(value):
        return problem, "control_character"
    if NUMERIC.fullmatch(value):
        digits = value.lstrip("+-")
        if digits.isdigit():  # an integer: its length decides before int() (which refuses > 4300 digits)
            out = len(digits.lstrip("0")) > 19 or number_problem(int(value))
        else:
            out = number_problem(float(value))
        if out:
            return MSG_RANGE, "number_out_of_range"
    return None


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


class InputParser(Parser):
    """ninja's parser with the refusals above. Body errors are raised as a ninja ValidationError;
    ninja wraps whatever ``parse_body`` raises in a 400, and ``huxiao.core.apierrors`` unwraps it."""

    def parse_body(self, request):
        # (ninja also parses form fields holding JSON through a bare HttpRequest, with no META)
        if request.META and request.content_type not in JSON_TYPES:
            raise UnsupportedMediaType(request.content_type)
        data = json.loads(request.body, parse_constant=_refuse_constant)
        errors: list = []
        _walk(data, ("body",), errors)
        if errors:
            raise NinjaValidationError(errors)
        return data

    def parse_querydict(self, data, list_fields, request):
        source = "query" if data is request.GET else "form"
        errors = []
        for key, values in data.lists():
            if problem := text_problem(key):
                errors.append(_error((source, key.encode("unicode_escape").decode()), problem, "control_character"))
                continue
            for value in values:
                if isinstance(value, str) and (found := _query_value_problem(value)):
                    errors.append(_error((source, key), *found))
                    break
        if errors:
            raise NinjaValidationError(errors)
        return super().parse_querydict(data, list_fields, request)


# --- types for schemas --------------------------------------------------------------------------

def _naive_time(value: datetime.time) -> datetime.time:
    if value.tzinfo is not None:
        raise ValueError(_("时间不应带时区（请填写当地时间，如 07:30）"))
    return value


TIME_SCHEMA = {"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
               "examples": ["07:30"]}
LocalTime = Annotated[datetime.time, AfterValidator(_naive_time), WithJsonSchema(TIME_SCHEMA)]
"""A time of day in local (Beijing) time, ``HH:MM[:SS]``. ``07:00:00Z`` is refused rather than crashing the
database; documented as a pattern, not JSON Schema's ``format: time`` (RFC 3339, which requires an offset)."""

Id = Annotated[int, Field(ge=1, le=INT64_MAX)]
"""A record's primary key as given in a body or query string."""


# --- pages ---------------------------------------------------------------------------------------

def validate_clean_text(value: str) -> None:
    """Django validator: no NUL or other control character in submitted text."""
    if isinstance(value, str) and CONTROL.search(value):
        raise DjangoValidationError(_("含有不允许的控制字符（如 NUL），请删除后重新提交"), code="control_character")


class RefuseControlCharactersMiddleware:
    """The pages' side of the same rule: a submitted form (any POST outside the API, which has its own
    parser) holding a control character in a field is refused as a whole with a 400 page naming the
    field; nothing reaches the view, so nothing is saved."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("POST", "PUT", "PATCH") and not request.path.startswith("/api/"):
            fields = self._offending(request)
            if fields:
                from django.shortcuts import render

                return render(request, "core/refused_input.html", {"fields": fields}, status=400)
        return self.get_response(request)

    @staticmethod
    def _offending(request) -> list[str]:
        if request.content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return []
        found = []
        for key, values in request.POST.lists():
            try:
                validate_clean_text(key)
                for value in values:
                    validate_clean_text(value)
            except DjangoValidationError:
                found.append(CONTROL.sub("?", key)[:64])
        for key, upload in request.FILES.items():
            if CONTROL.search(upload.name or ""):
                found.append(CONTROL.sub("?", key)[:64])
        return found
