"""Storing check-ins from phones, one or a queue of up to 100 at a time, in a fixed number of queries.

A phone that was offline sends its queue in batches; each item is judged on its own (a refusal leaves
the others stored) but the batch is read and written together: one query for the keys already stored,
one for the people named, one for the school timetables, one for the check-ins a check-out closes, one
INSERT of the new check-ins and one audit entry for them all (:func:`_audit_entry`). Idempotency is per
item: the same key with the same body (less ``sent_at``) answers the stored record, the same key with
another body or from another account is a :class:`~huxiao.patrols.services.KeyConflict` (409). A key stored meanwhile by a
parallel request (the unique index refuses the INSERT) is settled item by item.
"""

import datetime
import hashlib
import json
import os
import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from huxiao.core import audit
from huxiao.core.actions import require
from huxiao.core.audit import snapshot
from huxiao.core.choices import AuditAction
from huxiao.patrols import duty, gate_codes, geo, slots
from huxiao.patrols.audit_events import PatrolAudit
from huxiao.patrols.choices import POLICE_KINDS, CheckKind, Evidence, PatrolMode
from huxiao.patrols.models import CheckIn, Person, Timetable

SKEW_LIMIT = datetime.timedelta(minutes=5)
RESEND_FIELDS = {"sent_at"}  # what changes each time a phone sends the same check-in again


class KeyConflict(Exception):
    """The idempotency key was used before for a different check-in."""


