"""Excel export of the dashboard table: rules × region and sub-regions, and the failing schools, now or as
of the end of a past day (the figures the dashboard shows for that day: ``asof.table_as_of``). Cells are
written through ``huxiao.core.excel`` (no text becomes a formula)."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from huxiao.compliance import asof, rates
from huxiao.core import audit, excel
from huxiao.core.choices import AuditAction
from huxiao.core.records.export import XLSX, ExportAudit

HEADER = Font(bold=True)
FILL = PatternFill("solid", fgColor="DDEBF7")


def _header(ws, values):
    for cell in excel.append(ws, values):
        cell.font, cell.fill = HEADER, FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


SOURCES = {"live": "实时", asof.SNAPSHOT: "当日快照", asof.RECORDS: "按台账记录日期重算"}


def _failing_rows(user, campaign, region, day):
    """(school, region code, rule id, rule name, reason) of the schools not met, now or at the end of ``day``."""
    if day is None or day == timezone.localdate():
        names = {r.id: r.name for r in campaign.ruleset.rules}
        for r in rates.failing_schools(user, campaign, region)[:100000].iterator(chunk_size=2000):
            yield r.school.name, r.region_code, r.rule_id, names.get(r.rule_id, r.rule_id), r.reason
        return
    for school, code, rule, reason in asof.failing_as_of(user, campaign, region, day):
        yield school.name, code, rule.id, rule.name, reason


def workbook(user, campaign, region, day=None) -> bytes:
    """The workbook of the dashboard's figures, now (``day`` None) or as of the end of ``day`` (a bad day
    raises asof's ValidationError, naming ``as_of``)."""
    table = asof.table(user, campaign, region, day)
    wb = Workbook()
    ws = wb.active
    ws.title = "达标率"
    when = f"截至 {day.isoformat()} 日终（{SOURCES.get(table['source'], table['source'])}）" if day else _("实时")
    excel.append(ws, [f"{campaign.name} — {region.name} 达标情况 · {when}"])
    ws["A1"].font = Font(bold=True, size=13)
    _header(ws, ["指标编号", "指标", "三个100%", "目标", "截止日期", "距截止(天)", "适用学校数", "达标学校数",
                 "未达标学校数", "达标率", *[c.name for c in table["children"]], "数据来源"])
    for row in table["rows"]:
        subs = []
        for c in table["children"]:
            cell = row.by_child.get(c.prefix)
            subs.append(cell.rate if cell and cell.rate is not None else None)
        excel.append(ws, [row.rule.id, row.rule.name, "是" if row.rule.three_100 else "", row.rule.target,
                   row.rule.deadline, row.days_left, row.total.applicable, row.total.met, row.total.not_met,
                   row.total.rate, *subs, SOURCES.get(row.source, row.source)])
        for col in [4, 10, *range(11, 11 + len(subs))]:
            ws.cell(ws.max_row, col).number_format = "0.0%"
    if day and day != timezone.localdate():
        excel.append(ws, [])
        excel.append(ws, ["注：“未达标学校”表按台账记录日期重算截至当日日终的结果（快照只存区划汇总，不存学校名单）。"])
    for i, width in enumerate([10, 36, 9, 7, 12, 10, 10, 10, 11, 9], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws2 = wb.create_sheet("未达标学校")
    _header(ws2, ["学校", "区划代码", "指标编号", "指标", "原因"])
    for values in _failing_rows(user, campaign, region, day):
        excel.append(ws2, list(values))
    for i, width in enumerate([30, 12, 10, 36, 70], start=1):
        ws2.column_dimensions[get_column_letter(i)].width = width
    return excel.to_bytes(wb)


def download(user, campaign, region, day=None) -> HttpResponse:
    """The workbook as a download, its export audited (campaign, region and day); a bad day raises
    asof's ValidationError naming ``as_of`` before anything is audited."""
    data = workbook(user, campaign, region, day)
    when = f"截至{day.isoformat()}" if day else _("实时")
    audit.record(AuditAction.EXPORT, None, actor=user, model="compliance.RuleStatus",
                 object_repr=f"{campaign.name}·{region.name}·{when}", region_code=region.code,
                 event=ExportAudit.EXPORT)
    response = HttpResponse(data, content_type=XLSX)
    filename = f"compliance-{campaign.code}-{region.code}-{(day or timezone.localdate()):%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
