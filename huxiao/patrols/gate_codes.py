"""The QR code at each school gate: a signed token that proves a check was made at the post, without GPS.

The code printed at a gate is the phone page's address with a token ``G1.<post>.<version>.<signature>``:
the signature is an HMAC-SHA256 (truncated to 128 bits) of the post and the version under a key derived
from ``SECRET_KEY`` for this purpose alone (``salted_hmac``), so nobody can make a code for a post without
the server. Scanning it with the phone camera opens the phone page, which queues a check-in carrying the
token (offline like any other); the server verifies it when the check-in arrives. Raising the post's
``gate_code_version`` (:func:`do_rotate_gate_code`, an authorised role, audited) refuses every code
printed before — what to do when a code was photographed and passed around.
"""

import base64
import re
from urllib.parse import urlencode

import segno
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from huxiao.core import audit
from huxiao.core.actions import require
from huxiao.core.choices import AuditAction
from huxiao.patrols.audit_events import PatrolAudit

KEY_SALT = "huxiao.patrols.gate_codes"
PREFIX = "G1"
MAX_LENGTH = 64
TOKEN = re.compile(r"^G1\.([1-9][0-9]{0,18})\.([1-9][0-9]{0,9})\.([A-Za-z0-9_-]{22})$")
ROTATE = "patrols.manage_post"
FIELD = "gate_token"


class InvalidGateCode(ValidationError):
    """A gate token that is malformed, forged, of another post or rotated out: refused, nothing stored."""

    def __init__(self, message):
        super().__init__({FIELD: [message]})


def _signature(post_id: int, version: int) -> str:
    digest = salted_hmac(KEY_SALT, f"{post_id}|{version}", algorithm="sha256").digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_for(post) -> str:
    """The token of ``post``'s current code."""
    return f"{PREFIX}.{post.pk}.{post.gate_code_version}.{_signature(post.pk, post.gate_code_version)}"


def read(token) -> tuple[int, int]:
    """``(post id, version)`` of a genuine token (made by this server, whatever post and version)."""
    if not isinstance(token, str) or len(token) > MAX_LENGTH:
        raise InvalidGateCode(_("二维码内容无法识别"))
    match = TOKEN.match(token)
    if match is None:
        raise InvalidGateCode(_("二维码内容无法识别"))
    post_id, version, signature = int(match[1]), int(match[2]), match[3]
    if not constant_time_compare(signature, _signature(post_id, version)):
        raise InvalidGateCode(_("二维码校验失败：不是本系统生成的校门二维码"))
    return post_id, version


def verify(token, post) -> None:
    """Refuse ``token`` unless it is the current code of ``post``."""
    post_id, version = read(token)
    if post_id != post.pk:
        raise InvalidGateCode(_("该二维码属于另一个护学岗，不是 %(p)s 的校门二维码") % {"p": post.name})
    if version != post.gate_code_version:
        raise InvalidGateCode(_("该二维码已作废（已重新生成），请扫描校门现张贴的二维码"))


def phone_url(request, post) -> str:
    """The absolute address a scan opens: the phone page with the token."""
    path = reverse("patrol-phone") + "?" + urlencode({"gate": token_for(post)})
    return request.build_absolute_uri(path)


def qr_svg(data: str) -> str:
    """The QR code of ``data`` as inline SVG (drawn here, no external service); error correction M."""
    return segno.make(data, error="m", micro=False).svg_inline(scale=8, border=4, title=None)


@transaction.atomic
def do_rotate_gate_code(post, *, actor):
    """Re-issue ``post``'s gate code: the version goes up by one, every code printed before is refused."""
    require(actor, ROTATE, post)
    before = post.gate_code_version
    type(post).objects.filter(pk=post.pk).update(gate_code_version=F("gate_code_version") + 1)
    post.refresh_from_db(fields=["gate_code_version"])
    audit.record(AuditAction.UPDATE, post, actor=actor, before={"gate_code_version": before},
                 after={"gate_code_version": post.gate_code_version}, event=PatrolAudit.ROTATE_GATE_CODE)
    return post
