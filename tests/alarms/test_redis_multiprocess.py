"""With REDIS_URL set: an alarm accepted by the DC-09 receiver (another process) reaches a console
connected to this process through the Redis channel layer (the database poll is switched off), with
its events in the wake-up: this process does not read the feed from the database."""

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from huxiao.alarms import feed, hub
from huxiao.alarms.dc09.frames import build
from huxiao.alarms.dc09.sender import send
from tests.aio import run as run_coroutine
from tests.alarms.conftest import make_panel
from tests.alarms.test_console_feed import connect, expand

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not (os.environ.get("REDIS_URL") and os.environ.get("DATABASE_URL", "").startswith("postgres")),
                       reason="needs REDIS_URL and PostgreSQL (DATABASE_URL)"),
]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_alarm_from_receiver_process_reaches_console_here(world, monkeypatch):
    monkeypatch.setattr(hub, "POLL_SECONDS", 3600)
    reads = []
    monkeypatch.setattr(feed, "rows_after", lambda *args, **kwargs: reads.append(args) or ([], False))
    make_panel(world.schools["a1"], "RD-A1", "3D3")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("HUXIAO_TESTING", "DJANGO_SETTINGS_MODULE")}
    env["DATABASE_URL"] = url
    env["CHANNEL_LAYER_PREFIX"] = settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"]  # this test process's
    proc = subprocess.Popen([sys.executable, "manage.py", "run_dc09_receiver", "--host", "127.0.0.1", "--port",
                             str(port), "--no-udp", "--no-escalation"], cwd=ROOT, env=env)
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)

        async def live():
            comm, ok, _ = await connect(world.users["station_a1"], after=0)
            assert ok
            await asyncio.sleep(0.3)
            t0 = time.perf_counter()
            answer = await asyncio.get_running_loop().run_in_executor(
                None, send, "127.0.0.1", port, build("3D3", seq=6, code="BA", zone="8"))
            assert answer == "ACK"
            msg = await comm.receive_json_from(timeout=2)
            elapsed = time.perf_counter() - t0
            await comm.disconnect()
            return msg, elapsed

        msg, elapsed = run_coroutine(live())
        (event,) = expand(msg)
        assert event["alarm"]["zone"] == "8"
        assert event["alarm"]["school"]["name"] == world.schools["a1"].name
        assert elapsed < 1.0
        assert reads == []  # the receiver's wake-up carried the event
    finally:
        proc.terminate()
        proc.wait(10)
