"""Writing the audit log. Services call ``record`` inside their transaction.

Each entry carries a typed ``event``: a member of an app's :func:`audit_events` enumeration
(``HazardAudit.CLOSE`` = ``"hazards.close"``, label "验收销号"), so the audit page says in Chinese what
happened and the log can be searched by event instead of by the contents of ``after``.
"""

import datetime
import decimal

from huxiao.core.middleware import client_ip, current_request

BOOKKEEPING_FIELDS = {"updated_at"}
EVENT_LABELS: dict[str, object] = {}


def audit_events(enum_cls):
    """Class decorator: register an app's audit event enumeration (a TextChoices whose values are
    ``"<app>.<verb>"``) so the audit page can show each event's Chinese label."""
    for member in enum_cls:
        if "." not in member.value:
            raise ValueError(f"audit event {member.value!r} must be '<app>.<verb>'")
        EVENT_LABELS[member.value] = member.label
    return enum_cls


def event_label(value: str) -> str:
    return str(EVENT_LABELS.get(value, value))


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
           model=None, object_repr=None, request=None, event=""):
    entry = build(action, obj, actor=actor, before=before, after=after, region_code=region_code,
                  school_id=school_id, model=model, object_repr=object_repr, request=request, event=event)
    entry.save()
    return entry


def build(action, obj=None, *, actor=None, before=None, after=None, region_code=None, school_id=None,
          model=None, object_repr=None, request=None, event=""):
    """The unsaved entry :func:`record` writes (a bulk path saves many with ``AuditLog.objects.bulk_create``)."""
    from huxiao.core.models import AuditLog

    if event and str(event) not in EVENT_LABELS:
        raise ValueError(f"unregistered audit event {event!r}; declare it with @audit_events")

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
    return AuditLog(
        user=actor if actor is not None and getattr(actor, "pk", None) else None,
        username=getattr(actor, "username", "") or "",
        ip=client_ip(request),
        action=action,
        event=str(event or ""),
        model=model or "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:200],
        region_code=region_code or "",
        school_id=school_id,
        before=before,
        after=after,
    )


def _reach(actor):
    """(region_code, school_id) to file a read of no single record under: the reader's own jurisdiction,
    so that whoever supervises the reader sees it on the audit page."""
    from huxiao.core.scoping import scope_for

    scope = scope_for(actor)
    if scope.everything or (not scope.region_prefixes and not scope.school_ids):
        return "", None
    if len(scope.region_prefixes) == 1 and not scope.school_ids:
        return scope.region_prefixes[0], None
    if scope.region_prefixes:
        prefixes = scope.region_prefixes
        common = prefixes[0][:min(len(p) for p in prefixes)]
        while common and not all(p.startswith(common) for p in prefixes):
            common = common[:-1]
        return common, None
    return "", scope.school_ids[0] if len(scope.school_ids) == 1 else None


def record_read(obj=None, *, actor, request=None, what: str = "", count=None, model=None, school_id=None,
                region_code=None, reason=""):
    """Write down that ``actor`` read personal or sensitive data: who, when, the verified source address,
    and ``what`` (a short Chinese description, e.g. "用户列表", "附件下载"; the record type by default).

    ``obj`` is the record read, or None for a list or export (then give ``count`` and ``model``). An entry
    with no region of its own (a list, a user account) is filed under the reader's jurisdiction.
    One INSERT, no snapshot: cheap enough for every page view. Call it after the permission check, so a
    refused read leaves no entry.
    """
    from huxiao.core.choices import AuditAction
    from huxiao.core.models import AuditLog

    request = request or current_request.get()
    if obj is not None:
        model = model or obj._meta.label
        what = what or str(obj._meta.verbose_name)
        if region_code is None:
            region_code = getattr(obj, "region_code", "") or ""
        if school_id is None:
            school_id = obj.pk if model == "core.School" else getattr(obj, "school_id", None)
    if not region_code and school_id is None and getattr(actor, "pk", None):
        region_code, school_id = _reach(actor)  # a list, or a record that carries no region (a user)
    detail = {"what": what}
    if count is not None:
        detail["count"] = count
    if reason:
        detail["reason"] = reason
    return AuditLog.objects.create(
        user=actor if getattr(actor, "pk", None) else None,
        username=getattr(actor, "username", "") or "",
        ip=client_ip(request),
        action=AuditAction.READ,
        model=model or "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=(str(obj) if obj is not None else what)[:200],
        region_code=(region_code or "")[:12],
        school_id=school_id,
        after=detail,
    )
