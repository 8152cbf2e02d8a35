"""Field encryption (AES-GCM) and a keyed blind index (HMAC-SHA256) for exact look-ups.

Used for ID numbers and other personal data: the ciphertext is stored, and the HMAC of the normalised
value is stored beside it so that "find this ID number" is an indexed equality query.
"""

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

VERSION = b"v1"


def _master_key() -> bytes:
    raw = settings.FIELD_ENCRYPTION_KEY
    try:
        key = base64.urlsafe_b64decode(raw)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must be base64 of 32 bytes") from exc
    if len(key) != 32:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must decode to 32 bytes")
    return key


def _derive(purpose: bytes) -> bytes:
    return hmac.new(_master_key(), purpose, hashlib.sha256).digest()


def encrypt(plaintext: str) -> str:
    if plaintext in (None, ""):
        return ""
    nonce = os.urandom(12)
    data = AESGCM(_derive(b"encrypt")).encrypt(nonce, plaintext.encode(), VERSION)
    return (VERSION + b":" + base64.urlsafe_b64encode(nonce + data)).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    version, _, body = token.encode().partition(b":")
    blob = base64.urlsafe_b64decode(body)
    return AESGCM(_derive(b"encrypt")).decrypt(blob[:12], blob[12:], version).decode()


def blind_index(value: str) -> str:
    if not value:
        return ""
    normalised = value.strip().upper()
    return hmac.new(_derive(b"blind-index"), normalised.encode(), hashlib.sha256).hexdigest()


def mask_id_number(value: str) -> str:
    """Show 3202**********1234 style: enough to recognise, not enough to misuse."""
    if len(value) < 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]
