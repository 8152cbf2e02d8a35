"""Latency from a panel's send to the police console's receipt, 1,000 alarms in flight from 100 panels.

Real processes: the DC-09 receiver (``manage.py run_dc09_receiver``) and the web server (uvicorn, the
console's WebSocket) as subprocesses; 100 simulated panels each send 10 alarms at once on their
connection; one console (a district police supervisor) is connected over WebSocket. Latency of an
alarm = the console's receipt time − the time its panel sent it (same clock).

Baseline (the floor of the same machine): the same 1,000 rows inserted and committed in one batch
with raw SQL, plus one publish/receive round trip through the channel layer (Redis with REDIS_URL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/alarm_latency.py
"""

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time

from _setup import ROOT, percentiles, use_database
from alarm_world import free_port, make_panels, start_receiver, wait_for_port


def console_cookie():
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from huxiao.core.choices import Role, UnitKind, UnitLevel
    from huxiao.core.models import Region, RoleAssignment, Unit, User

    user, _ = User.objects.get_or_create(username="bench_console", defaults={"full_name": "基准接警员"})
    unit, _ = Unit.objects.get_or_create(name="基准测试分局", kind=UnitKind.POLICE, level=UnitLevel.COUNTY,
                                         region=Region.objects.get(pk="320413"))
    RoleAssignment.objects.get_or_create(user=user, role=Role.POLICE_SUPERVISOR, unit=unit)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


def start_web(port, env):
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "huxiao.asgi:application", "--host", "127.0.0.1",
                             "--port", str(port), "--no-access-log", "--log-level", "warning"], cwd=ROOT, env=env)
    return wait_for_port(proc, port, "web server")


async def run(args, panels, cookie, web_port, dc09_port):
    from websockets.asyncio.client import connect

    from huxiao.alarms.dc09.frames import build
    from huxiao.alarms.feed import last_event_id

    after = await asyncio.get_running_loop().run_in_executor(None, last_event_id)
    sent, received = {}, {}
    total = len(panels) * args.per_panel
    done, warm = asyncio.Event(), asyncio.Event()
    url = f"ws://127.0.0.1:{web_port}/ws/alarms/?after={after}"
    async with connect(url, additional_headers={"Cookie": f"sessionid={cookie}",
                                                "Origin": f"http://127.0.0.1:{web_port}"}) as ws:
        async def console():
            async for raw in ws:
                now = time.time()
                msg = json.loads(raw)
                for e in msg.get("events", []):
                    if e["kind"] == "received":
                        key = (e["alarm"]["device"]["serial"], e["alarm"]["zone"])
                        received.setdefault(key, now)
                if len(received) >= len(panels):
                    warm.set()
                if len(received) >= total:
                    done.set()
                    return

        listener = asyncio.create_task(console())
        await asyncio.sleep(0.5)

        async def panel(account, key, round_no, zones):
            reader, writer = await asyncio.open_connection("127.0.0.1", dc09_port)
            frames = [build(account, seq=round_no * 100 + i, code="PA", zone=str(zone), key=key)
                      for i, zone in enumerate(zones)]
            t = time.time()
            writer.write(b"".join(frames))
            await writer.drain()
            for zone in zones:
                sent[(f"BENCH-{account}", str(zone))] = t
            acks = 0
            while acks < len(zones):
                acks += (await reader.readuntil(b"\r")).count(b"ACK")
            writer.close()

        # warm-up (not counted): one alarm per panel, as a long-running receiver and console would be warm
        await asyncio.gather(*(panel(a, k, args.round, [99]) for a, k in panels))
        await asyncio.wait_for(warm.wait(), 60)
        sent.clear()
        received.clear()
        zones = list(range(1, args.per_panel + 1))
        t0 = time.perf_counter()
        await asyncio.gather(*(panel(a, k, args.round, zones) for a, k in panels))
        ack_all = time.perf_counter() - t0
        await asyncio.wait_for(done.wait(), 60)
        listener.cancel()
    return [(received[k] - sent[k]) * 1000 for k in sent], ack_all


def floor(n):
    """One batch of the same rows by raw SQL (COPY on PostgreSQL) in one transaction, plus one channel-layer
    publish/receive round trip."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer
    from django.db import connection, transaction
    from django.utils import timezone

    from huxiao.alarms.models import Alarm

    alarm = Alarm.objects.order_by("-id").first()
    table = Alarm._meta.db_table
    cols = ["school_id", "region_code", "device_id", "source", "dedup_key", "code", "label", "category", "zone",
            "message", "is_test", "raw", "occurred_at", "received_at", "status", "dispatch_officer", "disposition",
            "notes", "escalation_level"]
    now = timezone.now()
    stamp = time.time_ns()
    rows = [(alarm.school_id, alarm.region_code, alarm.device_id, "dc09", f"floor:{stamp}:{i}", "PA", "紧急报警",
             "emergency", str(i), "", False, "", now, now, "received", "", "", "", 0) for i in range(n)]
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":  # raw COPY, the fastest way in
            with cur.cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cur.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})",
                            rows)
    t_insert = time.perf_counter() - t0
    Alarm.objects.filter(dedup_key__startswith=f"floor:{stamp}:").delete()

    async def roundtrip():
        layer = get_channel_layer()
        channel = await layer.new_channel()
        await layer.group_add("bench-floor", channel)
        t = time.perf_counter()
        await layer.group_send("bench-floor", {"type": "x"})
        await layer.receive(channel)
        return time.perf_counter() - t

    t_pub = async_to_sync(roundtrip)()
    return (t_insert + t_pub) * 1000, t_insert * 1000, t_pub * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--panels", type=int, default=100)
    parser.add_argument("--per-panel", type=int, default=10)
    parser.add_argument("--round", type=int, default=int(time.time()) % 90)
    args = parser.parse_args()
    desc = use_database("huxiao_bench_alarm_latency", fresh=True)
    layer = "Redis" if os.environ.get("REDIS_URL") else "in-memory (consoles poll the database every 0.25 s)"
    print(f"alarm latency on {desc}, channel layer {layer}")
    panels = make_panels(args.panels, prefix="C")
    cookie = console_cookie()
    env = {"DATABASE_URL": os.environ["DATABASE_URL"]}
    web_port, dc09_port = free_port(), free_port()
    web = start_web(web_port, dict(os.environ, **env))
    receiver = start_receiver(dc09_port, env)
    try:
        latencies, ack_all = asyncio.run(run(args, panels, cookie, web_port, dc09_port))
    finally:
        receiver.terminate()
        web.terminate()
        receiver.wait(10)
        web.wait(10)
    p50, p99 = percentiles(latencies)
    f, f_insert, f_pub = floor(len(latencies))
    print(f"{len(latencies)} alarms from {args.panels} panels in flight; all acknowledged in {ack_all * 1000:.0f} ms")
    print(f"  send → console   p50 {p50:7.1f} ms   p99 {p99:7.1f} ms   max {max(latencies):7.1f} ms")
    print(f"  floor            {f:7.1f} ms  (raw SQL batch insert+commit {f_insert:.1f} ms + publish/receive "
          f"{f_pub:.2f} ms)")
    print(f"  ratio p99/floor  {p99 / f:5.2f}×   target: p99 ≤ 200 ms and ≤ 3× the floor on PostgreSQL + Redis")


if __name__ == "__main__":
    main()
