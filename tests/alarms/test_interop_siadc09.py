"""Interop: a running Receiver fed frames built by siadc09 (independent SIA DC-09-2026 primitives), and our
answers read back by siadc09's own frame parser.

What siadc09 does that matters here (read from its source): keys of 16/24/32 bytes from 32/48/64 hex
digits (AES-128/192/256); 16–31 pad bytes of any value but ``[ ] |`` ; a data-less message (NULL)
encrypted without the ``|`` separator (``pad]_timestamp``); the account written as hex digits
(``#%03X``); the receiver and line fields as given.
"""

import datetime

import pytest
from siadc09 import message
from siadc09.account import Account
from siadc09.xdata import Data, XData

from huxiao.alarms.dc09.frames import parse_response
from huxiao.alarms.models import Alarm
from huxiao.devices.models import Heartbeat
from tests.alarms.conftest import make_panel

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
KEYS = {"2011": "8F1E2D3C4B5A69788796A5B4C3D2E1F0", "2012": "0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C4B5A6978",
        "2013": "00112233445566778899AABBCCDDEEFF102132435465768798A9BACBDCEDFE0F"}  # AES-128 / 192 / 256


@pytest.fixture
def panels(world, receiver):
    made = {acct: make_panel(world.schools["a2"], f"SIA-{acct}", acct, key) for acct, key in KEYS.items()}
    made["2010"] = make_panel(world.schools["a1"], "SIA-2010", "2010")  # unencrypted, timestamps required
    receiver.reload()
    return made


def account(acct: str, key: str | None = None, rcvr=None, pref=None) -> Account:
    return Account(acct=int(acct, 16), key=key, rcvr=rcvr, pref=pref)


def event(acct: str, data: bytes, token="SIA-DCS", seq=1, at=None, key=None, xdata=(), **ids) -> bytes:
    msg = message.EventMessage(account(acct, key, **ids), config={
        "idtoken": token, "seqno": seq, "data": Data(content=data), "xdata": list(xdata),
        "timestamp": at or message.now()})
    return msg.encode()


def stored(device):
    return list(Alarm.objects.filter(device=device).order_by("id").values_list("code", "area", "zone", "user",
                                                                               "event_kind", "status"))


def test_aes_128_192_256_several_events_and_answers_siadc09_reads(receiver, panels):
    for acct, key in KEYS.items():
        data = event(acct, f"#{acct}|Nri1/BA004/BA005".encode(), seq=7, key=key, rcvr=0x12, pref=0x3)
        answer = receiver.send(data)
        ack = message.parse_frame(answer, keys=bytes.fromhex(key))
        assert isinstance(ack, message.AckMessage) and ack.encrypted and ack.seq == 7, acct
        assert (ack.account.acct, ack.account.rcvr, ack.account.pref) == (int(acct, 16), 0x12, 0x3)
        assert abs((ack.timestamp - message.now()).total_seconds()) < 5
        assert stored(panels[acct]) == [("BA", "1", "004", "", "alarm", "received"),
                                        ("BA", "1", "005", "", "alarm", "received")], acct
        assert Alarm.objects.filter(device=panels[acct]).first().path == "tcp 127.0.0.1 R12 L3"


def test_encrypted_polls_without_separator_are_heartbeats(receiver, panels):
    for acct, key in KEYS.items():
        for seq in range(10):
            poll = message.NullMessage(account(acct, key), seqno=seq).encode()
            assert parse_response(receiver.send(poll)) == "ACK", acct
    assert Alarm.objects.count() == 0
    assert Heartbeat.objects.filter(source="dc09").count() >= 3
    for acct in KEYS:
        panels[acct].refresh_from_db()
        assert panels[acct].is_networked()


def test_contact_id_alarm_restore_and_status(receiver, panels):
    key = KEYS["2012"]
    for seq, cid in enumerate((b"1130 02 007", b"3130 02 007", b"6110 01 003", b"1401 02 004"), start=1):
        answer = receiver.send(event("2012", b"#2012|" + cid, token="ADM-CID", seq=seq, key=key))
        assert parse_response(answer) == "ACK", cid
    assert stored(panels["2012"]) == [("BA", "02", "007", "", "alarm", "received"),
                                      ("BR", "02", "007", "", "restore", "recorded"),
                                      ("FA", "01", "003", "", "status", "recorded"),
                                      ("OP", "02", "", "004", "opening", "recorded")]
    assert Alarm.objects.get(code="BA").restored_at is not None


def test_unencrypted_with_xdata_over_udp(receiver, panels):
    data = event("2010", b"#2010|Nri2/FA003", seq=9, xdata=[XData("M", "0012AB34CD56")])
    assert parse_response(receiver.send_udp(data)) == "ACK"
    alarm = Alarm.objects.get(device=panels["2010"])
    assert (alarm.code, alarm.area, alarm.zone) == ("FA", "2", "003") and "M0012AB34CD56" in alarm.message
    no_time = message.EventMessage(account("2010"), config={"idtoken": "SIA-DCS", "seqno": 10,
                                                             "data": Data(content=b"#2010|NFA004")}).encode()
    assert parse_response(receiver.send(no_time)) == "NAK"  # every account requires the timestamp by default
    assert Alarm.objects.filter(device=panels["2010"]).count() == 1


def test_retransmission_with_a_fresh_timestamp_is_stored_once(receiver, panels):
    key = KEYS["2013"]
    now = message.now()
    first = event("2013", b"#2013|Nri4/PA001", seq=33, key=key, at=now - datetime.timedelta(seconds=15))
    again = event("2013", b"#2013|Nri4/PA001", seq=33, key=key, at=now)
    assert first != again
    assert parse_response(receiver.send(first)) == "ACK"
    assert parse_response(receiver.send_udp(again)) == "ACK"
    (alarm,) = Alarm.objects.filter(device=panels["2013"])
    assert [(r.path, r.duplicate) for r in alarm.receptions()] == [("tcp 127.0.0.1 R0 L0", False),
                                                                    ("udp 127.0.0.1 R0 L0", True)]


def test_refusals(receiver, panels):
    wrong = event("2011", b"#2011|NPA001", key=KEYS["2013"][:32])
    stale = event("2011", b"#2011|NPA001", key=KEYS["2011"], at=message.now() - datetime.timedelta(minutes=3))
    plain = event("2011", b"#2011|NPA001")
    for data in (wrong, stale, plain):
        answer = receiver.send(data)
        assert parse_response(answer) == "NAK" and answer[9:].startswith(b'"NAK"0000R0L0A0[]_')
    assert Alarm.objects.count() == 0
    receiver.flush_forged()
    panels["2011"].refresh_from_db()
    assert panels["2011"].forged_frames == 2  # the wrong key and the plaintext frame; a stale one is a refusal
