"""Forms of the inspection pages. Rules live in services; forms only shape input (and offer only what is
in the user's reach)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from huxiao.hazards.choices import HazardCategory
from huxiao.inspections.choices import InspectionMode, PlanKind


def _style(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


def _region_choices(regions):
    return [(r.code, r.name) for r in regions]


class TemplateForm(forms.Form):
    """A checklist built by officials for their region: one item per line."""

    name = forms.CharField(label=_("名称"), max_length=100)
    region = forms.ChoiceField(label=_("适用区划"))
    source = forms.CharField(label=_("依据"), max_length=200, required=False)
    category = forms.TypedChoiceField(label=_("不合格时的隐患类别"), choices=HazardCategory.choices, required=False,
                                      empty_value=HazardCategory.CAMPUS)
    items = forms.CharField(label=_("检查项（每行一项）"), max_length=20000, widget=forms.Textarea(attrs={"rows": 5}))

    LABELS = {"name": _("名称"), "region": _("适用区划"), "source": _("依据"), "items": _("检查项"),
              "text": _("检查内容"), "category": _("隐患类别"), "severity": _("等级"),
              "deadline_days": _("整改时限（天）")}

    def __init__(self, *args, regions=(), **kwargs):
        kwargs.setdefault("auto_id", "t-%s")
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _region_choices(regions)
        _style(self)

    def item_rows(self) -> list[dict]:
        category = self.cleaned_data["category"]
        return [{"text": line.strip(), "category": category}
                for line in self.cleaned_data["items"].splitlines() if line.strip()]


class PlanForm(forms.Form):
    """An inspection plan of a region for the current semester."""

    name = forms.CharField(label=_("名称"), max_length=100)
    region = forms.ChoiceField(label=_("检查区域"))
    times = forms.IntegerField(label=_("本学期次数"), min_value=1, max_value=30, initial=2)
    kind = forms.TypedChoiceField(label=_("类型"), choices=PlanKind.choices, required=False,
                                  empty_value=PlanKind.ROUTINE)
    mode = forms.TypedChoiceField(label=_("方式"), choices=InspectionMode.choices, required=False,
                                  empty_value=InspectionMode.ANNOUNCED)
    template = forms.ModelChoiceField(label=_("检查表"), queryset=None, empty_label=None)
    policy = forms.ModelChoiceField(label=_("督办规则（专项行动）"), queryset=None, required=False,
                                    empty_label=_("默认督办规则"))
    joint = forms.BooleanField(label=_("教育、公安联合检查"), required=False, initial=True)

    LABELS = {"name": _("名称"), "region": _("检查区域"), "times": _("本学期次数"), "kind": _("类型"),
              "mode": _("方式"), "template": _("检查表"), "policy": _("督办规则")}

    def __init__(self, *args, regions=(), templates, policies, **kwargs):
        kwargs.setdefault("auto_id", "p-%s")
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _region_choices(regions)
        self.fields["template"].queryset = templates
        # the default policy is the empty choice, not listed a second time
        self.fields["policy"].queryset = policies.exclude(is_default=True)
        _style(self)
