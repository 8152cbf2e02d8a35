"""Shared set-up for benchmarks: a dedicated database (PostgreSQL when DATABASE_URL is set, else a
SQLite file under var/), migrated, with Django configured. Import this before any Django model."""

import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def use_database(name: str, fresh: bool = False) -> str:
    """Point DATABASE_URL at a benchmark database of its own; returns a description of it.
    ``BENCH_DB_SUFFIX`` keeps the databases of two checkouts apart (an A/B run of two commits)."""
    name += os.environ.get("BENCH_DB_SUFFIX", "")
    base = os.environ.get("DATABASE_URL")
    if base:
        import psycopg

        parts = urlsplit(base)
        url = urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))
        admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
        with psycopg.connect(admin, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", [name]).fetchone()
            if fresh and exists:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
                exists = None
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = url
        desc = f"PostgreSQL {name}"
    else:
        path = ROOT / "var" / f"{name}.sqlite3"
        if fresh and path.exists():
            path.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        desc = f"SQLite {path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huxiao.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return desc


def percentiles(samples):
    s = sorted(samples)

    def pick(q):
        return s[min(len(s) - 1, int(q * len(s)))]

    return pick(0.5), pick(0.99)


def timed(fn, n, warmup=20):
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def report(label, server_ms, baseline_ms, target=None):
    s50, s99 = percentiles(server_ms)
    b50, b99 = percentiles(baseline_ms)
    print(f"{label}")
    print(f"  server  p50 {s50:7.2f} ms   p99 {s99:7.2f} ms   (n={len(server_ms)})")
    print(f"  raw SQL p50 {b50:7.2f} ms   p99 {b99:7.2f} ms")
    print(f"  ratio   p50 {s50 / b50:5.2f}×      p99 {s99 / b99:5.2f}×" + (f"   target: {target}" if target else ""))
    return s50, s99, b50, b99


def start_uvicorn(workers: int, var_name: str):
    """The product's ASGI app under uvicorn (``workers`` processes) on a free local port, once it accepts
    connections (plus a moment for every worker to be up); returns (process, port)."""
    import socket
    import subprocess

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="huxiao.settings", HUXIAO_VAR_DIR=str(ROOT / "var" / var_name))
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "huxiao.asgi:application", "--port", str(port),
                               "--workers", str(workers), "--no-access-log", "--log-level", "warning"],
                              cwd=ROOT, env=env)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    time.sleep(1.5)
    return server, port


def post_json(conn, path: str, body: bytes, headers: dict | None = None):
    """POST a JSON body on an open ``http.client`` connection; the parsed answer, or RuntimeError if not 200."""
    import json

    conn.request("POST", path, body=body, headers={"Content-Type": "application/json", **(headers or {})})
    resp = conn.getresponse()
    data = resp.read()
    if resp.status != 200:
        raise RuntimeError(f"{resp.status} {data[:300]!r}")
    return json.loads(data)


def send_from_threads(port: int, items: list, send, clients: int) -> list:
    """Send ``items`` from ``clients`` threads, each on its own keep-alive connection, as ``send(conn,
    item)``; returns the exceptions raised (the caller reports them)."""
    import http.client
    import threading

    queue, lock, errors = list(items), threading.Lock(), []

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if not queue:
                    break
                item = queue.pop()
            try:
                send(conn, item)
            except Exception as exc:  # noqa: BLE001 - returned to the caller
                errors.append(exc)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors
