"""Moving a school to another region, and where a school was on a given day.

A record of a school carries the school's region code (``SchoolRecord``), so the jurisdiction filter is one
indexed prefix match. When the school moves, the records that describe its present state (its guards,
facility, equipment, devices, open hazards, unresolved flags — every model declaring
``MOVES_WITH_SCHOOL = True``, narrowed by its ``present_state``) take the new code, with the evidence files
attached to them; event records (alarms, inspections, closed hazards, submitted self-checks, escalations)
keep the district that was responsible when they happened, so figures of the past never change. The
school's periods (``SchoolRegionPeriod``) say which district that was on any day (``region_on``).

All of it runs inside the caller's transaction (``services.do_update_school``): a failure leaves nothing
changed.
"""

import datetime

from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from huxiao.core.models import Attachment, School, SchoolRecord, SchoolRegionPeriod


def moving_models() -> list:
    """The concrete record models re-stamped when their school moves, in label order."""
    found = [m for m in apps.get_models() if issubclass(m, SchoolRecord) and m.MOVES_WITH_SCHOOL]
    return sorted(found, key=lambda m: m._meta.label)


def _attachment_links(model):
    """The many-to-many fields of ``model`` that hold attachments (photos, evidence)."""
    return [f for f in model._meta.many_to_many if f.related_model is Attachment]


def attachment_ids(model, rows) -> set:
    """The attachments of ``rows`` (a queryset of ``model``), and those of their own children where the
    model says so (``moving_attachment_ids``: e.g. the evidence of an open hazard's rectification)."""
    ids = set()
    for field in _attachment_links(model):
        through = field.remote_field.through
        source = field.m2m_field_name()
        target = field.m2m_reverse_field_name()
        ids |= set(through.objects.filter(**{f"{source}__in": rows.values("pk")})
                   .values_list(f"{target}_id", flat=True))
    extra = getattr(model, "moving_attachment_ids", None)
    if extra is not None:
        ids |= set(extra(rows))
    return ids


def restamp(school: School) -> dict:
    """Give the present-state records of ``school`` (and their attachments) the school's region code.
    Returns {verbose name: rows re-stamped}, only the models that had any."""
    code = school.region_code
    counts, files = {}, set()
    for model in moving_models():
        rows = model.present_state(model._base_manager.filter(school_id=school.pk)).exclude(region_code=code)
        files |= attachment_ids(model, rows)
        n = rows.update(region_code=code)
        if n:
            counts[str(model._meta.verbose_name)] = n
    if files:
        n = Attachment.objects.filter(pk__in=files, school_id=school.pk).exclude(region_code=code).update(
            region_code=code)
        if n:
            counts[str(Attachment._meta.verbose_name)] = n
    return counts


def _first_day(school: School) -> datetime.date:
    return timezone.localdate(school.created_at) if school.created_at else timezone.localdate()


def record_move(school: School, previous_code: str, day: datetime.date | None = None) -> SchoolRegionPeriod:
    """End the school's open period on ``day`` (``previous_code`` since the school was registered, when it
    has none: a school inserted in bulk) and open the next one from ``day``."""
    day = day or timezone.localdate()
    periods = SchoolRegionPeriod.objects.select_for_update().filter(school=school, valid_to__isnull=True)
    current = periods.first()
    if current is None:
        current = SchoolRegionPeriod.objects.create(school=school, region_code=previous_code,
                                                    valid_from=min(_first_day(school), day))
    current.valid_to = max(day, current.valid_from)
    current.save(update_fields=["valid_to"])
    return SchoolRegionPeriod.objects.create(school=school, region_code=school.region_code, valid_from=day)


def move_school(school: School, previous_code: str, day: datetime.date | None = None) -> dict:
    """After ``school`` was saved with its new region: its history and the re-stamped records. Returns
    what the audit entry keeps: the region before and after and the rows re-stamped."""
    record_move(school, previous_code, day)
    return {"from": previous_code, "to": school.region_code, "restamped": restamp(school)}


def region_on(school: School, day) -> str:
    """The region code of ``school`` on ``day`` (a date or a datetime), for "as of" figures. Before its
    first period: where it was first registered; a school that never moved: where it is."""
    if isinstance(day, datetime.datetime):
        day = timezone.localdate(day)
    periods = SchoolRegionPeriod.objects.filter(school=school)
    period = periods.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day), valid_from__lte=day).order_by(
        "-valid_from", "-id").first()
    if period is None:
        period = periods.order_by("valid_from", "id").first()
    return period.region_code if period is not None else school.region_code
