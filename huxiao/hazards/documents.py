"""Official documents (公文) for officials, with python-docx, in the usual Chinese layout (GB/T 9704):
red masthead (红头) in 方正小标宋简体, document number (文号), red rule, title, 主送, body in 仿宋_GB2312,
signature (落款) and date in Chinese numerals.

``official_document(...)`` lays out any document. A document is numbered once, when it is issued (an
explicit POST: ``do_issue_notice`` for the 整改通知书 of a school's open hazards, and the inspection 通报 in
huxiao.inspections.documents); what was issued is kept with its number, so every download of it
(``render_issued``) is the same document. Nothing here runs on a GET.
"""

import io
import re

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from huxiao.core import audit, regions
from huxiao.core.actions import acting_user
from huxiao.core.choices import AuditAction
from huxiao.hazards.audit_events import HazardAudit
from huxiao.hazards.models import IssuedDocument

RED = RGBColor(0xC0, 0x00, 0x00)
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
DIGITS = "〇一二三四五六七八九"


def short_date(d) -> str:
    """2026-09-01 → 2026年9月1日 (dates inside the body text)."""
    return f"{d.year}年{d.month}月{d.day}日"


def chinese_date(d) -> str:
    """2026-11-23 → 二〇二六年十一月二十三日 (公文 dates are written out)."""
    def number(n):
        if n < 10:
            return DIGITS[n]
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")
    return "".join(DIGITS[int(c)] for c in str(d.year)) + f"年{number(d.month)}月{number(d.day)}日"


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text) -> str:
    """Text without the control characters XML (and so Word) cannot hold."""
    return _NOT_XML.sub("", str(text))


def _font(run, name, size, bold=False, color=None):
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if color is not None:
        run.font.color.rgb = color
    return run


def _para(doc, text="", *, font=BODY_FONT, size=16, align=None, bold=False, color=None, indent=False,
          space_after=0):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    fmt.line_spacing = Pt(28)
    fmt.space_after = Pt(space_after)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if text:
        _font(p.add_run(xml_safe(text)), font, size, bold, color)
    return p


