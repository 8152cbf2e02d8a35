"""Kill the DC-09 receiver with SIGKILL in a burst of 1,000 alarms from retrying panels, restart it, and
check every acknowledged alarm is stored exactly once (bench/alarm_fault.py; 10,000 when run alone)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_sigkill_in_a_burst_loses_and_duplicates_nothing():
    env = {k: v for k, v in os.environ.items() if k not in ("HUXIAO_TESTING", "DJANGO_SETTINGS_MODULE")}
    result = subprocess.run([sys.executable, "bench/alarm_fault.py", "--alarms", "1000", "--panels", "100",
                             "--database", f"huxiao_test_alarm_fault_{os.getpid()}", "--timeout", "50", "--drop"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "acknowledged but not stored: 0; stored twice: 0" in result.stdout
