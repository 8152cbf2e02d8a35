"""DC-09 over real sockets: what is answered, what is stored (and what is not), retries stored once."""

import datetime

import pytest

from huxiao.alarms.dc09.frames import build, crc16, frame, parse_response
from huxiao.alarms.models import Alarm
from huxiao.devices.models import Device, Heartbeat
from tests.alarms.conftest import AES_KEY

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def stored():
    return Alarm.objects.count()


def check_valid_alarm_is_acknowledged_after_it_is_stored(receiver, panel):
    answer = receiver.send(build("1234", seq=7, code="PA", zone="3"))
    assert parse_response(answer) == "ACK"
    assert answer.startswith(b"\n") and answer.endswith(b"\r")
    body = answer[9:-1].decode()
    assert answer[1:5].decode() == crc16(body) and int(answer[5:9], 16) == len(body)
    alarm = Alarm.objects.get(zone="3", code="PA")
    assert (alarm.school_id, alarm.device_id, alarm.code, alarm.zone, alarm.category, alarm.status) == (
        panel.school_id, panel.pk, "PA", "3", "emergency", "received")
    assert alarm.label.startswith("紧急报警")
    assert alarm.events.get().kind == "received"


def check_panel_retries_are_stored_once(receiver):
    data = build("1234", seq=11, code="BA", zone="2")
    before = stored()
    assert [parse_response(receiver.send(data)) for _ in range(3)] == ["ACK"] * 3
    assert stored() == before + 1


def check_encrypted_sia_and_adm_cid(receiver, enc_panel):
    assert parse_response(receiver.send(build("ABCD", seq=1, code="FA", key=AES_KEY))) == "ACK"
    answer = receiver.send(build("ABCD", seq=2, token="ADM-CID", cid="1130 01 005", key=AES_KEY))
    assert b'"*ACK"' in answer
    codes = sorted(Alarm.objects.filter(device=enc_panel).values_list("code", "zone"))
    assert codes == [("BA", "005"), ("FA", "1")]


def refused_frames():
    now = datetime.datetime.now(datetime.UTC)
    good = build("1234", seq=3)
    return [
        ("bad crc", good.replace(b"Nri1/PA", b"Nri1/PB"), "NAK"),
        ("bad length", good[:5] + b"0099" + good[9:], "NAK"),
        ("unknown account", build("9999", seq=3), "NAK"),
        ("stale timestamp", build("1234", seq=3, at=now - datetime.timedelta(minutes=5)), "NAK"),
        ("future timestamp", build("1234", seq=3, at=now + datetime.timedelta(minutes=5)), "NAK"),
        ("wrong key", build("ABCD", seq=3, key="FEDCBA9876543210FEDCBA9876543210"), "NAK"),
        ("encrypted for a plain account", build("1234", seq=3, key=AES_KEY), "NAK"),
        ("unknown code", build("1234", seq=3, code="QQ"), "DUH"),
        ("garbage", frame("hello world"), "NAK"),
        ("non-hex encrypted data", build("ABCD", seq=3, key=AES_KEY)[:40] + b"ZZ" + build("ABCD", seq=3,
                                                                                          key=AES_KEY)[42:], "NAK"),
        ("binary junk", bytes(range(1, 200)) + b"\r", "NAK"),
    ]


def check_refused_frames_store_nothing(receiver):
    for name, data, expected in refused_frames():
        assert parse_response(receiver.send(data)) == expected, name
    assert stored() == 0
    assert not Heartbeat.objects.exists()


def check_supervision_message_is_a_heartbeat_not_an_alarm(receiver, panel, enc_panel):
    assert parse_response(receiver.send(build("1234", seq=5, token="NULL"))) == "ACK"
    assert parse_response(receiver.send(build("ABCD", seq=5, token="NULL", key=AES_KEY))) == "ACK"
    assert stored() == 0
    assert Heartbeat.objects.filter(source="dc09").count() == 2
    panel.refresh_from_db()
    assert panel.is_networked()


def check_periodic_test_is_recorded_apart(receiver, panel):
    assert parse_response(receiver.send(build("1234", seq=6, code="RP", zone="0"))) == "ACK"
    alarm = Alarm.objects.get(code="RP")
    assert alarm.is_test and alarm.status == "recorded" and alarm.category == "test"


def check_pipelined_frames_on_one_connection_and_udp(receiver):
    before = stored()
    data = b"".join(build("1234", seq=100 + i, code="BA", zone=str(i)) for i in range(20))
    answer = receiver.send_udp(build("1234", seq=99, code="PA"))
    assert parse_response(answer) == "ACK"
    import socket

    with socket.create_connection(("127.0.0.1", receiver.port), timeout=10) as sock:
        sock.sendall(data)
        got = b""
        while got.count(b"\r") < 20:
            got += sock.recv(65536)
    assert got.count(b'"ACK"') == 20
    assert stored() == before + 21


def check_answers_keep_frame_order_through_half_close(receiver):
    """A refused frame between accepted ones is answered in its place, although its NAK is decided at once
    and the ACKs only after the commit; a panel that half-closes after sending still gets every answer."""
    import socket

    before = stored()
    frames = [build("1234", seq=200, code="BA", zone="7"), build("9999", seq=201),
              build("1234", seq=202, code="BA", zone="8"), build("1234", seq=203, code="QQ")]
    with socket.create_connection(("127.0.0.1", receiver.port), timeout=10) as sock:
        sock.sendall(b"".join(frames))
        sock.shutdown(socket.SHUT_WR)
        got = b""
        while chunk := sock.recv(65536):  # until the receiver closes, after the last answer
            got += chunk
    answers = [parse_response(part + b"\r") for part in got.split(b"\r") if part]
    assert answers == ["ACK", "NAK", "ACK", "DUH"]
    assert stored() == before + 2


def check_over_long_line_closes_the_connection(receiver):
    import socket

    before = stored()
    with socket.create_connection(("127.0.0.1", receiver.port), timeout=10) as sock:
        sock.sendall(b"\n" + b"A" * 5000)  # no CR: not a frame, and longer than any
        try:
            answer = sock.recv(65536)
        except ConnectionResetError:  # closed with some of the line unread
            answer = b""
        assert answer == b""  # closed without an answer
    assert parse_response(receiver.send(build("1234", seq=210, code="BA", zone="9"))) == "ACK"  # others go on
    assert stored() == before + 1


def check_deactivated_device_is_refused(receiver, panel):
    before = stored()
    Device.objects.filter(pk=panel.pk).update(active=False)
    receiver.reload()
    assert parse_response(receiver.send(build("1234", seq=8))) == "NAK"
    assert stored() == before


def test_dc09_receiver_over_sockets(receiver, panel, enc_panel):
    """One receiver session (a transactional set-up costs seconds on PostgreSQL): refusals first, while
    nothing is stored, then accepted frames, then a disabled device."""
    check_refused_frames_store_nothing(receiver)
    check_supervision_message_is_a_heartbeat_not_an_alarm(receiver, panel, enc_panel)
    check_valid_alarm_is_acknowledged_after_it_is_stored(receiver, panel)
    check_panel_retries_are_stored_once(receiver)
    check_encrypted_sia_and_adm_cid(receiver, enc_panel)
    check_periodic_test_is_recorded_apart(receiver, panel)
    check_pipelined_frames_on_one_connection_and_udp(receiver)
    check_answers_keep_frame_order_through_half_close(receiver)
    check_over_long_line_closes_the_connection(receiver)
    check_deactivated_device_is_refused(receiver, panel)
