"""Run the DC-09 alarm receiver (TCP + UDP) with the alarm escalation loop."""

import gc
import logging
import os

from django.core.management.base import BaseCommand

from huxiao.alarms.constants import DC09_DEFAULT_PORT
from huxiao.alarms.dc09.server import Limits, Receiver, run_event_loop


class Command(BaseCommand):
    help = "启动 SIA DC-09 报警接收机（TCP/UDP），并运行报警超时升级"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="0.0.0.0")
        parser.add_argument("--port", type=int, default=DC09_DEFAULT_PORT)
        parser.add_argument("--no-udp", action="store_true")
        parser.add_argument("--no-escalation", action="store_true")
        defaults = Limits.from_env()
        parser.add_argument("--idle-timeout", type=float, default=defaults.idle_timeout,
                            help="空闲连接超时（秒）；默认取各账号最长监测窗口，至少 180 秒（HUXIAO_DC09_IDLE_SECONDS）")
        parser.add_argument("--max-per-address", type=int, default=defaults.max_per_address,
                            help="每个源地址的最大并发连接数（HUXIAO_DC09_MAX_PER_ADDRESS）")
        parser.add_argument("--max-connections", type=int, default=defaults.max_connections,
                            help="最大并发连接总数（HUXIAO_DC09_MAX_CONNECTIONS）")

    def handle(self, *args, **options):
        logging.basicConfig(level=logging.DEBUG if os.environ.get("HUXIAO_DC09_DEBUG") else logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
        receiver = Receiver(options["host"], options["port"], udp=not options["no_udp"],
                            escalate=not options["no_escalation"],
                            limits=Limits(options["idle_timeout"], options["max_per_address"], options["max_connections"]))
        self.stdout.write(f"DC-09 接收机监听 {options['host']}:{options['port']}（TCP{'' if options['no_udp'] else '/UDP'}）",
                          )
        self.stdout.flush()
        gc.freeze()  # what is loaded lives as long as the process: no full collector passes over it mid-burst
        try:
            run_event_loop(receiver.serve_forever())
        except KeyboardInterrupt:
            pass
