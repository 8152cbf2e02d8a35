"""Benchmark: the hazard ledger at province scale — the overdue list of a city official and the regional
dashboard — through the real API stack (Django test client, session auth, jurisdiction filter,
serialisation), next to the equivalent raw SQL in the same run.

Target (issue 4): 1,000,000 hazards across a province; server ≤ 2× raw SQL, p99 < 200 ms on PostgreSQL.
Export (the record layer's "导出 Excel"): every hazard of a city (~77,000 rows of 1,000,000) through
``GET /api/v1/hazards/export``, next to the same rows read with raw SQL and written with plain openpyxl
write-only (no formula guard, no audit) — the library's own floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/hazards.py
    .venv/bin/python bench/hazards.py --hazards 100000      # SQLite, smaller

Hazards are written with COPY (PostgreSQL) or bulk inserts (SQLite) over 15,000 synthetic Jiangsu schools,
with a realistic mix of states: a third open, part of them overdue.
"""

import argparse
import datetime
import random
import time

from _setup import report, timed, use_database

parser = argparse.ArgumentParser()
parser.add_argument("--hazards", type=int, default=1_000_000)
parser.add_argument("--schools", type=int, default=15000)
parser.add_argument("-n", type=int, default=200)
parser.add_argument("--export-n", type=int, default=3, help="runs of the whole-city Excel export (0: none)")
args = parser.parse_args()
print("database:", use_database(f"huxiao_bench_hazards_{args.hazards}"))

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from huxiao.core.choices import Role, UnitKind, UnitLevel  # noqa: E402
from huxiao.core.demo_bulk import generate_schools  # noqa: E402
from huxiao.core.models import Region, RoleAssignment, School, Unit, User  # noqa: E402
from huxiao.hazards.models import Hazard  # noqa: E402

CITY = "3204"
COLUMNS = ("school_id", "region_code", "place", "description", "category", "severity", "source", "found_by_id",
           "found_on", "responsible_unit", "responsible_person", "measures", "deadline", "status", "escalation",
           "closed_at", "days_to_close", "created_at", "updated_at", "void_reason")
CATEGORIES = ["campus"] * 6 + ["area_internet_cafe", "area_rental", "traffic", "fire", "school_bus", "other"]
SOURCES = ["self_check"] * 4 + ["joint_inspection"] * 3 + ["inspector", "unannounced", "special", "patrol", "public"]


def setup_users():
    city = Region.objects.get(pk=CITY + "00")
    unit, _ = Unit.objects.get_or_create(region=city, kind=UnitKind.POLICE, name="基准市公安局",
                                         defaults={"level": UnitLevel.CITY})
    user, created = User.objects.get_or_create(username="bench_city", defaults={"full_name": "市局"})
    RoleAssignment.objects.get_or_create(user=user, role=Role.POLICE_SUPERVISOR, unit=unit)
    return user


def rows(n, schools, author, today, rng):
    now = timezone.now()
    for _ in range(n):
        school_id, region_code = rng.choice(schools)
        found = today - datetime.timedelta(days=rng.randint(0, 365))
        deadline = found + datetime.timedelta(days=rng.choice((7, 15, 30, 60)))
        roll = rng.random()
        status = "closed" if roll < 0.62 else "pending" if roll < 0.75 else "rectifying" if roll < 0.9 else "awaiting"
        closed_at = days = None
        if status == "closed":
            days = rng.randint(1, 70)
            closed_at = timezone.make_aware(datetime.datetime.combine(found + datetime.timedelta(days=days),
                                                                      datetime.time(10)))
        yield (school_id, region_code, "东侧围墙", "围墙高度不足 2 米", rng.choice(CATEGORIES),
               "major" if rng.random() < 0.08 else "general", rng.choice(SOURCES), author.pk, found, "学校", "校长",
               "", deadline, status, "", closed_at, days, now, now, "")


