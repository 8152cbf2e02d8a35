"""DC-09 over real sockets: what is answered, what is stored (and what is not), retries stored once,
forged frames to encrypted accounts refused and counted, one NAK shape for every refusal."""

import datetime
import re
import socket

import pytest

from huxiao.alarms.dc09.frames import build, crc16, frame, parse_response
from huxiao.alarms.models import Alarm
from huxiao.devices.models import Device, Heartbeat
from tests.alarms.conftest import AES_KEY, make_panel

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
NAK_SHAPE = re.compile(rb'\n[0-9A-F]{4}0025"NAK"0000R0L0A0\[\]_[0-9]{2}:[0-9]{2}:[0-9]{2},[0-9]{2}-[0-9]{2}-[0-9]{4}\r')
CHAR_KEY = "Legacy-Panel-Key"  # 16 characters used as the key bytes (a legacy panel's form)


def stored():
    return Alarm.objects.count()


def check_frame(answer: bytes):
    assert answer.startswith(b"\n") and answer.endswith(b"\r")
    body = answer[9:-1].decode("latin-1")
    assert answer[1:5].decode() == f"{int(crc16(body), 16):04X}" and int(answer[5:9], 16) == len(body)


def check_valid_alarm_is_acknowledged_after_it_is_stored(receiver, panel):
    answer = receiver.send(build("1234", seq=7, code="PA", zone="3"))
    assert parse_response(answer) == "ACK"
    check_frame(answer)
    assert answer[9:].startswith(b'"ACK"0007R0L0#1234[]_')  # echoes sequence, receiver, line, account; our time
    alarm = Alarm.objects.get(zone="3", code="PA")
    assert (alarm.school_id, alarm.device_id, alarm.code, alarm.zone, alarm.area, alarm.category, alarm.status) == (
        panel.school_id, panel.pk, "PA", "3", "", "emergency", "received")
    assert alarm.label.startswith("紧急报警")
    assert alarm.events.filter(kind="received").count() == 1


def check_area_and_zone_are_stored_apart(receiver, panel):
    """DC-03: ``ri`` is the area, the number after the code the zone; several events in one message."""
    assert parse_response(receiver.send(build("1234", seq=20, data="#1234|Nri2/BA004/BA005"))) == "ACK"
    got = sorted(Alarm.objects.filter(device=panel, code="BA", area="2").values_list("area", "zone"))
    assert got == [("2", "004"), ("2", "005")]
    assert parse_response(receiver.send(build("1234", seq=21, data="#1234|Nri1id12ti10:05/PA001^Gate^"))) == "ACK"
    alarm = Alarm.objects.get(device=panel, code="PA", zone="001")
    assert (alarm.area, alarm.user) == ("1", "12")
    assert "ti10:05" in alarm.message and "Gate" in alarm.message  # the other modifiers are kept


def check_panel_retries_are_stored_once(receiver):
    """The same event retransmitted with a fresh timestamp (a lost ACK) and over UDP (a fail-over)."""
    now = datetime.datetime.now(datetime.UTC)
    before = stored()
    first = build("1234", seq=11, code="BA", zone="2", at=now - datetime.timedelta(seconds=20))
    assert parse_response(receiver.send(first)) == "ACK"
    assert parse_response(receiver.send(build("1234", seq=11, code="BA", zone="2", at=now))) == "ACK"
    assert parse_response(receiver.send_udp(build("1234", seq=11, code="BA", zone="2", line="L2"))) == "ACK"
    assert stored() == before + 1


def check_encrypted_sia_and_adm_cid(receiver, enc_panel):
    answer = receiver.send(build("ABCD", seq=1, code="FA", key=AES_KEY))
    assert parse_response(answer) == "ACK" and answer[9:].startswith(b'"*ACK"0001R0L0#ABCD[')
    check_frame(answer)
    answer = receiver.send(build("ABCD", seq=2, token="ADM-CID", cid="1130 01 005", key=AES_KEY))
    assert b'"*ACK"' in answer
    codes = sorted(Alarm.objects.filter(device=enc_panel).values_list("code", "area", "zone"))
    assert codes == [("BA", "01", "005"), ("FA", "", "1")]


def refused_frames():
    now = datetime.datetime.now(datetime.UTC)
    good = build("1234", seq=3)
    return [
        ("bad crc", good.replace(b"NPA1", b"NPB1")),
        ("bad length", good[:5] + b"0099" + good[9:]),
        ("unknown account", build("9999", seq=3)),
        ("stale timestamp", build("1234", seq=3, at=now - datetime.timedelta(minutes=5))),
        ("future timestamp", build("1234", seq=3, at=now + datetime.timedelta(minutes=5))),
        ("no timestamp", build("1234", seq=3, with_timestamp=False)),
        ("impossible timestamp", frame('"SIA-DCS"0003R0L0#1234[#1234|NPA1]_25:61:00,13-32-2026')),
        ("wrong key", build("ABCD", seq=3, key="FEDCBA9876543210FEDCBA9876543210")),
        ("encrypted for a plain account", build("1234", seq=3, key=AES_KEY)),
        ("encrypted without timestamp", build("ABCD", seq=3, key=AES_KEY, with_timestamp=False)),
        ("garbage", frame("hello world")),
        ("non-hex encrypted data", build("ABCD", seq=3, key=AES_KEY)[:40] + b"ZZ" + build("ABCD", seq=3,
                                                                                          key=AES_KEY)[42:]),
        ("binary junk", bytes(b for b in range(1, 200) if b != 13) + b"\r"),
    ]


