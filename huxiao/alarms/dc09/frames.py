"""SIA DC-09 frames: the envelope, keys and AES, the receiver's answers, and frames as a panel writes them.

A frame (DC-09-2013 §5.5, DC-09-2026 §5.5)::

    <LF> CRC(4 hex) 0LLL(4 hex) "ID" SEQ(4 dec) [Rrcvr] Lpref #acct [ data ] [x-data]… _HH:MM:SS,MM-DD-YYYY <CR>

CRC-16/ARC and the length cover everything from the first quote to the CR. Encrypted frames (``"*ID"``)
carry everything after ``[`` as hex: AES-CBC, zero IV, of ``pad | data ] [x-data]… timestamp`` where the
pad is 1–31 pseudo-random bytes of any value bringing the clear text to a multiple of 16 (§5.4.4). A key
is 128, 192 or 256 bits written as 32, 48 or 64 hex digits (§5.4.6); some older panels use 16/24/32
typed characters as the key bytes instead (the "character" form, a per-device legacy option).

Answers (§5.5.2): ``ACK`` echoes sequence, receiver, line and account, encrypted with the account's key
for an encrypted frame; ``NAK`` is one unencrypted shape for every refusal, ``"NAK"0000R0L0A0[]`` with the
receiver's time, so a panel can resynchronise its clock and a refusal says nothing about the account;
``DUH`` answers an authenticated frame the receiver cannot process.
"""

import datetime
import secrets
import time

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from fastcrc import crc16 as _fastcrc

ZERO_IV = bytes(16)
KEY_HEX, KEY_CHARS = "hex", "chars"
HEX_KEY_LENGTHS = (32, 48, 64)  # 128/192/256-bit keys as hex digits
CHAR_KEY_LENGTHS = (16, 24, 32)  # legacy: the characters are the key bytes
# pad bytes of our own frames: any value but the three DC-09 delimiters, so every parser finds the data
PAD_BYTES = bytes(b for b in range(256) if b not in b"|[]")
TIMESTAMP_FORMAT = "_%H:%M:%S,%m-%d-%Y"


def crc_arc(data) -> int:
    """CRC-16/ARC (reflected, polynomial 0xA001) as DC-09 specifies, in native code (fastcrc)."""
    return _fastcrc.arc(bytes(data))


def crc16(text: str) -> str:
    return f"{crc_arc(text.encode('utf-8')):04X}"


def frame(body: str | bytes) -> bytes:
    """Wrap a message body (from the first quote on) in LF, CRC, length and CR."""
    if isinstance(body, str):
        body = body.encode("latin-1")
    return b"\n%04X%04X%s\r" % (crc_arc(body), len(body), body)


_NOW_STAMP = [0, ""]  # (second, its timestamp): answers within one second share it


def timestamp(at: datetime.datetime | None = None) -> str:
    """``_HH:MM:SS,MM-DD-YYYY`` (UTC) of ``at``, by default now."""
    if at is None:
        second = int(time.time())
        cached = _NOW_STAMP
        if cached[0] != second:
            cached[1] = datetime.datetime.fromtimestamp(second, datetime.UTC).strftime(TIMESTAMP_FORMAT)
            cached[0] = second
        return cached[1]
    return at.astimezone(datetime.UTC).strftime(TIMESTAMP_FORMAT)


# --- keys and AES -----------------------------------------------------------------------------------

def key_bytes(text: str | bytes, form: str = KEY_HEX) -> bytes:
    """The AES key of a key as typed: 32/48/64 hex digits (``hex``) or 16/24/32 characters used as
    the key bytes (``chars``, legacy). Raises ValueError otherwise."""
    if isinstance(text, bytes | bytearray):
        if len(text) not in CHAR_KEY_LENGTHS:
            raise ValueError("AES key must be 16, 24 or 32 bytes")
        return bytes(text)
    if form == KEY_CHARS:
        if len(text) not in CHAR_KEY_LENGTHS or not text.isascii() or not text.isprintable():
            raise ValueError("character key must be 16, 24 or 32 printable ASCII characters")
        return text.encode("ascii")
    if len(text) not in HEX_KEY_LENGTHS:
        raise ValueError("hex key must be 32, 48 or 64 hex digits")
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise ValueError("hex key must be 32, 48 or 64 hex digits") from None


