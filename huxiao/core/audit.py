"""Writing the audit log. Services call ``record`` inside their transaction."""

import datetime
import decimal

from huxiao.core.middleware import client_ip, current_request

BOOKKEEPING_FIELDS = {"updated_at"}


def _jsonable(value):
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time, decimal.Decimal)):
        return str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def snapshot(obj, exclude=()) -> dict:
    """The stored values of a model instance, JSON-safe, for before/after comparison."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude:
            continue
        value = getattr(obj, field.attname)
        if hasattr(field, "audit_value"):  # an encrypted column (core.crypto): the log keeps it masked
            value = field.audit_value(value)
        data[field.attname] = _jsonable(value)
    return data


def diff(before: dict | None, after: dict | None):
    """Keep only the fields that changed, so entries stay readable."""
    if not before or not after:
        return before, after
    changed = [k for k in after if before.get(k) != after.get(k) and k not in BOOKKEEPING_FIELDS]
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


def record(action, obj=None, *, actor=None, before=None, after=None, region_code=None, school_id=None,
           model=None, object_repr=None, request=None):
    from huxiao.core.models import AuditLog

    request = request or current_request.get()
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    if obj is not None:
        model = model or obj._meta.label
        if region_code is None:
            region_code = getattr(obj, "region_code", "") or ""
        if school_id is None:
            school_id = obj.pk if model == "core.School" else getattr(obj, "school_id", None)
    before, after = diff(before, after)
    return AuditLog.objects.create(
        user=actor if actor is not None and getattr(actor, "pk", None) else None,
        username=getattr(actor, "username", "") or "",
        ip=client_ip(request),
        action=action,
        model=model or "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:200],
        region_code=region_code or "",
        school_id=school_id,
        before=before,
        after=after,
    )


def record_read(obj, *, actor, request=None, reason=""):
    """Write down that ``actor`` read a sensitive record (key persons, case details, minors' records)."""
    from huxiao.core.choices import AuditAction

    return record(AuditAction.READ, obj, actor=actor, request=request,
                  after={"reason": reason} if reason else None)
