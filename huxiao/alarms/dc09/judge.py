"""Judging one DC-09 frame: what the receiver answers and, when accepted, the events it reports.

The checks, in this order (every refusal is the same ``NAK``, see ``frames.nak``):

1. the envelope (LF … CR, the header fields), its CRC and length field;
2. the account is a known, active one;
3. an account with a key takes only encrypted frames: a plaintext ``SIA-DCS``, ``ADM-CID`` or ``NULL``
   to it is refused and counted as forged (``Verdict.forged``); an encrypted frame to an account
   without a key is refused too;
4. an encrypted frame decrypts, with the account's key, to ``pad | data ] [x-data]… _timestamp``: the key
   is judged right by that structure after the pad, never by the pad's bytes (any value, DC-09 §5.4.4);
   a frame that does not (a wrong key, or a forger's guess) is refused and counted as forged;
5. the timestamp: required on every encrypted frame (a captured one cannot be replayed later) and on
   every account unless the device opts out (an old unencrypted panel); within the DC-09 time band
   (40 s behind, 20 s ahead of the receiver, DC-09 §5.5.1.9);
6. the message: ``NULL`` is a supervision (link test) message; ``SIA-DCS`` and ``ADM-CID`` must hold at
   least one readable event (``events``); any other token, or data that cannot be read, gets ``DUH`` —
   only ever after steps 2–5, so it tells nothing to whoever does not hold the account.
"""

import datetime
import re
from dataclasses import dataclass, field

from huxiao.alarms.codes import sia_kind
from huxiao.alarms.constants import DC09_TIMEBAND
from huxiao.alarms.dc09 import events as dc_events
from huxiao.alarms.dc09.frames import answer, crc_arc, decrypt, nak

UTC = datetime.UTC
TIMEBAND = DC09_TIMEBAND  # seconds behind / ahead of the receiver's clock a timestamp may be (DC-09 §5.5.1.9)
FRAME = re.compile(rb"""
    \n ([0-9A-Fa-f]{4}) ([0-9A-Fa-f]{4})
    ( " (\*?) ([A-Z0-9-]{1,12}) " ([0-9]{4}) (?:R([0-9A-Fa-f]{1,6}))? L([0-9A-Fa-f]{1,6}) \#([0-9A-Fa-f]{3,16})
      \[ (.*) )
    \r
""", re.VERBOSE | re.DOTALL)
_TEXT = rb"[\x20-\x5a\x5c\x5e-\x7e]*"  # printable ASCII but [ and ]
_STAMP = rb"_([0-9]{2}):([0-9]{2}):([0-9]{2}),([0-9]{2})-([0-9]{2})-([0-9]{4})"
PLAIN = re.compile(rb"(" + _TEXT + rb")\]((?:\[" + _TEXT + rb"\])*)(?:" + _STAMP + rb")?")
STAMP_AT_END = re.compile(_STAMP + rb"\Z")
BODY = re.compile(rb"(" + _TEXT + rb")\]((?:\[" + _TEXT + rb"\])*)")
HEX = re.compile(rb"(?:[0-9A-Fa-f]{32})+")
TOKENS = {"SIA-DCS": dc_events.sia_dcs, "ADM-CID": dc_events.adm_cid}
BEHIND, AHEAD = datetime.timedelta(seconds=TIMEBAND[0]), datetime.timedelta(seconds=TIMEBAND[1])
# The frames nearly all traffic is made of — an unencrypted SIA-DCS message of one event with at most an
# area, or a NULL, with its timestamp — in one regular expression (``_clean``); any other frame, and any
# doubt, takes the general path, which reads these the same way (tests/alarms/test_corpus.py checks it).
CLEAN = re.compile(rb"""
    \n ([0-9A-F]{4}) ([0-9A-F]{4})
    ( " (SIA-DCS|NULL) " ([0-9]{4}) (?:R([0-9A-F]{1,6}))? L([0-9A-F]{1,6}) \#([0-9A-F]{3,16}) \[
      (?: \#([0-9A-F]{3,16}) \| N (?:ri([0-9]{1,6})/?)? ([A-Z]{2}) ([0-9]{0,6}) )?
      \] _([0-9]{2}):([0-9]{2}):([0-9]{2}),([0-9]{2})-([0-9]{2})-([0-9]{4}) )
    \r
""", re.VERBOSE)


@dataclass(slots=True)
class Account:
    """What the receiver knows of one DC-09 account."""

    account: str
    key: object = None  # cryptography AES key object, or None for an unencrypted account
    require_timestamp: bool = True
    device: object = None  # a light devices.Device (pk, school_id, region_code)


@dataclass(slots=True)
class Verdict:
    """The answer to one frame, and what it reported when accepted."""

    response: str  # ACK, NAK, DUH or "" (nothing to answer)
    reason: str = ""
    account: str = ""
    token: str = ""
    seq: str = ""
    receiver: str = ""
    line: str = ""
    encrypted: bool = False
    timestamp: datetime.datetime | None = None
    events: list = field(default_factory=list)
    xdata: str = ""
    forged: bool = False
    entry: Account | None = None

    @property
    def accepted(self) -> bool:
        return self.response == "ACK"

    @property
    def supervision(self) -> bool:
        return self.token == "NULL"


def _stamp(groups) -> datetime.datetime | None:
    hh, mi, ss, mo, dd, yyyy = groups
    try:
        return datetime.datetime(int(yyyy), int(mo), int(dd), int(hh), int(mi), int(ss), 0, UTC)
    except ValueError:
        return None


def _refuse(reason: str, account: str = "", forged: bool = False, entry=None) -> Verdict:
    return Verdict("NAK", reason, account, forged=forged, entry=entry)


