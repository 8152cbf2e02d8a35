import asyncio
import socket
import threading

import pytest

from huxiao.alarms import services
from huxiao.core.actions import SYSTEM
from huxiao.devices.choices import DeviceKind, DeviceLocation
from huxiao.devices.services import do_register_device

AES_KEY = "0123456789ABCDEF0123456789ABCDEF"


def make_panel(school, serial, account, key="", **dc09):
    device, secret = do_register_device(school, {"kind": DeviceKind.ALARM_PANEL, "location": DeviceLocation.GATE,
                                                 "name": "一键报警主机", "serial": serial}, actor=SYSTEM)
    services.do_set_dc09_account(device, account, key, actor=SYSTEM, **dc09)  # key_form, timestamp_optional
    device.raw_secret = secret
    return device


@pytest.fixture
def panel(world):
    return make_panel(world.schools["a1"], "AP-A1", "1234")


@pytest.fixture
def enc_panel(world):
    return make_panel(world.schools["a2"], "AP-A2", "ABCD", AES_KEY)


class RunningReceiver:
    def __init__(self, **kwargs):
        from huxiao.alarms.dc09.server import Receiver

        self.receiver = Receiver("127.0.0.1", 0, **kwargs)
        self.loop = asyncio.new_event_loop()
        started = threading.Event()

        def run():
            asyncio.set_event_loop(self.loop)
            self.loop.run_until_complete(self.receiver.start())
            started.set()
            self.loop.run_forever()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        started.wait(10)
        self.port = self.receiver.port

    def reload(self):
        asyncio.run_coroutine_threadsafe(self.receiver.refresh_accounts(force=True), self.loop).result(10)

    def flush_forged(self):
        asyncio.run_coroutine_threadsafe(self.receiver.flush_forged(), self.loop).result(10)

    def send(self, data: bytes, timeout=10.0) -> bytes:
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
            sock.sendall(data)
            answer = b""
            while not answer.endswith(b"\r"):
                chunk = sock.recv(4096)
                if not chunk:
                    break
                answer += chunk
        return answer

    def send_udp(self, data: bytes, timeout=10.0) -> bytes:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.settimeout(timeout)
            sock.sendto(data, ("127.0.0.1", self.port))
            return sock.recvfrom(4096)[0]

    def stop(self):
        asyncio.run_coroutine_threadsafe(self.receiver.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.receiver.executor.shutdown(wait=True)


@pytest.fixture
def receiver(transactional_db, panel, enc_panel):
    running = RunningReceiver(escalate=False)
    yield running
    running.stop()
