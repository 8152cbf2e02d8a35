"""整改通知书 and 检查通报 as officials download them: official layout, numbering, contents."""

import io

import pytest
from docx import Document

from huxiao.hazards.documents import chinese_date
from huxiao.hazards.models import IssuedDocument
from tests.hazards.helpers import api, hazard_payload

pytestmark = pytest.mark.django_db


def text_of(doc):
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


def test_chinese_date():
    import datetime

    assert chinese_date(datetime.date(2026, 11, 23)) == "二〇二六年十一月二十三日"
    assert chinese_date(datetime.date(2020, 1, 10)) == "二〇二〇年一月十日"


def issue_notice(c, school):
    """签发 through the ledger page's button; returns the issued document."""
    r = c.post(f"/hazards/schools/{school.pk}/notices/")
    assert r.status_code == 302
    return IssuedDocument.objects.filter(kind="notice", school=school).latest("seq")


def test_rectification_notice(world, client_for):
    client = api(world.users["edu_a"])
    client.post("/hazards/", hazard_payload(world))
    client.post("/hazards/", hazard_payload(world, place="校门口", severity="major"))
    c = client_for(world.users["edu_a"])
    issued = issue_notice(c, world.schools["a1"])
    r = c.get(f"/hazards/notices/{issued.pk}.docx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    doc = Document(io.BytesIO(r.content))
    text = text_of(doc)
    assert "关于限期整改校园安全隐患的通知书" in text and "东城实验小学：" in text
    assert "〔" in text and "1号" in text and "隐患2处（其中重大隐患1处）" in text
    assert "金坛区教育局" in text and "金坛分局" in text and "校门口" in text
    masthead = doc.paragraphs[0].runs[0]
    assert masthead.font.color.rgb is not None and str(masthead.font.color.rgb) == "C00000"
    assert masthead.font.name == "方正小标宋简体"
    assert any(r.font.name == "仿宋_GB2312" for p in doc.paragraphs for r in p.runs)
    # a notice issued for a changed set of open hazards gets the next number
    client.post("/hazards/", hazard_payload(world, place="食堂后门"))
    issue_notice(c, world.schools["a1"])
    assert list(IssuedDocument.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2]
    # a school with no open hazards gets no notice
    r = c.post(f"/hazards/schools/{world.schools['a2'].pk}/notices/", follow=True)
    assert "没有未销号的隐患" in r.content.decode()
    assert not IssuedDocument.objects.filter(school=world.schools["a2"]).exists()


def test_bulletin(world, client_for):
    from tests.inspections.test_inspections import payload

    api(world.users["inspector_a"]).post("/inspections/", payload(world))
    c = client_for(world.users["edu_a"])
    r = c.post("/inspections/bulletins/", {"region": "320413"})
    assert r.status_code == 302
    issued = IssuedDocument.objects.get(kind="bulletin")
    r = c.get(f"/inspections/bulletins/{issued.pk}.docx")
    assert r.status_code == 200
    text = text_of(Document(io.BytesIO(r.content)))
    assert "校园安全检查情况的通报" in text and "各中小学幼儿园" in text
    assert "检查督导1次" in text and "覆盖学校1所" in text and "发现问题隐患1处" in text
    assert "安保制度是否健全：1处" in text and "东城实验小学" in text
    r = c.post("/inspections/bulletins/", {"region": "320413", "start": "2026-13-01"}, follow=True)
    assert "通报期间有误" in r.content.decode()  # bad period: back with a message, no document
    assert IssuedDocument.objects.filter(kind="bulletin").count() == 1
