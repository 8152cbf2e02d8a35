"""作废: voiding a record entered by mistake, the one standard action every voidable model shares.

A voided record (``VoidableRecord``) stays, readable with who voided it, when and why, but no longer counts:
every figure reads ``.live()``. The permission is the model's ``<app>.void_<model>`` (declared in the app's
permissions.py), checked on the record's jurisdiction; the reason is required; a record voids once.
A model may void what hangs on it with the same reason (``void_dependents``: an inspection's hazards).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huxiao.core import audit
from huxiao.core.actions import require
from huxiao.core.audit_events import CoreAudit
from huxiao.core.choices import AuditAction
from huxiao.core.models import VoidableRecord
from huxiao.core.scoping import perm_for

REASON_MAX = 500


def clean_reason(reason) -> str:
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationError({"void_reason": _("请填写作废原因")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"void_reason": _("作废原因不超过 %(n)d 个字符") % {"n": REASON_MAX}})
    return reason


@transaction.atomic
def do_void(record: VoidableRecord, reason: str, *, actor, now=None) -> VoidableRecord:
    """Void ``record`` with ``reason``: permission ``<app>.void_<model>`` on the record (PermissionDenied),
    a reason (ValidationError naming ``void_reason``), not voided before (ValidationError). Audited as
    "作废" (``core.void``); returns the record as stored."""
    model = type(record)
    if not issubclass(model, VoidableRecord):
        raise TypeError(f"{model._meta.label} cannot be voided (not a VoidableRecord)")
    require(actor, perm_for(model, "void"), record)
    reason = clean_reason(reason)
    record = model._base_manager.select_for_update().get(pk=record.pk)
    if record.voided_at is not None:
        raise ValidationError(_("该%(what)s已于 %(at)s 作废，不能重复作废") % {
            "what": model._meta.verbose_name, "at": timezone.localtime(record.voided_at).strftime("%Y-%m-%d %H:%M")})
    record.voided_at = now or timezone.now()
    record.voided_by = actor if getattr(actor, "pk", None) else None
    record.void_reason = reason
    record.save(update_fields=list(VoidableRecord.VOID_FIELDS))
    dependents = getattr(record, "void_dependents", None)
    voided = [do_void(d, reason, actor=actor, now=record.voided_at) for d in (dependents() if dependents else ())
              if d.voided_at is None]
    after = {"void_reason": reason}
    if voided:
        after["voided_with"] = [str(d) for d in voided]
    audit.record(AuditAction.UPDATE, record, actor=actor, before={"void_reason": ""}, after=after,
                 event=CoreAudit.VOID)
    return record
