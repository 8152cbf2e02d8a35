"""Our DC-09 judgement agrees with pysiaalarm on a shared corpus and on hypothesis-generated frames.

Agreement: the same answer (ACK / NAK / DUH) and, for accepted frames, the same event fields (account,
sequence, code, zone, timestamp … see FIELDS, with their types) and the same answer frame. Three
documented divergences, all DC-09 checks pysiaalarm leaves out: where pysiaalarm sends no answer (CRC
mismatch, or an exception on corrupted encrypted data) we answer NAK; a frame whose length field is
wrong gets NAK from us where pysiaalarm ignores the field; encrypted data that does not decrypt to text
(a wrong key) gets NAK where pysiaalarm may read the garbage as an unknown code and answer DUH.

Clean unencrypted SIA-DCS and NULL frames are judged by ``fastpath.clean_event`` instead of pysiaalarm;
the tests below check that they do take that path and that it agrees with pysiaalarm field by field.
"""

import asyncio
import datetime
import random
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pysiaalarm.account import SIAAccount
from pysiaalarm.base_server import BaseSIAServer
from pysiaalarm.event import SIAEvent
from pysiaalarm.utils import SIA_CODES, Counter, ResponseType

from huxiao.alarms.dc09.fastpath import CleanEvent, crc_arc
from huxiao.alarms.dc09.frames import (
    build,
    crc16,
    frame,
    judge,
    make_account,
    pysiaalarm_verdict,
    response_bytes,
)
from tests.aio import run as run_coroutine

KEY = "0123456789ABCDEF0123456789ABCDEF"
ACCOUNTS = {"1234": make_account("1234"), "ABCD": make_account("ABCD", KEY), "5A5A5A": make_account("5A5A5A")}
NOW = datetime.datetime.now(datetime.UTC)


class _Server(BaseSIAServer):
    pass


PYSIA = _Server(ACCOUNTS, Counter())


def pysia_answer(data: bytes) -> str:
    """pysiaalarm's own server path: parse_and_check_event, then the event's response."""
    try:
        event = PYSIA.parse_and_check_event(data)
    except Exception:  # pysiaalarm raises on some corrupted encrypted frames: no answer
        return ""
    if event is None:
        return ""
    response = event.response
    return response.value if response else ""


def _flip(data: bytes, rng) -> bytes:
    i = rng.randrange(10, len(data) - 1)
    return data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1:]


