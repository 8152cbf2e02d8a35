"""The hazard ledger's entries on the 工作台: what the school has to rectify and file, what officials have
to accept, chase and flag. Every count is the row count of the list its link opens."""

import datetime

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huxiao.core.models import School
from huxiao.core.scoping import has_perm, scope_for
from huxiao.core.worklist import DANGER, DONE, INFO, LINES, WARNING, Item, Line, list_url, listed
from huxiao.hazards.choices import OWED_STATUSES, HazardStatus
from huxiao.hazards.filters import HazardFilterSet, SelfCheckFlagFilterSet
from huxiao.hazards.models import EscalationPolicy, Hazard, SelfCheck, SelfCheckFlag
from huxiao.hazards.selfcheck import previous_month

RECTIFY, ACCEPT, VIEW, DASHBOARD = ("hazards.rectify_hazard", "hazards.accept_hazard", "hazards.view_hazard",
                                    "hazards.view_dashboard")
FILE, VIEW_CHECKS = "hazards.file_self_check", "hazards.view_self_check"


def _next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _due(month: datetime.date, policy) -> datetime.date:
    """The self-check of ``month`` is due on the policy's day of the next month."""
    return _next_month(month).replace(day=policy.self_check_due_day)


def _md(day: datetime.date) -> str:
    return _("%(m)d月%(d)d日") % {"m": day.month, "d": day.day}


def _ym(month: datetime.date) -> str:
    return _("%(y)d年%(m)d月") % {"y": month.year, "m": month.month}


def to_rectify(request, today) -> list[Item]:
    """The school's hazards still owed (待整改, 整改中), overdue first, with their deadlines."""
    owed = Hazard.objects.visible_to(request.user, RECTIFY).live().filter(status__in=OWED_STATUSES)
    first = list(owed.select_related("school").order_by("deadline", "id")[:LINES])
    counts = owed.aggregate(n=Count("id"), overdue=Count("id", filter=Q(deadline__lt=today)))
    lines = [Line(f"{h.place}（{h.school.name}）", reverse("hazard-detail", args=[h.pk]),
                  note=(_("逾期 %(n)d 天") % {"n": h.overdue_days(today)} if h.deadline < today
                        else _("%(d)s 前整改") % {"d": f"{h.deadline:%Y-%m-%d}"}),
                  level=DANGER if h.deadline < today else "")
             for h in first]
    items = [Item("hazards.to_rectify", _("待整改隐患"), counts["n"],
                  list_url("hazard-list", {"status": "open", "sort": "deadline"}),
                  detail=_("其中逾期 %(n)d 项") % {"n": counts["overdue"]} if counts["overdue"] else
                  _("均未逾期，按整改时限排列"),
                  level=DANGER if counts["overdue"] else WARNING, lines=lines, order=10)]
    if counts["overdue"]:
        items.append(Item("hazards.to_rectify_overdue", _("逾期未整改隐患"), counts["overdue"],
                          list_url("hazard-list", {"overdue": "true", "sort": "deadline"}),
                          detail=_("已超过整改时限，将逐级督办"), level=DANGER, order=11))
    return items


def to_accept(request) -> Item:
    """待我验收: hazards the school has submitted, in the reach of the user's accepting role."""
    params = {"status": HazardStatus.AWAITING, "sort": "deadline"}
    qs = listed(HazardFilterSet, params, Hazard.objects.visible_to(request.user, ACCEPT), request)
    return _by_school(Item("hazards.to_accept", _("待我验收的隐患"), 0, list_url("hazard-list", params),
                           detail=_("学校已提交整改，待验收销号"), level=WARNING, order=10), qs, params)


def overdue_by_school(request) -> Item:
    params = {"overdue": "true", "sort": "deadline"}
    qs = listed(HazardFilterSet, params, Hazard.objects.visible_to(request.user, VIEW), request)
    return _by_school(Item("hazards.overdue", _("逾期未整改隐患"), 0, list_url("hazard-list", params),
                           detail=_("按学校统计，逾期最多的学校在前"), level=DANGER, order=20), qs, params)


def _by_school(item: Item, qs, params) -> Item:
    rows = list(qs.order_by().values("school_id", "school__name").annotate(n=Count("id"), first=Min("deadline"))
                .order_by("-n", "first", "school__name"))
    item.count = sum(r["n"] for r in rows)
    item.lines = [Line(r["school__name"], list_url("hazard-list", {**params, "school": r["school_id"]}), r["n"])
                  for r in rows[:LINES]]
    if len(rows) > LINES:
        item.detail += _("；涉及 %(n)d 所学校") % {"n": len(rows)}
    return item


