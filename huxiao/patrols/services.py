"""State changes of the 护学岗 records: posts, people, rosters and check-ins (each audited).

Check-in rules (SPEC §5; issue "护学岗"): a check-in late or outside the geofence is stored and flagged,
never refused (the flag is the finding); a check-out with no check-in before it is refused; a position
must be a real one (lat ±90, lng ±180, accuracy ≥ 0). Each check-in carries the phone's UUID as its
idempotency key: a replay of the same body returns the stored record, the same key with another body is
refused (:class:`KeyConflict`, 409). The phone's own time and the receipt time are both kept, and a
large difference between the phone's clock and the server's is flagged.
"""

import datetime
import decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from huxiao.core import audit
from huxiao.core.actions import require
from huxiao.core.audit import snapshot
from huxiao.core.choices import AuditAction
from huxiao.patrols import checkins, gate_codes, geo, slots
from huxiao.patrols.audit_events import PatrolAudit
from huxiao.patrols.checkins import SKEW_LIMIT, KeyConflict, body_hash  # noqa: F401 - the check-in API
from huxiao.patrols.choices import POLICE_KINDS, WEEKDAYS, WindowKind
from huxiao.patrols.models import CheckIn, Person, PhoneContact, Post, Roster, RosterException, Timetable

MANAGE_POST = "patrols.manage_post"
MANAGE_ROSTER = "patrols.manage_roster"
CHECK_IN = "patrols.check_in"
MANAGE_TIMETABLE = "patrols.manage_timetable"
DAILY_BELL_FIELDS = ("gate_open_time", "noon_dismissal_time", "afternoon_dismissal_time")
BOARDING_FIELDS = ("boarding_leave_time", "boarding_return_time")
TIMETABLE_FIELDS = ("starts_on_month", "starts_on_day", *DAILY_BELL_FIELDS, *BOARDING_FIELDS)
SYNC_LIMIT = 100
POST_FIELDS = ("name", "kind", "datum", "radius_m", "lead_minutes", "tail_minutes", "grace_minutes", "windows")


def _saved(obj, actor, event, *, action=AuditAction.CREATE):
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None
    obj.save()
    audit.record(action, obj, actor=actor, after=snapshot(obj), event=event)
    return obj


def _check_position(lat, lng, *, lat_name="latitude", lng_name="longitude"):
    errors = {}
    if lat is None or lng is None:
        raise ValidationError({lat_name if lat is None else lng_name: _("请同时填写经度和纬度")})
    if not -90 <= float(lat) <= 90:
        errors[lat_name] = _("纬度须在 -90 到 90 之间")
    if not -180 <= float(lng) <= 180:
        errors[lng_name] = _("经度须在 -180 到 180 之间")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def do_create_post(school, data: dict, *, actor) -> Post:
    """设立护学岗 at ``school``; the entered coordinates are kept with their datum and converted to WGS-84."""
    require(actor, MANAGE_POST, school)
    _check_position(data.get("latitude"), data.get("longitude"))
    post = Post(school=school, created_by=actor if getattr(actor, "pk", None) else None,
                **{k: data[k] for k in POST_FIELDS if data.get(k) is not None})
    windows = list(post.windows or [])
    unknown = [w for w in windows if w not in WindowKind.values]
    if unknown:
        raise ValidationError({"windows": _("未知的值守时段：%(w)s") % {"w": "、".join(unknown)}})
    post.entered_latitude = decimal.Decimal(str(round(float(data["latitude"]), 7)))
    post.entered_longitude = decimal.Decimal(str(round(float(data["longitude"]), 7)))
    post.latitude, post.longitude = geo.to_wgs84(data["latitude"], data["longitude"], post.datum)
    post = _saved(post, actor, PatrolAudit.CREATE_POST)
    slots.refresh([post.pk])
    return post


@transaction.atomic
def do_register_person(school, data: dict, *, actor) -> Person:
    require(actor, MANAGE_ROSTER, school)
    person = Person(school=school, **{k: data[k] for k in ("name", "kind", "unit_name", "phone")
                                      if data.get(k) is not None})
    if data.get("user_id"):
        from huxiao.core.models import User

        person.user = User.objects.filter(pk=data["user_id"], is_active=True).first()
        if person.user is None:
            raise ValidationError({"user_id": _("账号不存在或已停用")})
    return _saved(person, actor, PatrolAudit.REGISTER_PERSON)