def _structure(clear: bytes, token: str, account: str):
    """(data, x-data, timestamp groups, events) of a decrypted block, or None when it has not the
    structure of one (wrong key). The pad ends at the first ``|`` after which the rest reads right; a
    data-less message may leave the ``|`` out (``pad]_timestamp``, DC-09-2026 §5.4.4)."""
    stamp = STAMP_AT_END.search(clear, max(0, len(clear) - 20))
    if stamp is None:
        return None
    rest = clear[:stamp.start()]
    parse = TOKENS.get(token)
    first = None
    pos = rest.find(b"|")
    while pos >= 0:
        m = BODY.fullmatch(rest, pos + 1)
        if m is not None:
            data = m[1].decode("ascii")
            events = parse(data, account) if parse is not None and data else None
            if events is not None or (parse is None and not data):  # NULL: no data
                return data, m[2], stamp.groups(), events
            first = first or (data, m[2], stamp.groups(), None)  # readable, but not as this token's data
        pos = rest.find(b"|", pos + 1)
    if first is None and rest.endswith(b"]"):
        first = "", b"", stamp.groups(), None
    return first


def _clean(raw: bytes, accounts: dict, now) -> Verdict | None:
    """The ACK of a clean frame (see CLEAN) from a known unencrypted account, inside the time band; None
    for anything else."""
    m = CLEAN.fullmatch(raw)
    if m is None:
        return None
    crc, length, body, token, seq, rcvr, line, acct, inner, area, code, zone, *stamp = m.groups()
    if int(length, 16) != len(body) or int(crc, 16) != crc_arc(body):
        return None
    account = acct.decode("ascii")
    entry = accounts.get(account)
    if entry is None or entry.key is not None or (code is None) != (token == b"NULL") or (code and inner != acct):
        return None
    at = _stamp(stamp)
    if at is None:
        return None
    now = now or datetime.datetime.now(UTC)
    if not now - BEHIND <= at <= now + AHEAD:
        return None
    verdict = Verdict("ACK", "", account, token.decode("ascii"), seq.decode("ascii"),
                      rcvr.decode("ascii") if rcvr else "", line.decode("ascii"), False, at, entry=entry)
    if code is not None:
        code, zone, area = code.decode("ascii"), zone.decode("ascii"), area.decode("ascii") if area else ""
        kind, user, addr = sia_kind(code), "", zone
        if kind in dc_events.USER_KINDS:
            user, zone = addr, ""
        verdict.events = [dc_events.Event(code, kind, zone, area, user, "", f"Nri{area}/id{user}/{code}{addr}")]
    return verdict


def judge(raw: bytes, accounts: dict, now: datetime.datetime | None = None, fast: bool = True) -> Verdict:
    """The receiver's answer to one frame (``raw`` from LF to CR) with these ``accounts``
    (upper-case account → ``Account``). ``fast=False``: never the clean-frame path (tests)."""
    if fast and (verdict := _clean(raw, accounts, now)) is not None:
        return verdict
    m = FRAME.fullmatch(raw)
    if m is None:
        return Verdict("", "empty") if not raw.strip() else _refuse("format")
    crc, length, body, star, token_b, seq_b, rcvr_b, line_b, acct_b, content = m.groups()
    if int(length, 16) != len(body):
        return _refuse("length")
    if int(crc, 16) != crc_arc(body):
        return _refuse("crc")
    account = acct_b.decode("ascii").upper()
    entry = accounts.get(account)
    if entry is None:
        return _refuse("account", account)
    token, encrypted = token_b.decode("ascii"), bool(star)
    if entry.key is not None and not encrypted:
        return _refuse("plaintext", account, forged=True, entry=entry)
    if encrypted:
        if entry.key is None:
            return _refuse("key", account, entry=entry)
        if HEX.fullmatch(content) is None:
            return _refuse("key", account, forged=True, entry=entry)
        found = _structure(decrypt(entry.key, bytes.fromhex(content.decode("ascii"))), token, account)
        if found is None:
            return _refuse("key", account, forged=True, entry=entry)
        data, xdata, stamp, events = found
    else:
        p = PLAIN.fullmatch(content)
        if p is None:
            return _refuse("format", account, entry=entry)
        data, xdata, stamp = p[1].decode("ascii"), p[2], p.groups()[2:] if p[3] is not None else None
        events = None
    at = None
    if stamp is not None:
        at = _stamp(stamp)
        if at is None:
            return _refuse("timestamp", account, entry=entry)
        now = now or datetime.datetime.now(UTC)
        if not now - BEHIND <= at <= now + AHEAD:
            return _refuse("timestamp", account, entry=entry)
    elif entry.require_timestamp:
        return _refuse("timestamp", account, entry=entry)
    verdict = Verdict("ACK", "", account, token, seq_b.decode("ascii"), rcvr_b.decode("ascii") if rcvr_b else "",
                      line_b.decode("ascii"), encrypted, at, xdata=xdata.decode("ascii"), entry=entry)
    if token == "NULL":
        if data:
            verdict.response, verdict.reason = "DUH", "data"
        return verdict
    parse = TOKENS.get(token)
    if parse is None:
        verdict.response, verdict.reason = "DUH", "token"
        return verdict
    if events is None:
        events = parse(data, account) if data else None
    if events is None:
        verdict.response, verdict.reason = "DUH", "data"
        return verdict
    verdict.events = events
    return verdict


def response_bytes(verdict: Verdict, at: datetime.datetime | None = None) -> bytes:
    """The answer frame to a verdict."""
    if verdict.response == "NAK":
        return nak(at)
    if verdict.response in ("ACK", "DUH"):
        key = verdict.entry.key if verdict.encrypted and verdict.response == "ACK" else None
        return answer(verdict.response, verdict.seq, verdict.receiver, verdict.line, verdict.account, key, at)
    return b""
