"""Excel export of the dashboard table: rules × region and sub-regions, and the failing schools. Cells
are written through ``huxiao.core.excel`` (no text becomes a formula)."""

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from huxiao.compliance import rates
from huxiao.core import excel

HEADER = Font(bold=True)
FILL = PatternFill("solid", fgColor="DDEBF7")


def _header(ws, values):
    for cell in excel.append(ws, values):
        cell.font, cell.fill = HEADER, FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def workbook(user, campaign, region) -> bytes:
    table = rates.region_table(user, campaign, region)
    wb = Workbook()
    ws = wb.active
    ws.title = "达标率"
    excel.append(ws, [f"{campaign.name} — {region.name} 达标情况"])
    ws["A1"].font = Font(bold=True, size=13)
    _header(ws, ["指标编号", "指标", "三个100%", "目标", "截止日期", "距截止(天)", "适用学校数", "达标学校数",
                 "未达标学校数", "达标率", *[c.name for c in table["children"]]])
    for row in table["rows"]:
        subs = []
        for c in table["children"]:
            cell = row.by_child.get(c.prefix)
            subs.append(cell.rate if cell and cell.rate is not None else None)
        excel.append(ws, [row.rule.id, row.rule.name, "是" if row.rule.three_100 else "", row.rule.target,
                   row.rule.deadline, row.days_left, row.total.applicable, row.total.met, row.total.not_met,
                   row.total.rate, *subs])
        for col in [4, 10, *range(11, 11 + len(subs))]:
            ws.cell(ws.max_row, col).number_format = "0.0%"
    for i, width in enumerate([10, 36, 9, 7, 12, 10, 10, 10, 11, 9], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws2 = wb.create_sheet("未达标学校")
    _header(ws2, ["学校", "区划代码", "指标编号", "指标", "原因"])
    names = {r.id: r.name for r in campaign.ruleset.rules}
    for r in rates.failing_schools(user, campaign, region)[:100000].iterator(chunk_size=2000):
        excel.append(ws2, [r.school.name, r.region_code, r.rule_id, names.get(r.rule_id, r.rule_id), r.reason])
    for i, width in enumerate([30, 12, 10, 36, 70], start=1):
        ws2.column_dimensions[get_column_letter(i)].width = width
    return excel.to_bytes(wb)
