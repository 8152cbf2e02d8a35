"""DC-09 frames: building them (as a panel does) and judging incoming ones as pysiaalarm does.

A frame is ``\\n`` CRC(4 hex) LENGTH(4 hex) ``"TOKEN"`` SEQ(4) [Rrcvr] Lpref #ACCT ``[`` data ``]``
``_HH:MM:SS,MM-DD-YYYY`` ``\\r``; CRC-16 (ARC, poly 0xA001) and length cover everything from the first
quote. Encrypted tokens (``*SIA-DCS``, ``*ADM-CID``) carry the data from ``|`` on, AES-CBC with a zero IV
and the account key's characters as key bytes (as pysiaalarm and the panels Home Assistant supports).

``judge`` first tries ``fastpath.clean_event``, which ACKs the common clean unencrypted SIA-DCS and NULL
frames in a few microseconds with the values pysiaalarm would produce; any other frame (encrypted,
ADM-CID, an unknown account or code, a stale timestamp, a damaged frame …) goes through pysiaalarm.
"""

import datetime
import secrets
from dataclasses import dataclass

from Crypto.Cipher import AES
from pysiaalarm.account import SIAAccount
from pysiaalarm.errors import EventFormatError, NoAccountError
from pysiaalarm.event import NAKEvent, OHEvent, SIAEvent
from pysiaalarm.utils import MAIN_MATCHER, MessageTypes, ResponseType

from huxiao.alarms.dc09.fastpath import CleanEvent, clean_event, crc_arc

PAD_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def crc16(text: str) -> str:
    """CRC-16/ARC as DC-09 and pysiaalarm's ``_crc_calc`` compute it, over the UTF-8 bytes."""
    return f"{crc_arc(text.encode('utf-8')):04X}"


def from_line(incoming: str, accounts: dict) -> SIAEvent:
    """pysiaalarm's ``SIAEvent.from_line`` with the CRC computed by ``crc16`` (same value, faster); all
    parsing, decryption, ADM mapping and code look-up stay pysiaalarm's."""
    match = MAIN_MATCHER.match(incoming)
    if not match:
        return SIAEvent.from_line(incoming, accounts)  # OH frames and format errors: pysiaalarm's path
    fields = match.groupdict()
    encrypted = bool(fields["encrypted_flag"])
    account = fields["account"]
    sia_account = (accounts.get(account) or accounts.get("")) if accounts and account else None
    full = incoming[8:]
    return SIAEvent(full_message=full, msg_crc=fields["crc"], length=fields["length"], encrypted=encrypted,
                    message_type=fields["message_type"], sequence=fields["sequence"], receiver=fields["receiver"],
                    line=fields["line"], account=account, content=None if encrypted else fields["rest"],
                    encrypted_content=fields["rest"] if encrypted else None, sia_account=sia_account,
                    calc_crc=crc16(full))


def frame(body: str) -> bytes:
    return f"\n{crc16(body)}{len(body):04X}{body}\r".encode("ascii")


def timestamp(at: datetime.datetime | None = None) -> str:
    at = at or datetime.datetime.now(datetime.UTC)
    return at.astimezone(datetime.UTC).strftime("_%H:%M:%S,%m-%d-%Y")


def _encrypt(key: str, plain: str) -> str:
    pad = 16 - len(plain) % 16
    plain = "".join(secrets.choice(PAD_CHARS) for _ in range(pad)) + plain
    return AES.new(key.encode("ascii"), AES.MODE_CBC, bytes(16)).encrypt(plain.encode("ascii")).hex().upper()


def build(account: str, *, seq: int = 1, code: str = "PA", zone: str = "1", token: str = "SIA-DCS", key: str = "",
          at: datetime.datetime | None = None, with_timestamp: bool = True, receiver: str = "R0", line: str = "L0",
          cid: str | None = None) -> bytes:
    """A frame as a panel sends it. ``token``: SIA-DCS, ADM-CID or NULL; ``cid`` ADM-CID data like
    ``"1130 01 003"`` (qualifier+event, partition, zone)."""
    ts = timestamp(at) if with_timestamp else ""
    if token == "NULL":
        data = "]"
    elif token == "ADM-CID":
        data = f"{cid or '1120 01 ' + zone.zfill(3)}]"
    else:
        data = f"Nri{zone}/{code}]"
    head = f"{seq % 10000:04d}{receiver}{line}#{account}["
    if key:
        body = f'"*{token}"{head}{_encrypt(key, f"|{data}{ts}")}'
    else:
        body = f'"{token}"{head}#{account}|{data}{ts}' if token != "NULL" else f'"{token}"{head}{data}{ts}'
    return frame(body)


