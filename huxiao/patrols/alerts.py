"""缺岗: a duty window nobody checked in to by its 缺岗 time (``grace_minutes`` after it started) is
recorded once (:class:`~huxiao.patrols.models.MissedWindow`) and the station serving the school is told
(in-app, and by e-mail or SMS as each officer chose). Run by the core clock every minute
(handlers.py); idempotent, so a clock that stood still catches up with the day's windows."""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huxiao.core import audit
from huxiao.core.actions import SYSTEM
from huxiao.core.choices import AuditAction, RegionLevel, Role
from huxiao.core.models import RoleAssignment
from huxiao.core.reach import users_reaching
from huxiao.patrols.audit_events import PatrolAudit
from huxiao.patrols.missing import unmanned
from huxiao.patrols.models import MissedWindow, Post


def station_officers(school) -> list:
    """The station officers of the school's own police station, and any whose jurisdiction covers it."""
    officers = set(users_reaching(school, {Role.STATION_OFFICER}, up_to=RegionLevel.COUNTY))
    if school.police_station_id:
        officers |= {a.user for a in RoleAssignment.objects.filter(
            unit_id=school.police_station_id, role=Role.STATION_OFFICER, user__is_active=True).select_related("user")}
    return sorted(officers, key=lambda u: u.pk)


def flag_missed_windows(now=None) -> list[MissedWindow]:
    """Record (once) and announce every window of today whose 缺岗 time has passed without a check-in."""
    from huxiao.core.services import notify

    now = now or timezone.now()
    today = timezone.localdate(now)
    posts = Post.objects.filter(active=True).select_related("school", "school__police_station")
    missing = unmanned(posts, today, now)  # the windows nobody checked in to, found by the database
    known = set(MissedWindow.objects.filter(duty_date=today).values_list("post_id", "window"))
    by_id = {p.pk: p for p in posts.filter(pk__in={w.post_id for w in missing})}
    flagged = []
    for window in missing:
        if (window.post_id, window.kind) in known:
            continue
        post = by_id[window.post_id]
        try:
            with transaction.atomic():
                record = MissedWindow.objects.create(school=post.school, post=post, duty_date=today,
                                                     window=window.kind)
                audit.record(AuditAction.CREATE, record, actor=SYSTEM, event=PatrolAudit.MISSED_WINDOW,
                             after={"post": post.pk, "window": window.kind, "start": window.start.isoformat()})
                notify(station_officers(post.school), _("护学岗缺岗：%(p)s") % {"p": post},
                       _("%(w)s时段（%(t)s 起）无人签到") % {"w": window.label,
                                                          "t": timezone.localtime(window.start).strftime("%H:%M")},
                       url=reverse("patrol-post-detail", args=[post.pk]), level="warning")
        except IntegrityError:  # recorded meanwhile by another clock
            continue
        flagged.append(record)
    return flagged
