"""Benchmark: the school list of a city official (first page with the total count) in a province of
15,000 schools — server time through the real API stack next to the same two queries in raw SQL.

Target (issue 2): ≤ 2× raw SQL and p99 < 50 ms on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/scoping.py [--schools 15000]
"""

import argparse
import sys

from _setup import report, timed, use_database

parser = argparse.ArgumentParser()
parser.add_argument("--schools", type=int, default=15000)
parser.add_argument("-n", type=int, default=300)
args = parser.parse_args()

print("database:", use_database("huxiao_bench_scoping"))

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from huxiao.core import services  # noqa: E402
from huxiao.core.demo import demo_loaded, seed_demo  # noqa: E402
from huxiao.core.demo_bulk import generate_schools  # noqa: E402
from huxiao.core.models import School, User  # noqa: E402

if not demo_loaded():
    seed_demo()
missing = args.schools - School.objects.filter(name__startswith="合成").count()
if missing > 0:
    generate_schools(missing, province="32")
with connection.cursor() as cur:
    if connection.vendor == "postgresql":
        cur.execute("ANALYZE core_school")
print(f"schools in the province: {School.objects.filter(region_code__startswith='32').count()}")

official = User.objects.get(username="shiju")  # 常州市公安局
# police tokens need a confirmed second factor first
TOTPDevice.objects.get_or_create(user=official, name="bench", defaults={"confirmed": True})
_token, raw = services.do_issue_token(official, "bench", actor=official)
client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
url = "/api/v1/schools?page=1&page_size=50"
first = client.get(url)
assert first.status_code == 200, first.content
count = first.json()["count"]
print(f"city official sees {count} schools; first page {len(first.json()['items'])} rows")

with CaptureQueriesContext(connection) as ctx:
    client.get(url)
school_queries = [q["sql"] for q in ctx.captured_queries if 'FROM "core_school"' in q["sql"]]
assert len(school_queries) == 2, school_queries  # the page and the count, nothing per row


def server():
    """One request through the whole stack; the server's own time from its Server-Timing header."""
    r = client.get(url)
    assert r.status_code == 200
    return float(r["Server-Timing"].split("dur=")[1])


def raw_sql():
    with connection.cursor() as cur:
        for sql in school_queries:
            cur.execute(sql)
            cur.fetchall()


for _ in range(20):
    server()
server_ms = [server() for _ in range(args.n)]
raw_ms = timed(raw_sql, args.n)
s50, s99, b50, b99 = report("school list, city official, first page + total count", server_ms, raw_ms,
                            "≤ 2× raw, p99 < 50 ms (PostgreSQL)")
ok = s99 < 50 and s50 / b50 <= 2
print("meets target" if ok else "MISSES target")
sys.exit(0)
