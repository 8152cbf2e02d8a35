"""A/B of API reads against another checkout of the product (an older commit), interleaved finely.

Whole benchmark processes run one after the other see a shared machine's load change between them; here
two long-lived workers — one in this checkout (A), one in the other (B) — answer the same requests in
alternating blocks (A B B A …) over the same minutes, each on the benchmark database its own checkout's
benchmarks built (``BENCH_DB_SUFFIX`` per checkout). Per request they record wall time and the worker's own
CPU time (client and server both run in the worker, as in the other benchmarks; PostgreSQL's CPU is not in
it). The noise band is the spread of the per-round ratios (interquartile range).

Run the benchmarks first in both checkouts, so that their databases exist and are filled:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/ab_api.py \\
        --other /path/to/old/checkout --suffix _new --other-suffix _old [--rounds 30 --block 10]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

CASES = {  # name: (benchmark database, user, URL)
    "me": ("huxiao_bench_scoping", "shiju", "/api/v1/me"),
    "schools": ("huxiao_bench_scoping", "shiju", "/api/v1/schools?page=1&page_size=50"),
    "hazards_overdue": ("huxiao_bench_hazards_1000000", "bench_city", "/api/v1/hazards/?overdue=true&page_size=50"),
    "hazards_dashboard": ("huxiao_bench_hazards_1000000", "bench_city", "/api/v1/hazards/dashboard"),
    "compliance_rates": ("huxiao_bench_dashboard_15000", "admin",
                         "/api/v1/compliance/rates?region=320000&campaign=jiangsu-2019"),
}


def worker(database: str, username: str, urls: list[str]):
    """Serve blocks: read a count per line, answer one JSON line {url: [[wall_ms, cpu_ms], ...]}."""
    sys.path.insert(0, os.path.join(os.getcwd(), "bench"))  # the checkout's own _setup
    from _setup import use_database

    use_database(database)
    from django.test import Client

    from huxiao.core.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    for url in urls:
        for _ in range(20):
            r = client.get(url)
            assert r.status_code == 200, (url, r.status_code, r.content[:300])
    print("ready", flush=True)
    for line in sys.stdin:
        out = {}
        for url in urls:
            samples = []
            for _ in range(int(line)):
                t0, c0 = time.perf_counter(), time.process_time()
                client.get(url)
                samples.append(((time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000))
            out[url] = samples
        print(json.dumps(out), flush=True)


def start(checkout: str, suffix: str, database: str, username: str, urls: list[str]) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=checkout, BENCH_DB_SUFFIX=suffix)
    proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--worker", database, username, *urls],
                            cwd=checkout, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    if proc.stdout.readline().strip() != "ready":
        raise RuntimeError(f"worker in {checkout} did not start")
    return proc


def ask(proc: subprocess.Popen, n: int) -> dict:
    proc.stdin.write(f"{n}\n")
    proc.stdin.flush()
    return json.loads(proc.stdout.readline())


def quartiles(values):
    q = statistics.quantiles(values, n=4)
    return q[0], q[2]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--other", required=True, help="the other checkout (B)")
    parser.add_argument("--suffix", default="", help="BENCH_DB_SUFFIX of this checkout (A)")
    parser.add_argument("--other-suffix", default="", help="BENCH_DB_SUFFIX of the other checkout (B)")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--block", type=int, default=10, help="requests per URL per worker and round")
    parser.add_argument("--cases", default=",".join(CASES))
    args = parser.parse_args()
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    by_db = {}
    for name in args.cases.split(","):
        database, username, url = CASES[name]
        by_db.setdefault((database, username), []).append((name, url))
    print(f"A = {here} ({args.suffix or 'no suffix'}), B = {args.other} ({args.other_suffix or 'no suffix'}); "
          f"{args.rounds} rounds × {args.block} requests per URL, blocks A B B A …; os.getloadavg() "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"{'case':18s} {'A wall p50':>10s} {'B wall p50':>10s} {'A/B wall':>9s} {'IQR of rounds':>15s}   "
          f"{'A cpu p50':>9s} {'B cpu p50':>9s} {'A/B cpu':>8s} {'IQR of rounds':>15s}")
    for (database, username), cases in by_db.items():
        urls = [url for _name, url in cases]
        a = start(here, args.suffix, database, username, urls)
        b = start(args.other, args.other_suffix, database, username, urls)
        samples = {url: {"A": [], "B": [], "rounds": []} for url in urls}
        try:
            for i in range(args.rounds):
                order = (("A", a), ("B", b)) if i % 2 == 0 else (("B", b), ("A", a))
                got = {label: ask(proc, args.block) for label, proc in order}
                for url in urls:
                    s = samples[url]
                    s["A"] += got["A"][url]
                    s["B"] += got["B"][url]
                    s["rounds"].append(tuple(statistics.median(x[k] for x in got["A"][url]) /
                                             statistics.median(x[k] for x in got["B"][url]) for k in (0, 1)))
        finally:
            for proc in (a, b):
                proc.stdin.close()
                proc.wait(30)
        for name, url in cases:
            s = samples[url]
            aw, ac = (statistics.median(x[k] for x in s["A"]) for k in (0, 1))
            bw, bc = (statistics.median(x[k] for x in s["B"]) for k in (0, 1))
            rw, rc = [r[0] for r in s["rounds"]], [r[1] for r in s["rounds"]]
            (w1, w3), (c1, c3) = quartiles(rw), quartiles(rc)
            print(f"{name:18s} {aw:8.2f}ms {bw:8.2f}ms {aw / bw:8.3f}× {w1:6.3f}–{w3:5.3f}×   "
                  f"{ac:7.2f}ms {bc:7.2f}ms {ac / bc:7.3f}× {c1:6.3f}–{c3:5.3f}×")
    print(f"load average at the end {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(sys.argv[2], sys.argv[3], sys.argv[4:])
    else:
        main()
