"""No text in an exported workbook becomes a formula (formula injection): what a user typed starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a text cell holding exactly that text."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from huxiao.compliance.services import evaluate_all
from huxiao.core import excel
from tests.defense.fixtures import set_facility

PAYLOADS = ['=HYPERLINK("http://evil.example/","点此查看")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)",
            "\t=1+1", "\r=1+1", "=1+1"]


def _cells(content: bytes):
    wb = load_workbook(io.BytesIO(content))
    return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row if cell.value is not None]


def _assert_no_formula(content: bytes):
    formulas = [(c.parent.title, c.coordinate, c.value) for c in _cells(content) if c.data_type == "f"]
    assert formulas == []


@pytest.mark.parametrize("text", PAYLOADS)
def test_helper_keeps_risky_text_as_text(text):
    wb = Workbook()
    ws = wb.active
    excel.append(ws, [text, 42, -1, "正常文本"])
    excel.write(ws, 2, 1, text)
    content = excel.to_bytes(wb)
    _assert_no_formula(content)
    ws = load_workbook(io.BytesIO(content)).active
    assert [ws["A1"].value, ws["B1"].value, ws["C1"].value, ws["D1"].value, ws["A2"].value] == [
        text, 42, -1, "正常文本", text]
    assert ws["A1"].data_type == "s" and ws["A1"].quotePrefix  # Excel shows it as text, even when edited
    assert ws["B1"].data_type == "n" and ws["C1"].data_type == "n"  # numbers stay numbers


def test_plain_openpyxl_would_have_written_a_formula():
    """The hazard the helper removes: openpyxl stores a string starting with "=" as a formula."""
    wb = Workbook()
    wb.active.append(["=1+1"])
    assert [c.data_type for c in _cells(excel.to_bytes(wb))] == ["f"]


@pytest.mark.parametrize("name", PAYLOADS[:4])
def test_compliance_export_writes_a_school_name_as_text(world, client_for, name):
    """A school renamed (through the API) to a formula appears in the export's failing-schools sheet as
    its text, in every cell that shows it."""
    a2 = world.schools["a2"]
    admin = client_for(world.users["admin_province"])
    r = admin.patch(f"/api/v1/schools/{a2.pk}", data={"name": name}, content_type="application/json")
    assert r.status_code == 200, r.content
    set_facility(a2, closed_management=False)
    evaluate_all()
    r = client_for(world.users["edu_a"]).get("/compliance/export.xlsx?region=320413&campaign=jintan-2023")
    assert r.status_code == 200
    _assert_no_formula(r.content)
    shown = [c for c in _cells(r.content) if c.value == name]
    assert shown and all(c.data_type == "s" for c in shown)


def test_school_import_template_has_no_formula(world, client_for):
    r = client_for(world.users["admin_province"]).get("/schools/import/template.xlsx")
    assert r.status_code == 200
    _assert_no_formula(r.content)
    assert any(c.value == "学校标识码" for c in _cells(r.content))
