"""Rows in, all or nothing: the generic part of bulk endpoints and Excel imports.

A record type declares its :class:`Field` s (API name, Chinese column header, kind, example) and a
``handle(data) -> Outcome`` that writes one row through the app's own services (which hold every rule).
This module gives it

- :func:`template_workbook` — the Excel template: the header row on the first sheet, nothing else there
  (the example row lives on the "填写说明" sheet, so it can never be imported as a record), written
  through ``core.excel`` (no text becomes a formula);
- :func:`read_workbook` — the first sheet's rows as ``(row number, {field: value})``, each cell converted
  by its field's kind, every conversion problem reported at once with the row, column and reason;
- :func:`apply_rows` — every row through ``handle`` in one transaction, each in its own savepoint, so that
  the report names every bad row in one round; any bad row rolls the whole transaction back (nothing
  written, no audit entry, no event sent).

Natural keys make a retry idempotent: ``handle`` finds the record a row describes (a device by its serial,
a guard by school and ID number, a school's facility, a school's equipment kind) and answers
``unchanged`` when the row says nothing new, so the same file or request sent twice writes nothing the
second time.

Not ``core.actions.entry_point`` (durable): the permission matrix and the tests run each request inside a
transaction of their own. A bulk request is its own transaction all the same: requests are not atomic
(no ``ATOMIC_REQUESTS``) and the bulk operation is the one service it calls.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from huxiao.core import excel

MAX_ROWS = 5000
BOOL_VALUES = {"是": True, "否": False, "Y": True, "N": False, "1": True, "0": False, "TRUE": True,
               "FALSE": False}
KIND_HINTS = {"bool": "是/否", "int": "非负整数", "date": "日期，如 2024-03-01", "decimal": "数字", "list": "以、分隔"}


@dataclass(frozen=True)
class Field:
    """One column of an import and one key of a bulk row."""

    name: str  # the API's key and the service's field
    header: str  # the Excel column header (Chinese), also the label in reports
    required: bool = False
    kind: str = "str"  # str | int | bool | date | decimal | choice | list (choices separated by 、)
    choices: type | None = None  # a TextChoices: label or value accepted
    example: str = ""
    note: str = ""


@dataclass
class Outcome:
    """What one row did: ``created``, ``updated`` or ``unchanged``, the record's id, and anything to show
    once (a device's secret)."""

    result: str
    id: int | None = None
    extra: dict = field(default_factory=dict)


class RowsRejected(Exception):
    """At least one row is bad; ``errors`` lists every problem of every row (nothing was written)."""

    def __init__(self, errors: list[dict]):
        super().__init__(_("共 %(n)d 处错误，未写入任何数据") % {"n": len(errors)})
        self.errors = errors


class FileRejected(Exception):
    """The file as a whole cannot be read (type, header, size); the message says why in Chinese."""


def problem(row: int, field_: Field | None, message, name: str = "") -> dict:
    """One line of a report: row number (1-based position in a request; the sheet's row in a file), the
    field's API name, its Chinese label and the message."""
    return {"row": row, "field": field_.name if field_ else name, "label": str(field_.header) if field_ else "",
            "message": str(message)}


def template_workbook(fields: list[Field], title: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    excel.append(ws, [str(f.header) for f in fields])
    for i, cell in enumerate(ws[1], start=1):
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        ws.column_dimensions[cell.column_letter].width = max(12, len(str(fields[i - 1].header)) * 2 + 2)
    notes = wb.create_sheet(_("填写说明"))
    excel.append(notes, [_("列"), _("必填"), _("可填的值"), _("示例"), _("说明")])
    for f in fields:
        allowed = "、".join(str(label) for label in f.choices.labels) if f.choices else KIND_HINTS.get(f.kind, _("文本"))
        excel.append(notes, [str(f.header), _("是") if f.required else _("否"), str(allowed), f.example, str(f.note)])
    excel.append(notes, [""])
    excel.append(notes, [_("在第一个工作表的表头下逐行填写，一行一条记录；本页的示例不会被导入。")])
    return excel.to_bytes(wb)


def convert(f: Field, raw):
    """A cell's value as the field wants it; ValueError with the Chinese reason."""
    if isinstance(raw, str):
        raw = raw.strip()
    if raw is None or raw == "":
        if f.required:
            raise ValueError(_("此项必填"))
        return {"bool": None, "list": []}.get(f.kind)
    text = str(raw)
    if f.kind == "int":
        try:
            value = int(float(text))
        except ValueError as exc:
            raise ValueError(_("应为整数，实际为“%(v)s”") % {"v": text}) from exc
        if value < 0 or value != float(text):
            raise ValueError(_("应为非负整数，实际为“%(v)s”") % {"v": text})
        return value
    if f.kind == "bool":
        if isinstance(raw, bool):
            return raw
        if text.upper() not in BOOL_VALUES:
            raise ValueError(_("应为“是”或“否”，实际为“%(v)s”") % {"v": text})
        return BOOL_VALUES[text.upper()]
    if f.kind == "date":
        if isinstance(raw, datetime.datetime):
            return raw.date()
        if isinstance(raw, datetime.date):
            return raw
        for form in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"):
            try:
                return datetime.datetime.strptime(text, form).date()
            except ValueError:
                continue
        raise ValueError(_("日期格式应为 年-月-日（如 2024-03-01），实际为“%(v)s”") % {"v": text})
    if f.kind == "decimal":
        try:
            return Decimal(text)
        except InvalidOperation as exc:
            raise ValueError(_("应为数字，实际为“%(v)s”") % {"v": text}) from exc
    if f.kind in ("choice", "list"):
        parts = [p.strip() for p in text.replace(",", "、").replace("，", "、").split("、") if p.strip()]
        values = [_choice(f, p) for p in parts]
        return values if f.kind == "list" else values[0]
    return text


def _choice(f: Field, text: str):
    for value, label in f.choices.choices:
        if text in (str(label), value):
            return value
    raise ValueError(_("“%(v)s”不是有效值（可选：%(c)s）") % {"v": text, "c": "、".join(str(x) for x in f.choices.labels)})


CELL_ERRORS = "_cell_errors"  # a row's conversion problems, reported by apply_rows with the services' own


def read_workbook(fileobj, fields: list[Field], what: str) -> list[tuple[int, dict]]:
    """The first sheet's data rows, converted (a row's cell problems kept under ``CELL_ERRORS``, so that
    ``apply_rows`` reports them with every other row's problems in one round); FileRejected when the file
    is not this template."""
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as exc:  # zip, xml and openpyxl errors vary
        raise FileRejected(_("无法读取文件：请上传 Excel（.xlsx）格式的%(w)s导入模板") % {"w": what}) from exc
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in (next(rows, None) or ())]
        while header and header[-1] == "":
            header.pop()
        if not header:
            raise FileRejected(_("文件为空：第 1 行应为表头"))
        by_header = {str(f.header): f for f in fields}
        missing = [str(f.header) for f in fields if f.required and str(f.header) not in header]
        unknown = [h for h in header if h and h not in by_header]
        if missing or unknown:
            parts = ([_("缺少必填列：%(c)s") % {"c": "、".join(missing)}] if missing else []) + (
                [_("无法识别的列：%(c)s") % {"c": "、".join(unknown)}] if unknown else [])
            raise FileRejected(_("表头与%(w)s导入模板不符，") % {"w": what} + "；".join(parts))
        data = []
        for number, values in enumerate(rows, start=2):
            if values is None or all(v is None or str(v).strip() == "" for v in values):
                continue
            if len(data) >= MAX_ROWS:
                raise FileRejected(_("行数超过上限 %(n)d，请分批导入") % {"n": MAX_ROWS})
            cells = dict(zip(header, values, strict=False))
            row, problems = {}, []
            for f in fields:
                try:
                    row[f.name] = convert(f, cells.get(str(f.header)))
                except ValueError as exc:
                    problems.append(problem(number, f, exc))
            if problems:
                row[CELL_ERRORS] = problems
            data.append((number, row))
    finally:
        wb.close()
    if not data:
        raise FileRejected(_("文件中没有数据行"))
    return data


def errors_of(exc: ValidationError, row: int, fields: list[Field]) -> list[dict]:
    """A service's ValidationError as report lines, each on its field (with the field's Chinese label)."""
    by_name = {f.name: f for f in fields}
    if not hasattr(exc, "error_dict"):
        return [problem(row, None, m) for m in exc.messages]
    out = []
    for name, messages in exc.message_dict.items():
        f = by_name.get(name)
        for m in messages:
            out.append(problem(row, f, m, name="" if name == "__all__" else name))
    return out


def apply_rows(rows: list[tuple[int, dict]], handle, fields: list[Field], *, after=None) -> list[tuple[int, Outcome]]:
    """Every row through ``handle`` (in a savepoint each, so every bad row is reported), all in one
    transaction; RowsRejected (everything rolled back) when any row failed. ``after(outcomes)`` runs in
    the same transaction once every row is good (the summary audit entry)."""
    if not rows:
        raise RowsRejected([problem(0, None, _("没有数据行"), name="items")])
    if len(rows) > MAX_ROWS:
        raise RowsRejected([problem(0, None, _("每次最多 %(n)d 行") % {"n": MAX_ROWS}, name="items")])
    with transaction.atomic():
        outcomes, errors = [], []
        for number, data in rows:
            if data.get(CELL_ERRORS):  # a cell that could not be read: the row is not tried
                errors.extend(data[CELL_ERRORS])
                continue
            try:
                with transaction.atomic():
                    outcomes.append((number, handle(data)))
            except ValidationError as exc:
                errors.extend(errors_of(exc, number, fields))
            except (PermissionDenied, ObjectDoesNotExist) as exc:
                errors.append(problem(number, None, exc, name="school"))
        if errors:
            raise RowsRejected(errors)  # out of the atomic block: everything rolled back
        if after is not None:
            after(outcomes)
        return outcomes


def summary(outcomes) -> dict:
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for _number, o in outcomes:
        counts[o.result] += 1
    return counts
