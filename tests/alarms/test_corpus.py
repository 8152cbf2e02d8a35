"""Our DC-09 judgement on a corpus and on hypothesis-generated frames, checked against the standard's rules
and against siadc09 (an independent DC-09-2026 implementation) reading the same frames.

No database: ``judge`` is a pure function of the frame, the accounts and the time.
"""

import datetime
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from siadc09 import dc03
from siadc09 import message as sia_message
from siadc09 import util as sia_util

from huxiao.alarms.dc09.frames import aes, build, crc16, crc_arc, encrypt, frame, key_bytes, nak, timestamp
from huxiao.alarms.dc09.judge import Account, _clean, judge, response_bytes

KEY = "0123456789ABCDEF0123456789ABCDEF"
ACCOUNTS = {"1234": Account("1234"), "ABCD": Account("ABCD", aes(key_bytes(KEY))), "5A5A5A": Account("5A5A5A"),
            "0FF": Account("0FF", require_timestamp=False)}
NOW = datetime.datetime.now(datetime.UTC)


def _bitwise_crc(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


@given(st.binary(max_size=101))
def test_crc_any_bytes(data):
    assert crc_arc(data) == _bitwise_crc(data) == sia_util.crc(data)
    assert crc_arc(memoryview(b"#" + data)[1:]) == _bitwise_crc(data)


def test_crc_of_text():
    for text in ("", "A", '"SIA-DCS"0001R0L0#1234[#1234|Nri3/PA]', "报警"):
        assert crc16(text) == f"{_bitwise_crc(text.encode()):04X}"


def test_answers_are_well_formed_frames_siadc09_reads():
    """Our ACK (plain and encrypted) and DUH parse with siadc09 (CRC, length, fields, decryption)."""
    plain = judge(build("1234", seq=42, code="BA", zone="004", area="2"), ACCOUNTS)
    got = sia_message.parse_frame(response_bytes(plain))
    assert isinstance(got, sia_message.AckMessage) and got.seq == 42 and got.account.acct == 0x1234
    enc = judge(build("ABCD", seq=43, code="FA", key=KEY), ACCOUNTS)
    answer = response_bytes(enc)
    got = sia_message.parse_frame(answer, keys=key_bytes(KEY))
    assert isinstance(got, sia_message.AckMessage) and got.encrypted and got.seq == 43
    assert abs((got.timestamp - datetime.datetime.now(datetime.UTC)).total_seconds()) < 5
    duh = judge(build("1234", seq=44, token="ADM-41E", data="1234 12"), ACCOUNTS)
    assert duh.response == "DUH"
    assert isinstance(sia_message.parse_frame(response_bytes(duh)), sia_message.DuhMessage)


def test_nak_is_one_shape_with_the_receivers_time():
    at = datetime.datetime(2026, 3, 4, 5, 6, 7, tzinfo=datetime.UTC)
    assert nak(at) == frame('"NAK"0000R0L0A0[]_05:06:07,03-04-2026')
    refusals = [build("FFFF", seq=1), build("ABCD", seq=1), build("ABCD", seq=1, key="F" * 32),
                build("1234", seq=1, at=NOW - datetime.timedelta(hours=1)), build("1234", with_timestamp=False),
                frame("hello"), build("1234")[:-3] + b"X\r"]
    for data in refusals:
        verdict = judge(data, ACCOUNTS)
        assert verdict.response == "NAK" and response_bytes(verdict, at) == nak(at), data


def test_encrypted_ack_pad_is_random():
    verdict = judge(build("ABCD", seq=1, code="PA", key=KEY), ACCOUNTS)
    assert len({response_bytes(verdict) for _ in range(5)}) == 5


def _frame_with_pad(pad: bytes, data: str, ts: str, account="ABCD", token="SIA-DCS") -> bytes:
    clear = pad + f"|{data}]{ts}".encode()
    assert len(clear) % 16 == 0
    hexdata = encrypt(key_bytes(KEY), clear).hex().upper()
    return frame(f'"*{token}"0007R0L0#{account}[{hexdata}')


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=32, max_size=32), st.sampled_from(["#ABCD|NBA004", "#ABCD|Nri2/BA004/BA005", ""]))
def test_pad_bytes_of_any_value_are_accepted(pad, data):
    """The key is judged by what follows the pad, whatever the pad's bytes (even | ] [ and CR)."""
    ts = timestamp()
    clear_len = len(f"|{data}]{ts}")
    data_frame = _frame_with_pad(pad[: 16 + (-clear_len) % 16], data, ts, token="SIA-DCS" if data else "NULL")
    verdict = judge(data_frame, ACCOUNTS)
    assert verdict.response == "ACK", (pad, data)
    assert [(e.area, e.code, e.zone) for e in verdict.events] == {
        "#ABCD|NBA004": [("", "BA", "004")], "#ABCD|Nri2/BA004/BA005": [("2", "BA", "004"), ("2", "BA", "005")],
        "": []}[data]


