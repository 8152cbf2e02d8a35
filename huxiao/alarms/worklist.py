"""The alarms' entry on the 工作台: alarms of the user's reach not yet closed (接警, 已确认, 已派警, 已到场),
newest first, for the police who handle them and the officials and school staff who follow them."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huxiao.alarms.filters import AlarmFilterSet
from huxiao.alarms.models import Alarm
from huxiao.core.scoping import has_perm
from huxiao.core.worklist import DANGER, LINES, Item, Line, list_url, listed

VIEW, HANDLE, STATS = "alarms.view_alarm", "alarms.handle_alarm", "alarms.view_stats"


def work_items(request) -> list[Item]:
    user = request.user
    if not (has_perm(user, HANDLE) or has_perm(user, STATS)):
        return []  # guards see alarms on the console of their gate, not as a to-do
    params = {"open_only": "true"}
    qs = listed(AlarmFilterSet, params, Alarm.objects.visible_to(user, VIEW), request)
    first = list(qs.select_related("school").order_by("-received_at", "-id")[:LINES])
    counts = qs.aggregate(n=Count("id"), received=Count("id", filter=Q(status="received")))
    lines = [Line(f"{a.school.name} {a.label}", reverse("alarm-detail", args=[a.pk]),
                  note=f"{timezone.localtime(a.received_at):%m-%d %H:%M} {a.get_status_display()}",
                  level=DANGER if a.status == "received" else "")
             for a in first]
    detail = _("其中 %(n)d 起尚未确认") % {"n": counts["received"]} if counts["received"] else \
        _("已确认，待处置完毕")
    return [Item("alarms.open", _("未处置完毕的报警"), counts["n"], list_url("alarm-list", params), detail=detail, level=DANGER, lines=lines,
                 order=1)]