def aes(key: bytes) -> algorithms.AES:
    return algorithms.AES(key)


def decrypt(cipher_key: algorithms.AES, data: bytes) -> bytes:
    decryptor = Cipher(cipher_key, modes.CBC(ZERO_IV)).decryptor()
    return decryptor.update(data) + decryptor.finalize()


def encrypt(key: bytes | algorithms.AES, clear: bytes) -> bytes:
    cipher_key = key if isinstance(key, algorithms.AES) else algorithms.AES(key)
    encryptor = Cipher(cipher_key, modes.CBC(ZERO_IV)).encryptor()
    return encryptor.update(clear) + encryptor.finalize()


def pad(length: int) -> bytes:
    """``length`` pseudo-random pad bytes (any value but ``|``, ``[`` and ``]``)."""
    return bytes(secrets.choice(PAD_BYTES) for _ in range(length))


def encrypted_block(key, clear: bytes) -> bytes:
    """``clear`` (``|data]…timestamp``) behind a random pad to a multiple of 16, encrypted, as hex."""
    n = 16 - len(clear) % 16  # 1..16 pad bytes
    return encrypt(key, pad(n) + clear).hex().upper().encode("ascii")


# --- answers ----------------------------------------------------------------------------------------

def nak(at: datetime.datetime | None = None) -> bytes:
    """The one refusal, whatever was refused and whoever asked."""
    return frame(f'"NAK"0000R0L0A0[]{timestamp(at)}')


def answer(token: str, seq: str, receiver: str, line: str, account: str, key=None,
           at: datetime.datetime | None = None) -> bytes:
    """``ACK``/``DUH`` to a frame: its sequence, receiver (``R0`` when it gave none), line and account,
    the receiver's time; encrypted with ``key`` (an ACK to an encrypted frame)."""
    head = f"{seq}R{receiver or '0'}L{line}#{account}["
    ts = timestamp(at)
    if key is not None:
        return frame(f'"*{token}"{head}'.encode("ascii") + encrypted_block(key, f"|]{ts}".encode("ascii")))
    return frame(f'"{token}"{head}]{ts}')


def parse_response(data: bytes) -> str:
    """ACK / NAK / DUH / RSP out of a receiver's answer frame (senders and tests)."""
    text = data.decode("latin-1")
    for token in ("ACK", "NAK", "DUH", "RSP"):
        if f'"{token}"' in text or f'"*{token}"' in text:
            return token
    return ""


# --- frames as a panel writes them ------------------------------------------------------------------

def sia_dcs(code: str = "PA", zone: str = "1", area: str = "", account: str = "") -> str:
    """A DC-03 new-event block as DC-09 carries it: ``#acct|Nri<area>/<code><zone>`` (no ``ri`` without
    an area)."""
    head = f"#{account}|" if account else ""
    return f"{head}N{f'ri{area}/' if area else ''}{code}{zone}"


def build(account: str, *, seq: int = 1, code: str = "PA", zone: str = "1", area: str = "", token: str = "SIA-DCS",
          key: str | bytes = "", key_form: str = KEY_HEX, at: datetime.datetime | None = None,
          with_timestamp: bool = True, receiver: str = "R0", line: str = "L0", cid: str | None = None,
          data: str | None = None) -> bytes:
    """A frame as a panel sends it. ``token``: SIA-DCS, ADM-CID or NULL; ``data``: the whole data block
    (without brackets), else ``#acct|N[ri<area>/]<code><zone>`` for SIA-DCS or ``#acct|<cid>`` for ADM-CID
    with ``cid`` like ``"1130 01 003"`` (qualifier+event, group, zone); ``key``: hex digits (or
    characters with ``key_form="chars"``, or the raw key bytes)."""
    ts = timestamp(at) if with_timestamp else ""
    if data is None:
        if token == "NULL":
            data = ""
        elif token == "ADM-CID":
            data = f"#{account}|{cid or '1120 01 ' + zone.zfill(3)}"
        else:
            data = sia_dcs(code, zone, area, account)
    head = f"{seq % 10000:04d}{receiver}{line}#{account}["
    if key:
        block = encrypted_block(key_bytes(key, key_form), f"|{data}]{ts}".encode("ascii"))
        return frame(f'"*{token}"{head}'.encode("ascii") + block)
    return frame(f'"{token}"{head}{data}]{ts}')