def test_a_wrong_key_is_always_refused_and_counted():
    for seq in range(200):
        verdict = judge(build("ABCD", seq=seq, key="FEDCBA9876543210FEDCBA9876543210"), ACCOUNTS)
        assert verdict.response == "NAK" and verdict.forged


def test_plaintext_to_an_encrypted_account_is_forged():
    for data in (build("ABCD", code="PA"), build("ABCD", token="NULL"), build("ABCD", token="ADM-CID")):
        verdict = judge(data, ACCOUNTS)
        assert (verdict.response, verdict.reason, verdict.forged) == ("NAK", "plaintext", True)


def test_clean_frames_take_the_fast_path_and_read_the_same():
    clean = [build("1234", seq=7, code="PA", zone="3"), build("5A5A5A", seq=9999, token="NULL"),
             build("1234", seq=1, code="BA", zone="004", area="2", receiver="", line="L12"),
             build("1234", seq=1, code="CL", zone="12", area="1"), build("1234", data="#1234|Nri1BA004")]
    other = [build("ABCD", code="PA", key=KEY), build("1234", data="#1234|Nri1/BA004/BA005"),
             build("1234", token="ADM-CID"), build("0FF", with_timestamp=False), build("1234", data="#9999|NBA1"),
             build("1234", token="NULL", data="#1234|NBA1"), build("ABCD", code="PA")]
    now = datetime.datetime.now(datetime.UTC)
    for data in clean + other:
        fast = _clean(data, ACCOUNTS, now)
        assert (fast is not None) == (data in clean), data
        assert judge(data, ACCOUNTS, now) == judge(data, ACCOUNTS, now, fast=False), data
        if fast is not None:
            assert fast.response == "ACK"


def test_dc03_packets():
    cases = {
        "#1234|Nri1/BA004": [("1", "BA", "004", "")],
        "#1234|Nri1BA004": [("1", "BA", "004", "")],  # no separator after a modifier, as many panels write
        "#1234|Nri1/BA004/BA005/ri2/FA001": [("1", "BA", "004", ""), ("1", "BA", "005", ""), ("2", "FA", "001", "")],
        "#1234|Nri3id7/CL7": [("3", "CL", "", "7")],  # a closing's number is its user
        "#1234|Nid5OP005": [("", "OP", "", "005")],
        "#1234|NBA": [("", "BA", "", "")],
        "#1234|Nri1/BA004^Front door^/BR004": [("1", "BA", "004", ""), ("1", "BR", "004", "")],
        "#1234|Ori1/BA004": [("1", "BA", "004", "")],  # an old (buffered) event
        "#1234|Npi12ti12:30/TA003|AHello": [("", "TA", "003", "")],
    }
    for data, expected in cases.items():
        verdict = judge(build("1234", data=data), ACCOUNTS)
        assert verdict.response == "ACK", data
        assert [(e.area, e.code, e.zone, e.user) for e in verdict.events] == expected, data
    pi = judge(build("1234", data="#1234|Npi12ti12:30/TA003|AHello"), ACCOUNTS).events[0]
    assert pi.message == "pi12 ti12:30 Hello"
    for bad in ("#1234|", "#1234|Nxx1/BA004", "#9999|NBA004", "#1234|N#"):
        assert judge(build("1234", data=bad), ACCOUNTS).response == "DUH", bad


def test_contact_id():
    cases = {"1130 01 005": ("BA", "alarm", "01", "005", ""), "3130 02 005": ("BR", "restore", "02", "005", ""),
             "3110 01 009": ("FR", "restore", "01", "009", ""), "3401 01 012": ("CL", "closing", "01", "", "012"),
             "1401 01 012": ("OP", "opening", "01", "", "012"), "6130 01 005": ("BA", "status", "01", "005", "")}
    for cid, expected in cases.items():
        verdict = judge(build("1234", token="ADM-CID", cid=cid), ACCOUNTS)
        assert verdict.response == "ACK", cid
        (e,) = verdict.events
        assert (e.code, e.kind, e.area, e.zone, e.user) == expected, cid
    for bad in ("2130 01 005", "1130 1 005", "1130-01-005", "113001005"):
        assert judge(build("1234", token="ADM-CID", cid=bad), ACCOUNTS).response == "DUH", bad


def _flip(data: bytes, rng) -> bytes:
    i = rng.randrange(1, len(data) - 1)
    return data[:i] + bytes([data[i] ^ (1 << rng.randrange(8))]) + data[i + 1:]


