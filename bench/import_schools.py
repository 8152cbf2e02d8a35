"""Benchmark: importing 20,000 schools from the Excel template (all-or-nothing), next to the bare
bulk insert of the same rows. Target (issue 2): under a minute.

    [DATABASE_URL=…] .venv/bin/python bench/import_schools.py [--rows 20000]
"""

import argparse
import io
import random
import time

from _setup import use_database

parser = argparse.ArgumentParser()
parser.add_argument("--rows", type=int, default=20000)
args = parser.parse_args()
print("database:", use_database("huxiao_bench_import", fresh=True))

from openpyxl import Workbook  # noqa: E402

from huxiao.core.demo import seed_demo  # noqa: E402
from huxiao.core.importing import COLUMNS, read_rows, run_import, validate_rows, write_schools  # noqa: E402
from huxiao.core.models import ImportJob, School, Unit, User  # noqa: E402

seed_demo()
user = User.objects.get(username="admin")
rng = random.Random(1)
towns = ["320413001", "320413002", "320413101", "320413102", "320413103"]
stations = {"320413001": "东城派出所", "320413002": "西城派出所", "320413101": "金城派出所",
            "320413102": "儒林派出所", "320413103": "直溪派出所"}
wb = Workbook(write_only=True)
ws = wb.create_sheet("学校")
ws.append([c.header for c in COLUMNS])
for i in range(args.rows):
    town = towns[i % len(towns)]
    ws.append([f"2132{500000 + i:06d}", f"批量导入小学{i}", "小学", "公办", "城镇", "否", "否", rng.randint(100, 2000), 0,
               60, f"测试路 {i} 号", 119.6, 31.72, town, stations[town], "王校长", "13912345678", "李安保",
               "13812345678", "否", "07:20", "11:40", "16:30"])
buf = io.BytesIO()
wb.save(buf)
path = "var/bench_import.xlsx"
with open(path, "wb") as fh:
    fh.write(buf.getvalue())
print(f"file: {len(buf.getvalue()) / 1e6:.1f} MB, {args.rows} rows")

t0 = time.perf_counter()
job = run_import(ImportJob.objects.create(original_name="bench.xlsx", path=path, created_by=user))
total = time.perf_counter() - t0
assert job.status == "done", job.errors[:5]
print(f"import through the product (read + validate + write): {total:6.2f} s  ({args.rows / total:,.0f} rows/s)")

# baseline: the same rows, already parsed and validated, inserted with bulk_create alone
with open(path, "rb") as fh:
    rows = read_rows(fh)
rows = [(n, {**v, "学校标识码": "3" + str(v["学校标识码"])[1:]}) for n, v in rows]
t0 = time.perf_counter()
with open(path, "rb") as fh:
    read_rows(fh)
read_s = time.perf_counter() - t0
for _n, v in rows:
    v["学校类型"] = "初中"
    v["学校名称"] = "基线" + v["学校名称"]
t0 = time.perf_counter()
schools, errors = validate_rows(rows, user)
validate_s = time.perf_counter() - t0
assert not errors, errors[:3]
t0 = time.perf_counter()
write_schools(schools, user)
write_s = time.perf_counter() - t0
print(f"  of which: read Excel {read_s:5.2f} s, validate {validate_s:5.2f} s, bulk insert {write_s:5.2f} s (baseline)")
print(f"schools now: {School.objects.count()}, units: {Unit.objects.count()}")
print("meets target (< 60 s)" if total < 60 else "MISSES target")
