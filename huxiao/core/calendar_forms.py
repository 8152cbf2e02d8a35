"""Forms of the calendar pages: which month and place to show, and the management page's term and dated
entry, each for a region or a school checked against the user's jurisdiction (the services check again)."""

import datetime

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huxiao.core import selectors
from huxiao.core.forms import form_errors
from huxiao.core.models import Region, School
from huxiao.core.models.calendar import CalendarDayKind, Semester
from huxiao.core.scoping import scope_for

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

    PLACE_KEYS = ("region", "school_code", "school", "region_obj")

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

    def service_data(self) -> dict:
        """What the service is given: the entry's fields and its place (a region or a school)."""
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.PLACE_KEYS}
        return {**data, **self.place()}

    def refused(self, exc: ValidationError):
        """A service's refusal on the form; its ``school`` is the form's ``school_code``."""
        errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        form_errors(self, ValidationError({("school_code" if k == "school" else k): v for k, v in errors.items()}))


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
    """The month and place a calendar page shows (``?month=2026-10&school=…`` or ``&region=…``)."""

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

    def place(self, user):
        """The school or region asked for (404 when out of the user's reach), else the user's own; a
        request that does not parse shows the user's own."""
        data = self.cleaned_data if self.is_valid() else {}
        return selectors.calendar_place(user, data.get("school"), data.get("region"))

    def first_day(self, today: datetime.date) -> datetime.date:
        """The first day of the month asked for, else of ``today``'s."""
        return (self.cleaned_data.get("month") if self.is_bound and self.is_valid() else None) or today.replace(day=1)
