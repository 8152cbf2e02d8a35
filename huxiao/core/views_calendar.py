"""Pages of the school calendar: the month view of a place (every role) and the calendar's management
(terms and dated entries; education officials and system administrators, within their jurisdiction).
The forms are in ``core.calendar_forms``, what the pages show is read in ``core.selectors``."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huxiao.core import calendar as cal
from huxiao.core import selectors
from huxiao.core.calendar_forms import CalendarDayForm, TermForm, ViewForm, region_choices
from huxiao.core.models import CalendarDay, Term
from huxiao.core.records.pages import RecordActionView
from huxiao.core.records.views import require_perm


@require_perm(cal.VIEW)
def calendar_month(request):
    form = ViewForm(request.GET or None)
    place = form.place(request.user)
    today = timezone.localdate()
    return render(request, "core/calendar.html", {
        "form": form, "today": today, "kinds": cal.DayKind, "regions": region_choices(request.user, cal.VIEW)[1:],
        **selectors.calendar_month(request.user, place, form.first_day(today)),
    })


MANAGE_FORMS = {"term": (TermForm, cal.do_add_term), "day": (CalendarDayForm, cal.do_add_calendar_day)}


@require_perm(cal.MANAGE)
def calendar_manage(request):
    """Terms and dated entries: two forms on one page, the posted one named by ``form``."""
    user = request.user
    forms_ = {key: form_class(prefix=key, user=user, perm=cal.MANAGE, national=True)
              for key, (form_class, _service) in MANAGE_FORMS.items()}
    if request.method != "POST":
        return _manage_page(request, forms_)
    which = request.POST.get("form")
    if which not in MANAGE_FORMS:
        messages.error(request, _("表单类型无效"))
        return _manage_page(request, forms_, status=400)
    form_class, service = MANAGE_FORMS[which]
    form = forms_[which] = form_class(request.POST, prefix=which, user=user, perm=cal.MANAGE, national=True)
    if form.is_valid():
        try:
            service(form.service_data(), actor=user)
        except ValidationError as exc:
            form.refused(exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("calendar-manage")
    return _manage_page(request, forms_, status=400)


def _manage_page(request, forms_, status=200):
    return render(request, "core/calendar_manage.html", {
        "term_form": forms_["term"], "day_form": forms_["day"],
        **selectors.calendar_entries(request.user, request.GET.get("page"))}, status=status)


class CalendarEntryDeleteView(RecordActionView):
    """POST: delete one entry of the calendar within the user's jurisdiction (404 outside), back to the
    management page."""

    perm = cal.MANAGE

    def back_url(self, entry):
        return reverse("calendar-manage")


class TermDeleteView(CalendarEntryDeleteView):
    model = Term

    def act(self, term, data):
        cal.do_delete_term(term, actor=self.request.user)
        return _("已删除学期设定")


class CalendarDayDeleteView(CalendarEntryDeleteView):
    model = CalendarDay

    def act(self, entry, data):
        cal.do_delete_calendar_day(entry, actor=self.request.user)
        return _("已删除校历日期")
