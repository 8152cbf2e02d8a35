"""Forms of the hazard pages. Rules live in services; forms only shape input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from huxiao.core.validators import DateKind, PlausibleDateValidator
from huxiao.hazards.choices import HazardCategory, HazardSource, Severity
from huxiao.hazards.models import EscalationPolicy


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def _style(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class HazardForm(forms.Form):
    school = forms.ModelChoiceField(label=_("学校"), queryset=None)
    place = forms.CharField(label=_("隐患部位"), max_length=200)
    description = forms.CharField(label=_("隐患描述"), widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ChoiceField(label=_("类别"), choices=HazardCategory.choices)
    severity = forms.ChoiceField(label=_("等级"), choices=Severity.choices)
    source = forms.ChoiceField(label=_("来源"), choices=HazardSource.choices)
    # a date input shows its value only in ISO form (YYYY-MM-DD), whatever the locale's date format
    found_on = forms.DateField(label=_("发现日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                               validators=[PlausibleDateValidator(DateKind.EVENT, _("发现日期"))])
    responsible_unit = forms.CharField(label=_("整改责任单位"), max_length=128)
    responsible_person = forms.CharField(label=_("整改责任人"), max_length=64)
    measures = forms.CharField(label=_("整改措施"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label=_("整改时限"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                               validators=[PlausibleDateValidator(DateKind.PLANNED, _("整改时限"))])
    policy = forms.ModelChoiceField(label=_("督办规则（专项行动）"), queryset=None, required=False,
                                    empty_label=_("默认督办规则"))
    photos = MultipleFileField(label=_("照片"), required=False,
                               widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}))

    def __init__(self, *args, schools, policies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        # the default policy is the empty choice ("默认督办规则"), not listed a second time
        self.fields["policy"].queryset = policies.exclude(is_default=True)
        _style(self)


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ("start", "submit", "close", "rework")])
    note = forms.CharField(label=_("说明"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = MultipleFileField(label=_("佐证材料"), required=False)


class SelfCheckForm(forms.Form):
    school = forms.ModelChoiceField(label=_("学校"), queryset=None)
    month = forms.RegexField(label=_("月份"), regex=r"^\d{4}-\d{2}$",
                             widget=forms.TextInput(attrs={"type": "month"}))
    no_hazards = forms.BooleanField(label=_("本月自查未发现隐患"), required=False)
    note = forms.CharField(label=_("自查情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        _style(self)


class PolicyForm(forms.ModelForm):
    region_code = forms.ChoiceField(label=_("适用区划"), required=False)

    class Meta:
        model = EscalationPolicy
        fields = ["name", "campaign", "region_code", "is_default", "remind_days_before", "notice_after_days",
                  "interview_after_days", "listing_after_days", "self_check_due_day"]

    def __init__(self, *args, regions=(), platform=False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("全省通用（系统管理员）"))] if platform else []
        self.fields["region_code"].choices = choices + [(r.code, r.name) for r in regions]
        _style(self)
