"""Serve the product on one machine: uvicorn (HTTP + WebSocket), the Huey worker, and every background
process the domain apps declare (``PROCESSES`` in their demo.py, e.g. the alarm receiver).

``--no-worker``: no Huey consumer; every process runs its tasks where it queues them (HUXIAO_NO_WORKER) and
this process runs the core clock in a thread of its own (the consumer's periodic task otherwise).

A process that exits is started again, as systemd's ``Restart=always`` does in production (a receiver
killed in the middle of a burst is back within a second, and the panels' retries find it); one that
keeps exiting (RESTART_LIMIT times within RESTART_WINDOW seconds, e.g. its port is taken) stops the
demo with an error."""

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand

from huxiao.core.demo import DEMO_PASSWORD, DEMO_USERS
from huxiao.core.discovery import app_modules

RESTART_LIMIT = 5
RESTART_WINDOW = 30.0


class Command(BaseCommand):
    help = "启动演示服务（网页、WebSocket、后台任务及各业务进程）"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--dc09-port", type=int, default=12128)
        parser.add_argument("--workers", type=int, default=1)
        parser.add_argument("--no-worker", action="store_true",
                            help="不启动后台任务进程：任务在发起它的进程内执行，时钟在本进程内运行")

    def _app_processes(self, options):
        procs = []
        for _app, module in app_modules("demo"):
            for argv in getattr(module, "PROCESSES", []):
                procs.append([a.format(python=sys.executable, **options) for a in argv])
        return procs

    def handle(self, *args, **options):
        no_worker = options["no_worker"]
        commands = [
            [sys.executable, "-m", "uvicorn", "huxiao.asgi:application", "--host", options["host"],
             "--port", str(options["port"]), "--workers", str(options["workers"]), "--no-access-log"],
            *([] if no_worker else [[sys.executable, "manage.py", "run_huey"]]),
            *self._app_processes(options),
        ]
        env = {**os.environ, "HUXIAO_NO_WORKER": "1"} if no_worker else None
        children = [subprocess.Popen(cmd, env=env) for cmd in commands]
        if no_worker:
            from huey.contrib.djhuey import HUEY

            from huxiao.core import clock

            HUEY.immediate = True  # what the clock's handlers queue runs here
            clock.start_thread()
        self.stdout.write(self.style.SUCCESS(f"\n护校安园演示已启动：http://{options['host']}:{options['port']}/"))
        self.stdout.write(f"DC-09 报警接收端口：{options['host']}:{options['dc09_port']} (TCP/UDP，演示账号 1001，不加密)")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, full_name, role, _unit in DEMO_USERS:
            self.stdout.write(f"  {username:<12} {full_name:<6} {role.label}")
        self.stdout.write("按 Ctrl+C 停止。")

        def stop(*_):
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
            sys.exit(0)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        exits = [[] for _ in commands]  # monotonic times of each process's recent exits
        while True:
            for i, cmd in enumerate(commands):
                code = children[i].poll()
                if code is None:
                    continue
                now = time.monotonic()
                exits[i] = [t for t in exits[i] if now - t < RESTART_WINDOW] + [now]
                if len(exits[i]) >= RESTART_LIMIT:
                    self.stderr.write(f"进程反复退出（{code}），演示停止：{' '.join(cmd)}")
                    stop()
                self.stderr.write(f"进程已退出（{code}），正在重新启动：{' '.join(cmd)}")
                children[i] = subprocess.Popen(cmd, env=env)
            time.sleep(0.5)