@dataclass
class Verdict:
    """What a receiver answers to one frame, and the parsed event when it is accepted."""

    response: str  # ACK, NAK, DUH, RSP or "" (pysiaalarm: no answer)
    event: SIAEvent | CleanEvent | None = None
    reason: str = ""

    @property
    def accepted(self) -> bool:
        return self.response in ("ACK", "RSP")

    @property
    def supervision(self) -> bool:
        return self.event is not None and self.event.message_type == MessageTypes.NULL


def make_account(account: str, key: str = "", timeband=(40, 20)) -> SIAAccount:
    return SIAAccount(account_id=account, key=key or None, allowed_timeband=timeband)


def pysiaalarm_verdict(line: str, accounts: dict, fast: bool = True) -> Verdict:
    """pysiaalarm's own answer to a frame (base_server.parse_and_check_event + event.response)."""
    try:
        event = from_line(line, accounts) if fast else SIAEvent.from_line(line, accounts)
    except NoAccountError:
        return Verdict("NAK", reason="account")
    except EventFormatError:
        return Verdict("NAK", reason="format")
    except (ValueError, UnicodeError):  # e.g. non-hex encrypted data: pysiaalarm's server would drop the line
        return Verdict("", reason="crash")
    if isinstance(event, OHEvent):
        return Verdict("ACK", event, "oh")
    response = event.response
    return Verdict(response.value if response else "", event, "" if response else "crc")


def _decrypts_cleanly(event) -> bool:
    """An encrypted frame's data decrypts to printable ASCII only with the right key."""
    try:
        plain = event._get_crypter().decrypt(bytes.fromhex(event.encrypted_content))
    except (ValueError, TypeError, AttributeError):
        return False
    return all(0x20 <= b < 0x7F for b in plain)


def judge(raw: bytes, accounts: dict) -> Verdict:
    """Our receiver's answer: pysiaalarm's, plus the DC-09 checks it leaves out — the length field
    must match, a CRC error is answered with NAK (pysiaalarm stays silent), and encrypted data that does
    not decrypt to text (a wrong key) is answered with NAK, never DUH or ACK. Clean unencrypted
    SIA-DCS and NULL frames are ACKed by ``fastpath.clean_event`` (same answer and event values, a
    fraction of the cost); everything else takes pysiaalarm's path."""
    event = clean_event(raw, accounts)
    if event is not None:
        return Verdict("ACK", event)
    line = raw.decode("ascii", "ignore").strip()
    if not line:
        return Verdict("", reason="empty")
    verdict = pysiaalarm_verdict(line, accounts)
    if verdict.reason in ("crc", "crash"):
        return Verdict("NAK", verdict.event, verdict.reason)
    event = verdict.event
    if event is not None and event.length is not None and event.full_message is not None:
        if int(event.length, 16) != len(event.full_message):
            return Verdict("NAK", event, "length")
    if verdict.accepted or verdict.response == "DUH":
        if event is not None and event.encrypted and not _decrypts_cleanly(event):
            return Verdict("NAK", event, "key")  # a wrong key gives garbage pysiaalarm may read as some code
    if verdict.response == "NAK" and event is not None and event.sia_account is None:
        return Verdict("NAK", event, "account")
    if verdict.response == "NAK" and event is not None:
        return Verdict("NAK", event, "timestamp")
    return verdict


def response_bytes(verdict: Verdict) -> bytes:
    """The answer frame: pysiaalarm builds it (encrypted for encrypted accounts), a generic NAK otherwise."""
    event = verdict.event
    if event is not None and event.sia_account and verdict.reason in ("", "timestamp"):
        event.receiver = event.receiver or "R0"
        if not event.encrypted and verdict.response in ("ACK", "DUH"):
            # byte for byte what pysiaalarm's create_response builds here, with the faster CRC
            body = (f'"{verdict.response}"{event.sequence}{event.receiver}{event.line}#{event.account}'
                    f'[{event.sia_account.response_qualifier}]')
            return frame(body)
        return event.create_response()
    return NAKEvent().create_response()


def parse_response(data: bytes) -> str:
    """ACK / NAK / DUH / RSP out of a receiver's answer frame (senders and tests)."""
    text = data.decode("ascii", "ignore")
    for token in ("ACK", "NAK", "DUH", "RSP"):
        if f'"{token}"' in text or f'"*{token}"' in text:
            return token
    return ""


__all__ = ["CleanEvent", "ResponseType", "Verdict", "build", "crc16", "frame", "judge", "make_account",
           "parse_response", "pysiaalarm_verdict", "response_bytes", "timestamp"]
