"""Excel import pages of guards, facilities, equipment and devices: the template, the report of every bad
row in one round (nothing written), the import, a re-upload writing nothing, device secrets shown once."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from huxiao.core.models import AuditLog
from huxiao.defense.models import Equipment, Facility, Guard
from huxiao.devices.models import Device
from tests.defense.fixtures import id_number


def workbook(header, rows) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("导入.xlsx", out.getvalue())


def template_header(client, url):
    r = client.get(url + "?template=1")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(r.content))
    first = list(wb.worksheets[0].iter_rows(values_only=True))
    assert len(first) == 1, "only the header on the sheet that is imported"
    notes = list(wb["填写说明"].iter_rows(values_only=True))
    assert notes[0][:4] == ("列", "必填", "可填的值", "示例")
    return list(first[0])


GUARD_ROW = {"学校标识码": None, "姓名": "吴保安", "类别": "专职保安员", "首次聘用日期": "2022-09-01",
             "保安员证号": "苏保3003", "背景审查结果": "通过", "背景审查日期": datetime.date(2022, 8, 1)}


def guard_rows(header, school, rows):
    return [[{**GUARD_ROW, "学校标识码": school.code, **row}.get(h) for h in header] for row in rows]


def test_guard_import_reports_every_bad_row_then_imports_and_a_reupload_writes_nothing(world, client_for):
    a1 = world.schools["a1"]
    c = client_for(world.users["security_a1"])
    url = "/defense/import/guards/"
    page = c.get(url)
    assert page.status_code == 200 and "下载导入模板" in page.content.decode()
    header = template_header(c, url)
    good = {"身份证号": id_number(datetime.date(1982, 3, 4), 21)}
    bad = [good,
           {"姓名": "郑保安", "身份证号": "320482199003121231"},  # check digit
           {"姓名": "冯保安", "身份证号": id_number(datetime.date(1983, 3, 4), 22), "类别": "队长"},
           {"姓名": "陈保安", "身份证号": id_number(datetime.date(1984, 3, 4), 23), "首次聘用日期": "明年"},
           {"姓名": "褚保安", "身份证号": id_number(datetime.date(1985, 3, 4), 24),
            "学校标识码": world.schools["b1"].code}]  # out of reach
    r = c.post(url, {"file": workbook(header, guard_rows(header, a1, bad))})
    assert r.status_code == 400
    text = r.content.decode()
    assert "未导入任何数据" in text
    # cell problems and service problems alike, all in this one report
    for expected in ("第 3 行", "身份证号", "第 4 行", "类别", "第 5 行", "首次聘用日期", "第 6 行", "学校标识码",
                     "学校不存在或不在您的管辖范围内"):
        assert expected in text, expected
    assert world.schools["b1"].name not in text
    assert not Guard.objects.exists()
    r = c.post(url, {"file": workbook(header, guard_rows(header, a1, [good]))})
    assert r.status_code == 200 and "新登记 1 条" in r.content.decode()
    assert Guard.objects.get().name == "吴保安"
    assert AuditLog.objects.filter(event="defense.bulk_guards").get().after["source"].startswith("excel:")
    before = AuditLog.objects.count()
    r = c.post(url, {"file": workbook(header, guard_rows(header, a1, [good]))})
    assert "1 条与已有记录相同未改动" in r.content.decode()
    assert Guard.objects.count() == 1 and AuditLog.objects.count() == before


def test_facility_and_equipment_imports(world, client_for):
    a2 = world.schools["a2"]
    c = client_for(world.users["edu_a"])
    header = template_header(c, "/defense/import/facilities/")
    row = {"学校标识码": a2.code, "围墙/护栏": "通透式护栏", "门卫值班室": "是", "封闭化管理": "否",
           "已安装防冲撞设施": "隔离栏、升降柱", "周边需设交通设施": "减速带"}
    r = c.post("/defense/import/facilities/", {"file": workbook(header, [[row.get(h) for h in header]])})
    assert r.status_code == 200, r.content.decode()[:2000]
    f = Facility.objects.get(school=a2)
    assert (f.enclosure_type, f.closed_management, f.anti_ramming_kinds) == ("fence", False, ["railing", "rising_bollard"])
    header = template_header(c, "/defense/import/equipment/")
    rows = [[{"学校标识码": a2.code, "装备类别": "防暴盾牌", "数量": 3}.get(h) for h in header],
            [{"学校标识码": a2.code, "装备类别": "防暴盾牌", "数量": -1}.get(h) for h in header]]
    r = c.post("/defense/import/equipment/", {"file": workbook(header, rows)})
    assert r.status_code == 400 and "第 3 行" in r.content.decode() and "非负整数" in r.content.decode()
    assert not Equipment.objects.filter(school=a2).exists()


def test_device_import_shows_each_secret_once(world, client_for):
    a1 = world.schools["a1"]
    c = client_for(world.users["security_a1"])
    url = "/devices/import/"
    header = template_header(c, url)
    row = {"学校标识码": a1.code, "设备类型": "视频监控摄像机", "安装位置": "校门口", "名称": "东门摄像机",
           "设备编号": "XLS-CAM-1", "安装日期": datetime.date(2024, 3, 1)}
    r = c.post(url, {"file": workbook(header, [[row.get(h) for h in header]])})
    assert r.status_code == 200, r.content.decode()[:3000]
    assert r["Cache-Control"] == "no-store"
    device = Device.objects.get(serial="XLS-CAM-1")
    from huxiao.devices.services import device_secret

    secret = device_secret(device)
    assert secret in r.content.decode()
    assert secret not in c.get(f"/devices/{device.pk}/").content.decode()
    again = c.post(url, {"file": workbook(header, [[row.get(h) for h in header]])})
    assert secret not in again.content.decode() and "密钥不再显示" in again.content.decode()
    assert Device.objects.count() == 1


@pytest.mark.parametrize("upload,message", [
    (SimpleUploadedFile("x.csv", b"a,b\n"), "不是 Excel"),
    (SimpleUploadedFile("x.xlsx", b"PK\x03\x04not really"), "无法读取文件"),
])
def test_a_file_that_is_not_the_template_is_refused_on_the_field(world, client_for, upload, message):
    c = client_for(world.users["edu_a"])
    r = c.post("/defense/import/guards/", {"file": upload})
    assert r.status_code == 400 and message in r.content.decode() and "is-invalid" in r.content.decode()
    assert not Guard.objects.exists()


def test_wrong_header_is_named(world, client_for):
    c = client_for(world.users["edu_a"])
    r = c.post("/devices/import/", {"file": workbook(["名称", "颜色"], [["x", "红"]])})
    text = r.content.decode()
    assert r.status_code == 400 and "缺少必填列" in text and "无法识别的列：颜色" in text


def test_import_pages_need_the_role(world, client_for):
    assert client_for(world.users["guard_a1"]).get("/defense/import/guards/").status_code == 403
    assert client_for(world.users["guard_a1"]).get("/devices/import/").status_code == 403
    assert client_for(world.users["edu_a"]).get("/defense/import/nothing/").status_code == 404
    assert client_for(None).get("/devices/import/").status_code == 302
