"""Alarm pages: the police console, the alarm list and detail (with the life-cycle steps), statistics."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from huxiao.alarms import feed, services, stats
from huxiao.alarms.choices import Disposition
from huxiao.alarms.filters import COLUMNS, AlarmFilterSet
from huxiao.alarms.models import Alarm
from huxiao.core import audit
from huxiao.core.records.views import RecordListView
from huxiao.core.scoping import can
from huxiao.core.views import require_perm

VIEW = "alarms.view_alarm"


@require_perm("alarms.view_console")
def console(request):
    return render(request, "alarms/console.html", {"dispositions": Disposition.choices})


class AlarmListView(RecordListView):
    """报警记录: the alarm history with its one filterset (status, category, disposition, dates, region,
    school) and "导出 Excel"; the console is its own page."""

    model, filterset_class, columns, perm = Alarm, AlarmFilterSet, COLUMNS, VIEW
    title = _lazy("报警记录")
    template_name = "alarms/alarm_list.html"
    ordering = ("-received_at", "-id")
    select_related = ("school", "device", "dispatch_unit")
    paginate_by = 50
    empty_text = _lazy("暂无报警")


alarm_list = AlarmListView.as_view()


@require_perm(VIEW)
def alarm_detail(request, pk):
    alarm = get_object_or_404(Alarm.objects.visible_to(request.user, VIEW).select_related(
        "school__police_station", "device", "dispatch_unit"), pk=pk)
    data = feed.alarm_dict(alarm, request.user)
    audit.record_read(alarm, actor=request.user, request=request)
    return render(request, "alarms/alarm_detail.html", {
        "alarm": alarm, "data": data, "events": alarm.events.select_related("actor"), "receipts": alarm.receptions(),
        "dispositions": Disposition.choices, "can_handle": can(request.user, services.HANDLE, alarm)})


STEPS = {
    "acknowledge": lambda alarm, post, user: services.do_acknowledge_alarm(alarm, actor=user),
    "dispatch": lambda alarm, post, user: services.do_dispatch_alarm(alarm, officer=post.get("officer", ""),
                                                                   actor=user),
    "arrive": lambda alarm, post, user: services.do_arrive_alarm(alarm, actor=user),
    "close": lambda alarm, post, user: services.do_close_alarm(alarm, disposition=post.get("disposition", ""),
                                                             notes=post.get("notes", ""), actor=user),
}


@require_POST
@require_perm(services.HANDLE)
def alarm_step(request, pk, step):
    if step not in STEPS:
        raise Http404
    alarm = get_object_or_404(Alarm.objects.visible_to(request.user, services.HANDLE), pk=pk)
    try:
        STEPS[step](alarm, request.POST, request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except PermissionDenied:
        raise
    else:
        messages.success(request, _("已记录"))
    return redirect("alarm-detail", pk=pk)


@require_perm("alarms.view_stats")
def stats_page(request):
    try:
        days = min(max(int(request.GET.get("days", 30)), 1), 3660)
    except ValueError:
        days = 30
    return render(request, "alarms/stats.html", {"s": stats.compute(request.user, days=days), "days": days})
