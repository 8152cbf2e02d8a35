"""DC-09 receiver throughput: messages acknowledged per second, every one persisted, next to
pysiaalarm's own asyncio receiver (which persists nothing) on the same frames.

100 panels (``--panels``) each send their share of ``--messages`` frames as real panels do: one frame,
wait for the answer, the next. Both receivers run as their own process; the same client drives both.
After our run the alarms in the database are counted: the figure only counts if all are there.

    .venv/bin/python bench/dc09_throughput.py                  # SQLite (or PostgreSQL with DATABASE_URL)
"""

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import textwrap
import time

from _setup import ROOT, use_database
from alarm_world import free_port, make_panels, start_receiver

PYSIA_SERVER = textwrap.dedent("""
    import asyncio, json, sys
    from pysiaalarm.account import SIAAccount
    from pysiaalarm.aio.server import SIAServerTCP
    from pysiaalarm.utils import Counter

    accounts = {a: SIAAccount(a, k or None) for a, k in json.loads(sys.argv[2])}

    async def noop(event):
        return None

    async def main():
        server = SIAServerTCP(accounts, noop, Counter())
        tcp = await asyncio.start_server(server.handle_line, "127.0.0.1", int(sys.argv[1]))
        async with tcp:
            await tcp.serve_forever()

    asyncio.run(main())
""")


async def drive(port, frames_by_panel):
    from huxiao.alarms.dc09.frames import parse_response

    acked = 0

    async def panel(frames):
        nonlocal acked
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for data in frames:
            writer.write(data)
            await writer.drain()
            answer = await reader.readuntil(b"\r")
            if parse_response(answer) == "ACK":
                acked += 1
        writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(panel(f) for f in frames_by_panel))
    return acked, time.perf_counter() - t0


def frames_for(panels, per_panel, seq0):
    from huxiao.alarms.dc09.frames import build

    return [[build(a, seq=(seq0 + i) % 10000, code="BA" if i % 2 else "PA", zone=str(i % 99 + 1), key=k)
             for i in range(per_panel)] for a, k in panels]


def wait_port(port, proc):
    import socket

    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("server exited") from None
            time.sleep(0.05)


def main():
    import json

    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--panels", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--encrypted-every", type=int, default=0, help="every n-th panel uses AES")
    args = parser.parse_args()
    desc = use_database("huxiao_bench_dc09_throughput", fresh=True)
    print(f"DC-09 throughput on {desc}")
    panels = make_panels(args.panels, prefix="D", key_every=args.encrypted_every)
    per_panel = args.messages // args.panels
    total = per_panel * args.panels

    from huxiao.alarms.models import Alarm

    # pysiaalarm's receiver (nothing persisted) and ours (every message committed before its ACK), both up;
    # the same client drives them in turn, --repeat times, and the medians are compared
    pysia_port, our_port = free_port(), free_port()
    pysia = subprocess.Popen([sys.executable, "-c", PYSIA_SERVER, str(pysia_port), json.dumps(panels)], cwd=ROOT)
    wait_port(pysia_port, pysia)
    ours = start_receiver(our_port, {"DATABASE_URL": os.environ["DATABASE_URL"]})
    rates_o, rates_p, failed = [], [], False
    print(f"{total} frames from {args.panels} panels, one outstanding frame per panel, {args.repeat} rounds each")
    try:
        for r in range(args.repeat):
            acked_p, t_p = asyncio.run(drive(pysia_port, frames_for(panels, per_panel, 1 + r * per_panel)))
            before = Alarm.objects.count()
            acked_o, t_o = asyncio.run(drive(our_port, frames_for(panels, per_panel, 1 + r * per_panel)))
            stored = Alarm.objects.count() - before
            rates_o.append(acked_o / t_o)
            rates_p.append(acked_p / t_p)
            failed |= stored != acked_o or acked_o != total
            print(f"  round {r + 1}: huxiao {rates_o[-1]:6.0f} msg/s ({acked_o} ACK, {stored} stored)   "
                  f"pysiaalarm {rates_p[-1]:6.0f} msg/s ({acked_p} ACK, stores nothing)   "
                  f"ratio {rates_o[-1] / rates_p[-1]:4.2f}×")
    finally:
        for proc in (pysia, ours):
            proc.terminate()
            proc.wait(10)
    rate_o, rate_p = statistics.median(rates_o), statistics.median(rates_p)
    print(f"  median: huxiao receiver {rate_o:6.0f} msg/s, pysiaalarm receiver {rate_p:6.0f} msg/s, "
          f"ratio {rate_o / rate_p:4.2f}×   target ≥ 1×")
    if failed:
        print("FAILED: not every acknowledged message is stored")
        sys.exit(1)


if __name__ == "__main__":
    main()