def body_hash(body: dict) -> str:
    """A stable digest of a check-in as the phone made it (keys sorted, times as text), leaving out what
    differs between sends of the same check-in."""
    kept = {k: v for k, v in body.items() if k not in RESEND_FIELDS}
    text = json.dumps(kept, sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Item:
    """One check-in on its way in, and what became of it: ``record`` (with ``created``) or ``error``."""

    body: dict
    post: object = None
    key: uuid.UUID | None = None
    digest: str = ""
    record: CheckIn | None = None
    created: bool = False
    error: Exception | None = None


def client_key(body) -> uuid.UUID:
    try:
        return uuid.UUID(str(body.get("client_key")))
    except (TypeError, ValueError):
        raise ValidationError({"client_key": _("客户端编号须为 UUID")}) from None


def aware(value, name) -> datetime.datetime:
    if isinstance(value, str):
        try:
            value = parse_datetime(value)
        except ValueError:
            value = None
    if not isinstance(value, datetime.datetime):
        raise ValidationError({name: _("请填写时间")})
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def replayed(existing: CheckIn, item: Item, actor) -> CheckIn:
    """The stored record for a resend of the same check-in; a different one under the key: conflict."""
    if existing.body_hash != item.digest or existing.recorded_by_id != getattr(actor, "pk", None):
        raise KeyConflict(_("编号 %(k)s 已用于另一条签到记录") % {"k": item.key})
    return existing


class Batch:
    """What the items of one batch share, each read once: people, timetables, windows, open check-ins."""

    def __init__(self, items: list[Item], actor):
        self.actor = actor
        live = [i for i in items if i.error is None]
        ids = {i.body.get("person_id") for i in live if isinstance(i.body.get("person_id"), int)}
        self.people = Person.objects.filter(active=True).in_bulk(ids) if ids else {}
        self._own = None
        schools = {i.post.school_id for i in live}
        self.tables: dict = {}
        for table in Timetable.objects.filter(school_id__in=schools):
            self.tables.setdefault(table.school_id, []).append(table)
        self._windows: dict = {}
        self.opened: set = set()  # (post, person, day, window or "") of check-ins, with their times
        self._opened_times: dict = {}

    def person_for(self, post, person_id):
        if person_id is not None:
            person = self.people.get(person_id)
            if person is None or not (person.school_id == post.school_id or person.kind in POLICE_KINDS):
                raise ValidationError({"person_id": _("签到人员不存在或不属于此护学岗所在学校")})
            return person
        if self._own is None:
            actor_id = getattr(self.actor, "pk", None)
            self._own = (Person.objects.filter(active=True, user_id=actor_id).order_by("-school_id").first()
                         if actor_id else None) or False
        if not self._own:
            raise ValidationError({"person_id": _("当前账号未登记为护学岗人员，请选择签到人员")})
        return self._own

    def windows(self, post, day):
        key = (post.pk, day)
        if key not in self._windows:
            bells = duty.bells_for(post.school, day, self.tables.get(post.school_id, []))
            self._windows[key] = duty.windows_of(post, day, bells=bells)
        return self._windows[key]

    def load_opened(self, check_outs: list[CheckIn]):
        """The check-ins (stored before this batch) that the batch's check-outs may close."""
        if not check_outs:
            return
        rows = CheckIn.objects.filter(
            kind=CheckKind.CHECK_IN, post_id__in={c.post_id for c in check_outs},
            person_id__in={c.person_id for c in check_outs}, duty_date__in={c.duty_date for c in check_outs},
        ).values_list("post_id", "person_id", "duty_date", "window", "device_time")
        for post_id, person_id, day, window, at in rows:
            self.add_opened(post_id, person_id, day, window, at)

    def add_opened(self, post_id, person_id, day, window, at):
        for w in {window, None}:
            key = (post_id, person_id, day, w)
            self._opened_times[key] = min(at, self._opened_times.get(key, at))

    def was_opened(self, record: CheckIn) -> bool:
        key = (record.post_id, record.person_id, record.duty_date, record.window or None)
        first = self._opened_times.get(key)
        return first is not None and first <= record.device_time


def build(item: Item, batch: Batch, now) -> CheckIn:
    """The check-in of ``item`` (not yet saved), every rule checked; raises ValidationError."""
    body, post = item.body, item.post
    kind = body.get("kind") or CheckKind.CHECK_IN
    if kind not in CheckKind.values:
        raise ValidationError({"kind": _("未知的签到类型")})
    mode = body.get("mode") or PatrolMode.FIXED
    if mode not in PatrolMode.values:
        raise ValidationError({"mode": _("未知的巡逻方式")})
    token = body.get("gate_token")
    if token:
        gate_codes.verify(token, post)
    device_time = aware(body.get("device_time"), "device_time")
    sent_at = aware(body["sent_at"], "sent_at") if body.get("sent_at") else None
    lat, lng, accuracy = body.get("latitude"), body.get("longitude"), body.get("accuracy_m")
    if lat is not None or lng is not None:
        from huxiao.patrols.services import _check_position

        _check_position(lat, lng)
    if accuracy is not None and accuracy < 0:
        raise ValidationError({"accuracy_m": _("定位精度不能为负数")})
    person = batch.person_for(post, body.get("person_id"))
    day = timezone.localdate(device_time)
    window = duty.window_for(batch.windows(post, day), device_time)
    record = CheckIn(school=post.school, region_code=post.school.region_code, post=post, person=person,
                     kind=kind, mode=mode, duty_date=day, window=window.kind if window else "",
                     device_time=device_time, latitude=lat, longitude=lng, accuracy_m=accuracy,
                     client_key=item.key, body_hash=item.digest, note=(body.get("note") or "")[:200],
                     recorded_by=batch.actor)
    if lat is not None:
        record.distance_m = round(geo.distance_m(lat, lng, post.latitude, post.longitude), 1)
    # the gate's code proves presence without a position; a position far off is still flagged
    record.evidence = Evidence.QR if token else (Evidence.POSITION if lat is not None else "")
    record.outside_fence = (record.distance_m > post.radius_m) if record.distance_m is not None else not token
    record.late = kind == CheckKind.CHECK_IN and window is not None and device_time > window.start
    clock = (now - sent_at) if sent_at else min(now - device_time, datetime.timedelta(0))
    record.large_skew = abs(clock) > SKEW_LIMIT
    return record


def _audit_entry(records: list[CheckIn], actor):
    """The one audit entry of a request's new check-ins. The check-in rows are themselves the record of
    what arrived (who, where, when, flags); the entry says who sent which: one check-in is audited as
    itself, a batch as the list of its ids and client keys, filed under its school when it has one."""
    if len(records) == 1:
        return audit.build(AuditAction.CREATE, records[0], actor=actor, after=snapshot(records[0]),
                           event=PatrolAudit.CHECK_IN)
    schools = {r.school_id for r in records}
    codes = [r.region_code for r in records]
    prefix = codes[0][:len(os.path.commonprefix(codes))]
    return audit.build(AuditAction.CREATE, actor=actor, model=CheckIn._meta.label, event=PatrolAudit.CHECK_IN,
                       object_repr=_("批量签到 %(n)d 条") % {"n": len(records)}, region_code=prefix,
                       school_id=schools.pop() if len(schools) == 1 else None,
                       after={"ids": [r.pk for r in records], "client_keys": [str(r.client_key) for r in records]})


REFUSALS = (ValidationError, PermissionDenied, KeyConflict)


def ingest(items: list[Item], *, actor) -> list[Item]:
    """Store the items (each with its ``post`` set, or its ``error``); fills ``record``/``created`` or
    ``error`` of each. Runs inside the caller's transaction."""
    from huxiao.patrols.services import CHECK_IN

    allowed: dict = {}
    for item in items:
        if item.error is not None:
            continue
        try:
            if item.post.pk not in allowed:
                try:
                    require(actor, CHECK_IN, item.post)
                    allowed[item.post.pk] = None
                except PermissionDenied as exc:
                    allowed[item.post.pk] = exc
            if allowed[item.post.pk] is not None:
                raise allowed[item.post.pk]
            item.key = client_key(item.body)
            item.digest = body_hash(item.body)
        except (ValidationError, PermissionDenied) as exc:
            item.error = exc
    live = [i for i in items if i.error is None]
    stored = {c.client_key: c for c in CheckIn.objects.filter(client_key__in=[i.key for i in live])}
    batch = Batch(live, actor)
    now = timezone.now()
    fresh: list[Item] = []
    for item in live:
        earlier = stored.get(item.key)
        try:
            if earlier is not None:
                item.record = replayed(earlier, item, actor)
                continue
            item.record, item.created = build(item, batch, now), True
            stored[item.key] = item.record  # the same key again in this batch: a replay of this one
            fresh.append(item)
        except REFUSALS as exc:  # this item's refusal; the others go on
            item.error = exc
    _check_outs(fresh, batch)
    _insert([i for i in fresh if i.error is None], actor)
    for item in live:  # a repeat, in this batch, of an item refused above shares its refusal
        if item.error is None and item.record is not None and item.record.pk is None:
            item.error, item.record = ValidationError({"kind": _("尚未签到，不能签退")}), None
    return items


def _check_outs(fresh: list[Item], batch: Batch):
    """Refuse check-outs with no check-in before them (stored, or earlier in this batch)."""
    batch.load_opened([i.record for i in fresh if i.record.kind == CheckKind.CHECK_OUT])
    for item in sorted(fresh, key=lambda i: i.record.device_time):
        r = item.record
        if r.kind == CheckKind.CHECK_IN:
            batch.add_opened(r.post_id, r.person_id, r.duty_date, r.window or None, r.device_time)
        elif r.kind == CheckKind.CHECK_OUT and not batch.was_opened(r):
            item.error, item.record, item.created = ValidationError({"kind": _("尚未签到，不能签退")}), None, False


def _insert(fresh: list[Item], actor):
    if not fresh:
        return
    try:
        with transaction.atomic():
            CheckIn.objects.bulk_create([i.record for i in fresh])
            _audit_entry([i.record for i in fresh], actor).save()
            slots.mark_manned([i.record for i in fresh])
        return
    except IntegrityError:  # a key stored meanwhile by a parallel request: settle one by one
        pass
    saved = []
    for item in fresh:
        item.record.pk = None
        try:
            with transaction.atomic():
                item.record.save()
            saved.append(item.record)
        except IntegrityError:
            existing = CheckIn.objects.filter(client_key=item.key).first()
            if existing is None:
                raise
            try:
                item.record, item.created = replayed(existing, item, actor), False
            except KeyConflict as exc:
                item.record, item.created, item.error = None, False, exc
    if saved:
        _audit_entry(saved, actor).save()
        slots.mark_manned(saved)


def resolve_posts(items: list[Item], post_for):
    """Each item's post from ``post_for(post_id)`` (asked once per post id; Http404 / PermissionDenied
    become the item's error)."""
    seen: dict = {}
    for item in items:
        post_id = item.body.get("post_id")
        if post_id not in seen:
            try:
                seen[post_id] = post_for(post_id)
            except (Http404, PermissionDenied) as exc:
                seen[post_id] = exc
        found = seen[post_id]
        if isinstance(found, Exception):
            item.error = found
        else:
            item.post = found
