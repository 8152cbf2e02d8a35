"""Pages of the school calendar: the month view of a place (every role) and the calendar's management
(terms and dated entries; education officials and system administrators, within their jurisdiction)."""

import calendar as pycalendar
import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from huxiao.core import calendar as cal
from huxiao.core.forms import form_errors
from huxiao.core.models import CalendarDay, Region, School, Term
from huxiao.core.models.calendar import CalendarDayKind, Semester
from huxiao.core.scoping import scope_for
from huxiao.core.views import require_perm

PLACE_LEVELS = ("province", "city", "county")


class StyledForm(forms.Form):
    """Bootstrap classes on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            small = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", small)


def region_choices(user, perm, *, national=False):
    """The regions (province down to county) where ``user`` holds ``perm``, as select choices."""
    scope = scope_for(user, perm)
    regions = Region.objects.filter(level__in=PLACE_LEVELS)
    if not scope.everything:
        regions = regions.filter(scope.q("code", None)) if scope.region_prefixes else regions.none()
    choices = [(r.code, f"{r.code} {r.name}") for r in regions.order_by("code")]
    return ([("", _("全国"))] if national and scope.everything else [("", "—")]) + choices


class PlaceFields(StyledForm):
    """A region (select) or a school (by its 学校标识码), checked against the user's jurisdiction."""

    region = forms.ChoiceField(label=gettext_lazy("区划"), required=False)
    school_code = forms.CharField(label=gettext_lazy("学校标识码"), required=False, max_length=10,
                                  help_text=gettext_lazy("填写则只适用于该校"))

    def __init__(self, *args, user, perm, national=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.perm, self.national = user, perm, national
        self.fields["region"].choices = region_choices(user, perm, national=national)

    def clean(self):
        data = super().clean()
        code, region = (data.get("school_code") or "").strip(), data.get("region")
        data["school"], data["region_obj"] = None, None
        if code and region:
            self.add_error("school_code", _("区划和学校只能选择一项"))
        elif code:
            school = School.objects.visible_to(self.user, self.perm).filter(code=code).first()
            if school is None:
                self.add_error("school_code", _("未找到学校标识码为 %(code)s 的学校，或该校不在您的管辖范围内") % {"code": code})
            data["school"] = school
        elif region:
            data["region_obj"] = Region.objects.get(pk=region)
        elif not (self.national and scope_for(self.user, self.perm).everything):
            self.add_error("region", _("请选择区划或填写学校标识码"))
        return data

    def place(self) -> dict:
        return {"region": self.cleaned_data["region_obj"], "school": self.cleaned_data["school"]}


class TermForm(PlaceFields):
    school_year = forms.IntegerField(label=gettext_lazy("学年"), min_value=2000, max_value=2100,
                                     help_text=gettext_lazy("起始年份，如 2026 表示 2026—2027 学年"))
    semester = forms.TypedChoiceField(label=gettext_lazy("学期"), choices=Semester.choices, coerce=int)
    start = forms.DateField(label=gettext_lazy("开学日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("学期结束日期"), widget=forms.DateInput(attrs={"type": "date"}))


class CalendarDayForm(PlaceFields):
    date = forms.DateField(label=gettext_lazy("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=CalendarDayKind.choices)
    name = forms.CharField(label=gettext_lazy("名称"), max_length=64)


class ViewForm(StyledForm):
    month = forms.RegexField(label=gettext_lazy("月份"), regex=r"^\d{4}-\d{2}$", required=False,
                             error_messages={"invalid": gettext_lazy("请按 年-月 填写，如 2026-10")})
    school = forms.IntegerField(label=gettext_lazy("学校"), required=False, min_value=1)
    region = forms.CharField(label=gettext_lazy("区划"), required=False, max_length=12)

    def clean_month(self):
        value = self.cleaned_data.get("month")
        if not value:
            return None
        year, month = (int(part) for part in value.split("-"))
        if not (1 <= month <= 12 and 1900 <= year <= 2200):
            raise ValidationError(_("请按 年-月 填写，如 2026-10"))
        return datetime.date(year, month, 1)


def _default_place(user):
    scope = scope_for(user, cal.VIEW)
    region = scope.top_regions().first() if scope.reaches_regions else None
    if region is not None:
        return region
    school = School.objects.visible_to(user, cal.VIEW).order_by("pk").first()
    if school is None:
        raise Http404(_("没有可查看校历的学校"))
    return school


def _place_from(form, user):
    """The school or region asked for (404 when out of the user's reach), else the user's own."""
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("school"):
        return get_object_or_404(School.objects.visible_to(user, cal.VIEW), pk=data["school"])
    if data.get("region"):
        region = Region.objects.filter(pk=data["region"]).first()
        if region is None or not scope_for(user, cal.VIEW).covers(region.code):
            raise Http404(_("该区划不在您的管辖范围内"))
        return region
    return _default_place(user)


def _weeks(days):
    """The month's days as weeks of seven cells, Monday first (None outside the month)."""
    lead = days[0].date.weekday()
    cells = [None] * lead + list(days)
    cells += [None] * (-len(cells) % 7)
    return [cells[i:i + 7] for i in range(0, len(cells), 7)]


@require_perm(cal.VIEW)
def calendar_month(request):
    form = ViewForm(request.GET or None)
    place = _place_from(form, request.user)
    today = timezone.localdate()
    first = (form.cleaned_data.get("month") if form.is_bound and form.is_valid() else None) or today.replace(day=1)
    last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
    days = cal.days(place, first, last)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = last + datetime.timedelta(days=1)
    place_arg = f"school={place.pk}" if isinstance(place, School) else f"region={place.code}"
    year = cal.school_year_of(first)
    return render(request, "core/calendar.html", {
        "form": form, "place": place, "is_school": isinstance(place, School), "place_arg": place_arg,
        "first": first, "weeks": _weeks(days), "today": today, "previous": previous, "following": following,
        "school_days": sum(d.school_day for d in days), "warning": cal.coverage_warning(first.year),
        "terms": cal.terms_in_effect(place, (year - 1, year, year + 1)), "kinds": cal.DayKind,
        "regions": region_choices(request.user, cal.VIEW)[1:], "schools": _nearby_schools(request.user, place),
    })


def _nearby_schools(user, place, limit=300):
    """Schools to pick from: those of the region shown, or of the shown school's district."""
    prefix = place.prefix if isinstance(place, Region) else place.region_code[:6]
    return School.objects.visible_to(user, cal.VIEW).filter(region_code__startswith=prefix).order_by(
        "region_code", "name").only("pk", "name")[:limit]


MANAGE_FORMS = {"term": (TermForm, cal.do_add_term), "day": (CalendarDayForm, cal.do_add_calendar_day)}
PLACE_KEYS = ("region", "school_code", "school", "region_obj")


@require_perm(cal.MANAGE)
def calendar_manage(request):
    """Terms and dated entries: two forms on one page, the posted one named by ``form``."""
    user = request.user
    forms_ = {key: form_class(prefix=key, user=user, perm=cal.MANAGE, national=True)
              for key, (form_class, _service) in MANAGE_FORMS.items()}
    if request.method != "POST":
        return render(request, "core/calendar_manage.html", _manage_context(request, forms_))
    which = request.POST.get("form")
    if which not in MANAGE_FORMS:
        messages.error(request, _("表单类型无效"))
        return render(request, "core/calendar_manage.html", _manage_context(request, forms_), status=400)
    form_class, service = MANAGE_FORMS[which]
    form = forms_[which] = form_class(request.POST, prefix=which, user=user, perm=cal.MANAGE, national=True)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in PLACE_KEYS}
        try:
            service({**data, **form.place()}, actor=user)
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("calendar-manage")
    return render(request, "core/calendar_manage.html", _manage_context(request, forms_), status=400)


def _attach(form, exc: ValidationError):
    """A service's refusal on the form; its ``school`` is the form's ``school_code``."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
    form_errors(form, ValidationError({("school_code" if k == "school" else k): v for k, v in errors.items()}))


def _manage_context(request, forms_):
    user = request.user
    terms = Term.objects.visible_to(user, cal.MANAGE).select_related("region", "school")
    entries = CalendarDay.objects.visible_to(user, cal.MANAGE).select_related("region", "school").filter(
        date__gte=timezone.localdate() - datetime.timedelta(days=60))
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return {"term_form": forms_["term"], "day_form": forms_["day"], "terms": terms[:200], "page": page,
            "warning": cal.coverage_warning(timezone.localdate().year + 1)}


def _delete_view(model, service, done):
    """POST: delete one entry of the calendar within the user's jurisdiction (404 outside), back to the
    management page with ``done``."""

    @require_POST
    @require_perm(cal.MANAGE)
    def view(request, pk):
        service(get_object_or_404(model.objects.visible_to(request.user, cal.MANAGE), pk=pk), actor=request.user)
        messages.success(request, str(done))
        return redirect("calendar-manage")

    return view


term_delete = _delete_view(Term, cal.do_delete_term, gettext_lazy("已删除学期设定"))
day_delete = _delete_view(CalendarDay, cal.do_delete_calendar_day, gettext_lazy("已删除校历日期"))
