"""Forms of the alarm pages: the life-cycle steps on the alarm detail page, the statistics period."""

from django import forms
from django.utils.translation import gettext_lazy as _

from huxiao.alarms import services
from huxiao.alarms.choices import Disposition
from huxiao.core.models import Unit, User

LABELS = {"unit": _("出警单位"), "officer": _("出警民警"), "disposition": _("处置结果"), "notes": _("处置情况"),
          "status": _("状态")}


class OfficerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


def own_officers(user):
    """The police users of the units ``user`` handles alarms in (who a station sends)."""
    from huxiao.core.authcache import assignments
    from huxiao.core.permissions import roles_with

    roles = roles_with(services.HANDLE)
    units = {a.unit_id for a in assignments(user) if a.role in roles}
    return (User.objects.filter(is_active=True, role_assignments__unit__in=units,
                                role_assignments__role__in=roles).distinct().order_by("full_name", "username"))


class DispatchForm(forms.Form):
    """派警: the unit picked from those in reach (the school's station first), the officer from the
    user's own unit."""

    unit = forms.ModelChoiceField(label=LABELS["unit"], queryset=Unit.objects.none(), empty_label=_("请选择"),
                                  error_messages={"required": _("请选择出警单位"),
                                                  "invalid_choice": _("出警单位须为该校属地派出所或您辖区内的公安单位")})
    officer = OfficerChoice(label=LABELS["officer"], queryset=User.objects.none(), required=False,
                            empty_label=_("（由出警单位指派）"),
                            error_messages={"invalid_choice": _("出警民警须为出警单位的在岗民警")})

    def __init__(self, *args, alarm, user, **kwargs):
        kwargs.setdefault("initial", {"unit": alarm.school.police_station_id,
                                      "officer": user.pk if services.handles_for(user, alarm.school.police_station)
                                      else None})
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = services.dispatch_units(alarm, user).order_by("region_code", "name")
        self.fields["officer"].queryset = own_officers(user)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


class AssignForm(forms.Form):
    """指派民警: the dispatched unit names who goes."""

    officer = OfficerChoice(label=LABELS["officer"], queryset=User.objects.none(), empty_label=_("请选择"),
                            error_messages={"required": _("请选择出警民警"),
                                            "invalid_choice": _("出警民警须为出警单位的在岗民警")})

    def __init__(self, *args, alarm, user, **kwargs):
        super().__init__(*args, **kwargs)
        if alarm.dispatch_unit_id:
            self.fields["officer"].queryset = services.officers_of(alarm.dispatch_unit)
        self.fields["officer"].widget.attrs["class"] = "form-select"


class CloseForm(forms.Form):
    disposition = forms.ChoiceField(label=LABELS["disposition"], choices=Disposition.choices,
                                    error_messages={"required": _("请选择处置结果"),
                                                    "invalid_choice": _("请选择处置结果（真实警情、误报、测试、设备故障）")})
    notes = forms.CharField(label=LABELS["notes"], required=False, max_length=2000,
                            error_messages={"max_length": _("处置情况不超过 2000 个字符")})

    def __init__(self, *args, alarm=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["disposition"].widget.attrs["class"] = "form-select"
        self.fields["notes"].widget = forms.TextInput(attrs={"class": "form-control", "maxlength": 2000,
                                                             "placeholder": LABELS["notes"]})


class StepForm(forms.Form):
    """A step with nothing to fill in (确认, 到场): only its refusals to show."""

    def __init__(self, *args, alarm=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class ApiDispatchForm(forms.Form):
    """派警 through the API, by id: the unit among those the user may send (a unit out of reach is refused as
    one that does not exist; none: the school's station), the officer any user (the service checks that
    they serve the unit)."""

    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), required=False,
                                  error_messages={"invalid_choice": _("出警单位须为该校属地派出所或您辖区内的公安单位")})
    officer = forms.ModelChoiceField(queryset=User.objects.all(), required=False,
                                     error_messages={"invalid_choice": _("出警民警须为出警单位的在岗民警")})

    def __init__(self, *args, alarm, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = services.dispatch_units(alarm, user)


class ApiAssignForm(forms.Form):
    """指派民警 through the API, by id (the service checks that the officer serves the dispatched unit)."""

    officer = forms.ModelChoiceField(queryset=User.objects.all(),
                                     error_messages={"invalid_choice": _("出警民警须为出警单位的在岗民警")})

    def __init__(self, *args, alarm=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)


PERIODS = (("7", _("近 7 天")), ("30", _("近 30 天")), ("90", _("近 90 天")), ("month", _("按月")),
           ("custom", _("自定义区间")))


class StatsPeriodForm(forms.Form):
    """The statistics page's period picker (GET): a preset, a month or a custom range of dates."""

    period = forms.ChoiceField(label=_("统计区间"), choices=PERIODS, required=False, initial="30",
                               error_messages={"invalid_choice": _("请选择统计区间")})
    month = forms.CharField(label=_("月份"), required=False, max_length=7,
                            widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}))
    start = forms.DateField(label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            error_messages={"invalid": _("日期格式应为 YYYY-MM-DD")})
    end = forms.DateField(label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                          error_messages={"invalid": _("日期格式应为 YYYY-MM-DD")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        self.period = None

    @classmethod
    def for_query(cls, query):
        """The form bound to the page's query (unbound without one); a ``?days=N`` link without ``period``
        picks the preset of N days."""
        if query.get("days") and "period" not in query:
            return cls({"period": query["days"]})
        return cls(query or None)

    def clean(self):
        from django.core.exceptions import ValidationError

        from huxiao.alarms.stats import resolve_period

        data = super().clean()
        choice = data.get("period") or "30"
        if self.errors:
            return data
        try:
            if choice == "month":
                if not data.get("month"):
                    raise ValidationError({"month": _("请选择月份")})
                self.period = resolve_period(month=data["month"])
            elif choice == "custom":
                if not data.get("start"):
                    raise ValidationError({"start": _("请填写开始日期")})
                self.period = resolve_period(start=data["start"], end=data.get("end"))
            else:
                self.period = resolve_period(days=int(choice))
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                for error in errors:
                    self.add_error(name if name in self.fields else "period", error)
        return data
