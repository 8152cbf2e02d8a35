"""The DC-09 receiver: an asyncio TCP (and UDP) server that answers ACK only after the alarm committed.

Frames are judged on the event loop (pysiaalarm parsing plus the DC-09 length/CRC checks); accepted
ones go to one writer thread that stores whatever has queued up in one transaction (group commit), so
a burst from hundreds of panels costs a few commits, not one each. Each connection may pipeline
frames; answers go back in order. Supervision (NULL) frames are heartbeats of the device.

The transports are asyncio Protocols, not streams: a frame costs a slice of the connection's buffer and
a slot in its answer queue, no future, task or stream call of its own.
"""

import asyncio
import collections
import concurrent.futures
import datetime
import logging
import os
import sys
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone

from huxiao.alarms import realtime
from huxiao.alarms.constants import DC09_TIMEBAND, ESCALATION_TICK_SECONDS
from huxiao.alarms.dc09.frames import Verdict, judge, make_account, response_bytes
from huxiao.alarms.intake import Incoming, store_alarms
from huxiao.devices.choices import HeartbeatSource
from huxiao.devices.models import Device
from huxiao.devices.services import dc09_key

log = logging.getLogger("huxiao.alarms.dc09")
MAX_FRAME = 4096
MAX_PENDING = 2000  # unanswered frames on one connection before it is read no further (back-pressure)
MAX_BATCH = int(os.environ.get("HUXIAO_DC09_MAX_BATCH", "300"))
ACCOUNT_REFRESH_SECONDS = 2.0
DEBUG = bool(os.environ.get("HUXIAO_DC09_DEBUG"))
WRITERS = int(os.environ.get("HUXIAO_DC09_WRITERS", "2"))


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
    """DC-09 accounts → devices, re-read from the registry every couple of seconds.

    A reload reads one narrow row per account and rebuilds (decrypts the key of) only the accounts whose
    device, key or school changed, so it stays cheap with tens of thousands of panels."""

    def __init__(self):
        self.accounts, self.devices, self.loaded_at = {}, {}, 0.0
        self.signatures = {}

    def load(self):
        accounts, devices, signatures = {}, {}, {}
        rows = Device.objects.filter(active=True, dc09_account__isnull=False).values_list(
            "pk", "dc09_account", "dc09_key_encrypted", "school_id", "region_code")
        for row in rows:
            acct = row[1].upper()
            signatures[acct] = row
            if self.signatures.get(acct) == row:
                accounts[acct], devices[acct] = self.accounts[acct], self.devices[acct]
                continue
            pk, _, key_encrypted, school_id, region_code = row
            accounts[acct] = make_account(acct, dc09_key(key_encrypted), DC09_TIMEBAND)
            devices[acct] = Device(pk=pk, dc09_account=acct, school_id=school_id, region_code=region_code)
        self.accounts, self.devices, self.signatures = accounts, devices, signatures
        self.loaded_at = time.monotonic()


def dedup_key(verdict: Verdict, now) -> str:
    e = verdict.event
    stamp = e.timestamp.isoformat() if isinstance(e.timestamp, datetime.datetime) else now.date().isoformat()
    return f"dc09:{e.account}:{e.message_type.value}:{e.sequence}:{e.code}:{e.ri or ''}:{e.id or ''}:{stamp}"


def store(jobs: list[Job], wake_rows: bool = True) -> dict | None:
    """Writer-thread body: store one batch in one transaction; raises when nothing could be stored (then
    all are NAKed). Returns the consoles' wake-up when new alarms were stored (None otherwise), with the
    new events when ``wake_rows``."""
    connection.close_if_unusable_or_obsolete()  # the writer thread's one connection (close_old_connections walks all)
    now = timezone.now()
    alarms, beats = [], {}
    for job in jobs:
        e = job.verdict.event
        at = e.timestamp if isinstance(e.timestamp, datetime.datetime) else now
        if job.verdict.supervision:
            beats[job.device.pk] = max(beats.get(job.device.pk, at), at)
        else:
            alarms.append(Incoming(device=job.device, source="dc09", dedup_key=dedup_key(job.verdict, now),
                                   code=e.code or "", zone=e.ri or "", message=(e.message or "").strip("/ "),
                                   occurred_at=at, raw=job.raw))
    heartbeats = sorted((pk, min(at, now)) for pk, at in beats.items())
    _, wake = store_alarms(alarms, now=now, publish=False, heartbeats=heartbeats,
                           heartbeat_source=HeartbeatSource.DC09, wake_rows=wake_rows)
    return wake


