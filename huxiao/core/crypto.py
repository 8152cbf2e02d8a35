"""Field encryption (AES-GCM) with key rotation, a keyed blind index (HMAC-SHA256) for exact look-ups, and
the masks personal data is shown with.

Keys: ``FIELD_ENCRYPTION_KEY`` is the current key (base64 of 32 bytes): every new value is written with it.
``FIELD_ENCRYPTION_OLD_KEYS`` (a list) holds retired keys that still decrypt what was written with them,
until ``manage.py rotate_field_key`` has re-encrypted every column. A token names its key:
``v2:<key id>:<base64(nonce + ciphertext)>``, the key id being a keyed hash of the key (it reveals nothing
of it). Tokens of the first format, ``v1:<base64>`` (no key id), are tried with each configured key in turn.

The blind index is keyed by the current key too: look-ups match the index under any configured key
(``blind_indexes``), so a key change does not break them while the rotation command re-indexes the rows.

``EncryptedCharField`` is a model field that stores such tokens and gives the plaintext to Python, to
``values()`` and ``values_list()`` alike; rows written before a column was encrypted (plain text, never
``v1:``/``v2:``-shaped) are read as they are until the data migration or the rotation command encrypts them.
"""

import base64
import functools
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

VERSION = b"v2"
LEGACY = b"v1"


class DecryptionError(ValueError):
    """A token that no configured key opens (wrong key, retired key removed too early, or tampering)."""


@functools.lru_cache(maxsize=16)
def _keyring(current: str, old: tuple) -> tuple:
    """((key id, AESGCM, blind-index key), ...) for the current key then the old ones; parsed once."""
    ring, seen = [], set()
    for name, raw in [("FIELD_ENCRYPTION_KEY", current), *(("FIELD_ENCRYPTION_OLD_KEYS", k) for k in old)]:
        try:
            key = base64.urlsafe_b64decode(raw.encode() if isinstance(raw, str) else raw)
        except (ValueError, TypeError, AttributeError) as exc:
            raise ImproperlyConfigured(f"{name} must be base64 of 32 bytes") from exc
        if len(key) != 32:
            raise ImproperlyConfigured(f"{name} must decode to 32 bytes")
        if key in seen:
            continue
        seen.add(key)
        kid = hmac.new(key, b"key-id", hashlib.sha256).hexdigest()[:8]
        ring.append((kid, AESGCM(hmac.new(key, b"encrypt", hashlib.sha256).digest()),
                     hmac.new(key, b"blind-index", hashlib.sha256).digest()))
    return tuple(ring)


def _old_keys() -> tuple:
    old = getattr(settings, "FIELD_ENCRYPTION_OLD_KEYS", ()) or ()
    if isinstance(old, str):
        old = old.split(",")
    return tuple(k.strip() for k in old if k and k.strip())


def keyring() -> tuple:
    return _keyring(settings.FIELD_ENCRYPTION_KEY, _old_keys())


def current_key_id() -> str:
    return keyring()[0][0]


def encrypt(plaintext: str) -> str:
    if plaintext in (None, ""):
        return ""
    kid, aead, _index = keyring()[0]
    nonce = os.urandom(12)
    header = VERSION + b":" + kid.encode()
    data = aead.encrypt(nonce, plaintext.encode(), header)
    return (header + b":" + base64.urlsafe_b64encode(nonce + data)).decode()


def is_token(value) -> bool:
    return isinstance(value, str) and (value.startswith("v2:") or value.startswith("v1:"))


def key_id_of(token: str) -> str | None:
    """The key id a token names (None for the legacy format, which names none)."""
    parts = token.split(":", 2)
    return parts[1] if parts[0] == "v2" and len(parts) == 3 else None


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        if token.startswith("v2:"):
            _v, kid, body = token.split(":", 2)
            blob = base64.urlsafe_b64decode(body)
            for ring_kid, aead, _index in keyring():
                if ring_kid == kid:
                    return aead.decrypt(blob[:12], blob[12:], b"v2:" + kid.encode()).decode()
            raise DecryptionError(f"no configured field key has id {kid} (FIELD_ENCRYPTION_OLD_KEYS?)")
        version, _, body = token.partition(":")
        if version != "v1":
            raise DecryptionError("not a field-encryption token")
        blob = base64.urlsafe_b64decode(body)
        for _kid, aead, _index in keyring():
            try:
                return aead.decrypt(blob[:12], blob[12:], LEGACY).decode()
            except InvalidTag:
                continue
        raise DecryptionError("no configured field key opens this v1 token (FIELD_ENCRYPTION_OLD_KEYS?)")
    except (InvalidTag, ValueError, TypeError) as exc:
        if isinstance(exc, DecryptionError):
            raise
        raise DecryptionError("field-encryption token is damaged or was written with another key") from exc


def needs_rotation(token: str) -> bool:
    """Whether a stored value is not (yet) a token of the current key: written with an old key, in the
    legacy format, or still plain text in an encrypted column."""
    return bool(token) and key_id_of(token) != current_key_id()


def reencrypt(token: str) -> str:
    """The value as a token of the current key (a plain-text value is encrypted as it is)."""
    return encrypt(decrypt(token) if is_token(token) else token)


def _normalise(value: str) -> bytes:
    return value.strip().upper().encode()


def blind_index(value: str) -> str:
    """The keyed hash new rows store (current key)."""
    if not value:
        return ""
    return hmac.new(keyring()[0][2], _normalise(value), hashlib.sha256).hexdigest()


def blind_indexes(value: str) -> list[str]:
    """The value's keyed hash under every configured key: what look-ups match while a rotation runs."""
    if not value:
        return []
    return [hmac.new(index_key, _normalise(value), hashlib.sha256).hexdigest() for _k, _a, index_key in keyring()]


def mask_id_number(value: str) -> str:
    """Only the last 4 characters (sequence and check digit): the area code and the birth date stay hidden,
    so the number cannot be rebuilt from what is shown (see tests/core/test_personal_data.py)."""
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678: the first 3 and last 4 digits of an 11-digit number (a landline keeps its last 4)."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) >= 11:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    if len(value) > 4:
        return "*" * (len(value) - 4) + value[-4:]
    return "*" * len(value)


class EncryptedCharField(models.CharField):
    """A text column stored as an AES-GCM token (see the module docstring); ``max_length`` bounds the
    plain text, the column is wide enough for its token."""

    description = "Text encrypted at rest (AES-GCM)"

    @property
    def stored_length(self) -> int:
        # "v2:" + 8-hex key id + ":" + base64(12-byte nonce + UTF-8 text (≤ 4 bytes a character) + 16-byte tag)
        return 12 + 4 * ((12 + 4 * (self.max_length or 255) + 16 + 2) // 3)

    def db_type(self, connection):
        data = self.db_type_parameters(connection) | {"max_length": self.stored_length}
        type_string = connection.data_types["CharField"]
        return type_string(data) if callable(type_string) else type_string % data

    def cast_db_type(self, connection):
        return self.db_type(connection)

    def from_db_value(self, value, expression, connection):
        if value is None or not is_token(value):
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(value)

    def audit_value(self, value) -> str:
        """What the audit log keeps of a value: masked, never the plain text."""
        return mask_phone(value or "")
