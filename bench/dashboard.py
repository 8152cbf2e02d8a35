"""Benchmark: the compliance dashboard's rates (every rule, for the region and each sub-region) through
the real API stack, next to the raw GROUP BY over the evaluation table in the same run.

Targets (issue 3): a province of 15,000 schools p99 < 100 ms; 520,000 schools < 1.5 s on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/dashboard.py --schools 15000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/dashboard.py --schools 520000

The 15,000-school evaluation table is produced by the real rule engine (its throughput is printed); for
520,000 schools the table is filled by one INSERT … SELECT with a deterministic pseudo-random status per
school and rule (the engine would take minutes; the dashboard query does not care who wrote the rows).
"""

import argparse
import sys
import time

from _setup import percentiles, report, use_database

parser = argparse.ArgumentParser()
parser.add_argument("--schools", type=int, default=15000)
parser.add_argument("-n", type=int, default=200)
args = parser.parse_args()
national = args.schools > 20000
print("database:", use_database(f"huxiao_bench_dashboard_{args.schools}"))

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from huxiao.compliance.models import Campaign, RuleStatus  # noqa: E402
from huxiao.compliance.services import evaluate_schools, rebuild_counts, sync_campaigns  # noqa: E402
from huxiao.core import services  # noqa: E402
from huxiao.core.demo import demo_loaded, seed_demo  # noqa: E402
from huxiao.core.demo_bulk import generate_schools  # noqa: E402
from huxiao.core.models import School, User  # noqa: E402

if not demo_loaded():
    seed_demo()
sync_campaigns()
missing = args.schools - School.objects.filter(name__startswith="合成").count()
if missing > 0:
    generate_schools(missing, province=None if national else "32")
campaign = Campaign.objects.get(code="gbt29315-2022" if national else "jiangsu-2019")
rules = [r.id for r in campaign.ruleset.rules]
if RuleStatus.objects.filter(campaign=campaign).count() < args.schools * len(rules) * 0.9:
    RuleStatus.objects.filter(campaign=campaign).delete()
    if not national:
        schools = list(School.objects.filter(region_code__startswith="32").order_by("pk"))
        t0 = time.perf_counter()
        written = evaluate_schools(schools, campaigns=[campaign])
        secs = time.perf_counter() - t0
        print(f"rule engine: {written:,} evaluations of {len(schools):,} schools in {secs:.1f} s "
              f"({written / secs:,.0f}/s)")
    else:
        values = ",".join(f"('{r}')" for r in rules)
        with connection.cursor() as cur:
            cur.execute(f"""
                INSERT INTO compliance_rulestatus (campaign_id, rule_id, school_id, region_code, status, reason,
                                                   evaluated_at)
                SELECT %s, r.id, s.id, s.region_code,
                       CASE WHEN abs(hashtext(s.id::text || r.id)) %% 10 < 7 THEN 'met'
                            WHEN abs(hashtext(s.id::text || r.id)) %% 10 < 9 THEN 'not_met' ELSE 'na' END,
                       '合成', %s
                FROM core_school s CROSS JOIN (VALUES {values}) AS r(id)""", [campaign.pk, timezone.now()])
    t0 = time.perf_counter()
    counters = rebuild_counts(campaign)
    print(f"region counters rebuilt: {counters:,} rows in {time.perf_counter() - t0:.1f} s")
from huxiao.compliance.models import RegionRuleCount  # noqa: E402

if not RegionRuleCount.objects.filter(campaign=campaign).exists():
    rebuild_counts(campaign)
if connection.vendor == "postgresql":
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE compliance_rulestatus")
        cur.execute("VACUUM ANALYZE compliance_regionrulecount")
rows = RuleStatus.objects.filter(campaign=campaign).count()
print(f"campaign {campaign.code}: {rows:,} evaluation rows, {len(rules)} rules")

if national:
    viewer = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("benchroot", "", "x")
    region, length, prefix = "000000", 2, ""
else:
    viewer = User.objects.get(username="admin")  # province sysadmin (江苏, "32")
    region, length, prefix = "320000", 4, "32"
_token, raw = services.do_issue_token(viewer, "bench", actor=viewer)
client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
url = f"/api/v1/compliance/rates?region={region}&campaign={campaign.code}"
first = client.get(url)
assert first.status_code == 200, first.content
body = first.json()
print(f"{body['region_name']}: {len(body['rules'])} rules × {len(body['rules'][0]['sub_regions'])} sub-regions; "
      f"first rule {body['rules'][0]['met']:,}/{body['rules'][0]['applicable']:,}")


def server():
    r = client.get(url)
    assert r.status_code == 200
    return float(r["Server-Timing"].split("dur=")[1])


# the baseline: the same figures straight from the per-school evaluation table, one raw GROUP BY
SQL = ("SELECT substr(region_code, 1, %s), rule_id, status, count(*) FROM compliance_rulestatus "
       "WHERE campaign_id = %s AND region_code LIKE %s AND status <> 'na' GROUP BY 1, 2, 3")


def raw_sql():
    with connection.cursor() as cur:
        cur.execute(SQL, [length, campaign.pk, prefix + "%"])
        cur.fetchall()


# and the query the server runs, raw: the same GROUP BY over the region counters
SQL_COUNTS = ("SELECT substr(region_code, 1, %s), rule_id, sum(applicable), sum(met) FROM compliance_regionrulecount "
              "WHERE campaign_id = %s AND region_code LIKE %s GROUP BY 1, 2")


def raw_counts():
    with connection.cursor() as cur:
        cur.execute(SQL_COUNTS, [length, campaign.pk, prefix + "%"])
        cur.fetchall()


n = args.n if not national else max(10, args.n // 10)
for _ in range(3 if national else 20):
    server()
server_ms = [server() for _ in range(n)]
raw_ms = []
for _ in range(n):
    t0 = time.perf_counter()
    raw_sql()
    raw_ms.append((time.perf_counter() - t0) * 1000)
counts_ms = []
for _ in range(n):
    t0 = time.perf_counter()
    raw_counts()
    counts_ms.append((time.perf_counter() - t0) * 1000)
target = "p99 < 1500 ms (PostgreSQL)" if national else "p99 < 100 ms (PostgreSQL)"
print("baseline 1: raw GROUP BY over the per-school evaluation table (what a naive dashboard would run)")
report(f"compliance rates, {body['region_name']}, {args.schools:,} schools", server_ms, raw_ms, target)
print("baseline 2: the server's own query in raw SQL (GROUP BY over the region counters)")
report(f"compliance rates, {body['region_name']}, {args.schools:,} schools", server_ms, counts_ms)
s50, s99 = percentiles(server_ms)
ok = s99 < (1500 if national else 100)
print("meets target" if ok else "MISSES target")
sys.exit(0)