@transaction.atomic
def do_add_roster(post, person, data: dict, *, actor) -> Roster:
    """Put ``person`` on ``post`` for a weekday and window. Police may serve any school's post; everyone
    else only their own school's."""
    require(actor, MANAGE_ROSTER, post)
    if person.school_id != post.school_id and person.kind not in POLICE_KINDS:
        raise ValidationError({"person_id": _("该人员不属于此护学岗所在学校")})
    if not person.active:
        raise ValidationError({"person_id": _("该人员已不在岗")})
    roster = Roster(school_id=post.school_id, school=post.school, post=post, person=person,
                    weekday=data.get("weekday"), window=data.get("window") or "",
                    valid_from=data.get("valid_from") or timezone.localdate(), valid_to=data.get("valid_to"))
    if roster.valid_to and roster.valid_to < roster.valid_from:
        raise ValidationError({"valid_to": _("截止日期不能早于生效日期")})
    roster = _saved(roster, actor, PatrolAudit.ADD_ROSTER)
    slots.refresh([post.pk])
    return roster


@transaction.atomic
def do_set_timetable(school, season: str, data: dict, *, actor) -> Timetable:
    """Set the school's 上放学 times for ``season`` (summer or winter), from its start date on."""
    require(actor, MANAGE_TIMETABLE, school)
    table = Timetable.objects.filter(school=school, season=season).first()
    before = snapshot(table) if table else None
    table = table or Timetable(school=school, season=season)
    for name in TIMETABLE_FIELDS:
        if name in data:
            setattr(table, name, data[name])
    boarding = [f for f in BOARDING_FIELDS if getattr(table, f)]
    if boarding and not school.boarding:
        raise ValidationError({boarding[0]: _("该学校在学校台账中不是寄宿制学校，不能设置寄宿生离校、返校时间")})
    times = [(f, getattr(table, f)) for f in DAILY_BELL_FIELDS if getattr(table, f)]
    for (f1, t1), (f2, t2) in zip(times, times[1:], strict=False):
        if t1 >= t2:
            raise ValidationError({f2: _("%(later)s应晚于%(earlier)s") % {
                "later": Timetable._meta.get_field(f2).verbose_name,
                "earlier": Timetable._meta.get_field(f1).verbose_name}})
    try:
        datetime.date(2024, table.starts_on_month or 1, table.starts_on_day or 1)
    except ValueError:
        raise ValidationError({"starts_on_day": _("起始日期不存在")}) from None
    action = AuditAction.UPDATE if before else AuditAction.CREATE
    try:
        table.full_clean()
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None
    table.save()
    audit.record(action, table, actor=actor, before=before, after=snapshot(table), event=PatrolAudit.SET_TIMETABLE)
    slots.refresh_school([school.pk])
    return table


# --- roster exceptions --------------------------------------------------------------------------------

class ExceptionClash(Exception):
    """The roster line already has an exception (a cancellation or a substitute) on that date."""


def _exception_errors(roster, day, substitute) -> dict:
    if not isinstance(day, datetime.date):
        return {"date": _("请填写日期")}
    if day < roster.valid_from or (roster.valid_to and day > roster.valid_to):
        span = f"{roster.valid_from:%Y-%m-%d} 至 {roster.valid_to:%Y-%m-%d}" if roster.valid_to else \
            f"{roster.valid_from:%Y-%m-%d} 起"
        return {"date": _("%(d)s 不在该排班的有效期内（%(span)s）") % {"d": f"{day:%Y-%m-%d}", "span": span}}
    if day.weekday() != roster.weekday:
        return {"date": _("%(d)s 是%(w)s，该排班在%(r)s") % {
            "d": f"{day:%Y-%m-%d}", "w": WEEKDAYS[day.weekday()][1], "r": roster.get_weekday_display()}}
    if substitute is None:
        return {}
    if substitute.pk == roster.person_id:
        return {"substitute_id": _("替班人员就是该排班的人员；取消该日排班请不填替班人员")}
    if substitute.school_id != roster.post.school_id and substitute.kind not in POLICE_KINDS:
        return {"substitute_id": _("替班人员不属于此护学岗所在学校（其他学校人员只有民警、辅警可以替班）")}
    if not substitute.active:
        return {"substitute_id": _("替班人员已不在岗")}
    return {}


