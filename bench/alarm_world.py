"""Shared by the alarm benchmarks and the fault test: a school with N DC-09 alarm panels, frames as
panels send them, a receiver subprocess, and asyncio senders that retry like real panels."""

import asyncio
import os
import socket
import subprocess
import sys
import time

from _setup import ROOT


def make_panels(n: int, prefix: str = "F", key_every: int = 0) -> list[tuple[str, str]]:
    """n alarm panels with accounts ``{prefix}{i:04X}``; every ``key_every``-th encrypted. Idempotent."""
    from huxiao.alarms.services import do_set_dc09_account
    from huxiao.core.actions import SYSTEM
    from huxiao.core.models import Region, School, Unit
    from huxiao.devices.choices import DeviceKind, DeviceLocation
    from huxiao.devices.models import Device
    from huxiao.devices.services import device_dc09_key, do_register_device

    school = School.objects.filter(code="2132413901").first()
    if school is None:
        from tests.world import make_school

        district = Region.objects.get(pk="320413")
        station, _ = Unit.objects.get_or_create(name="基准测试派出所", kind="police", level="station",
                                                region=district)
        school = make_school("2132413901", "基准测试小学", district, station)
    panels = []
    for i in range(n):
        account = f"{prefix}{i:04X}"
        device = Device.objects.filter(dc09_account=account).first()
        if device is None:
            device, _ = do_register_device(school, {"kind": DeviceKind.ALARM_PANEL, "location": DeviceLocation.GATE,
                                                    "name": f"主机{i}", "serial": f"BENCH-{account}"}, actor=SYSTEM)
            key = "0123456789ABCDEF0123456789ABCDEF" if key_every and i % key_every == 0 else ""
            do_set_dc09_account(device, account, key, actor=SYSTEM)
        panels.append((account, device_dc09_key(device)))
    return panels


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_receiver(port: int, extra_env=None) -> subprocess.Popen:
    env = dict(os.environ, **(extra_env or {}))
    env.pop("HUXIAO_TESTING", None)
    # every simulated panel connects from 127.0.0.1: lift the per-address cap meant for real networks
    proc = subprocess.Popen([sys.executable, "manage.py", "run_dc09_receiver", "--host", "127.0.0.1", "--port",
                             str(port), "--no-escalation", "--no-udp", "--max-per-address", "100000"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE if os.environ.get("QUIET") else None)
    return wait_for_port(proc, port, "receiver")


def wait_for_port(proc: subprocess.Popen, port: int, what: str, timeout=90) -> subprocess.Popen:
    """Return ``proc`` once something accepts connections on ``port``; raise if it exits or times out."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"{what} exited") from None
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not start")


async def exchange(port: int, data: bytes, conn: dict, timeout: float = 3.0) -> str:
    """Send one frame on the panel's (re)used connection; returns ACK/NAK/DUH or '' on failure."""
    from huxiao.alarms.dc09.frames import parse_response

    try:
        if conn.get("w") is None:
            conn["r"], conn["w"] = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
        conn["w"].write(data)
        await conn["w"].drain()
        answer = await asyncio.wait_for(conn["r"].readuntil(b"\r"), timeout)
        return parse_response(answer)
    except (TimeoutError, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        w = conn.pop("w", None)
        conn.pop("r", None)
        if w is not None:
            w.close()
        return ""
