"""The one filter of the hazard ledger, used by the list page, the API and the notice export."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huxiao.core.validators import RegionCodeValidator, region_filter_prefix
from huxiao.hazards.choices import OWED_STATUSES, HazardCategory, HazardSource, HazardStatus, Severity


def _choices(enum, label):
    return [("", label), *enum.choices]


class HazardFilterForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=50)
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部状态")), ("open", _("未销号")), *HazardStatus.choices])
    overdue = forms.BooleanField(label=_("仅逾期"), required=False)
    severity = forms.ChoiceField(label=_("等级"), required=False, choices=_choices(Severity, _("全部等级")))
    category = forms.ChoiceField(label=_("类别"), required=False, choices=_choices(HazardCategory, _("全部类别")))
    source = forms.ChoiceField(label=_("来源"), required=False, choices=_choices(HazardSource, _("全部来源")))
    region = forms.CharField(label=_("区划代码"), required=False, max_length=12,
                             validators=[RegionCodeValidator(_("区划代码"), prefix_ok=True)])
    school = forms.IntegerField(label=_("学校"), required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = "form-check-input" if name == "overdue" else (
                "form-select" if isinstance(field.widget, forms.Select) else "form-control")
            field.widget.attrs["class"] = css
        self.fields["q"].widget.attrs["placeholder"] = _("学校、部位或描述")
        self.fields["region"].widget.attrs["placeholder"] = _("区划代码")

    def clean_region(self):
        code = self.cleaned_data["region"]
        return region_filter_prefix(code) if code else code


def apply_filters(qs, data: dict, today=None):
    """Narrow a (jurisdiction-filtered) hazard queryset by the cleaned filter values."""
    today = today or timezone.localdate()
    status = data.get("status")
    if status == "open":
        qs = qs.open()
    elif status:
        qs = qs.filter(status=status)
    if data.get("overdue"):
        qs = qs.filter(status__in=OWED_STATUSES, deadline__lt=today)
    for field in ("severity", "category", "source"):
        if data.get(field):
            qs = qs.filter(**{field: data[field]})
    if data.get("region"):
        qs = qs.filter(region_code__startswith=data["region"])
    if data.get("school"):
        qs = qs.filter(school_id=data["school"])
    if data.get("q"):
        from django.db.models import Q

        qs = qs.filter(Q(place__icontains=data["q"]) | Q(description__icontains=data["q"]) |
                       Q(school__name__icontains=data["q"]))
    return qs