def corpus():
    rng = random.Random(5)
    frames = []
    for account, key in (("1234", ""), ("ABCD", KEY), ("5A5A5A", "")):
        for seq, code in enumerate(["PA", "BA", "FA", "RP", "OP", "CL", "YT", "TA", "QQ", "XX"]):
            frames.append(("valid", build(account, seq=seq, code=code, zone=str(seq), key=key)))
        frames.append(("null", build(account, seq=50, token="NULL", key=key)))
        for cid in ("1120 01 001", "1130 02 004", "1110 01 009", "3401 01 002", "1602 00 000", "1999 01 001"):
            frames.append(("adm", build(account, seq=60, token="ADM-CID", cid=cid, key=key)))
        for minutes in (-30, -2, -1, 1, 30):
            frames.append(("stale", build(account, seq=70, key=key, at=NOW + datetime.timedelta(minutes=minutes))))
        frames.append(("no timestamp", build(account, seq=80, key=key, with_timestamp=False)))
        for _ in range(5):
            frames.append(("corrupted", _flip(build(account, seq=90, key=key), rng)))
        good = build(account, seq=91, key=key)
        frames.append(("bad length", good[:5] + f"{int(good[5:9], 16) + 1:04X}".encode() + good[9:]))
        frames.append(("truncated", good[: len(good) // 2] + b"\r"))
    frames.append(("unknown account", build("FFFF", seq=1)))
    frames.append(("unknown encrypted account", build("FFFF", seq=1, key=KEY)))
    frames.append(("wrong key", build("ABCD", seq=1, key="FEDCBA9876543210FEDCBA9876543210")))
    frames.append(("plain for encrypted account", build("ABCD", seq=1)))
    frames.append(("garbage", frame("hello")))
    frames.append(("empty", b"\n\r"))
    return frames


FIELDS = ("account", "message_type", "sequence", "receiver", "line", "code", "ri", "id", "ti", "message",
          "timestamp", "encrypted", "sia_account", "full_message", "length", "msg_crc", "calc_crc", "x_data",
          "extended_data", "content", "encrypted_content", "sia_code")


def _fields(verdict):
    """Every event attribute the receiver reads (and a few more), with its type."""
    e = verdict.event
    return {name: (type(getattr(e, name)), getattr(e, name)) for name in FIELDS} if e is not None else None


def check(data: bytes):
    ours = judge(data, ACCOUNTS)
    theirs = pysia_answer(data)
    if theirs == "":  # pysiaalarm stays silent (CRC mismatch, or it raised): we refuse with NAK
        assert ours.response == "NAK" or (ours.response == "" and not data.strip()), data
    elif ours.reason in ("length", "key"):
        assert ours.response == "NAK"
    else:
        assert ours.response == theirs, (data, ours, theirs)
        if ours.accepted:
            genuine = pysiaalarm_verdict(data.decode("ascii", "ignore").strip(), ACCOUNTS, fast=False)
            assert _fields(ours) == _fields(genuine)
            if not ours.event.encrypted:  # our answer frame is pysiaalarm's, byte for byte
                genuine.event.receiver = genuine.event.receiver or "R0"
                assert response_bytes(ours) == genuine.event.create_response()


@given(st.text(max_size=200))
def test_crc_is_pysiaalarms(text):
    assert crc16(text) == SIAEvent._crc_calc(text)


def _bitwise_crc(data: bytes) -> int:
    """CRC-16/ARC bit by bit, as pysiaalarm's ``_crc_calc`` does (which only takes str)."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


@given(st.binary(max_size=101))
def test_crc_any_bytes(data):
    """Odd and even lengths, any byte values, bytes or a view."""
    assert crc_arc(data) == _bitwise_crc(data)
    assert crc_arc(memoryview(b"#" + data)[1:]) == _bitwise_crc(data)  # an unaligned view


def test_crc_odd_even_and_non_ascii_text():
    for text in ("", "A", "AB", "ABC", "é", "éa", "报警", "报警!", '"SIA-DCS"0001R0L0#1234[#1234|Nri3/PA]', "🚨x"):
        assert crc16(text) == SIAEvent._crc_calc(text) == f"{_bitwise_crc(text.encode()):04X}", text


def test_a_wrong_key_is_always_refused():
    """Whatever the random padding makes of the garbage, a frame encrypted with another key gets NAK."""
    for seq in range(200):
        data = build("ABCD", seq=seq, key="FEDCBA9876543210FEDCBA9876543210")
        assert judge(data, ACCOUNTS).response == "NAK", data
        check(data)


def test_shared_corpus_agrees_with_pysiaalarm():
    seen = set()
    for name, data in corpus():
        check(data)
        seen.add((name, judge(data, ACCOUNTS).response))
    answers = {a for _, a in seen}
    assert {"ACK", "NAK", "DUH"} <= answers
    assert ("valid", "ACK") in seen and ("stale", "NAK") in seen and ("corrupted", "NAK") in seen


frames_st = st.builds(
    lambda account, key, seq, code, zone, token, offset, mutate, pos: (
        account, key, seq, code, zone, token, offset, mutate, pos),
    st.sampled_from(["1234", "ABCD", "5A5A5A", "0FF", "FFFF"]), st.booleans(), st.integers(0, 9999),
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2), st.from_regex(r"\A[0-9]{0,4}\Z"),
    st.sampled_from(["SIA-DCS", "ADM-CID", "NULL"]), st.integers(-120, 60),
    st.sampled_from(["none", "none", "flip", "truncate", "length", "junk"]), st.integers(0, 10_000))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames_st)
def test_generated_frames_agree_with_pysiaalarm(spec):
    account, use_key, seq, code, zone, token, offset, mutate, pos = spec
    data = build(account, seq=seq, code=code, zone=zone or "0", token=token, key=KEY if use_key else "",
                 at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=offset))
    if mutate == "flip":
        i = 1 + pos % (len(data) - 2)
        data = data[:i] + bytes([data[i] ^ (1 + pos % 31)]) + data[i + 1:]
    elif mutate == "truncate":
        data = data[: 1 + pos % (len(data) - 1)] + b"\r"
    elif mutate == "length":
        data = data[:5] + f"{(int(data[5:9], 16) + 1 + pos % 7) % 0xFFFF:04X}".encode() + data[9:]
    elif mutate == "junk":
        data = data[:-1] + b"]junk" + b"\r"
    check(data)


def test_same_answers_as_pysiaalarm_receiver_over_tcp():
    """Both receivers, real sockets, the same frames: the answer tokens agree (store-free frames)."""
    from pysiaalarm.aio.server import SIAServerTCP

    from huxiao.alarms.dc09.frames import parse_response

    frames = [d for n, d in corpus() if n in ("stale", "unknown account", "wrong key", "garbage")]
    frames += [build("1234", seq=3, code="QQ")]

    async def run():
        async def noop(event):
            return None

        server = SIAServerTCP(ACCOUNTS, noop, Counter())
        tcp = await asyncio.start_server(server.handle_line, "127.0.0.1", 0)
        port = tcp.sockets[0].getsockname()[1]
        answers = []
        for data in frames:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(data)
            await writer.drain()
            answers.append(parse_response(await asyncio.wait_for(reader.read(4096), 5)))
            writer.close()
        tcp.close()
        return answers

    theirs = run_coroutine(run())
    ours = [judge(d, ACCOUNTS).response for d in frames]
    assert ours == theirs


def test_clean_frames_take_the_fast_path():
    clean = [build("1234", seq=7, code="PA", zone="3"), build("5A5A5A", seq=9999, token="NULL"),
             build("1234", seq=1, code="BA", zone="", receiver="", line="L12"),
             build("1234", seq=1, code="FA", zone="0012", receiver="R1A2B3C", line="Lfff")]
    for data in clean:
        verdict = judge(data, ACCOUNTS)
        assert verdict.response == "ACK" and isinstance(verdict.event, CleanEvent), data
        check(data)
    good = build("1234", seq=1)
    slow = {"encrypted": build("ABCD", seq=1, code="PA", key=KEY),
            "encrypted NULL": build("ABCD", seq=1, token="NULL", key=KEY),
            "ADM-CID": build("1234", seq=1, token="ADM-CID", cid="1130 01 005"),
            "plain frame for an encrypted account": build("ABCD", seq=1),
            "unknown code": build("1234", seq=1, code="QQ"),
            "unknown account": build("FFFF", seq=1),
            "stale": build("1234", seq=1, at=NOW - datetime.timedelta(minutes=5)),
            "no timestamp": build("1234", seq=1, with_timestamp=False),
            "lower-case CRC": _lower_crc(),
            "bad length": good[:5] + b"0001" + good[9:],
            "with a message": frame(f'"SIA-DCS"0001R0L0#1234[#1234|Nri1/PA501]{fastpath_ts()}'),
            "NULL with data": frame(f'"NULL"0001R0L0#1234[#1234|Nri1/PA]{fastpath_ts()}'),
            "non-ASCII byte": build("1234", seq=1).replace(b"#1234|", b"#1234\xe9|"),
            "space before the frame": b" " + build("1234", seq=1)}
    for name, data in slow.items():
        assert not isinstance(judge(data, ACCOUNTS).event, CleanEvent), name
        check(data)
    assert judge(slow["encrypted"], ACCOUNTS).response == "ACK"
    assert judge(slow["ADM-CID"], ACCOUNTS).response == "ACK"


def _lower_crc() -> bytes:
    """A clean frame whose CRC has a letter, written in lower case (pysiaalarm compares it as a string)."""
    for seq in range(100):
        data = build("1234", seq=seq)
        if not data[1:5].isdigit():
            return data[:1] + data[1:5].lower() + data[5:]
    raise AssertionError("no CRC with a letter")


def test_fast_path_with_a_wildcard_account_and_a_device_time_zone():
    accounts = {"": SIAAccount("", None, (40, 20)),
                "9999": SIAAccount("9999", None, (40, 20), device_timezone=ZoneInfo("Asia/Shanghai"))}
    for data in (build("7777", seq=3, code="PA"), build("9999", seq=4, code="BA"), build("9999", seq=5, token="NULL"),
                 build("9999", seq=6, at=NOW - datetime.timedelta(minutes=3))):
        ours = judge(data, accounts)
        genuine = pysiaalarm_verdict(data.decode().strip(), accounts, fast=False)
        assert ours.response == genuine.response and _fields(ours) == _fields(genuine)
        assert isinstance(ours.event, CleanEvent) == (ours.response == "ACK")


def fastpath_ts() -> str:
    """``_HH:MM:SS,MM-DD-YYYY`` for now."""
    return build("1234")[-21:-1].decode()


def test_clean_event_answers_like_siaevent():
    """Attributes the light event does not hold are answered by the equivalent SIAEvent."""
    verdict = judge(build("1234", seq=12, code="BA", zone="4"), ACCOUNTS)
    event = verdict.event
    genuine = SIAEvent.from_line(build("1234", seq=12, code="BA", zone="4").decode().strip(), ACCOUNTS)
    assert isinstance(event, CleanEvent)
    assert event.sia_code == genuine.sia_code and event.content == genuine.content
    assert event.response == ResponseType.ACK and event.valid_timestamp and event.valid_message
    assert response_bytes(verdict) == event.create_response()
    assert "CleanEvent(SIA-DCS account=1234 seq=0012 code=BA ri=4" in repr(event)


clean_st = st.tuples(
    st.sampled_from(["1234", "5A5A5A", "0FF", "FFFF", "ABCD"]), st.integers(0, 9999),
    st.one_of(st.sampled_from(sorted(SIA_CODES)), st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZab", min_size=2, max_size=2)),
    st.from_regex(r"\A[0-9]{0,4}\Z"), st.sampled_from(["SIA-DCS", "SIA-DCS", "NULL"]),
    st.one_of(st.integers(-37, 17), st.integers(-300, -43), st.integers(23, 300)),  # 3 s off the band edges
    st.sampled_from(["R0", "", "R1", "RABC123", "Rff"]), st.sampled_from(["L0", "L1", "L12345F", "Lab"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clean_st)
def test_clean_frames_agree_with_pysiaalarm_field_by_field(spec):
    """Well-formed unencrypted frames, inside and outside the (40, 20) s time band: the fast path is
    taken exactly when pysiaalarm would ACK, and then holds pysiaalarm's values (checked in ``check``)."""
    account, seq, code, zone, token, offset, receiver, line = spec
    accounts = {**ACCOUNTS, "0FF": make_account("0FF")}
    data = build(account, seq=seq, code=code, zone=zone, token=token, receiver=receiver, line=line,
                 at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=offset))
    verdict = judge(data, accounts)
    acked = account in accounts and (token == "NULL" or code in SIA_CODES) and -37 <= offset <= 17
    assert (verdict.response == "ACK") == acked
    assert isinstance(verdict.event, CleanEvent) == (acked and account != "ABCD")  # ABCD has a key
    check(data)
    if isinstance(verdict.event, CleanEvent):
        genuine = SIAEvent.from_line(data.decode().strip(), accounts)
        assert genuine.response == ResponseType.ACK
        assert _fields(verdict) == _fields(pysiaalarm_verdict(data.decode().strip(), accounts, fast=False))
        assert verdict.event.timestamp.tzinfo is genuine.timestamp.tzinfo
        genuine.receiver = genuine.receiver or "R0"
        assert response_bytes(verdict) == genuine.create_response()


stamp_st = st.builds(lambda h, mi, s, mo, d, y: f"{h:02d}:{mi:02d}:{s:02d},{mo:02d}-{d:02d}-{y:04d}",
                     st.integers(0, 25), st.integers(0, 61), st.integers(0, 62), st.integers(0, 13),
                     st.integers(0, 32), st.one_of(st.integers(0, 9999), st.sampled_from([2024, 2100, 1900])))


@settings(max_examples=300, deadline=None)
@given(stamp_st)
def test_timestamps_parse_as_strptime_does(stamp):
    """An account without a time band ACKs any timestamp: the fast path must read every one pysiaalarm's
    strptime reads, to the same value, and leave the others (pysiaalarm then ignores them) to pysiaalarm."""
    accounts = {"1234": make_account("1234", timeband=None)}
    data = frame(f'"SIA-DCS"0001R0L0#1234[#1234|Nri1/PA]_{stamp}')
    verdict = judge(data, accounts)
    genuine = SIAEvent.from_line(data.decode().strip(), accounts)
    assert verdict.response == "ACK" == genuine.response.value
    assert isinstance(verdict.event, CleanEvent) == (genuine.timestamp is not None)
    assert verdict.event.timestamp == genuine.timestamp
