"""The DC-09 receiver: an asyncio TCP (and UDP) server that answers ACK only after the alarm committed.

Frames are judged on the event loop (``judge.judge``: envelope, CRC, account, key, timestamp, DC-03 /
DC-05 events); accepted ones go to one writer thread that stores whatever has queued up in one
transaction (group commit), so a burst from hundreds of panels costs a few commits, not one each. Each
connection may pipeline frames; answers go back in order. Supervision (NULL) frames are heartbeats of
the device. Frames refused as forged are counted per device off the hot path (``flush_forged``).

Resource limits (``Limits``): a connection that completes no frame for the idle timeout is closed; at
most ``max_per_address`` connections per source address (more are closed at once) and
``max_connections`` in all (the longest-idle connection makes room for a new one).

The transports (``transport.py``) are asyncio Protocols, not streams: a frame costs a slice of the connection's buffer and
a slot in its answer queue, no future, task or stream call of its own.
"""

import asyncio
import collections
import concurrent.futures
import logging
import os
import sys
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import F
from django.utils import timezone

from huxiao.alarms import realtime
from huxiao.alarms.constants import ESCALATION_TICK_SECONDS
from huxiao.alarms.dc09.frames import aes, key_bytes
from huxiao.alarms.dc09.judge import Account, Verdict, judge, response_bytes
from huxiao.alarms.intake import Incoming, store_alarms
from huxiao.devices.choices import HeartbeatSource
from huxiao.devices.models import Device
from huxiao.devices.services import dc09_key

log = logging.getLogger("huxiao.alarms.dc09")
MAX_BATCH = int(os.environ.get("HUXIAO_DC09_MAX_BATCH", "300"))
ACCOUNT_REFRESH_SECONDS = 2.0
DEBUG = bool(os.environ.get("HUXIAO_DC09_DEBUG"))
WRITERS = int(os.environ.get("HUXIAO_DC09_WRITERS", "2"))
DEFAULT_IDLE_SECONDS = 180.0  # at least the longest supervision window of the accounts (see Limits)


def _env_number(name: str, default: float | None) -> float | None:
    value = os.environ.get(name)
    return float(value) if value else default


@dataclass
class Limits:
    """Connection limits. ``idle_timeout`` None: the longest supervision window among the accounts, at
    least DEFAULT_IDLE_SECONDS (a panel is heard at least that often). Environment:
    HUXIAO_DC09_IDLE_SECONDS, HUXIAO_DC09_MAX_PER_ADDRESS, HUXIAO_DC09_MAX_CONNECTIONS."""

    idle_timeout: float | None = None
    max_per_address: int = 256
    max_connections: int = 5000

    @classmethod
    def from_env(cls) -> "Limits":
        return cls(_env_number("HUXIAO_DC09_IDLE_SECONDS", None),
                   int(_env_number("HUXIAO_DC09_MAX_PER_ADDRESS", 256)),
                   int(_env_number("HUXIAO_DC09_MAX_CONNECTIONS", 5000)))


@dataclass(slots=True)
class Job:
    """An accepted frame waiting to be stored; ``answer`` is set once it is (ACK) or could not be (NAK),
    then ``owner.flush()`` sends it."""

    verdict: Verdict
    device: object
    raw: str
    owner: object
    answer: bytes | None = None


