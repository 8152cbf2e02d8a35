"""The DC-09 receiver's transports: one asyncio Protocol per TCP connection, one for UDP.

The transports are asyncio Protocols, not streams: a frame costs a slice of the connection's buffer and
a slot in its answer queue, no future, task or stream call of its own.
"""

import asyncio
import collections
import logging

log = logging.getLogger("huxiao.alarms.dc09")
MAX_FRAME = 4096
MAX_PENDING = 2000  # unanswered frames on one connection before it is read no further (back-pressure)


class TCPConnection(asyncio.Protocol):
    """One panel's TCP connection: frames end with CR; their answers go back in the frames' order, those
    already decided together in one send (a pipelining panel's whole batch at once).

    Its frames are read no further while MAX_PENDING of them await their answers, while the panel does
    not read the answers it was sent (the transport's write buffer is full), and after an over-long
    line, after which it closes once the frames before it are answered."""

    def __init__(self, receiver):
        self.receiver = receiver
        self.transport = None
        self.buffer = bytearray()
        self.pending = collections.deque()  # answers (bytes) and Jobs, in the frames' order
        self.paused = self.ending = self.refused = self.write_blocked = False
        self.address, self.path, self.last = "", "tcp", 0.0

    def connection_made(self, transport):
        self.transport = transport
        peer = transport.get_extra_info("peername")
        self.address = peer[0] if isinstance(peer, tuple) else str(peer or "")
        self.path = f"tcp {self.address}"
        self.last = asyncio.get_running_loop().time()  # completed frames move it on (idle timeout)
        if not self.receiver.admit(self):
            log.warning("DC-09 connection from %s refused: connection limit reached", self.address)
            self.refused = True
            transport.close()

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
        if start:
            del buffer[:start]
            self.last = asyncio.get_running_loop().time()
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
        self.receiver.drop(self)


class UDPProtocol(asyncio.DatagramProtocol):
    def __init__(self, receiver):
        self.receiver, self.transport = receiver, None

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        reply = UDPReply(self, addr, f"udp {addr[0]}")
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

    __slots__ = ("protocol", "addr", "job", "path")

    def __init__(self, protocol: UDPProtocol, addr, path: str):
        self.protocol, self.addr, self.job, self.path = protocol, addr, None, path

    def flush(self):
        self.protocol.send(self.job.answer, self.addr)
