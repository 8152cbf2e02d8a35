"""GET never creates records: a 整改通知书 or 检查通报 is numbered on an explicit POST (签发), and downloads
of what was issued are the same document with the same number however often they are fetched."""

import io

import pytest
from docx import Document

from huxiao.core.models import AuditLog
from huxiao.hazards.models import Hazard, IssuedDocument
from tests.hazards.helpers import api, hazard_payload
from tests.hazards.test_documents import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_hazards(world):
    client = api(world.users["edu_a"])
    ids = [client.post("/hazards/", hazard_payload(world)).json()["id"],
           client.post("/hazards/", hazard_payload(world, place="校门口", severity="major")).json()["id"]]
    return ids


def test_downloading_three_times_creates_nothing_and_keeps_the_number(world, client_for, open_hazards):
    c = client_for(world.users["edu_a"])
    r = c.post(f"/hazards/schools/{world.schools['a1'].pk}/notices/", follow=True)
    doc = IssuedDocument.objects.get(kind="notice")
    assert f"已签发整改通知书 {doc.number}" in r.content.decode()
    assert doc.number == f"坛安整〔{doc.year}〕1号" and doc.content["hazards"] == open_hazards
    texts = []
    for _ in range(3):
        r = c.get(f"/hazards/notices/{doc.pk}.docx")
        assert r.status_code == 200
        texts.append(text_of(Document(io.BytesIO(r.content))))
    assert IssuedDocument.objects.count() == 1
    assert texts[0] == texts[1] == texts[2] and doc.number in texts[0]
    assert AuditLog.objects.filter(model="hazards.IssuedDocument", action="create").count() == 1
    assert AuditLog.objects.filter(model="hazards.IssuedDocument", action="read").count() == 3


def test_issued_notice_does_not_change_when_the_ledger_does(world, client_for, open_hazards):
    c = client_for(world.users["edu_a"])
    c.post(f"/hazards/schools/{world.schools['a1'].pk}/notices/")
    doc = IssuedDocument.objects.get()
    before = text_of(Document(io.BytesIO(c.get(f"/hazards/notices/{doc.pk}.docx").content)))
    Hazard.objects.filter(pk=open_hazards[1]).update(place="已改名的部位")
    after = text_of(Document(io.BytesIO(c.get(f"/hazards/notices/{doc.pk}.docx").content)))
    assert before == after and "校门口" in after and "已改名的部位" not in after


def test_get_never_numbers(world, client_for, open_hazards):
    c = client_for(world.users["edu_a"])
    school = world.schools["a1"].pk
    assert c.get(f"/hazards/schools/{school}/notice.docx").status_code == 404  # the old numbering GET is gone
    assert c.get(f"/hazards/schools/{school}/notices/").status_code == 405
    assert c.get("/hazards/notices/999999.docx").status_code == 404
    r = c.get(f"/hazards/?school={school}")
    assert 'id="notice-issue"' in r.content.decode() and 'method="post"' in r.content.decode()
    assert not IssuedDocument.objects.exists()


def test_double_submit_the_same_day_uses_one_number(world, client_for, open_hazards):
    c = client_for(world.users["edu_a"])
    url = f"/hazards/schools/{world.schools['a1'].pk}/notices/"
    c.post(url)
    r = c.post(url, follow=True)
    assert "未重复编号" in r.content.decode()
    assert IssuedDocument.objects.count() == 1
    api(world.users["edu_a"]).post("/hazards/", hazard_payload(world, place="食堂"))
    c.post(url)  # a changed set of open hazards is a new notice
    assert list(IssuedDocument.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2]


def test_issue_and_list_through_the_api(world, open_hazards):
    client = api(world.users["edu_a"])
    r = client.post(f"/hazards/schools/{world.schools['a1'].pk}/notices", {})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["number"].endswith("1号") and body["hazards"] == open_hazards
    assert body["url"] == f"/hazards/notices/{body['id']}.docx"
    again = client.post(f"/hazards/schools/{world.schools['a1'].pk}/notices", {})
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    listed = client.get(f"/hazards/notices?school={world.schools['a1'].pk}").json()
    assert [n["number"] for n in listed] == [body["number"]]
    r = client.post(f"/hazards/schools/{world.schools['a2'].pk}/notices", {})
    assert r.status_code == 400 and "没有未销号的隐患" in r.content.decode()
    assert IssuedDocument.objects.count() == 1


def test_outsiders_neither_issue_nor_download(world, client_for, open_hazards):
    api(world.users["edu_a"]).post(f"/hazards/schools/{world.schools['a1'].pk}/notices", {})
    doc = IssuedDocument.objects.get()
    sibling = client_for(world.users["edu_b"])
    assert sibling.get(f"/hazards/notices/{doc.pk}.docx").status_code == 404
    assert sibling.post(f"/hazards/schools/{world.schools['a1'].pk}/notices/").status_code == 404
    assert client_for(world.users["guard_a1"]).get(f"/hazards/notices/{doc.pk}.docx").status_code == 403
    assert api(world.users["edu_b"]).get("/hazards/notices").json() == []
    assert IssuedDocument.objects.count() == 1
    assert not AuditLog.objects.filter(action="read", model="hazards.IssuedDocument").exists()


def test_control_characters_in_a_hazard_do_not_break_the_notice(world, client_for, open_hazards):
    Hazard.objects.filter(pk=open_hazards[0]).update(place="东侧\u0007围墙\x1f")
    c = client_for(world.users["edu_a"])
    c.post(f"/hazards/schools/{world.schools['a1'].pk}/notices/")
    r = c.get(f"/hazards/notices/{IssuedDocument.objects.get().pk}.docx")
    assert r.status_code == 200 and "东侧围墙" in text_of(Document(io.BytesIO(r.content)))


def test_bulletin_is_issued_once_and_downloads_are_the_same(world, client_for):
    from tests.inspections.test_inspections import payload

    api(world.users["inspector_a"]).post("/inspections/", payload(world))
    c = client_for(world.users["edu_a"])
    assert c.get("/inspections/bulletin.docx?region=320413").status_code == 404
    assert c.get("/inspections/bulletins/").status_code == 405
    c.post("/inspections/bulletins/", {"region": "320413"})
    r = c.post("/inspections/bulletins/", {"region": "320413"}, follow=True)
    assert "未重复编号" in r.content.decode()
    doc = IssuedDocument.objects.get(kind="bulletin")
    assert doc.number == f"安检通〔{doc.year}〕1号"
    page = c.get("/inspections/coverage/?region=320413").content.decode()
    assert f"/inspections/bulletins/{doc.pk}.docx" in page and 'id="bulletin-issue"' in page
    texts = {text_of(Document(io.BytesIO(c.get(f"/inspections/bulletins/{doc.pk}.docx").content))) for _ in range(3)}
    assert len(texts) == 1 and doc.number in texts.pop()
    assert IssuedDocument.objects.count() == 1
    assert client_for(world.users["edu_b"]).get(f"/inspections/bulletins/{doc.pk}.docx").status_code == 404
    r = c.post("/inspections/bulletins/", {"region": "320481"})
    assert r.status_code == 404 and IssuedDocument.objects.count() == 1