@transaction.atomic
def do_add_roster_exception(roster, data: dict, *, actor, substitute=None) -> RosterException:
    """One date on which ``roster`` does not hold: cancelled (no ``substitute``), or ``substitute`` stands
    in. The date lies within the roster's validity and on its weekday; one exception per roster and date
    (another: :class:`ExceptionClash`, 409)."""
    require(actor, MANAGE_ROSTER, roster)
    if substitute is not None:
        require(actor, MANAGE_ROSTER, substitute)
    day = data.get("date")
    errors = _exception_errors(roster, day, substitute)
    if errors:
        raise ValidationError(errors)
    clash = ExceptionClash(_("%(d)s 该排班已有例外（取消或替班），请先删除原例外") % {"d": f"{day:%Y-%m-%d}"})
    if RosterException.objects.filter(roster=roster, date=day).exists():
        raise clash
    entry = RosterException(school_id=roster.school_id, school=roster.school, roster=roster, date=day,
                            substitute=substitute, note=(data.get("note") or "").strip())
    try:
        with transaction.atomic():
            entry = _saved(entry, actor, PatrolAudit.ADD_ROSTER_EXCEPTION)
    except IntegrityError:  # the same day entered meanwhile by a parallel request
        raise clash from None
    slots.refresh([roster.post_id], since=day)
    return entry


@transaction.atomic
def do_delete_roster_exception(entry: RosterException, *, actor) -> None:
    """Remove an exception: the roster line holds again on its date (a plan, not an event: deleted, and
    the audit entry keeps what it said)."""
    require(actor, MANAGE_ROSTER, entry)
    audit.record(AuditAction.DELETE, entry, actor=actor, before=snapshot(entry),
                 event=PatrolAudit.DELETE_ROSTER_EXCEPTION)
    post_id, day = entry.roster.post_id, entry.date
    entry.delete()
    slots.refresh([post_id], since=day)


# --- check-ins (the batch path: checkins.py) ---------------------------------------------------------


def _one(post, body, actor) -> checkins.Item:
    item = checkins.Item(body=body, post=post)
    checkins.ingest([item], actor=actor)
    return item


def do_check_in(post, body: dict, *, actor) -> tuple[CheckIn, bool]:
    """Store one check-in from a phone (``body`` as sent). Returns ``(record, created)``: a replay of the
    same body returns the stored record with ``created=False``."""
    require(actor, CHECK_IN, post)
    checkins.client_key(body)  # a malformed key is refused before anything is read
    with transaction.atomic():
        item = _one(post, body, actor)
    if item.error is not None:
        raise item.error
    return item.record, item.created


def _result(item: checkins.Item) -> dict:
    key = str(item.body.get("client_key") or "")
    exc = item.error
    if exc is None:
        return {"client_key": key, "status": 201 if item.created else 200, "id": item.record.pk,
                "flags": item.record.flags}
    if isinstance(exc, KeyConflict):
        return {"client_key": key, "status": 409, "detail": str(exc)}
    if isinstance(exc, ValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        status = 422 if isinstance(exc, gate_codes.InvalidGateCode) else 400
        return {"client_key": key, "status": status, "detail": next(iter(errors.values()))[0], "errors": errors}
    if isinstance(exc, Http404):
        return {"client_key": key, "status": 404, "detail": _("护学岗不存在或不在您的管辖范围内")}
    return {"client_key": key, "status": 403, "detail": str(exc)}


@transaction.atomic
def do_sync(items: list, *, actor, post_for) -> list[dict]:
    """Store up to :data:`SYNC_LIMIT` queued check-ins, each on its own: one item's refusal leaves the
    others stored. ``post_for(post_id)`` gives the post (Http404 / PermissionDenied when not reachable).
    Returns one result per item, in order: ``{client_key, status, id?, detail?, errors?}``."""
    if len(items) > SYNC_LIMIT:
        raise ValidationError({"items": _("一次最多上传 %(n)d 条") % {"n": SYNC_LIMIT}})
    batch = [checkins.Item(body=body) for body in items]
    checkins.resolve_posts(batch, post_for)
    checkins.ingest(batch, actor=actor)
    return [_result(item) for item in batch]


def note_phone_contact(*, actor, device, post, pending: int, results: list) -> PhoneContact | None:
    """Remember that ``device`` (the phone's own id) of ``actor`` sent its queue now: what it still holds
    unsent after this batch. Bookkeeping like a heartbeat: not audited. One UPDATE, an INSERT only for a
    phone not seen before."""
    if device is None or post is None or not getattr(actor, "pk", None):
        return None
    taken = sum(1 for r in results if r["status"] in (200, 201, 400, 404, 409, 422))
    values = {"school": post.school, "region_code": post.school.region_code, "post": post,
              "last_contact": timezone.now(), "pending": max(0, (pending or 0) - taken), "sent": taken}
    if PhoneContact.objects.filter(user=actor, device=device).update(**values):
        return PhoneContact(user=actor, device=device, **values)
    contact, _created = PhoneContact.objects.update_or_create(user=actor, device=device, defaults=values)
    return contact
