"""Alarm pages: the police console, the alarm list and detail (with the life-cycle steps), statistics."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from huxiao.alarms import feed, services, stats
from huxiao.alarms.choices import AlarmStatus, Disposition
from huxiao.alarms.filters import COLUMNS, AlarmFilterSet
from huxiao.alarms.forms import (
    LABELS,
    AssignForm,
    CloseForm,
    DispatchForm,
    StatsPeriodForm,
    StepForm,
    own_officers,
)
from huxiao.alarms.models import Alarm
from huxiao.core import audit
from huxiao.core.choices import UnitKind
from huxiao.core.forms import form_errors
from huxiao.core.models import Unit
from huxiao.core.records.views import RecordListView, mark_invalid
from huxiao.core.scoping import can, scope_for
from huxiao.core.views import require_perm

VIEW = "alarms.view_alarm"


@require_perm("alarms.view_console")
def console(request):
    """The console; its 派警 offers the police units in the user's jurisdiction (the school's own station
    by default) and the officers of the user's own unit (the user first chosen)."""
    units = Unit.objects.filter(kind=UnitKind.POLICE).filter(
        scope_for(request.user, services.HANDLE).q("region_code", None)).order_by("region_code", "name")
    return render(request, "alarms/console.html", {"dispositions": Disposition.choices, "units": units,
                                                   "officers": own_officers(request.user)})


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


def _detail(request, alarm, step_forms=None, status=200):
    """The alarm page with its step forms (bound and marked when a step was refused)."""
    alarm = Alarm.objects.select_related("school__police_station", "device", "dispatch_unit",
                                         "dispatched_officer").get(pk=alarm.pk)
    data = feed.alarm_dict(alarm, request.user)
    can_handle = can(request.user, services.HANDLE, alarm)
    step_forms = step_forms or {}
    if can_handle and alarm.open:
        for name, form_class in STEP_FORMS.items():
            step_forms.setdefault(name, form_class(alarm=alarm, user=request.user))
    return render(request, "alarms/alarm_detail.html", {
        "alarm": alarm, "data": data, "events": alarm.events.select_related("actor"), "receipts": alarm.receptions(),
        "can_handle": can_handle, "forms": step_forms,
        "may_assign": alarm.status == AlarmStatus.DISPATCHED and (
            services.handles_for(request.user, alarm.dispatch_unit) or getattr(step_forms.get("assign"), "is_bound", False)),
    }, status=status)


@require_perm(VIEW)
def alarm_detail(request, pk):
    alarm = get_object_or_404(Alarm.objects.visible_to(request.user, VIEW), pk=pk)
    audit.record_read(alarm, actor=request.user, request=request)
    return _detail(request, alarm)


STEP_FORMS = {"acknowledge": StepForm, "dispatch": DispatchForm, "assign": AssignForm, "arrive": StepForm,
              "close": CloseForm}
STEPS = {
    "acknowledge": lambda alarm, data, user: services.do_acknowledge_alarm(alarm, actor=user),
    "dispatch": lambda alarm, data, user: services.do_dispatch_alarm(alarm, unit=data["unit"],
                                                                   officer=data["officer"], actor=user),
    "assign": lambda alarm, data, user: services.do_assign_alarm_officer(alarm, officer=data["officer"], actor=user),
    "arrive": lambda alarm, data, user: services.do_arrive_alarm(alarm, actor=user),
    "close": lambda alarm, data, user: services.do_close_alarm(alarm, disposition=data["disposition"],
                                                             notes=data["notes"], actor=user),
}


@require_POST
@require_perm(services.HANDLE)
def alarm_step(request, pk, step):
    """One life-cycle step from the detail page; a refusal shows the page again (400) with the message on
    its field, marked."""
    if step not in STEPS:
        raise Http404
    alarm = get_object_or_404(Alarm.objects.visible_to(request.user, services.HANDLE).select_related(
        "school__police_station", "dispatch_unit"), pk=pk)
    form = STEP_FORMS[step](request.POST, alarm=alarm, user=request.user)
    if form.is_valid():
        try:
            STEPS[step](alarm, form.cleaned_data, request.user)
        except ValidationError as exc:
            form_errors(form, exc, LABELS)
        else:
            messages.success(request, _("已记录"))
            return redirect("alarm-detail", pk=pk)
    mark_invalid(form)
    return _detail(request, alarm, {step: form}, status=400)


def _period_form(request):
    form = StatsPeriodForm(request.GET or None)
    if request.GET.get("days") and "period" not in request.GET:  # ?days=N links
        form = StatsPeriodForm({"period": request.GET["days"]})
    if form.is_bound and form.is_valid():
        return form, form.period
    if form.is_bound:
        mark_invalid(form)
    return form, (None if form.is_bound else stats.resolve_period())


@require_perm("alarms.view_stats")
def stats_page(request):
    form, period = _period_form(request)
    s = stats.compute(request.user, period or stats.resolve_period())
    return render(request, "alarms/stats.html", {"s": s, "form": form, "chart": stats.chart_data(s),
                                                 "invalid": period is None}, status=200 if period else 400)
