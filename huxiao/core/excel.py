"""Writing exported workbooks so that no text becomes a formula (formula / CSV injection).

A school name, a reason or a campaign title typed as ``=HYPERLINK("http://…","点此")`` or ``+cmd|…`` must
reach the official who opens the export as the text it is, not as something Excel evaluates. Every export
writes its cells through :func:`append` / :func:`write`: a
text value that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is stored as a text cell
(data type ``s``) with Excel's quote prefix, so Excel neither evaluates it on opening nor on editing, and
the text itself is kept exactly.
"""

import io

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_risky(value) -> bool:
    """Whether a spreadsheet program could take this value for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def as_text(cell: Cell) -> Cell:
    """Make a cell holding risky text a plain text cell (value unchanged)."""
    if is_risky(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def write(ws: Worksheet, row: int, column: int, value) -> Cell:
    """``ws.cell(row, column, value)`` that never writes a formula."""
    return as_text(ws.cell(row=row, column=column, value=value))


def append(ws: Worksheet, values) -> list[Cell]:
    """``ws.append(values)`` that never writes a formula; returns the row's cells."""
    values = list(values)
    ws.append(values)
    cells = list(ws[ws.max_row])[:len(values)]
    for cell in cells:
        as_text(cell)
    return cells


def to_bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
