"""DC-09 receiver resource limits over real sockets: hundreds of half-open and idle connections do not
delay a real alarm, and are closed after the idle timeout; per-address and total connection caps."""

import socket
import statistics
import time

import pytest

from huxiao.alarms.dc09.frames import build, parse_response
from huxiao.alarms.dc09.server import Limits
from huxiao.alarms.models import Alarm
from tests.alarms.conftest import RunningReceiver

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
ATTACKER = "127.0.0.2"  # another loopback source address than the panel's (127.0.0.1)


def open_from(source: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((source, 0))
    sock.settimeout(5)
    sock.connect(("127.0.0.1", port))
    return sock


def closed_by_peer(sock: socket.socket, within: float) -> bool:
    sock.settimeout(within)
    try:
        return sock.recv(4096) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def timed_alarm(running, seq: int) -> tuple[str, float]:
    data = build("1234", seq=seq, code="PA", zone=str(seq))
    started = time.perf_counter()
    answer = running.send(data)
    return parse_response(answer), time.perf_counter() - started


IDLE = 4.0


@pytest.fixture
def limited(transactional_db, panel):
    running = RunningReceiver(escalate=False, udp=False, limits=Limits(idle_timeout=IDLE, max_per_address=250,
                                                                       max_connections=1000))
    yield running
    running.stop()


def test_half_open_connections_do_not_delay_an_alarm_and_are_closed(limited):
    started = time.monotonic()
    socks = [open_from(ATTACKER, limited.port) for _ in range(300)]
    for i, sock in enumerate(socks):
        if i % 3 == 0:
            sock.sendall(b"\n12340030\"SIA-DCS\"0001")  # a frame begun, never ended
        elif i % 3 == 1:
            sock.sendall(b"\n")
    # beyond 250 from one address: closed at once, without an answer; the 250 others stay open
    assert all(closed_by_peer(s, 1.0) for s in socks[250:])
    assert not any(closed_by_peer(s, 0.001) for s in socks[:250])
    assert time.monotonic() - started < IDLE  # (so none of this was the idle timeout)
    assert limited.receiver.stats["refused_connections"] == 50
    # meanwhile a real panel's alarm is acknowledged promptly (after its commit)
    results = [timed_alarm(limited, seq) for seq in range(1, 6)]
    assert [answer for answer, _ in results] == ["ACK"] * 5
    assert statistics.median(seconds for _, seconds in results) < 0.1, results
    assert Alarm.objects.filter(code="PA").count() == 5
    # the idle timeout closes the 250 (IDLE after their last complete frame: none), checked every IDLE / 4
    assert all(closed_by_peer(s, IDLE * 2) for s in socks[:250])
    assert time.monotonic() - started < IDLE * 3
    assert limited.receiver.stats["idle_closed"] >= 250
    for sock in socks:
        sock.close()


def test_a_slow_sender_is_closed_after_the_idle_timeout(limited):
    sock = open_from(ATTACKER, limited.port)
    started = time.monotonic()
    closed = False
    for byte in b"\n1234003C\"SIA-DCS\"0001R0L0#1234[#1234|NPA1]" * 3:  # one byte every 0.2 s, never a CR
        try:
            sock.sendall(bytes([byte]))
        except (BrokenPipeError, ConnectionResetError):
            closed = True
            break
        if closed_by_peer(sock, 0.2):
            closed = True
            break
    assert closed and IDLE <= time.monotonic() - started < IDLE * 2.5
    sock.close()


def test_total_cap_makes_room_with_the_longest_idle_connection(transactional_db, panel):
    running = RunningReceiver(escalate=False, udp=False, limits=Limits(idle_timeout=60, max_per_address=100,
                                                                       max_connections=20))
    try:
        socks = [open_from(ATTACKER, running.port) for _ in range(20)]
        time.sleep(0.2)
        answer, _ = timed_alarm(running, 77)  # connection 21: the longest-idle one is closed for it
        assert answer == "ACK"
        assert closed_by_peer(socks[0], 2.0)
        assert not any(closed_by_peer(s, 0.05) for s in socks[1:])
        for sock in socks:
            sock.close()
    finally:
        running.stop()
