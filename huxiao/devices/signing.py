"""Signed requests from devices (heartbeats, alarms): HMAC-SHA256 with the device's own secret.

Headers: ``X-Device-Serial``, ``X-Timestamp`` (Unix seconds) and ``X-Signature``, the hex
HMAC-SHA256 of ``"{timestamp}\\n{METHOD}\\n{path}\\n"`` followed by the raw body. A request is accepted
within ±MAX_SKEW seconds of the server clock, and each signature only once (replays are refused).

An unknown (or deactivated) device and a bad signature get the same answer, 401 with ``NOT_AUTHENTIC``,
after the same work (a look-up, a decryption and an HMAC compared in constant time), so that neither the
answer nor its timing tells whether a serial number belongs to a registered device.
"""

import functools
import hashlib
import hmac
import secrets
import time

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huxiao.core import crypto
from huxiao.devices.models import Device, UsedSignature
from huxiao.devices.services import device_secret

MAX_SKEW = 300
MAX_SERIAL = 64


def not_authentic() -> str:
    """The one answer for an unknown device and a bad signature alike."""
    return _("设备认证失败：设备编号或签名无效")


@functools.lru_cache(maxsize=4)
def _decoy_for(key_id: str) -> str:
    return crypto.encrypt(secrets.token_urlsafe(32))


def decoy_secret() -> str:
    """An encrypted secret no device has (one per field-encryption key): decrypted in place of a
    device's own when there is no device, so that both cases cost the same."""
    return _decoy_for(crypto.current_key_id())


def signatures_match(expected: str, given: str) -> bool:
    """Constant-time comparison that also takes non-ASCII input (``compare_digest`` refuses such str)."""
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace"))


class SignatureError(Exception):
    """The request is not from a known device, is badly signed, stale, or a replay (message in Chinese)."""

    def __init__(self, message, status=401):
        super().__init__(message)
        self.status = status


def sign(secret: str, timestamp: int | str, method: str, path: str, body: bytes) -> str:
    message = f"{timestamp}\n{method.upper()}\n{path}\n".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(device_serial: str, secret: str, method: str, path: str, body: bytes, timestamp=None) -> dict:
    """Headers a device sends (used by simulators, tests and benchmarks)."""
    ts = int(time.time()) if timestamp is None else int(timestamp)
    return {"X-Device-Serial": device_serial, "X-Timestamp": str(ts),
            "X-Signature": sign(secret, ts, method, path, body)}


def verify_device_request(request, *, now=None) -> Device:
    """Return the device that signed ``request`` or raise SignatureError. Records the signature as used."""
    serial = request.headers.get("X-Device-Serial", "")
    ts_raw = request.headers.get("X-Timestamp", "")
    signature = request.headers.get("X-Signature", "").lower()
    if not serial or not ts_raw or not signature:
        raise SignatureError("缺少设备签名头（X-Device-Serial、X-Timestamp、X-Signature）")
    try:
        ts = int(ts_raw)
    except ValueError as exc:
        raise SignatureError("X-Timestamp 应为 Unix 秒数") from exc
    now_s = (now or timezone.now()).timestamp()
    if abs(now_s - ts) > MAX_SKEW:
        raise SignatureError(f"请求时间戳超出允许范围（±{MAX_SKEW} 秒），请校准设备时钟")
    device = None
    if len(serial) <= MAX_SERIAL and "\x00" not in serial:
        device = Device.objects.select_related("school").filter(serial=serial, active=True).first()
    secret = device_secret(device) if device is not None else crypto.decrypt(decoy_secret())
    expected = sign(secret, ts, request.method, request.path, request.body)
    if not signatures_match(expected, signature) or device is None:
        raise SignatureError(not_authentic())
    try:
        with transaction.atomic():
            UsedSignature.objects.create(device=device, signature=signature, timestamp=ts)
    except IntegrityError as exc:
        raise SignatureError("重复的请求（签名已使用），已拒绝", status=409) from exc
    return device


def purge_used_signatures(now=None) -> int:
    """Signatures older than the accepted window can never be replayed; drop them."""
    cutoff = int((now or timezone.now()).timestamp()) - MAX_SKEW - 60
    return UsedSignature.objects.filter(timestamp__lt=cutoff).delete()[0]