class AccountBook:
    """DC-09 accounts → ``judge.Account``, re-read from the registry every couple of seconds.

    A reload reads one narrow row per account and rebuilds (decrypts the key of) only the accounts whose
    device, key, key form, timestamp policy or school changed, so it stays cheap with tens of thousands
    of panels."""

    def __init__(self):
        self.accounts, self.loaded_at, self.signatures = {}, 0.0, {}
        self.longest_window = 0.0

    def load(self):
        accounts, signatures, longest = {}, {}, 0.0
        rows = Device.objects.filter(active=True, dc09_account__isnull=False).values_list(
            "pk", "dc09_account", "dc09_key_encrypted", "dc09_key_form", "dc09_timestamp_optional", "school_id",
            "region_code", "supervision_window")
        for row in rows:
            acct = row[1].upper()
            signatures[acct] = row
            longest = max(longest, row[7].total_seconds())
            if self.signatures.get(acct) == row and acct in self.accounts:
                accounts[acct] = self.accounts[acct]
                continue
            pk, _, key_encrypted, key_form, timestamp_optional, school_id, region_code, _window = row
            key = None
            if key_encrypted:
                try:
                    key = aes(key_bytes(dc09_key(key_encrypted), key_form))
                except ValueError:
                    log.error("DC-09 account %s has a key that is not valid as %s; refusing its frames", acct, key_form)
                    continue
            device = Device(pk=pk, dc09_account=acct, school_id=school_id, region_code=region_code)
            accounts[acct] = Account(acct, key, not (timestamp_optional and key is None), device)
        self.accounts, self.signatures, self.longest_window = accounts, signatures, longest
        self.loaded_at = time.monotonic()


def dedup_key(verdict: Verdict, index: int, event) -> str:
    """Account, sequence number and the event's content — not the timestamp (a retransmission carries a
    fresh one) nor the path (a fail-over to the back-up path is the same event); intake adds the window."""
    extra = f"#{index}" if index else ""
    return f"dc09:{verdict.account}:{verdict.seq}:{verdict.token}:{event.content}{extra}"


def store(jobs: list[Job], wake_rows: bool = True) -> dict | None:
    """Writer-thread body: store one batch in one transaction; raises when nothing could be stored (then
    all are NAKed). Returns the consoles' wake-up when new alarms were stored (None otherwise), with the
    new events when ``wake_rows``."""
    connection.close_if_unusable_or_obsolete()  # the writer thread's one connection (close_old_connections walks all)
    now = timezone.now()
    alarms, beats = [], {}
    for job in jobs:
        v = job.verdict
        at = v.timestamp or now
        if v.supervision:
            beats[job.device.pk] = max(beats.get(job.device.pk, at), at)
            continue
        path = f"{job.owner.path} R{v.receiver or '0'} L{v.line}"
        for i, e in enumerate(v.events):
            message = " ".join(part for part in (e.message, v.xdata) if part)
            alarms.append(Incoming(device=job.device, source="dc09", dedup_key=dedup_key(v, i, e), code=e.code,
                                   zone=e.zone, message=message, occurred_at=at, raw=job.raw, area=e.area,
                                   event_kind=e.kind, path=path, sequence=v.seq, user=e.user))
    heartbeats = sorted((pk, min(at, now)) for pk, at in beats.items())
    _, wake = store_alarms(alarms, now=now, publish=False, heartbeats=heartbeats,
                           heartbeat_source=HeartbeatSource.DC09, wake_rows=wake_rows)
    return wake


def flush_forged(counts: dict) -> None:
    """Add the forged frames counted since the last flush to their devices (one UPDATE per device)."""
    connection.close_if_unusable_or_obsolete()
    for pk, (n, at) in counts.items():
        Device.objects.filter(pk=pk).update(forged_frames=F("forged_frames") + n, last_forged_at=at)


