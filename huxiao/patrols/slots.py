"""Duty slots: the windows due on a day, written ahead of time so "who is missing now" is one indexed query.

The windows due on a date are known in advance (timetable, school calendar, post, roster), so they are
written once per date as :class:`~huxiao.patrols.models.DutySlot` rows — by the core clock's
``clock.day`` event (handlers.py), on demand for a date not yet written (:func:`ensure`), and again for
the posts concerned when a post, roster line, roster exception, timetable or school changes (the
services call :func:`refresh`). The calendar of the date and the next day is digested with each written
date: a calendar change writes the date again on its next read. Writing is idempotent: a date's slots
(or a few posts' slots of it) are replaced by what the records say, ``manned_at`` taken from the
check-ins already stored, so the order of check-ins and writing does not matter. The check-in path
marks a slot manned in the check-in's own transaction (:func:`mark_manned`).

Boarding schools' weekly windows (寄宿生离校, 寄宿生返校 on a day off) come from ``duty.windows_on`` like
the daily ones.
"""

import hashlib

from django.db import IntegrityError, transaction
from django.db.models import Min, Q
from django.utils import timezone

from huxiao.core import calendar
from huxiao.core.models.calendar import CalendarDay, Term
from huxiao.patrols import duty
from huxiao.patrols.choices import CheckKind
from huxiao.patrols.models import CheckIn, DutySlot, Post, SlotDay


def calendar_digest(date) -> str:
    """A digest of the calendar rows that decide the windows of ``date`` (its entries and the next
    day's, the terms of the school years around it)."""
    year = calendar.school_year_of(date)
    days = CalendarDay.objects.filter(date__in=[date, date + duty.ONE_DAY]).order_by("pk").values_list(
        "pk", "date", "kind", "region_code", "school_id")
    terms = Term.objects.filter(school_year__in=[year - 1, year]).order_by("pk").values_list(
        "pk", "start", "end", "region_code", "school_id")
    return hashlib.sha256(repr((list(days), list(terms))).encode()).hexdigest()


def _slots(posts, date) -> list[DutySlot]:
    from huxiao.patrols.counts import roster_lines

    posts = list(posts)
    windows = duty.windows_on(posts, date)
    ids = {w.post_id for w in windows}
    lines = roster_lines(ids, date)
    arrived = {(p, w): at for p, w, at in CheckIn.objects.filter(
        post_id__in=ids, duty_date=date, kind=CheckKind.CHECK_IN).values_list("post_id", "window").annotate(
        first=Min("device_time")).values_list("post_id", "window", "first")}
    by_id = {p.pk: p for p in posts}
    out = []
    for w in windows:
        people = lines.get((w.post_id, w.kind))
        if people == []:
            continue  # every roster line of it cancelled that day: not due
        post = by_id[w.post_id]
        out.append(DutySlot(school_id=post.school_id, region_code=post.school.region_code, post_id=w.post_id,
                            duty_date=date, window=w.kind, bell=w.bell, starts_at=w.start, ends_at=w.end,
                            missing_after=w.missing_after, people=people or [],
                            manned_at=arrived.get((w.post_id, w.kind))))
    return out


def write(date, post_ids=None) -> int:
    """Write the slots of ``date``: of every active post, or only of ``post_ids`` (replacing theirs).
    Returns the number written."""
    posts = Post.objects.filter(active=True).select_related("school")
    old = DutySlot.objects.filter(duty_date=date)
    if post_ids is not None:
        posts, old = posts.filter(pk__in=post_ids), old.filter(post_id__in=post_ids)
    with transaction.atomic():
        # the posts locked before the check-ins are read: a check-in committing meanwhile (it locks its
        # posts before marking, :func:`mark_manned`) is either read here or marks the rows written here
        rows = _slots(posts.order_by("pk").select_for_update(of=("self",)), date)
        old.delete()
        DutySlot.objects.bulk_create(rows, batch_size=2000)
        if post_ids is None:
            SlotDay.objects.update_or_create(date=date, defaults={"calendar_digest": calendar_digest(date)})
    return len(rows)


def ensure(date) -> None:
    """Write the slots of ``date`` unless written already under the same calendar."""
    day = SlotDay.objects.filter(date=date).first()
    if day is not None and day.calendar_digest == calendar_digest(date):
        return
    try:
        with transaction.atomic():
            write(date)
    except IntegrityError:  # written meanwhile by another request or the clock
        pass


def refresh(post_ids, since=None) -> None:
    """Write again, for ``post_ids``, the slots of every written date from today on — or from ``since``
    when earlier (a roster exception of a past date) — after a post, roster, exception or timetable
    changed."""
    post_ids = list(post_ids)
    if not post_ids:
        return
    first = min(timezone.localdate(), since or timezone.localdate())
    for date in SlotDay.objects.filter(date__gte=first).values_list("date", flat=True):
        write(date, post_ids)


def refresh_school(school_ids) -> None:
    refresh(Post.objects.filter(school_id__in=school_ids).values_list("pk", flat=True))


def mark_manned(records) -> None:
    """Mark the slots of the new check-ins ``records`` manned (their earliest time), in the caller's
    transaction: their posts locked (one query), then one UPDATE per window checked in to."""
    first: dict = {}
    posts = sorted({r.post_id for r in records})
    # the posts' slots are not being rewritten while this marks them (see :func:`write`)
    list(Post.objects.filter(pk__in=posts).order_by("pk").select_for_update(no_key=True).values_list("pk", flat=True))
    for r in records:
        if r.kind == CheckKind.CHECK_IN and r.window:
            key = (r.post_id, r.duty_date, r.window)
            first[key] = min(r.device_time, first.get(key, r.device_time))
    for (post_id, day, window), at in first.items():
        DutySlot.objects.filter(post_id=post_id, duty_date=day, window=window).filter(
            Q(manned_at__isnull=True) | Q(manned_at__gt=at)).update(manned_at=at)


def unmanned_query(posts, date, now):
    """The slots of ``posts`` on ``date`` past their 缺岗 time with nobody checked in: one query on the
    partial index (date, 缺岗 time) of the unmanned slots."""
    return DutySlot.objects.filter(duty_date=date, missing_after__lte=now, manned_at__isnull=True,
                                   post_id__in=posts.order_by().values("pk")).order_by("starts_at", "post_id")


SLOT_COLUMNS = ("post_id", "window", "bell", "starts_at", "ends_at", "missing_after")


def as_window(row) -> duty.DutyWindow:
    post_id, kind, bell, start, end, missing_after = row
    return duty.DutyWindow(post_id, kind, bell, start, end, missing_after)


def unmanned(posts, date, now) -> list[duty.DutyWindow]:
    if timezone.localtime(now).date() < date:
        return []
    ensure(date)
    return [as_window(row) for row in unmanned_query(posts, date, now).values_list(*SLOT_COLUMNS)]
