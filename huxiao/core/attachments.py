"""Attachments: photos and evidence files of a school, stored by content hash and served only within the
jurisdiction. Every app stores uploads and links them to its records through these functions."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from huxiao.core import audit
from huxiao.core.actions import require
from huxiao.core.audit_events import CoreAudit
from huxiao.core.choices import AuditAction
from huxiao.core.models import Attachment, School

# Accepted uploads, recognised by their first bytes rather than by what the client claims.
FILE_SIGNATURES = [
    (b"\xff\xd8\xff", ".jpg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", ".png", "image/png"),
    (b"%PDF-", ".pdf", "application/pdf"),
    (b"PK\x03\x04", None, None),  # docx / xlsx, decided by extension below
]
OFFICE_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def sniff_upload(uploaded) -> tuple[str, str]:
    head = uploaded.read(16)
    uploaded.seek(0)
    name = (uploaded.name or "").lower()
    for magic, ext, ctype in FILE_SIGNATURES:
        if head.startswith(magic):
            if ext is None:
                ext = "." + name.rsplit(".", 1)[-1] if "." in name else ""
                if ext not in OFFICE_TYPES:
                    break
                return ext, OFFICE_TYPES[ext]
            return ext, ctype
    raise ValidationError({"file": _("不支持的文件类型：%(n)s（仅限 JPG、PNG、PDF、DOCX、XLSX）") % {
        "n": uploaded.name}})


@transaction.atomic
def do_store_attachment(uploaded, *, actor, school: School | None = None, region_code: str = "") -> Attachment:
    require(actor, "core.upload_attachment")
    if school is not None:
        require(actor, "core.upload_attachment", school)
        region_code = school.region_code
    if uploaded.size == 0:
        raise ValidationError({"file": _("文件为空：%(n)s") % {"n": uploaded.name}})
    if uploaded.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": _("文件过大：%(n)s 超过 %(m)d MB") % {
            "n": uploaded.name, "m": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}})
    ext, ctype = sniff_upload(uploaded)
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    att = Attachment(original_name=uploaded.name[:255], content_type=ctype, extension=ext, size=uploaded.size,
                     sha256=digest.hexdigest(), region_code=region_code, school=school, uploaded_by=actor)
    att.file.save(att.sha256 + ext, uploaded, save=False)
    att.save()
    audit.record(AuditAction.CREATE, att, actor=actor, after={"name": att.original_name, "size": att.size},
                 event=CoreAudit.UPLOAD_ATTACHMENT)
    return att




def store_files(files, *, actor, school) -> list[int]:
    """Store the uploaded files of a page form for ``school``; their ids, in order."""
    return [do_store_attachment(f, actor=actor, school=school).pk for f in files]


def attachments_for(ids, school, actor, field) -> list[Attachment]:
    """The attachments ``ids`` (given with a record of ``school``), checked to exist, to be visible to
    ``actor`` and to belong to that school; a ValidationError naming ``field`` otherwise."""
    ids = list(dict.fromkeys(ids or ()))
    if not ids:
        return []
    found = list(Attachment.objects.visible_to(actor).filter(pk__in=ids, school=school))
    if len(found) != len(ids):
        raise ValidationError({field: _("附件不存在或不属于该学校")})
    return found