def _red_rule(paragraph):
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "1"), ("w:color", "C00000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    paragraph._p.get_or_add_pPr().append(border)


def next_number(kind, region_code, year, *, title, actor, school=None) -> IssuedDocument:
    """Register the document and give it the next serial number of its kind, region and year (call inside
    the issuing transaction: the rows of that series stay locked until it commits)."""
    last = IssuedDocument.objects.select_for_update().filter(kind=kind, region_code=region_code, year=year)
    seq = (last.aggregate(m=Max("seq"))["m"] or 0) + 1
    return IssuedDocument.objects.create(kind=kind, region_code=region_code, year=year, seq=seq, title=title[:200],
                                         school=school, issued_by=acting_user(actor), issued_at=timezone.now())


@transaction.atomic
def issue_document(kind, region_code, *, title, actor, layout, filename, number_for, school=None, hazards=(),
                   extra=None, event=HazardAudit.ISSUE_DOCUMENT):
    """Number and keep one document. ``layout`` holds official_document's arguments except number and
    date; ``number_for(seq, year)`` writes the 文号; ``extra`` is kept with it; ``event`` is the typed audit
    event of the issue. Returns the IssuedDocument."""
    today = timezone.localdate()
    doc = next_number(kind, region_code, today.year, title=title, actor=actor, school=school)
    doc.number = number_for(doc.seq, today.year)
    doc.content = {"layout": {**layout, "number": doc.number, "date": today.isoformat()}, "filename": filename,
                   "hazards": list(hazards), **(extra or {})}
    doc.save(update_fields=["number", "content"])
    audit.record(AuditAction.CREATE, doc, actor=actor, region_code=school.region_code if school else region_code,
                 school_id=school.pk if school else None,
                 after={"title": doc.title, "number": doc.number, "hazards": list(hazards)}, event=event)
    return doc


def render_issued(doc: IssuedDocument) -> tuple[str, bytes]:
    """(file name, docx bytes) of an issued document, laid out from what was kept when it was issued."""
    import datetime

    layout = dict(doc.content["layout"])
    layout["date"] = datetime.date.fromisoformat(layout["date"])
    if layout.get("table"):
        layout["table"] = tuple(layout["table"])
    return doc.content["filename"], official_document(**layout)


def official_document(*, issuers, number, title, recipients, paragraphs, table=None, tail=(), signature,
                      date) -> bytes:
    """Lay out one document. ``table`` is (header, rows) after ``paragraphs``; ``tail`` paragraphs follow it.
    A paragraph starting with "#" is a heading (黑体)."""
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    normal.font.size = Pt(16)
    masthead = "\n".join(f"{name}" for name in issuers) + ("文件" if len(issuers) == 1 else "")
    head = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    head.paragraph_format.line_spacing = Pt(44 if len(issuers) == 1 else 36)
    _font(head.add_run(xml_safe(masthead)), TITLE_FONT, 36 if len(issuers) == 1 else 26, color=RED)
    num = _para(doc, number, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=4)
    _red_rule(num)
    _para(doc)
    _para(doc, title, font=TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    _para(doc, recipients)
    for text in paragraphs:
        if text.startswith("#"):
            _para(doc, text.lstrip("# "), font=HEADING_FONT, indent=True)
        else:
            _para(doc, text, indent=True)
    if table:
        header, rows = table[:2]
        widths = table[2] if len(table) > 2 else None
        grid = doc.add_table(rows=1, cols=len(header))
        grid.style = "Table Grid"
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        grid.autofit = widths is None
        header_props = grid.rows[0]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        header_props.append(repeat)  # the header row repeats on every page
        for cell, text in zip(grid.rows[0].cells, header, strict=True):
            _font(cell.paragraphs[0].add_run(xml_safe(text)), HEADING_FONT, 11)
        for row in rows:
            cells = grid.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                _font(cell.paragraphs[0].add_run(xml_safe(text)), BODY_FONT, 11)
        if widths:
            for column, width in zip(grid.columns, widths, strict=True):
                column.width = Cm(width)
            for grid_row in grid.rows:
                for cell, width in zip(grid_row.cells, widths, strict=True):
                    cell.width = Cm(width)
    for text in tail:
        if text.startswith("#"):
            _para(doc, text.lstrip("# "), font=HEADING_FONT, indent=True)
        else:
            _para(doc, text, indent=True)
    _para(doc)
    _para(doc)
    for name in signature:
        _para(doc, name, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, chinese_date(date), align=WD_ALIGN_PARAGRAPH.RIGHT)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def issuing_units(actor, school):
    """The education bureau and police (分局) of the school's district, named in masthead and signature."""
    from huxiao.core.models import Unit

    district = school.region_code[:6]
    units = list(Unit.objects.filter(region_code=district, kind__in=["education", "police"]).order_by("kind"))
    names = [u.name for u in units if u.kind == "education"][:1] + [u.name for u in units if u.kind == "police"][:1]
    if not names:
        names = [a.unit.name for a in actor.role_assignments.select_related("unit")][:1]
    return names


def notices_of(user, school=None):
    """Issued 整改通知书 whose school is within the user's reach for issuing documents."""
    from huxiao.core.models import School

    qs = IssuedDocument.objects.filter(
        kind="notice", school__in=School.objects.visible_to(user, "hazards.issue_document"))
    return qs.filter(school=school) if school is not None else qs


def notice_number(region_code):
    """The 文号 pattern of a district's 整改通知书 (金坛区: 坛安整〔2026〕1号)."""
    prefix = "坛安整" if regions.within(region_code, "320413") else "安整"
    return lambda seq, year: f"{prefix}〔{year}〕{seq}号"


def do_issue_notice(school, *, actor) -> tuple[IssuedDocument, bool]:
    """签发 the 整改通知书 for the open hazards of one school (within the actor's reach). Returns (document,
    created): issuing again the same day for the same open hazards gives back the one already issued
    (a double click does not use up a number). No open hazard: ValidationError."""
    from django.core.exceptions import ValidationError

    from huxiao.hazards.choices import OPEN_STATUSES
    from huxiao.hazards.models import Hazard

    hazards = list(Hazard.objects.visible_to(actor, "hazards.issue_document").live().filter(
        school=school, status__in=OPEN_STATUSES).order_by("deadline", "id"))
    if not hazards:
        raise ValidationError("该校没有未销号的隐患，无需下发整改通知书")
    today = timezone.localdate()
    ids = [h.pk for h in hazards]
    with transaction.atomic():
        same = IssuedDocument.objects.select_for_update().filter(
            kind="notice", school=school, year=today.year, issued_at__date=today).order_by("-seq").first()
        if same is not None and same.content.get("hazards") == ids:
            return same, False
        title = "关于限期整改校园安全隐患的通知书"
        issuers = issuing_units(actor, school)
        major = sum(1 for h in hazards if h.severity == "major")
        paragraphs = [
            f"经检查，你单位存在下列安全隐患{len(hazards)}处（其中重大隐患{major}处），已列入隐患台账挂账督办。"
            "根据《江苏省加强中小学幼儿园治安安全管理八项措施》“严肃责任倒查追究”的要求，"
            "现责令你单位按照下表所列整改措施和时限逐项整改到位，并将整改情况连同佐证材料报属地教育行政部门和公安机关验收销号。",
            "# 一、隐患清单",
        ]
        rows = [[i, h.number, h.place, h.description[:60], h.get_severity_display(), h.responsible_person,
                 f"{h.deadline:%Y-%m-%d}"] for i, h in enumerate(hazards, start=1)]
        closing = [
            "# 二、整改要求",
            "（一）学校主要负责人为隐患整改第一责任人，要逐项明确整改责任人，落实整改措施和经费，确保按期整改到位。",
            "（二）整改期间要落实临时防范措施，防止发生安全事故。",
            "（三）逾期未整改的，将依次予以通报、约谈；重大隐患逾期未整改的，由上一级挂牌督办，并依法依规追究相关责任。",
        ]
        layout = {"issuers": issuers, "title": title, "recipients": f"{school.name}：", "paragraphs": paragraphs,
                  "table": [["序号", "编号", "隐患部位", "隐患描述", "等级", "责任人", "整改时限"], rows,
                            [1.1, 3.0, 2.8, 4.6, 1.3, 1.8, 2.4]], "tail": closing, "signature": issuers}
        doc = issue_document("notice", school.region_code[:6], title=f"{school.name} {title}", actor=actor,
                             layout=layout, filename=f"整改通知书-{school.name}-{today:%Y%m%d}.docx",
                             number_for=notice_number(school.region_code), school=school, hazards=ids,
                             event=HazardAudit.ISSUE_NOTICE)
    return doc, True
