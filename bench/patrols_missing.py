"""Benchmark: "who is missing now" (counts.dashboard's list, the clock's 缺岗 alerts) for a province of
15,000 schools with one post each, at 16:40 on a school day when most windows were manned, next to the
same SQL statement run raw (a cursor, no ORM) in the same run. The day's duty slots are written first
(what the clock's day event does once a day; its time is reported on its own), and the answer is checked
against a raw SQL computation from the bells and check-ins themselves.

Targets (issue 15 item 10): p99 < 100 ms and ≤ 3× its raw SQL (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/patrols_missing.py
"""

import argparse
import datetime
import random
import time
import uuid

from _setup import report, timed, use_database

parser = argparse.ArgumentParser()
parser.add_argument("--schools", type=int, default=15000)
parser.add_argument("--n", type=int, default=100)
args = parser.parse_args()

print("database:", use_database("huxiao_bench_patrols_missing", fresh=True))

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from huxiao.core.choices import Ownership, SchoolType, Setting  # noqa: E402
from huxiao.core.models import Region, School, User  # noqa: E402
from huxiao.patrols import slots  # noqa: E402
from huxiao.patrols.missing import unmanned, unmanned_query  # noqa: E402
from huxiao.patrols.models import CheckIn, Person, Post  # noqa: E402

DAY = datetime.date(2026, 3, 11)  # a Wednesday in term
NOW = timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(16, 40)))
random.seed(15)
towns = list(Region.objects.filter(code__startswith="32", level="county").values_list("code", flat=True))
regions = Region.objects.in_bulk(towns)
schools = [School(code=f"B{i:09d}", name=f"测试学校{i}", region=regions[towns[i % len(towns)]],
                  district=regions[towns[i % len(towns)]],
                  region_code=towns[i % len(towns)], school_type=SchoolType.PRIMARY, ownership=Ownership.PUBLIC,
                  setting=Setting.URBAN, students=500, staff=40, address="测试路", latitude="31.7", longitude="119.5",
                  gate_open_time=datetime.time(7, 20), noon_dismissal_time=datetime.time(11, 40),
                  afternoon_dismissal_time=datetime.time(16, 30)) for i in range(args.schools)]
School.objects.bulk_create(schools, batch_size=2000)
schools = list(School.objects.filter(code__startswith="B"))
posts = Post.objects.bulk_create([
    Post(school=s, region_code=s.region_code, name="校门岗", kind="police", entered_latitude="31.7",
         entered_longitude="119.5", latitude=31.7, longitude=119.5) for s in schools], batch_size=2000)
user = User.objects.create(username="bench-missing")
people = Person.objects.bulk_create([Person(school=s, region_code=s.region_code, name="民警", kind="police",
                                            unit_name="派出所") for s in schools[:1]])
checks = []
for post in posts:  # 97% of windows manned: ~450 windows of 45,000 missing
    for window, hour in (("gate_open", 7), ("noon", 11), ("afternoon", 16)):
        if random.random() < 0.97:
            at = timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(hour, 10)))
            checks.append(CheckIn(school_id=post.school_id, region_code=post.region_code, post=post,
                                  person=people[0], kind="check_in", duty_date=DAY, window=window, device_time=at,
                                  client_key=uuid.uuid4(), body_hash="x", recorded_by=user))
CheckIn.objects.bulk_create(checks, batch_size=5000)
with connection.cursor() as cur:
    cur.execute("ANALYZE")
qs = Post.objects.filter(region_code__startswith="32")
t0 = time.perf_counter()
written = slots.write(DAY)
slots.ensure(DAY)
write_seconds = time.perf_counter() - t0
with connection.cursor() as cur:
    cur.execute("ANALYZE")
expected = len(unmanned(qs, DAY, NOW))
print(f"schools {len(schools):,}, posts {len(posts):,}, check-ins {len(checks):,}; missing now: {expected}")

CHECK = """
SELECT p.id, w.kind FROM patrols_post p JOIN core_school s ON s.id = p.school_id
CROSS JOIN LATERAL (VALUES ('gate_open', s.gate_open_time), ('noon', s.noon_dismissal_time),
                           ('afternoon', s.afternoon_dismissal_time)) AS w(kind, bell)
WHERE p.region_code LIKE '32%%' AND p.active AND w.bell IS NOT NULL
  AND %s::date + w.bell - make_interval(mins => p.lead_minutes) + make_interval(mins => p.grace_minutes) <= %s::timestamp
  AND NOT EXISTS (SELECT 1 FROM patrols_checkin c WHERE c.post_id = p.id AND c.duty_date = %s
                  AND c.kind = 'check_in' AND c."window" = w.kind)
"""


SAME_SQL, SAME_PARAMS = unmanned_query(qs, DAY, NOW).values_list(*slots.SLOT_COLUMNS).query.sql_with_params()


def raw():
    with connection.cursor() as cur:
        cur.execute(SAME_SQL, SAME_PARAMS)
        return cur.fetchall()


assert connection.vendor == "postgresql", "the raw SQL baseline is PostgreSQL's"
with connection.cursor() as cur:
    cur.execute(CHECK, [DAY, timezone.localtime(NOW).replace(tzinfo=None), DAY])
    assert len(cur.fetchall()) == expected == len(raw()), expected
print(f"the day's slots: {written:,} written in {write_seconds:.1f} s (once a day, by the clock's day event)")
server = timed(lambda: unmanned(qs, DAY, NOW), args.n, warmup=5)
baseline = timed(raw, args.n, warmup=5)
report(f"who is missing now: {args.schools:,} schools, {expected} windows missing", server, baseline,
       target="p99 < 100 ms and ≤ 3× raw SQL")
