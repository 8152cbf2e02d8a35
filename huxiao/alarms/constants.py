"""Numbers of the alarm domain and where they come from.

- 000 §三(一)4 / 八项措施 四 and 001 §二(一): one-button alarms networked to the police platform; the
  police respond at once. The published bar we aim past (DB15/T 3968-2025): response within 2 s and at
  least 10 simultaneous alarms.
- Issue 5: an unacknowledged alarm escalates after 30 s to the supervising level, and again after a
  second period.
"""

import os

# Seconds without acknowledgement before escalating one level (issue 5, default 30 s)
ESCALATE_AFTER_SECONDS = int(os.environ.get("HUXIAO_ALARM_ESCALATE_SECONDS", "30"))
MAX_ESCALATION_LEVEL = 2
# DC-09 acceptance window of a message timestamp: 40 s in the past, 20 s in the future (pysiaalarm default)
DC09_TIMEBAND = (40, 20)
DC09_DEFAULT_PORT = 12128
# The demo's documented unencrypted account (README, docs/alarms.md)
DEMO_DC09_ACCOUNT = "1001"
# How often the escalation step runs inside the receiver process
ESCALATION_TICK_SECONDS = 1.0