def test_damaged_frames_are_never_accepted():
    rng = random.Random(5)
    for account, key in (("1234", ""), ("ABCD", KEY)):
        for seq in range(150):
            good = build(account, seq=seq, code="BA", zone="004", area="1", key=key)
            data = _flip(good, rng)
            if data[:9].upper() == good[:9] and data[9:] == good[9:]:
                continue  # the CRC or length written in lower case: the same value
            assert judge(data, ACCOUNTS).response in ("NAK", ""), data


frames_st = st.tuples(
    st.sampled_from(["1234", "ABCD", "5A5A5A", "0FF", "FFFF"]), st.integers(0, 9999),
    st.sampled_from(sorted(code for code in dc03.BLOCK["N"]["block"] if len(code) == 2 and code.isupper())),
    st.from_regex(r"\A[0-9]{0,4}\Z"),
    st.from_regex(r"\A[0-9]{0,2}\Z"), st.sampled_from(["SIA-DCS", "ADM-CID", "NULL"]), st.integers(-120, 60),
    st.sampled_from(["R0", "", "R1", "RABC123"]), st.sampled_from(["L0", "L1", "L12345F"]),
    st.sampled_from(["none", "none", "truncate", "length", "junk"]), st.integers(0, 10_000))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames_st)
def test_generated_frames(spec):
    """Well-formed frames are ACKed exactly when the account is known, the key and timestamp rules hold;
    the events are what siadc09 reads from the same frame; damaged frames are never ACKed."""
    account, seq, code, zone, area, token, offset, receiver, line, mutate, pos = spec
    key = KEY if account == "ABCD" else ""
    zone = zone[:3] if token == "ADM-CID" else zone  # a Contact ID zone has 3 digits
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)  # one instant: no load can move the band
    at = now + datetime.timedelta(seconds=offset)
    data = build(account, seq=seq, code=code, zone=zone, area=area, token=token, key=key, at=at, receiver=receiver,
                 line=line)
    if mutate == "truncate":
        data = data[: 1 + pos % (len(data) - 2)] + b"\r"  # strictly shorter
    elif mutate == "length":
        data = data[:5] + f"{(int(data[5:9], 16) + 1 + pos % 7) % 0xFFFF:04X}".encode() + data[9:]
    elif mutate == "junk":
        data = data[:-1] + b"]junk\r"
    verdict = judge(data, ACCOUNTS, now)
    assert verdict == judge(data, ACCOUNTS, now, fast=False)  # the clean-frame path reads as the general one
    if mutate != "none":
        assert verdict.response != "ACK"
        return
    if offset in (-41, -40, -39, 19, 20, 21):
        return  # the band's edges are checked by the protocol tests
    accepted = account in ACCOUNTS and -38 <= offset <= 18
    assert (verdict.response == "ACK") == accepted, (data, verdict)
    if not accepted:
        return
    theirs = sia_message.parse_frame(data, keys=key_bytes(KEY) if key else None)
    assert theirs.seq == seq and theirs.encrypted == bool(key) and theirs.timestamp == at.replace(microsecond=0)
    if token == "SIA-DCS":
        (ours,) = verdict.events
        (their,) = [e for b in theirs.data.blocks for e in getattr(b, "events", [])]
        assert ours.code == their.code
        assert (ours.zone or ours.user) == zone
        assert int(ours.area or 0) == int(their.modifiers["ri"].value if "ri" in their.modifiers else 0)


stamp_st = st.builds(lambda h, mi, s, mo, d, y: f"{h:02d}:{mi:02d}:{s:02d},{mo:02d}-{d:02d}-{y:04d}",
                     st.integers(0, 25), st.integers(0, 61), st.integers(0, 62), st.integers(0, 13),
                     st.integers(0, 32), st.one_of(st.integers(0, 9999), st.sampled_from([2024, 2100, 1900])))


@settings(max_examples=300, deadline=None)
@given(stamp_st)
def test_timestamps(stamp):
    """Any timestamp text: accepted only as a real UTC time inside the time band (here: never, these are
    not now), refused otherwise, never an error."""
    data = frame(f'"SIA-DCS"0001R0L0#1234[#1234|NPA1]_{stamp}')
    try:
        at = datetime.datetime.strptime(stamp, "%H:%M:%S,%m-%d-%Y").replace(tzinfo=datetime.UTC)
    except ValueError:
        at = None
    verdict = judge(data, ACCOUNTS, now=at or NOW)
    assert verdict.response == ("ACK" if at else "NAK")
    if at:
        assert verdict.timestamp == at
        assert judge(data, ACCOUNTS, now=at + datetime.timedelta(seconds=41)).response == "NAK"
        assert judge(data, ACCOUNTS, now=at - datetime.timedelta(seconds=21)).response == "NAK"
