"""Latency from a panel's send to the police console's receipt, 1,000 alarms in flight from 100 panels.

Real processes: the DC-09 receiver (``manage.py run_dc09_receiver``) and the web server (uvicorn, the
console's WebSocket) as subprocesses; 100 simulated panels, connected and with their frames built,
each send 10 alarms at the same moment on their connection; one console (a district police supervisor) is connected over WebSocket. Latency of an
alarm = the console's receipt time − the time its panel sent it (same clock).

Baseline (the floor of the same machine): the same 1,000 rows inserted and committed in one batch
with raw SQL, plus one publish/receive round trip through the channel layer (Redis with REDIS_URL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/alarm_latency.py
"""

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time

import orjson
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
    waiting = {"count": len(panels), "event": asyncio.Event()}  # how many receipts the current burst awaits
    url = f"ws://127.0.0.1:{web_port}/ws/alarms/?after={after}"
    async with connect(url, additional_headers={"Cookie": f"sessionid={cookie}",
                                                "Origin": f"http://127.0.0.1:{web_port}"}) as ws:
        async def console():
            async for raw in ws:
                now = time.time()
                msg = orjson.loads(raw)  # a browser parses natively too
                devices = msg.get("devices", {})  # each device's card once per message
                for e in msg.get("events", []):
                    if e["kind"] == "received":
                        key = (devices[str(e["alarm"]["device"])]["serial"], e["alarm"]["zone"])
                        received.setdefault(key, now)
                if len(received) >= waiting["count"]:
                    waiting["event"].set()

        listener = asyncio.create_task(console())
        await asyncio.sleep(0.5)

        async def panel(account, key, round_no, zones, ready, go):
            """A panel: connected, its frames built (the panel's own work), then all sent at once on ``go``."""
            reader, writer = await asyncio.open_connection("127.0.0.1", dc09_port)
            data = b"".join(build(account, seq=round_no * 100 + i, code="PA", zone=str(zone), key=key)
                            for i, zone in enumerate(zones))
            ready()
            await go.wait()
            t = time.time()
            writer.write(data)
            await writer.drain()
            for zone in zones:
                sent[(f"BENCH-{account}", str(zone))] = t
            acks = 0
            while acks < len(zones):  # a panel reads what came, as many answers as are there
                data = await reader.read(65536)
                if not data:
                    raise ConnectionError("receiver closed the connection")
                acks += data.count(b'"ACK"')
            writer.close()

        async def burst(zones):
            """Every panel connects and builds its frames; then all send together. Returns the time from
            the first send to the last ACK."""
            go, ready = asyncio.Event(), [0]

            def one_ready():
                ready[0] += 1
                if ready[0] == len(panels):
                    go.set()

            tasks = [asyncio.create_task(panel(a, k, args.round, zones, one_ready, go)) for a, k in panels]
            await go.wait()
            t0 = time.perf_counter()
            await asyncio.gather(*tasks)
            return time.perf_counter() - t0

        async def measured(zones):
            sent.clear()
            received.clear()
            waiting["count"], waiting["event"] = len(panels) * len(zones), asyncio.Event()
            ack_all = await burst(zones)
            await asyncio.wait_for(waiting["event"].wait(), 60)
            return [(received[k] - sent[k]) * 1000 for k in sent], ack_all

        # warm-up (not counted): one alarm per panel, as a long-running receiver and console would be warm
        await measured([99])
        await asyncio.sleep(0.5)
        results = []
        for b in range(args.bursts):
            results.append(await measured(list(range(1 + b * 100, 1 + b * 100 + args.per_panel))))
            await asyncio.sleep(0.5)  # the burst's commits and pushes settle
        listener.cancel()
    return results


def floor(n):
    """One batch of the same rows by raw SQL (COPY on PostgreSQL) in one transaction, plus one channel-layer
    publish/receive round trip. The rows are copies of the last burst's alarms (their devices, raw frames
    and key lengths), under new dedup keys of the same length."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer
    from django.db import connection, transaction

    from huxiao.alarms.intake import ALARM_COLS as cols
    from huxiao.alarms.models import Alarm

    table = Alarm._meta.db_table
    stamp = time.time_ns()
    key = cols.index("dedup_key")
    rows = [list(row) for row in Alarm.objects.filter(source="dc09").order_by("-id").values_list(*cols)[:n]]
    for i, row in enumerate(rows):
        suffix = f"#{stamp}:{i}"
        row[key] = row[key][:max(0, len(row[key]) - len(suffix))] + suffix
    names = ", ".join(connection.ops.quote_name(c) for c in cols)  # "user" is a reserved word
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":  # raw COPY, the fastest way in
            with cur.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cur.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(cols))})",
                            rows)
    t_insert = time.perf_counter() - t0
    Alarm.objects.filter(dedup_key__contains=f"#{stamp}:").delete()

    async def roundtrip():
        layer = get_channel_layer()
        channel = await layer.new_channel()
        await layer.group_add("bench-floor", channel)
        await layer.group_send("bench-floor", {"type": "x"})  # first the subscription is live, as a hub's is
        await layer.receive(channel)
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
    parser.add_argument("--bursts", type=int, default=3)
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
        from huxiao.alarms.dc09.server import run_event_loop

        # the simulated panels and console on uvloop, as the receiver: they share the machine with what is measured
        results = run_event_loop(run(args, panels, cookie, web_port, dc09_port))
    finally:
        receiver.terminate()
        web.terminate()
        receiver.wait(10)
        web.wait(10)
    n = len(results[0][0])
    print(f"{args.bursts} bursts of {n} alarms from {args.panels} panels in flight ({args.per_panel} each, sent at once)")
    p99s = []
    for i, (latencies, ack_all) in enumerate(results, 1):
        p50, p99 = percentiles(latencies)
        p99s.append(p99)
        print(f"  burst {i}: all acknowledged after {ack_all * 1000:6.1f} ms; send → console p50 {p50:6.1f} ms   "
              f"p99 {p99:6.1f} ms   max {max(latencies):6.1f} ms")
    floors = sorted(floor(n) for _ in range(5))
    f, f_insert, f_pub = floors[2]
    p99 = statistics.median(p99s)
    print(f"  floor (median of 5) {f:6.1f} ms  (raw SQL batch insert+commit {f_insert:.1f} ms + publish/receive "
          f"{f_pub:.2f} ms; all five: {', '.join(f'{x[0]:.1f}' for x in floors)})")
    print(f"  median p99 {p99:6.1f} ms;  ratio median p99 / floor {p99 / f:5.2f}×   "
          f"target: p99 ≤ 200 ms and ≤ 3× the floor on PostgreSQL + Redis")


if __name__ == "__main__":
    main()
