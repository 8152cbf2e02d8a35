"""Benchmark: heartbeat ingestion through the real HTTP API (uvicorn, 2 workers) in signed batches of
1,000, next to the same rows written with raw COPY + one UPDATE per batch (PostgreSQL) or raw executemany
(SQLite) in the same run.

Target (issue 3): ≥ 20,000 heartbeats/s on this 2-core machine against PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/heartbeats.py
"""

import argparse
import datetime
import json
import time

from _setup import post_json, send_from_threads, start_uvicorn, use_database

parser = argparse.ArgumentParser()
parser.add_argument("--devices", type=int, default=20000)
parser.add_argument("--rounds", type=int, default=10, help="heartbeats per device")
parser.add_argument("--batch", type=int, default=1000)
parser.add_argument("--clients", type=int, default=4)
parser.add_argument("--workers", type=int, default=2)
args = parser.parse_args()

print("database:", use_database("huxiao_bench_heartbeats", fresh=True))

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from huxiao.core import crypto  # noqa: E402
from huxiao.core.demo import seed_demo  # noqa: E402
from huxiao.core.models import School  # noqa: E402
from huxiao.devices.heartbeats import entry_signature  # noqa: E402
from huxiao.devices.models import Device, Heartbeat  # noqa: E402

seed_demo()
schools = list(School.objects.all())
secret = "bench-secret-0123456789abcdef"
encrypted = crypto.encrypt(secret)
Device.objects.bulk_create([
    Device(school=schools[i % len(schools)], region_code=schools[i % len(schools)].region_code, kind="camera",
           location="gate", name=f"bench{i}", serial=f"BENCH{i:07d}", secret_encrypted=encrypted,
           supervision_window=datetime.timedelta(minutes=5)) for i in range(args.devices)], batch_size=5000)
serials = list(Device.objects.order_by("pk").values_list("serial", flat=True))
ids = list(Device.objects.order_by("pk").values_list("pk", flat=True))
print(f"devices: {len(serials)}; batches of {args.batch}; {args.rounds} rounds; {args.clients} client threads; "
      f"uvicorn workers: {args.workers}")

# --- bodies, signed before the clock starts ---------------------------------------------------------
t0 = int(timezone.now().timestamp()) - args.rounds - 5
rounds = []
for r in range(args.rounds):
    bodies = []
    for start in range(0, len(serials), args.batch):
        chunk = serials[start:start + args.batch]
        ts = t0 + r
        bodies.append(json.dumps({"heartbeats": [
            {"serial": s, "ts": ts, "sig": entry_signature(secret, s, ts)} for s in chunk]}).encode())
    rounds.append(bodies)
total = args.rounds * len(serials)

# --- the server ---------------------------------------------------------------------------------------
server, port = start_uvicorn(args.workers, "bench-hb")
errors = []


def post(conn, body):
    return post_json(conn, "/api/v1/devices/heartbeats", body)["accepted"]


def run_round(bodies):
    """Send one round's batches from several client threads (each device once per round)."""
    errors.extend(send_from_threads(port, bodies, post, args.clients))


try:
    start = time.perf_counter()
    for bodies in rounds:
        run_round(bodies)
    api_seconds = time.perf_counter() - start
finally:
    server.terminate()
    server.wait(timeout=20)
if errors:
    raise SystemExit(f"{len(errors)} failed batches, first: {errors[0]}")
stored = Heartbeat.objects.count()
assert stored == total, (stored, total)
api_rate = total / api_seconds

# --- baseline: the same rows, raw ------------------------------------------------------------------
Heartbeat.objects.all().delete()
Device.objects.update(last_seen_at=None)
now = timezone.now()
start = time.perf_counter()
with connection.cursor() as cur:
    raw = cur.cursor
    for r in range(args.rounds):
        at = datetime.datetime.fromtimestamp(t0 + r, tz=datetime.UTC)
        for i in range(0, len(ids), args.batch):
            chunk = ids[i:i + args.batch]
            if connection.vendor == "postgresql":
                with raw.connection.transaction():
                    with raw.copy("COPY devices_heartbeat (device_id, at, received_at, source) FROM STDIN "
                                  "(FORMAT BINARY)") as cp:
                        cp.set_types(["int8", "timestamptz", "timestamptz", "varchar"])
                        for pk in chunk:
                            cp.write_row((pk, at, now, "http"))
                    raw.execute("UPDATE devices_device AS d SET last_seen_at = v.at FROM unnest(%s::bigint[], "
                                "%s::timestamptz[]) AS v(id, at) WHERE d.id = v.id", (chunk, [at] * len(chunk)))
            else:
                raw.executemany("INSERT INTO devices_heartbeat (device_id, at, received_at, source) VALUES "
                                "(?, ?, ?, 'http')", [(pk, at.isoformat(), now.isoformat()) for pk in chunk])
                raw.executemany("UPDATE devices_device SET last_seen_at = ? WHERE id = ?",
                                [(at.isoformat(), pk) for pk in chunk])
                connection.commit() if not connection.in_atomic_block else None
raw_seconds = time.perf_counter() - start
raw_rate = total / raw_seconds
print(f"heartbeats: {total:,}")
print(f"  HTTP API  {api_rate:10,.0f} heartbeats/s  ({api_seconds:.2f} s, verified + stored + last_seen_at)")
print(f"  raw {'COPY' if connection.vendor == 'postgresql' else 'INSERT'}  {raw_rate:10,.0f} heartbeats/s  "
      f"({raw_seconds:.2f} s, rows + last_seen_at only)")
print(f"  ratio     {raw_rate / api_rate:5.2f}× raw is faster   target: ≥ 20,000/s through the API on PostgreSQL")
