"""Fault test: SIGKILL the DC-09 receiver in the middle of a burst, restart it, and prove that every
acknowledged alarm is stored exactly once.

100 panels (``--panels``) send ``--alarms`` alarms in total, each waiting for its answer and retrying
the identical frame on NAK, timeout or a dropped connection, as real panels do. When ``--kill-at`` of
the alarms are acknowledged the receiver is killed with SIGKILL (no chance to flush anything) and
started again. Exit status 0 only when: every alarm was eventually acknowledged, every acknowledged
alarm is in the database, and nothing is stored twice.

    .venv/bin/python bench/alarm_fault.py                 # 10,000 alarms (SQLite, or PostgreSQL with DATABASE_URL)
    .venv/bin/python bench/alarm_fault.py --alarms 1000   # the suite's size (tests/alarms/test_fault.py)
"""

import argparse
import asyncio
import os
import signal
import sys
import time

from _setup import use_database
from alarm_world import exchange, free_port, make_panels, start_receiver


async def burst(port, panels, per_panel, state):
    from huxiao.alarms.dc09.frames import build

    async def panel(account, key, start):
        conn = {}
        for i in range(per_panel):
            seq = start + i
            data = build(account, seq=seq, code="PA" if i % 2 else "BA", zone=str(i % 8 + 1), key=key)
            while True:
                answer = await exchange(port, data, conn)
                if answer == "ACK":
                    state["acked"].add((account, f"{seq:04d}"))
                    break
                state["retries"] += 1
                await asyncio.sleep(0.05)

    await asyncio.gather(*(panel(a, k, 1) for a, k in panels))


async def main_async(args, port, env, panels):
    per_panel = args.alarms // args.panels
    state = {"acked": set(), "retries": 0, "kills": 0, "proc": start_receiver(port, env)}
    t0 = time.perf_counter()

    async def killer():
        while len(state["acked"]) < args.kill_at * args.alarms:
            await asyncio.sleep(0.005)
        os.kill(state["proc"].pid, signal.SIGKILL)
        state["proc"].wait()
        state["kills"] += 1
        state["killed_after"] = len(state["acked"])
        await asyncio.sleep(args.down)
        state["proc"] = await asyncio.get_running_loop().run_in_executor(None, start_receiver, port, env)

    kill_task = asyncio.create_task(killer())
    await asyncio.wait_for(burst(port, panels, per_panel, state), args.timeout)
    await kill_task
    state["elapsed"] = time.perf_counter() - t0
    state["proc"].terminate()
    state["proc"].wait(10)
    return state, per_panel


def verify(state, args, per_panel):
    from django.db.models import Count

    from huxiao.alarms.models import Alarm

    rows = list(Alarm.objects.filter(dedup_key__startswith="dc09:E").values_list("dedup_key", flat=True))
    keys = [(k.split(":")[1], k.split(":")[2]) for k in rows]  # dc09:<account>:<sequence>:<token>:<event>
    stored = set(keys)
    dupes = len(keys) - len(stored)
    per_key = Alarm.objects.filter(dedup_key__startswith="dc09:E").values("dedup_key").annotate(
        n=Count("id")).filter(n__gt=1).count()
    missing = state["acked"] - stored
    expected = args.panels * per_panel
    print(f"alarms sent {expected}, acknowledged {len(state['acked'])}, stored {len(rows)}, "
          f"receiver killed {state['kills']}× with SIGKILL after {state.get('killed_after')} ACKs, "
          f"panel retries {state['retries']}, {state['elapsed']:.1f} s")
    print(f"acknowledged but not stored: {len(missing)}; stored twice: {dupes + per_key}; "
          f"stored but never acknowledged: {len(stored - state['acked'])}")
    return not missing and not dupes and not per_key and len(state["acked"]) == expected and state["kills"] == 1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--alarms", type=int, default=10_000)
    parser.add_argument("--panels", type=int, default=100)
    parser.add_argument("--kill-at", type=float, default=0.4)
    parser.add_argument("--down", type=float, default=0.5, help="seconds the receiver stays dead")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--database", default="huxiao_bench_alarm_fault")
    parser.add_argument("--drop", action="store_true", help="drop the database afterwards")
    args = parser.parse_args()
    desc = use_database(args.database, fresh=True)
    print(f"fault test on {desc}")
    env = {"DATABASE_URL": os.environ["DATABASE_URL"]}
    port = free_port()
    panels = make_panels(args.panels, prefix="E")
    state, per_panel = asyncio.run(main_async(args, port, env, panels))
    ok = verify(state, args, per_panel)
    print("OK: every acknowledged alarm stored exactly once" if ok else "FAILED")
    if args.drop:
        drop_database(args.database)
    sys.exit(0 if ok else 1)


def drop_database(name):
    from urllib.parse import urlsplit, urlunsplit

    from django.db import connections

    connections.close_all()
    url = os.environ["DATABASE_URL"]
    if url.startswith("sqlite"):
        path = url.split("sqlite:///", 1)[1]
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.unlink(path + suffix)
        return
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit((parts.scheme, parts.netloc, "/postgres", "", "")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
