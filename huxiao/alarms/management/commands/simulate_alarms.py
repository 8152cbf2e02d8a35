"""Play the demo's alarm panels over DC-09: supervision heartbeats, periodic tests, the occasional alarm."""

import random
import time

from django.core.management.base import BaseCommand

from huxiao.alarms.constants import DC09_DEFAULT_PORT
from huxiao.alarms.dc09.frames import build
from huxiao.alarms.dc09.sender import send
from huxiao.devices.models import Device
from huxiao.devices.services import device_dc09_key


class Command(BaseCommand):
    help = "模拟报警主机：通过 DC-09 发送监测心跳、定时测试和偶发报警"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=DC09_DEFAULT_PORT)
        parser.add_argument("--heartbeat", type=float, default=60.0, help="每台主机监测报文间隔（秒）")
        parser.add_argument("--alarm-every", type=float, default=300.0, help="平均每隔多少秒产生一次报警")
        parser.add_argument("--once", action="store_true", help="每台主机发送一次监测报文后退出")

    def handle(self, *args, **opts):
        rng = random.Random()
        host = "127.0.0.1" if opts["host"] in ("0.0.0.0", "") else opts["host"]
        panels = [(d.dc09_account, (device_dc09_key(d), d.dc09_key_form) if d.dc09_key_encrypted else None)
                  for d in
                  Device.objects.filter(active=True, dc09_account__isnull=False).order_by("pk")]
        seq = {acct: rng.randint(1, 9000) for acct, _ in panels}
        time.sleep(2.0)
        next_beat = {acct: time.monotonic() + rng.uniform(0, opts["heartbeat"]) for acct, _ in panels}
        if opts["once"]:
            next_beat = dict.fromkeys(next_beat, 0.0)
        next_alarm = time.monotonic() + rng.expovariate(1 / opts["alarm_every"])
        while True:
            now = time.monotonic()
            for acct, key in panels:
                if now < next_beat[acct]:
                    continue
                seq[acct] += 1
                token, code = ("SIA-DCS", "RP") if rng.random() < 0.05 else ("NULL", "")
                self._send(host, opts["port"], build(acct, seq=seq[acct], token=token, code=code or "RP",
                                                     zone="0", **self._key(key)))
                next_beat[acct] = now + opts["heartbeat"]
            if opts["once"]:
                return
            if now >= next_alarm and panels:
                acct, key = rng.choice(panels)
                seq[acct] += 1
                self._send(host, opts["port"], build(acct, seq=seq[acct], code=rng.choice(["PA", "BA", "PA"]),
                                                     area="1", zone=f"{rng.randint(1, 8):03d}", **self._key(key)))
                next_alarm = now + rng.expovariate(1 / opts["alarm_every"])
            time.sleep(0.5)

    @staticmethod
    def _key(key) -> dict:
        return {"key": key[0], "key_form": key[1]} if key else {}

    def _send(self, host, port, data):
        for attempt in range(3):  # a panel retries until acknowledged
            try:
                if send(host, port, data) == "ACK":
                    return
            except OSError:
                pass
            time.sleep(1 + attempt)