class Receiver:
    def __init__(self, host="0.0.0.0", port=12128, *, udp=True, escalate=True):
        self.host, self.port, self.udp, self.escalate = host, port, udp, escalate
        self.book = AccountBook()
        self.queue: asyncio.Queue | None = None
        # PostgreSQL commits concurrent batches in parallel; SQLite has one writer anyway
        self.writers = WRITERS if connection.vendor == "postgresql" else 1
        self.executor = concurrent.futures.ThreadPoolExecutor(self.writers + 1, thread_name_prefix="dc09-writer")
        self.stats = {"frames": 0, "ack": 0, "nak": 0, "duh": 0, "stored_batches": 0}
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
            device = self.book.devices.get((verdict.event.account or "").upper())
            if device is None:  # account removed between reloads
                verdict = Verdict("NAK", reason="account")
            else:
                job = Job(verdict, device, raw.decode("ascii", "ignore").strip(), owner)
                self.queue.put_nowait(job)
                return job
        self.stats["duh" if verdict.response == "DUH" else "nak"] += 1
        return response_bytes(verdict) if verdict.response else b""

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
        if self.escalate:
            self.tasks.append(asyncio.create_task(self.escalation_loop()))
        return self

    async def stop(self):
        for task in self.tasks:
            task.cancel()
        for server in self.servers:
            server.close()
        await asyncio.gather(*self.tasks, return_exceptions=True)
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


class TCPConnection(asyncio.Protocol):
    """One panel's TCP connection: frames end with CR; their answers go back in the frames' order, those
    already decided together in one send (a pipelining panel's whole batch at once).

    Its frames are read no further while MAX_PENDING of them await their answers, while the panel does
    not read the answers it was sent (the transport's write buffer is full), and after an over-long
    line, after which it closes once the frames before it are answered."""

    def __init__(self, receiver: Receiver):
        self.receiver = receiver
        self.transport = None
        self.buffer = bytearray()
        self.pending = collections.deque()  # answers (bytes) and Jobs, in the frames' order
        self.paused = self.ending = self.refused = self.write_blocked = False

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        if self.refused:
            return
        buffer, pending, submit = self.buffer, self.pending, self.receiver.submit
        buffer += data
        start = 0
        while (end := buffer.find(b"\r", start)) >= 0:
            raw = bytes(buffer[start:end + 1])
            start = end + 1
            if raw.strip():
                pending.append(submit(raw, self))
        del buffer[:start]
        if len(buffer) > MAX_FRAME:
            log.warning("over-long DC-09 frame from %s; closing", self.transport.get_extra_info("peername"))
            buffer.clear()
            self.refused = self.ending = True
        self.flush()

    def flush(self):
        """Send the answers decided so far, up to the first one still waiting for its commit."""
        pending, out = self.pending, []
        while pending:
            head = pending[0]
            answer = head if head.__class__ is bytes else head.answer
            if answer is None:
                break
            out.append(answer)
            pending.popleft()
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        if out:
            transport.write(b"".join(out))
        if self.ending and not pending:
            transport.close()
        else:
            self.set_reading()

    def set_reading(self):
        busy = len(self.pending) > (MAX_PENDING // 2 if self.paused else MAX_PENDING)
        pause = busy or self.write_blocked or self.refused
        if pause != self.paused and self.transport is not None and not self.transport.is_closing():
            self.paused = pause
            (self.transport.pause_reading if pause else self.transport.resume_reading)()

    def pause_writing(self):
        self.write_blocked = True
        self.set_reading()

    def resume_writing(self):
        self.write_blocked = False
        self.set_reading()

    def eof_received(self):
        self.ending = True
        self.flush()
        return True  # keep the connection open for the answers still to come

    def connection_lost(self, exc):
        self.transport = None  # frames already queued are still stored; the panel retries their answers


class UDPProtocol(asyncio.DatagramProtocol):
    def __init__(self, receiver: Receiver):
        self.receiver, self.transport = receiver, None

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        reply = UDPReply(self, addr)
        answer = self.receiver.submit(data, reply)
        if answer.__class__ is bytes:
            self.send(answer, addr)
        else:  # answered by flush() once stored
            reply.job = answer

    def send(self, answer, addr):
        if answer and self.transport is not None:
            self.transport.sendto(answer, addr)


class UDPReply:
    """Where the answer of one datagram's frame goes once it is stored."""

    __slots__ = ("protocol", "addr", "job")

    def __init__(self, protocol: UDPProtocol, addr):
        self.protocol, self.addr, self.job = protocol, addr, None

    def flush(self):
        self.protocol.send(self.job.answer, self.addr)
