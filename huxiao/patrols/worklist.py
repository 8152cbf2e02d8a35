"""The 护学岗 entries on the 工作台.

- Whoever stands at a post (a guard, or anyone whose 护学岗 person record is their account): today's duty
  windows of their roster lines (substitutions included, cancelled lines left out) — a guard without a
  roster line sees the windows of their school's posts — each with whether it has been checked in.
- Police (派出所, 分局): today's windows due so far that nobody checked in to (缺岗), the windows on time,
  and the schools still short of today's two patrols (``counts``).
Nothing is due on a day that is not a school day of the school calendar.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huxiao.core.choices import Role
from huxiao.core.models import School
from huxiao.core.scoping import has_perm, roles_of, scope_for
from huxiao.core.worklist import DANGER, DONE, INFO, LINES, WARNING, Item, Line, list_url
from huxiao.patrols import counts, duty
from huxiao.patrols.choices import CheckKind
from huxiao.patrols.models import CheckIn, Post, Roster, RosterException

CHECK_IN, MANAGE, DASHBOARD = "patrols.check_in", "patrols.manage_post", "patrols.view_dashboard"


def _hm(moment) -> str:
    return f"{timezone.localtime(moment):%H:%M}"


def _day_params(date, **more) -> dict:
    return {**more, "duty_date_after": date.isoformat(), "duty_date_before": date.isoformat()}


def _my_windows(request, today) -> dict:
    """``{post: set of window kinds}`` the user stands at today."""
    user = request.user
    lines = Roster.objects.filter(person__user=user, person__active=True, post__active=True, weekday=today.weekday(),
                                  valid_from__lte=today).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    exceptions = RosterException.objects.filter(date=today)
    mine = {}
    for roster in (lines.exclude(pk__in=exceptions.values("roster_id")).select_related("post__school")):
        mine.setdefault(roster.post, set()).add(roster.window)
    for exc in exceptions.filter(substitute__user=user, roster__post__active=True).select_related(
            "roster__post__school"):
        mine.setdefault(exc.roster.post, set()).add(exc.roster.window)
    if not mine and Role.GUARD in roles_of(user):
        schools = scope_for(user, CHECK_IN).school_ids
        for post in Post.objects.visible_to(user, CHECK_IN).filter(active=True, school_id__in=schools).select_related(
                "school"):
            mine[post] = set(post.window_kinds())
    return mine


def zip_posts(posts, windows) -> list:
    """``(post, window)`` for each window, its post found among ``posts``."""
    by_id = {p.pk: p for p in posts}
    return [(by_id[w.post_id], w) for w in windows]


def my_duties(request, today, now) -> list[Item]:
    mine = _my_windows(request, today)
    if not mine:
        return []
    windows = [(post, w) for post, w in zip_posts(mine, duty.windows_on(mine, today)) if w.kind in mine[post]]
    if not windows:
        return [Item("patrols.my_duties", _("今日无护学岗值守"), 0, list_url("patrol-phone"),
                     detail=_("今天不是上学日，或您的岗位今天没有排班"), level=DONE, order=3, keep=True)]
    checked = set(CheckIn.objects.filter(post_id__in={p.pk for p in mine}, duty_date=today,
                                         kind=CheckKind.CHECK_IN).values_list("post_id", "window"))
    lines, open_count = [], 0
    for post, w in sorted(windows, key=lambda pw: pw[1].start):
        span = f"{w.label} {_hm(w.start)}–{_hm(w.end)}"
        if (post.pk, w.kind) in checked:
            note, level = _("已签到"), DONE
        elif now >= w.missing_after:
            note, level = _("缺岗（%(t)s 前未签到）") % {"t": _hm(w.missing_after)}, DANGER
        elif now >= w.start:
            note, level = _("进行中，请签到"), WARNING
        else:
            note, level = _("未开始"), ""
        if (post.pk, w.kind) not in checked and now < w.end:
            open_count += 1
        lines.append(Line(f"{span} {post.school.name} {post.name}",
                          list_url("patrol-checkin-list", _day_params(today, post=post.pk)), note=note, level=level))
    level = DANGER if any(ln.level == DANGER for ln in lines) else (WARNING if open_count else DONE)
    return [Item("patrols.my_duties", _("今日护学岗值守"), open_count, list_url("patrol-phone"),
                 detail=_("共 %(n)d 个时段，待签到 %(m)d 个") % {"n": len(lines), "m": open_count}, level=level,
                 lines=lines, order=3, keep=True)]


def police_duties(request, today, now) -> list[Item]:
    user = request.user
    posts = Post.objects.visible_to(user, DASHBOARD).filter(active=True)
    att = counts.attendance(posts, today, now)
    names = {p.pk: p for p in Post.objects.filter(pk__in={w.post_id for w in att["missing"]}).select_related("school")}
    lines = [Line(f"{names[w.post_id].school.name} {names[w.post_id].name} {w.label}",
                  reverse("patrol-post-detail", args=[w.post_id]),
                  note=_("%(t)s 起无人签到") % {"t": _hm(w.start)}, level=DANGER)
             for w in sorted(att["missing"], key=lambda w: w.start)[:LINES]]
    items = [Item("patrols.unmanned", _("今日缺岗的护学岗时段"), len(att["missing"]), list_url("patrol-dashboard"),
                  detail=_("已到时段 %(d)d 个，准时到岗 %(o)d 个，迟到 %(l)d 个") % {
                      "d": att["due"], "o": att["on_time"], "l": att["late"]},
                  level=DANGER, lines=lines, order=4)]
    if att["due"] and not att["missing"]:
        items.append(Item("patrols.attendance", _("今日护学岗均已到岗"), att["due"],
                          list_url("patrol-checkin-list", _day_params(today, kind=CheckKind.CHECK_IN)),
                          detail=_("已到时段 %(d)d 个，准时 %(o)d 个") % {"d": att["due"], "o": att["on_time"]},
                          level=DONE, order=4))
    short = counts.lacking_patrols(School.objects.visible_to(user, DASHBOARD), today)
    items.append(Item("patrols.lacking_patrols", _("今日巡逻不足两次的学校"), len(short),
                      list_url("patrol-checkin-list", _day_params(today, kind=CheckKind.PATROL)),
                      detail=_("城市学校和乡镇中心学校每天至少巡逻 %(n)d 次") % {"n": counts.PATROLS_PER_DAY},
                      level=INFO if timezone.localtime(now).hour < 15 else WARNING, order=50,
                      lines=[Line(s["school_name"], list_url("patrol-checkin-list", _day_params(
                          today, kind=CheckKind.PATROL, school=s["school_id"])),
                          note=_("已巡逻 %(n)d 次") % {"n": s["patrols"]}) for s in short[:LINES]]))
    return items


def work_items(request) -> list[Item]:
    user = request.user
    today, now = timezone.localdate(), timezone.now()
    items = []
    if has_perm(user, CHECK_IN):
        items += my_duties(request, today, now)
    if has_perm(user, MANAGE):
        items += police_duties(request, today, now)
    return items
