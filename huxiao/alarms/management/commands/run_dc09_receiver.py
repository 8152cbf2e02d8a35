"""Run the DC-09 alarm receiver (TCP + UDP) with the alarm escalation loop."""

import gc
import logging
import os

from django.core.management.base import BaseCommand

from huxiao.alarms.constants import DC09_DEFAULT_PORT
from huxiao.alarms.dc09.server import Receiver, run_event_loop


class Command(BaseCommand):
    help = "启动 SIA DC-09 报警接收机（TCP/UDP），并运行报警超时升级"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="0.0.0.0")
        parser.add_argument("--port", type=int, default=DC09_DEFAULT_PORT)
        parser.add_argument("--no-udp", action="store_true")
        parser.add_argument("--no-escalation", action="store_true")

    def handle(self, *args, **options):
        logging.basicConfig(level=logging.DEBUG if os.environ.get("HUXIAO_DC09_DEBUG") else logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
        receiver = Receiver(options["host"], options["port"], udp=not options["no_udp"],
                            escalate=not options["no_escalation"])
        self.stdout.write(f"DC-09 接收机监听 {options['host']}:{options['port']}（TCP{'' if options['no_udp'] else '/UDP'}）",
                          )
        self.stdout.flush()
        gc.freeze()  # what is loaded lives as long as the process: no full collector passes over it mid-burst
        try:
            run_event_loop(receiver.serve_forever())
        except KeyboardInterrupt:
            pass