def fill(n):
    have = Hazard.objects.count()
    if have >= n:
        return
    author = User.objects.get_or_create(username="bench_author")[0]
    schools = list(School.objects.filter(region_code__startswith="32").values_list("pk", "region_code"))
    rng, today, left = random.Random(4), timezone.localdate(), n - have
    t0 = time.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            with cur.cursor.copy(f"COPY hazards_hazard ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows(left, schools, author, today, rng):
                    copy.write_row(row)
    else:
        batch = []
        for row in rows(left, schools, author, today, rng):
            batch.append(Hazard(**dict(zip(COLUMNS, row, strict=True))))
            if len(batch) == 20000:
                Hazard.objects.bulk_create(batch)
                batch = []
        Hazard.objects.bulk_create(batch)
    print(f"wrote {left:,} hazards in {time.perf_counter() - t0:.1f} s")


missing = args.schools - School.objects.filter(name__startswith="合成").count()
if missing > 0:
    generate_schools(missing, province="32")
fill(args.hazards)
if connection.vendor == "postgresql":
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE hazards_hazard")  # what autovacuum does after a bulk load
user = setup_users()
client = Client()
client.force_login(user)
today = timezone.localdate()
pg = connection.vendor == "postgresql"
total = Hazard.objects.count()
in_city = Hazard.objects.filter(region_code__startswith=CITY).count()
print(f"{total:,} hazards, {in_city:,} in city {CITY}00; overdue in city: "
      f"{Hazard.objects.overdue().filter(region_code__startswith=CITY).count():,}")


def server_overdue():
    r = client.get("/api/v1/hazards/?overdue=true&page_size=50")
    assert r.status_code == 200, r.content[:300]


OVERDUE_SQL = """
WITH page AS (
  SELECT id FROM hazards_hazard
  WHERE region_code LIKE %s AND status IN ('pending', 'rectifying') AND deadline < %s AND voided_at IS NULL
  ORDER BY deadline, id LIMIT 50)
SELECT h.id, h.school_id, h.found_by_id, h.place, h.description, h.category, h.severity, h.source, h.found_on,
       h.deadline, h.status, h.responsible_unit, h.responsible_person, h.measures, h.escalation, h.closed_at,
       h.region_code, s.name, u.full_name
FROM page JOIN hazards_hazard h ON h.id = page.id JOIN core_school s ON s.id = h.school_id
JOIN core_user u ON u.id = h.found_by_id ORDER BY h.deadline, h.id"""
COUNT_SQL = """SELECT count(*) FROM hazards_hazard h
WHERE h.region_code LIKE %s AND h.status IN ('pending', 'rectifying') AND h.deadline < %s AND h.voided_at IS NULL"""


def raw_overdue():
    with connection.cursor() as cur:
        cur.execute(OVERDUE_SQL, [CITY + "%", today])
        cur.fetchall()
        cur.execute(COUNT_SQL, [CITY + "%", today])
        cur.fetchone()


def server_dashboard():
    r = client.get("/api/v1/hazards/dashboard")
    assert r.status_code == 200, r.content[:300]


DASH_SQL = """
SELECT substr(region_code, 1, 6) g, count(*),
       count(*) FILTER (WHERE status IN ('pending', 'rectifying', 'awaiting')),
       count(*) FILTER (WHERE status IN ('pending', 'rectifying') AND deadline < %s),
       count(*) FILTER (WHERE status = 'closed'),
       count(*) FILTER (WHERE status IN ('pending', 'rectifying', 'awaiting') AND severity = 'major')
FROM hazards_hazard WHERE region_code LIKE %s AND voided_at IS NULL GROUP BY 1 ORDER BY 1"""
DASH_SQL_SQLITE = """
SELECT substr(region_code, 1, 6) g, count(*),
       sum(status IN ('pending', 'rectifying', 'awaiting')),
       sum(status IN ('pending', 'rectifying') AND deadline < %s),
       sum(status = 'closed'),
       sum(status IN ('pending', 'rectifying', 'awaiting') AND severity = 'major')
FROM hazards_hazard WHERE region_code LIKE %s AND voided_at IS NULL GROUP BY 1 ORDER BY 1"""
MEDIAN_SQL = """SELECT substr(region_code, 1, 6), percentile_cont(0.5) WITHIN GROUP (ORDER BY days_to_close)
FROM hazards_hazard WHERE region_code LIKE %s AND status = 'closed' AND days_to_close IS NOT NULL
  AND voided_at IS NULL GROUP BY 1"""
OVERALL_SQL = """SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY days_to_close)
FROM hazards_hazard WHERE region_code LIKE %s AND status = 'closed' AND days_to_close IS NOT NULL
  AND voided_at IS NULL"""


def raw_dashboard():
    with connection.cursor() as cur:
        cur.execute(DASH_SQL if pg else DASH_SQL_SQLITE, [today, CITY + "%"])
        cur.fetchall()
        if pg:
            cur.execute(MEDIAN_SQL, [CITY + "%"])
            cur.fetchall()
            cur.execute(OVERALL_SQL, [CITY + "%"])
            cur.fetchall()
        else:
            cur.execute("SELECT region_code, days_to_close FROM hazards_hazard WHERE region_code LIKE %s AND "
                        "status = 'closed' AND days_to_close IS NOT NULL AND voided_at IS NULL", [CITY + "%"])
            cur.fetchall()


def server_floor():
    r = client.get("/api/v1/me")
    assert r.status_code == 200


n_dash = max(20, args.n // 4)
floor = sorted(timed(server_floor, args.n))
print(f"framework floor (authenticated GET /api/v1/me): p50 {floor[len(floor) // 2]:.2f} ms")
report(f"overdue list, city official, page of 50 (n={args.n})", timed(server_overdue, args.n),
       timed(raw_overdue, args.n), "≤ 2× raw, p99 < 200 ms")
report(f"regional dashboard, city → districts (n={n_dash})", timed(server_dashboard, n_dash),
       timed(raw_dashboard, n_dash), "≤ 2× raw, p99 < 200 ms")


def server_export():
    r = client.get("/api/v1/hazards/export")
    assert r.status_code == 200, r.content[:300]
    size = sum(len(chunk) for chunk in r.streaming_content)
    assert size > 0


EXPORT_SQL = """SELECT h.id, s.name, h.region_code, h.place, h.description, h.category, h.severity, h.source,
       h.found_on, h.responsible_unit, h.responsible_person, h.deadline, h.status, h.escalation, h.closed_at
FROM hazards_hazard h JOIN core_school s ON s.id = h.school_id WHERE h.region_code LIKE %s AND h.voided_at IS NULL
ORDER BY h.created_at DESC, h.id DESC"""


def raw_export():
    import io

    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("raw")
    with connection.cursor() as cur:
        cur.execute(EXPORT_SQL, [CITY + "%"])
        while batch := cur.fetchmany(2000):
            for row in batch:
                ws.append([v.replace(tzinfo=None) if hasattr(v, "tzinfo") and v.tzinfo else v for v in row])
    wb.save(io.BytesIO())


if args.export_n:  # 0: the list and the dashboard only (what a commit before the export can be compared on)
    report(f"Excel export, all {in_city:,} hazards of the city (n={args.export_n})",
           timed(server_export, args.export_n, warmup=1), timed(raw_export, args.export_n, warmup=1),
           "≤ 2× plain openpyxl; no time-out at 100,000 rows")