def own_self_checks(request, today, policy) -> list[Item]:
    """The school's monthly self-checks: last month's while still due (or overdue), and this month's."""
    schools = list(School.objects.visible_to(request.user, FILE).order_by("name").values_list("pk", "name"))
    if not schools:
        return []
    this, last = today.replace(day=1), previous_month(today)
    filed = set(SelfCheck.objects.visible_to(request.user, FILE).filter(month__in=(this, last))
                .values_list("school_id", "month"))
    items = []
    for month, order in ((last, 5), (this, 6)):
        missing = [(pk, name) for pk, name in schools if (pk, month) not in filed]
        due = _due(month, policy)
        if month == last and not missing:
            continue  # last month done: nothing to say about it
        late = due < today
        if missing:
            title = (_("上月（%(m)s）自查逾期未填报") if late else _("上月（%(m)s）自查待填报")) if month == last \
                else _("本月（%(m)s）安全隐患自查待填报")
            detail = _("截止 %(d)s（督办规则：次月 %(n)d 日前）") % {"d": _md(due), "n": policy.self_check_due_day}
            level = DANGER if late else (WARNING if month == last or (due - today).days <= 7 else INFO)
        else:
            title, detail, level = _("本月（%(m)s）自查已填报"), _("下月自查截止 %(d)s") % {
                "d": _md(_due(_next_month(this), policy))}, DONE
        lines = [Line(name, note=_("未填报"), level=level) for _pk, name in missing] if len(schools) > 1 else []
        url = list_url("selfcheck-create") if missing and has_perm(request.user, FILE) else \
            list_url("selfcheck-list", {"month": f"{month:%Y-%m}"})
        items.append(Item(f"hazards.self_check_{'last' if month == last else 'this'}_month",
                          title % {"m": _ym(month)}, len(missing), url, detail=detail, level=level, lines=lines,
                          order=order, keep=True))
    return items


def schools_without_self_check(request, today, policy) -> list[Item]:
    """Officials: the schools in reach that have not filed the self-check due next (last month's until its
    deadline on the policy's day of this month, then this month's), and last month's flags."""
    this, last = today.replace(day=1), previous_month(today)
    month = last if today <= _due(last, policy) else this
    schools = School.objects.visible_to(request.user, VIEW_CHECKS).exclude(
        pk__in=SelfCheck.objects.filter(month=month).values("school_id"))
    names = list(schools.order_by("region_code", "name").values_list("pk", "name")[:LINES])
    count = schools.count()
    due = _due(month, policy)
    title = _("上月（%(m)s）未填报自查的学校") if month == last else _("本月（%(m)s）未填报自查的学校")
    items = [Item("hazards.schools_without_self_check", title % {"m": _ym(month)}, count,
                  list_url("selfcheck-list", {"month": f"{month:%Y-%m}"}),
                  detail=_("截止 %(d)s；到期未报的将标记缺报并通知教育部门") % {"d": _md(due)},
                  level=WARNING if month == last else INFO, order=40,
                  lines=[Line(name, reverse("school-detail", args=[pk])) for pk, name in names])]
    params = {"month": f"{last:%Y-%m}", "resolved": "false"}
    flags = listed(SelfCheckFlagFilterSet, params, SelfCheckFlag.objects.visible_to(request.user, VIEW_CHECKS),
                   request)
    items.append(Item("hazards.self_check_flags", _("上月（%(m)s）自查缺报的学校") % {"m": _ym(last)},
                      flags.count(), list_url("selfcheck-list", {"month": f"{last:%Y-%m}"}),
                      detail=_("已过截止日 %(d)s 仍未填报") % {"d": _md(_due(last, policy))}, level=WARNING,
                      order=41))
    return items


def work_items(request) -> list[Item]:
    user, today = request.user, timezone.localdate()
    items = []
    policy = None
    if has_perm(user, RECTIFY):
        items += to_rectify(request, today)
    if has_perm(user, FILE):
        policy = EscalationPolicy.default()
        items += own_self_checks(request, today, policy)
    if has_perm(user, ACCEPT):
        items.append(to_accept(request))
    if has_perm(user, DASHBOARD):
        items.append(overdue_by_school(request))
    if has_perm(user, VIEW_CHECKS) and scope_for(user, VIEW_CHECKS).reaches_regions:
        items += schools_without_self_check(request, today, policy or EscalationPolicy.default())
    return items