def check_refused_frames_store_nothing(receiver):
    for name, data in refused_frames():
        answer = receiver.send(data)
        assert NAK_SHAPE.fullmatch(answer), (name, answer)
    assert stored() == 0
    assert not Heartbeat.objects.exists()


def check_forged_plaintext_to_an_encrypted_account(receiver, enc_panel):
    """An AES account takes only encrypted frames: a plaintext alarm or supervision frame gets the same
    NAK as an unknown account, stores nothing, keeps a cut panel offline, and is counted as forged."""
    forged = [build("ABCD", seq=40, code="PA"), build("ABCD", seq=41, token="NULL"),
              build("ABCD", seq=42, token="ADM-CID", cid="1120 01 001")]
    unknown = receiver.send(build("FFFE", seq=40, code="PA"))
    for data in forged:
        answer = receiver.send(data)
        assert NAK_SHAPE.fullmatch(answer)
        assert answer[9:-21] == unknown[9:-21]  # byte for byte but the receiver's time
    assert stored() == 0 and not Heartbeat.objects.filter(device=enc_panel).exists()
    receiver.flush_forged()
    enc_panel.refresh_from_db()
    # so do the wrong-key and the timestamp-less encrypted frames of check_refused_frames_store_nothing (the
    # non-hex one fails its CRC first: damaged, not forged)
    assert enc_panel.forged_frames == 5 and enc_panel.last_forged_at is not None
    assert not enc_panel.is_networked()


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
    with socket.create_connection(("127.0.0.1", receiver.port), timeout=10) as sock:
        sock.sendall(data)
        got = b""
        while got.count(b"\r") < 20:
            got += sock.recv(65536)
    assert got.count(b'"ACK"') == 20
    assert stored() == before + 21


def check_answers_keep_frame_order_through_half_close(receiver):
    """A refused frame between accepted ones is answered in its place, although its NAK is decided at once
    and the ACKs only after the commit; a panel that half-closes after sending still gets every answer.
    A token the receiver does not process gets DUH (only on an authenticated account)."""
    before = stored()
    frames = [build("1234", seq=200, code="BA", zone="7"), build("9999", seq=201),
              build("1234", seq=202, code="BA", zone="8"), build("1234", seq=203, token="ADM-41E", data="1234 12")]
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


def check_key_forms(receiver, world):
    """Hex keys (AES-128/256 here) as the standard writes them; a legacy panel's character key works only
    as configured: the same 32 characters read as hex digits are another key."""
    legacy = make_panel(world.schools["a1"], "AP-LEGACY", "2001", AES_KEY, key_form="chars")  # AES-256 of the text
    chars16 = make_panel(world.schools["a1"], "AP-CHARS", "2003", CHAR_KEY, key_form="chars")
    key256 = "00112233445566778899AABBCCDDEEFF" * 2
    aes256 = make_panel(world.schools["a1"], "AP-256", "2002", key256)
    receiver.reload()
    for account, key, form, expected in [("2001", AES_KEY, "chars", "ACK"), ("2001", AES_KEY, "hex", "NAK"),
                                         ("2003", CHAR_KEY, "chars", "ACK"), ("2002", key256, "hex", "ACK"),
                                         ("2002", key256[:32], "hex", "NAK"), ("2002", key256[:32], "chars", "NAK")]:
        data = build(account, seq=1 if expected == "ACK" else 2, code="BA", zone="077", key=key, key_form=form)
        assert parse_response(receiver.send(data)) == expected, (account, key, form)
    assert {a.device_id for a in Alarm.objects.filter(code="BA", zone="077")} == {legacy.pk, chars16.pk, aes256.pk}


def check_timestamp_opt_out(receiver, world):
    """Only an unencrypted account whose device opts out may send frames without a timestamp."""
    make_panel(world.schools["a1"], "AP-OLD", "3003", "", timestamp_optional=True)
    receiver.reload()
    assert parse_response(receiver.send(build("3003", seq=1, code="PA", zone="9", with_timestamp=False))) == "ACK"
    assert parse_response(receiver.send(build("1234", seq=300, code="PA", zone="9", with_timestamp=False))) == "NAK"
    assert Alarm.objects.filter(zone="9", code="PA").count() == 1


def check_deactivated_device_is_refused(receiver, panel):
    before = stored()
    Device.objects.filter(pk=panel.pk).update(active=False)
    receiver.reload()
    assert NAK_SHAPE.fullmatch(receiver.send(build("1234", seq=8)))
    assert stored() == before


def test_dc09_receiver_over_sockets(receiver, panel, enc_panel, world):
    """One receiver session (a transactional set-up costs seconds on PostgreSQL): refusals first, while
    nothing is stored, then accepted frames, then a disabled device."""
    check_refused_frames_store_nothing(receiver)
    check_forged_plaintext_to_an_encrypted_account(receiver, enc_panel)
    check_supervision_message_is_a_heartbeat_not_an_alarm(receiver, panel, enc_panel)
    check_valid_alarm_is_acknowledged_after_it_is_stored(receiver, panel)
    check_area_and_zone_are_stored_apart(receiver, panel)
    check_panel_retries_are_stored_once(receiver)
    check_encrypted_sia_and_adm_cid(receiver, enc_panel)
    check_periodic_test_is_recorded_apart(receiver, panel)
    check_pipelined_frames_on_one_connection_and_udp(receiver)
    check_answers_keep_frame_order_through_half_close(receiver)
    check_over_long_line_closes_the_connection(receiver)
    check_key_forms(receiver, world)
    check_timestamp_opt_out(receiver, world)
    check_deactivated_device_is_refused(receiver, panel)

