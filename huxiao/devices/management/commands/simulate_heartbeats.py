"""Play the devices of the demo: every interval, post signed heartbeat batches for every device that was
alive (heard within the last two hours), so the demo stays networked while silent devices stay silent.

Make a device fall silent by listing its serial in ``<VAR_DIR>/heartbeat_skip.txt`` (one per line).
"""

import json
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from huxiao.core import crypto
from huxiao.devices.heartbeats import entry_signature
from huxiao.devices.models import Device


class Command(BaseCommand):
    help = "模拟演示设备心跳（按批次签名上报）"

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000")
        parser.add_argument("--interval", type=int, default=60)
        parser.add_argument("--once", action="store_true")
        parser.add_argument("--batch", type=int, default=1000)

    def handle(self, *args, url, interval, once, batch, **options):
        secrets = {}
        time.sleep(0 if once else 3)
        while True:
            close_old_connections()
            try:
                sent = self.round(url, batch, secrets)
                self.stdout.write(f"心跳已上报 {sent} 条")
            except (urllib.error.URLError, OSError) as exc:
                self.stderr.write(f"心跳上报失败：{exc}")
            if once:
                return
            time.sleep(interval)

    def round(self, url, batch, secrets) -> int:
        skip_file = Path(settings.VAR_DIR) / "heartbeat_skip.txt"
        skip = set(skip_file.read_text().split()) if skip_file.exists() else set()
        now = timezone.now()
        # DC-09 panels send their own supervision messages (simulate_alarms): a heartbeat of theirs here could
        # land in the same second and make the whole signed batch stale
        alive = Device.objects.filter(active=True, last_seen_at__gte=now - timezone.timedelta(hours=2),
                                      dc09_account__isnull=True).exclude(
            serial__in=skip).values_list("serial", "secret_encrypted", "last_seen_at")
        ts = int(now.timestamp())
        entries = []
        for serial, encrypted, last in alive:
            if int(last.timestamp()) >= ts:
                continue
            secret = secrets.get(encrypted) or secrets.setdefault(encrypted, crypto.decrypt(encrypted))
            entries.append({"serial": serial, "ts": ts, "sig": entry_signature(secret, serial, ts)})
        sent = 0
        for i in range(0, len(entries), batch):
            body = json.dumps({"heartbeats": entries[i:i + batch]}).encode()
            req = urllib.request.Request(url.rstrip("/") + "/api/v1/devices/heartbeats", data=body,
                                         headers={"Content-Type": "application/json"}, method="POST")
            with urllib.request.urlopen(req, timeout=30) as resp:
                sent += json.loads(resp.read())["accepted"]
        return sent
