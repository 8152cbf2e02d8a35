"""Alarm pages: the police console, the alarm list and detail (with the life-cycle steps), statistics."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from huxiao.alarms import feed, selectors, services, stats
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
from huxiao.core.choices import UnitKind
from huxiao.core.forms import form_errors
from huxiao.core.models import Unit
from huxiao.core.records.pages import RecordDetailView
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


class AlarmDetailView(RecordDetailView):
    """An alarm with its handling and receptions (each view audited as a read), and for who may handle it
    the forms of the steps its status allows."""

    model, perm, template_name, read_what = Alarm, VIEW, "alarms/alarm_detail.html", ""
    select_related = ("school__police_station", "device", "dispatch_unit", "dispatched_officer")
    step_forms: dict = {}

    def get_context(self, alarm):
        user = self.request.user
        can_handle = can(user, services.HANDLE, alarm)
        forms = dict(self.step_forms)
        if can_handle and alarm.open:
            for name, form_class in STEP_FORMS.items():
                forms.setdefault(name, form_class(alarm=alarm, user=user))
        may_assign = alarm.status == AlarmStatus.DISPATCHED and (
            services.handles_for(user, alarm.dispatch_unit) or getattr(forms.get("assign"), "is_bound", False))
        return {"data": feed.alarm_dict(alarm, user), **selectors.handling(alarm), "can_handle": can_handle,
                "forms": forms, "may_assign": may_assign}


STEP_FORMS = {services.ACKNOWLEDGE: StepForm, services.DISPATCH: DispatchForm, services.ASSIGN: AssignForm,
              services.ARRIVE: StepForm, services.CLOSE: CloseForm}


class AlarmStepView(AlarmDetailView):
    """One life-cycle step from the detail page (``services.STEPS`` with the step form's fields); a refusal
    shows the page again (400) with the message on its field, marked."""

    http_method_names = ["post"]
    perm, read_what = services.HANDLE, None

    def post(self, request, pk, step):
        alarm = self.get_object()
        if step not in services.STEPS:
            raise Http404
        form = STEP_FORMS[step](request.POST, alarm=alarm, user=request.user)
        if form.is_valid():
            try:
                services.STEPS[step](alarm, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form_errors(form, exc, LABELS)
            else:
                messages.success(request, _("已记录"))
                return redirect("alarm-detail", pk=pk)
        mark_invalid(form)
        self.step_forms = {step: form}
        response = self.render_page(self.get_object())  # read again: the page shows what is stored
        response.status_code = 400
        return response


@require_perm("alarms.view_stats")
def stats_page(request):
    """The statistics of the period asked for (the last 30 days by default); a bad period: 400, its field
    marked, the figures of the default period."""
    form = StatsPeriodForm.for_query(request.GET)
    invalid = form.is_bound and not form.is_valid()
    mark_invalid(form)
    s = stats.compute(request.user, form.period if form.is_bound and not invalid else stats.resolve_period())
    return render(request, "alarms/stats.html", {"s": s, "form": form, "chart": stats.chart_data(s),
                                                 "invalid": invalid}, status=400 if invalid else 200)