class Receiver:
    def __init__(self, host="0.0.0.0", port=12128, *, udp=True, escalate=True, limits: Limits | None = None):
        self.host, self.port, self.udp, self.escalate = host, port, udp, escalate
        self.limits = limits or Limits.from_env()
        self.connections: set = set()  # open TCPConnections
        self.per_address: collections.Counter = collections.Counter()
        self.forged: dict = {}  # device pk → [frames refused as forged, last at] since the last flush
        self.book = AccountBook()
        self.queue: asyncio.Queue | None = None
        # PostgreSQL commits concurrent batches in parallel; SQLite has one writer anyway
        self.writers = WRITERS if connection.vendor == "postgresql" else 1
        self.executor = concurrent.futures.ThreadPoolExecutor(self.writers + 1, thread_name_prefix="dc09-writer")
        self.stats = {"frames": 0, "ack": 0, "nak": 0, "duh": 0, "stored_batches": 0, "forged": 0,
                      "refused_connections": 0, "idle_closed": 0}
        self.servers = []
        self.reloading = None
        # consoles of other processes can only be woken through a shared (Redis) channel layer
        self.publish = "inmemory" not in settings.CHANNEL_LAYERS["default"]["BACKEND"].lower()

    # --- judging -----------------------------------------------------------------------------
    async def refresh_accounts(self, force=False):
        """Reload the account book (one load at a time; frames keep being judged with the old one)."""
        if self.reloading is not None and not force:
            return
        if force or time.monotonic() - self.book.loaded_at > ACCOUNT_REFRESH_SECONDS:
            self.reloading = asyncio.get_running_loop().run_in_executor(self.executor, self.book.load)
            try:
                await self.reloading
            finally:
                self.reloading = None

    async def account_loop(self):
        while True:
            await asyncio.sleep(ACCOUNT_REFRESH_SECONDS)
            try:
                await self.refresh_accounts()
            except Exception:
                log.exception("reloading DC-09 accounts failed; keeping the previous ones")
            await self.flush_forged()

    async def flush_forged(self):
        """Persist the forged-frame counts (off the alarm path: its own short statement per device)."""
        if not self.forged:
            return
        counts, self.forged = self.forged, {}
        try:
            await asyncio.get_running_loop().run_in_executor(self.executor, flush_forged, counts)
        except Exception:
            log.exception("counting %d forged DC-09 frames failed", sum(n for n, _ in counts.values()))

    # --- connection limits ----------------------------------------------------------------------
    @property
    def idle_timeout(self) -> float:
        if self.limits.idle_timeout is not None:
            return self.limits.idle_timeout
        return max(DEFAULT_IDLE_SECONDS, self.book.longest_window)

    def admit(self, conn) -> bool:
        """Take a new connection within the limits: refused beyond ``max_per_address`` for its source;
        at ``max_connections`` the longest-idle connection without unanswered frames is closed for it."""
        limits = self.limits
        if self.per_address[conn.address] >= limits.max_per_address:
            self.stats["refused_connections"] += 1
            return False
        if len(self.connections) >= limits.max_connections:
            idle = [c for c in self.connections if not c.pending]
            if not idle:
                self.stats["refused_connections"] += 1
                return False
            oldest = min(idle, key=lambda c: c.last)
            self.drop(oldest)
            if oldest.transport is not None:
                oldest.transport.close()
        self.connections.add(conn)
        self.per_address[conn.address] += 1
        return True

    def drop(self, conn):
        if conn in self.connections:
            self.connections.discard(conn)
            self.per_address[conn.address] -= 1
            if self.per_address[conn.address] <= 0:
                del self.per_address[conn.address]

    async def idle_loop(self):
        """Close the connections that completed no frame for the idle timeout (nothing unanswered)."""
        loop = asyncio.get_running_loop()
        while True:
            timeout = self.idle_timeout
            await asyncio.sleep(min(max(timeout / 4, 0.05), 5.0))
            deadline = loop.time() - timeout
            for conn in [c for c in self.connections if c.last < deadline and not c.pending]:
                self.stats["idle_closed"] += 1
                self.drop(conn)
                if conn.transport is not None:
                    conn.transport.close()

    def submit(self, raw: bytes, owner) -> "Job | bytes":
        """Judge one frame: the answer at once (NAK, DUH, or nothing: ``b""``), or the Job that will carry
        its ACK after the commit."""
        self.stats["frames"] += 1
        try:
            verdict = judge(raw, self.book.accounts)
        except Exception:  # no input may stop the receiver
            log.exception("unexpected error judging a DC-09 frame")
            verdict = Verdict("NAK", reason="error")
        if verdict.accepted:
            job = Job(verdict, verdict.entry.device, raw.decode("latin-1").strip(), owner)
            self.queue.put_nowait(job)
            return job
        if verdict.forged:
            self.stats["forged"] += 1
            count = self.forged.setdefault(verdict.entry.device.pk, [0, None])
            count[0] += 1
            count[1] = timezone.now()
        if DEBUG:
            log.debug("DC-09 %s (%s) from %s", verdict.response, verdict.reason, owner.path)
        self.stats["duh" if verdict.response == "DUH" else "nak"] += 1
        return response_bytes(verdict)

    async def writer(self):
        loop = asyncio.get_running_loop()
        while True:
            jobs = [await self.queue.get()]
            while not self.queue.empty() and len(jobs) < MAX_BATCH:
                jobs.append(self.queue.get_nowait())
            started = time.perf_counter()
            try:
                wake = await loop.run_in_executor(self.executor, store, jobs, self.publish)
                if DEBUG:
                    print(f"{time.time():.4f} stored {len(jobs)} DC-09 messages in "
                          f"{(time.perf_counter() - started) * 1000:.1f} ms, {self.queue.qsize()} waiting", file=sys.stderr)
            except Exception:
                log.exception("storing %d DC-09 messages failed; answering NAK so the panels retry", len(jobs))
                nak = response_bytes(Verdict("NAK", reason="store"))
                for job in jobs:
                    job.answer = nak
                self.stats["nak"] += len(jobs)
            else:
                if wake and self.publish:  # scheduled first: the consoles' wake-up goes out before the answers
                    asyncio.ensure_future(realtime.apublish(wake))
                self.stats["stored_batches"] += 1
                self.stats["ack"] += len(jobs)
                for job in jobs:
                    job.answer = response_bytes(job.verdict)
            for owner in {job.owner for job in jobs}:
                owner.flush()

    async def escalation_loop(self):
        from huxiao.alarms.services import escalate_overdue

        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(ESCALATION_TICK_SECONDS)
            try:
                await loop.run_in_executor(self.executor, escalate_overdue)
            except Exception:
                log.exception("alarm escalation step failed")

    async def start(self):
        self.queue = asyncio.Queue()
        await self.refresh_accounts(force=True)
        from huxiao.alarms.dc09.transport import TCPConnection, UDPProtocol

        loop = asyncio.get_running_loop()
        tcp = await loop.create_server(lambda: TCPConnection(self), self.host, self.port)
        self.servers.append(tcp)
        self.port = tcp.sockets[0].getsockname()[1]
        if self.udp:
            transport, _ = await loop.create_datagram_endpoint(lambda: UDPProtocol(self),
                                                               local_addr=(self.host, self.port))
            self.servers.append(transport)
        self.tasks = [asyncio.create_task(self.writer()) for _ in range(self.writers)]
        self.tasks.append(asyncio.create_task(self.account_loop()))
        self.tasks.append(asyncio.create_task(self.idle_loop()))
        if self.escalate:
            self.tasks.append(asyncio.create_task(self.escalation_loop()))
        return self

    async def stop(self):
        for task in self.tasks:
            task.cancel()
        for server in self.servers:
            server.close()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.flush_forged()
        for conn in list(self.connections):
            if conn.transport is not None:
                conn.transport.close()
        # each writer thread closes its own database connection (one task per thread, held at a barrier)
        threads = len(getattr(self.executor, "_threads", ())) or 1
        barrier = threading.Barrier(threads, timeout=5)

        def close():
            connection.close()
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                pass

        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(self.executor, close) for _ in range(threads)))

    async def serve_forever(self):
        await self.start()
        log.info("DC-09 receiver listening on %s:%s", self.host, self.port)
        await asyncio.Event().wait()


def run_event_loop(coro):
    """Run the receiver on uvloop (libuv: about half the per-frame socket and scheduling cost of the
    standard loop) where it is installed, else on asyncio's own loop."""
    try:
        import uvloop  # noqa: PLC0415
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)
