"""Benchmark: check-ins through the real API bulk sync (batches of 100 queued check-ins, as phones send
them after being offline) over uvicorn (ASGI, 2 workers) with API tokens — the real auth path — next to a
raw INSERT of the same rows in the same run. After the timed run, the first batches are sent again:
every item must come back "replayed" and nothing is stored twice.

Target (issue 15 item 10): ≥ 2,000 check-ins/s on this 2-core machine.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/patrols_ingest.py
"""

import argparse
import datetime
import json
import time
import uuid

from _setup import post_json, send_from_threads, start_uvicorn, use_database

parser = argparse.ArgumentParser()
parser.add_argument("--batches", type=int, default=200, help="batches of --batch check-ins")
parser.add_argument("--batch", type=int, default=100)
parser.add_argument("--clients", type=int, default=4)
parser.add_argument("--workers", type=int, default=2)
args = parser.parse_args()

print("database:", use_database("huxiao_bench_patrols_ingest", fresh=True))

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from huxiao.core.actions import SYSTEM  # noqa: E402
from huxiao.core.choices import Role  # noqa: E402
from huxiao.core.demo import seed_demo  # noqa: E402
from huxiao.core.models import AuditLog, RoleAssignment  # noqa: E402
from huxiao.core.services import do_issue_token  # noqa: E402
from huxiao.patrols import services  # noqa: E402
from huxiao.patrols.models import CheckIn, Person, Post  # noqa: E402

seed_demo()
guards = []  # (token, post) of each guard of a school: one phone each
for ra in RoleAssignment.objects.filter(role=Role.GUARD, unit__school__isnull=False).select_related(
        "user", "unit__school")[:20]:
    school = ra.unit.school
    if school.latitude is None:
        continue
    post = Post.objects.filter(school=school).first() or services.do_create_post(school, {
        "name": "校门护学岗", "kind": "school", "latitude": float(school.latitude),
        "longitude": float(school.longitude)}, actor=SYSTEM)
    if not Person.objects.filter(user=ra.user).exists():
        person = services.do_register_person(school, {"name": "保安", "kind": "security", "unit_name": "保安公司"},
                                             actor=SYSTEM)
        Person.objects.filter(pk=person.pk).update(user=ra.user)
    _token, raw = do_issue_token(ra.user, "bench", actor=SYSTEM)
    guards.append((raw, post))
if not guards:
    raise SystemExit("the demo has no guard accounts at schools with coordinates")
CheckIn.objects.all().delete()
print(f"phones (guard accounts with a post): {len(guards)}; {args.batches} batches of {args.batch}; "
      f"{args.clients} client threads; uvicorn workers: {args.workers}")

# --- bodies, made before the clock starts: a day's queue, each check-in its own UUID ---------------------
day = timezone.localdate() - datetime.timedelta(days=1)
bodies = []
for b in range(args.batches):
    token, post = guards[b % len(guards)]
    items = []
    for i in range(args.batch):
        at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(6, 0))) + datetime.timedelta(
            seconds=(b * args.batch + i) % 50000)
        items.append({"client_key": str(uuid.uuid4()), "post_id": post.pk, "kind": "patrol", "mode": "foot",
                      "device_time": at.isoformat(), "latitude": post.latitude + 0.0003 * (i % 3),
                      "longitude": post.longitude, "accuracy_m": 12.0})
    bodies.append((token, json.dumps({"items": items, "device": str(uuid.uuid4()), "pending": args.batch,
                                      "post_id": post.pk}).encode()))
total = args.batches * args.batch

# --- the server ---------------------------------------------------------------------------------------
server, port = start_uvicorn(args.workers, "bench-pi")
errors, answers = [], []


def post(conn, item):
    token, body = item
    answers.append(post_json(conn, "/api/v1/patrols/check-ins/sync", body, {"Authorization": f"Bearer {token}"}))


def run(batches):
    errors.extend(send_from_threads(port, batches, post, args.clients))


try:
    run(bodies[:4])  # warm-up: each worker's first request (imports, connections); not timed, not counted
    warm = sum(a["stored"] for a in answers)
    answers.clear()
    start = time.perf_counter()
    run(bodies[4:])
    api_seconds = time.perf_counter() - start
    stored_timed = sum(a["stored"] for a in answers)
    answers.clear()
    run(bodies[:10])  # the same batches again: replayed, never stored twice
    replayed = sum(a["replayed"] for a in answers)
finally:
    server.terminate()
    server.wait(timeout=20)
if errors:
    raise SystemExit(f"{len(errors)} failed batches, first: {errors[0]}")
timed = total - 4 * args.batch
assert CheckIn.objects.count() == total == warm + stored_timed, (CheckIn.objects.count(), total)
assert replayed == 10 * args.batch, replayed
assert AuditLog.objects.filter(event="patrols.check_in").count() == args.batches  # one audit entry per request that stored check-ins; replays store none
api_rate = timed / api_seconds

# --- baseline: the same rows, raw INSERT in batches of 100, one transaction each ----------------------
rows = list(CheckIn.objects.order_by("pk").values_list(
    "school_id", "region_code", "post_id", "person_id", "kind", "mode", "duty_date", "window", "device_time",
    "received_at", "latitude", "longitude", "accuracy_m", "distance_m", "late", "outside_fence", "large_skew",
    "body_hash", "note", "recorded_by_id", "evidence"))
CheckIn.objects.all().delete()
columns = ("school_id, region_code, post_id, person_id, kind, mode, duty_date, \"window\", device_time, received_at, "
           "latitude, longitude, accuracy_m, distance_m, late, outside_fence, large_skew, body_hash, note, "
           "recorded_by_id, evidence, client_key")
sql = f"INSERT INTO patrols_checkin ({columns}) VALUES ({', '.join(['%s'] * 22)})"
start = time.perf_counter()
for i in range(0, timed, args.batch):
    chunk = [(*r, uuid.uuid4().hex if connection.vendor == "sqlite" else uuid.uuid4()) for r in rows[i:i + args.batch]]
    with transaction.atomic(), connection.cursor() as cur:
        cur.executemany(sql, chunk)
raw_seconds = time.perf_counter() - start
raw_rate = timed / raw_seconds
print(f"check-ins: {timed:,} timed (+{4 * args.batch} warm-up); replayed batches: {replayed} items, none stored twice")
print(f"  API sync  {api_rate:10,.0f} check-ins/s  ({api_seconds:.2f} s: token auth, validated, flagged, audited)")
print(f"  raw INSERT{raw_rate:10,.0f} check-ins/s  ({raw_seconds:.2f} s, the rows only)")
print(f"  ratio     {raw_rate / api_rate:5.2f}× raw is faster   target: ≥ 2,000/s through the API")
