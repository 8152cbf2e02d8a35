"""School import through the page: the template's sample row is marked and never imported, and every
problem of every row is reported in one round (fixing what the report lists is enough)."""

import io

from openpyxl import load_workbook

from huxiao.core.models import ImportJob, School
from tests.core.test_import import HEADERS, row, upload, workbook

SAMPLE_NAME = "常州市金坛区示范小学"  # the template's sample school: importable by edu_a were it not skipped


def template(client, world):
    client.force_login(world.users["edu_a"])
    r = client.get("/schools/import/template.xlsx")
    assert r.status_code == 200
    return load_workbook(io.BytesIO(r.content))


def saved(wb) -> io.BytesIO:
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "学校.xlsx"
    return buf


def test_the_sample_row_is_marked_in_the_template(world, client):
    ws = template(client, world).worksheets[0]
    assert [c.value for c in ws[1]] == HEADERS
    sample = [c.value for c in ws[2]]
    assert sample[0].startswith("示例") and sample[1] == SAMPLE_NAME
    assert ws.cell(2, 1).comment is not None and "不会导入" in ws.cell(2, 1).comment.text
    assert ws.cell(2, 2).font.italic
    assert ws.max_row == 2


def test_the_template_as_downloaded_imports_nothing_and_says_why(world, client):
    before = School.objects.count()
    r = upload(client, world, saved(template(client, world)))
    job = ImportJob.objects.get()
    assert job.status == "failed" and "示例行不会导入" in job.errors[0]["message"]
    assert "示例行不会导入" in r.content.decode()
    assert School.objects.count() == before


def test_rows_below_the_kept_sample_row_are_imported_and_the_sample_is_not(world, client):
    wb = template(client, world)
    ws = wb.worksheets[0]
    for values in (row(code="2132413601", name="模板小学一"), row(code="2132413602", name="模板小学二")):
        ws.append([values[h] for h in HEADERS])
    r = upload(client, world, saved(wb))
    job = ImportJob.objects.get()
    assert job.status == "done" and job.imported == 2 and job.total == 2, job.errors
    assert "已导入 2 所学校" in r.content.decode()
    assert set(School.objects.filter(code__in=["2132413601", "2132413602"]).values_list("name", flat=True)) == {
        "模板小学一", "模板小学二"}
    assert not School.objects.filter(name=SAMPLE_NAME).exists()


def test_the_unmarked_sample_row_of_an_older_template_is_skipped_too(world, client):
    old_sample = row(code="2132041301", name=SAMPLE_NAME, **{"所在区划代码": "320413", "属地派出所": "金城派出所"})
    upload(client, world, workbook([old_sample, row(code="2132413603", name="旧模板小学")]))
    assert ImportJob.objects.get().imported == 1
    assert not School.objects.filter(name=SAMPLE_NAME).exists()
    # the sample school's code with another name is a real row, judged as any other
    upload(client, world, workbook([row(code="2132041301", name="真实的示范小学", **{"所在区划代码": "320413",
                                                                               "属地派出所": "金城派出所"})]))
    assert School.objects.filter(code="2132041301", name="真实的示范小学").exists()


def test_every_problem_of_every_row_is_reported_in_one_round(world, client):
    before = School.objects.count()
    rows = [
        # a cell that cannot be read, and rules of the record on other cells of the same row
        row(code="2132413701", name="一轮小学一", **{"在校生数": "很多", "校长电话": "12345", "经度": 200,
                                                   "住宿生数": 100, "寄宿制": "是"}),
        # an unknown region, and a bad phone and times out of order
        row(code="2132413702", name="一轮小学二", **{"所在区划代码": "999999", "安保负责人电话": "abc",
                                                   "中午放学时间": "07:00"}),
        row(code="2132413703", name="一轮小学三"),  # good
    ]
    r = upload(client, world, workbook(rows))
    job = ImportJob.objects.get()
    assert job.status == "failed"
    found = {(e["row"], e["column"]) for e in job.errors}
    assert found == {(2, "在校生数"), (2, "校长电话"), (2, "经度"),
                     (3, "所在区划代码"), (3, "安保负责人电话"), (3, "中午放学时间")}, job.errors
    # not judged on a stand-in for the unreadable count: no "住宿生数不能多于在校生数"
    assert not any("住宿生数" in e["message"] for e in job.errors)
    page = r.content.decode()
    assert page.count("<tr><td>第 ") == 6 and "电话号码格式不正确" in page and "应为整数" in page
    assert School.objects.count() == before
    # fixing what the report listed is enough: no second round of errors
    rows[0].update({"在校生数": 1200, "校长电话": "13912345678", "经度": 119.6})
    rows[1].update({"所在区划代码": "320413001", "安保负责人电话": "13812345678", "中午放学时间": "11:40"})
    upload(client, world, workbook(rows))
    job = ImportJob.objects.latest("pk")
    assert job.status == "done" and job.imported == 3, job.errors
