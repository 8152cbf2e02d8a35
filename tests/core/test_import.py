"""School import from Excel through the page (and the CLI): all-or-nothing with a per-row report."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from huxiao.core.importing import COLUMNS
from huxiao.core.models import ImportJob, School, Unit

HEADERS = [c.header for c in COLUMNS]


def row(code="2132413201", name="导入测试小学", **kw):
    values = {"学校标识码": code, "学校名称": name, "学校类型": "小学", "办学性质": "公办", "城乡分类": "城市",
              "治安交通环境复杂": "否", "寄宿制": "否", "在校生数": 600, "住宿生数": 0, "教职工数": 45,
              "地址": "东城街道测试路 1 号", "经度": 119.6, "纬度": 31.72, "所在区划代码": "320413001",
              "属地派出所": "东城派出所", "校长/园长": "王校长", "校长电话": "13912345678", "安保负责人": "李安保",
              "安保负责人电话": "13812345678", "治安保卫重点单位": "否", "开校门时间": "07:20",
              "中午放学时间": "11:40", "下午放学时间": "16:30"}
    values.update(kw)
    return values


def workbook(rows, headers=HEADERS) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append([r.get(h) for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "schools.xlsx"
    return buf


def upload(client, world, fileobj, user="edu_a"):
    client.force_login(world.users[user])
    return client.post("/schools/import/", {"file": fileobj}, follow=True)


def test_template_downloads_with_chinese_headers(world, client):
    client.force_login(world.users["edu_a"])
    r = client.get("/schools/import/template.xlsx")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    assert [c.value for c in ws[1]] == HEADERS


def test_good_file_imports_every_row(world, client):
    rows = [row(code=f"21324132{i:02d}", name=f"导入小学{i}") for i in range(10)]
    rows.append(row(code="1132413299", name="导入幼儿园", **{"学校类型": "幼儿园", "所在区划代码": "320413101",
                                                          "属地派出所": "金城派出所", "中午放学时间": None}))
    r = upload(client, world, workbook(rows))
    assert r.status_code == 200
    job = ImportJob.objects.get()
    assert job.status == "done" and job.imported == 11
    assert "已导入 11 所学校" in r.content.decode()
    school = School.objects.get(code="1132413299")
    assert school.region_code == "320413101" and school.police_station.name == "金城派出所"
    assert school.unit.kind == "school" and school.district_id == "320413"


def test_one_bad_row_imports_nothing_and_names_row_column_problem(world, client):
    schools_before, units_before = School.objects.count(), Unit.objects.count()
    rows = [row(code="2132413201"), row(code="2132413202", name="二", **{"在校生数": "很多"}),
            row(code="2132413203", name="三", **{"所在区划代码": "999999"}), row(code="2132413201", name="重复"),
            row(code="2132413204", name="五", **{"学校类型": "大学"}), row(code=world.schools["a1"].code, name="六"),
            row(code="2132413205", name="七", **{"经度": 2.0}),
            row(code="2132413206", name="八", **{"下午放学时间": "11:00"}),
            row(code="2132413207", name="九", **{"所在区划代码": "320481", "属地派出所": ""}),
            row(code="2132413208", name="东城实验小学")]
    r = upload(client, world, workbook(rows))
    page = r.content.decode()
    assert School.objects.count() == schools_before and Unit.objects.count() == units_before
    job = ImportJob.objects.get()
    assert job.status == "failed"
    found = {(e["row"], e["column"]) for e in job.errors}
    assert (3, "在校生数") in found
    assert (4, "所在区划代码") in found
    assert (5, "学校标识码") in found  # duplicate of row 2
    assert (6, "学校类型") in found
    assert (7, "学校标识码") in found  # already in the system
    assert (8, "经度") in found
    assert (9, "下午放学时间") in found
    assert (10, "所在区划代码") in found  # outside the importer's jurisdiction
    assert (11, "学校名称") in found  # a school of that name already exists in the street
    assert (2, "学校标识码") not in found
    assert "第 3 行" in page and "应为整数" in page and "未导入任何数据" in page
    assert "不在您的管辖范围内" in page and "与第 2 行重复" in page


def test_wrong_columns_are_named(world, client):
    headers = [h for h in HEADERS if h != "学校名称"] + ["备注"]
    upload(client, world, workbook([row()], headers=headers))
    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert "缺少必填列：学校名称" in job.errors[0]["message"]
    assert "无法识别的列：备注" in job.errors[0]["message"]
    assert not School.objects.filter(code="2132413201").exists()


@pytest.mark.parametrize("content,name,message", [
    (b"", "empty.xlsx", "文件为空"),
    (b"name,code\n", "schools.csv", "不是 Excel"),
    (b"MZ\x90\x00binary", "schools.xlsx", "不是 Excel"),
])
def test_unacceptable_files_are_refused_before_anything(world, client, content, name, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = upload(client, world, SimpleUploadedFile(name, content))
    assert message in r.content.decode()
    assert not ImportJob.objects.exists()


def test_oversized_file_is_refused(world, client, settings):
    settings.IMPORT_MAX_BYTES = 1000
    r = upload(client, world, workbook([row(code=f"21324133{i:02d}") for i in range(30)]))
    assert "文件过大" in r.content.decode()
    assert not ImportJob.objects.exists()


def test_corrupt_zip_and_header_only_file(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload(client, world, SimpleUploadedFile("broken.xlsx", b"PK\x03\x04" + b"\x00" * 100))
    assert "无法读取文件" in ImportJob.objects.get().errors[0]["message"]
    upload(client, world, workbook([]))
    assert "没有数据行" in ImportJob.objects.latest("pk").errors[0]["message"]
    assert School.objects.count() == 3


def test_cli_import_with_progress(world, tmp_path):
    path = tmp_path / "s.xlsx"
    path.write_bytes(workbook([row(code=f"21324134{i:02d}", name=f"命令行小学{i}") for i in range(5)]).getvalue())
    call_command("import_schools", str(path), user="edu_a")
    assert School.objects.filter(name__startswith="命令行小学").count() == 5
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook([row(code="2132413501", **{"城乡分类": "郊区"})]).getvalue())
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import_schools", str(bad), user="edu_a")
    assert not School.objects.filter(code="2132413501").exists()
