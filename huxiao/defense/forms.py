"""Forms of the 三防 pages (the services validate again; these shape the input)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from huxiao.core.validators import DateKind, PlausibleDateValidator
from huxiao.defense.choices import (
    BackgroundResult,
    BarrierKind,
    EnclosureType,
    EquipmentKind,
    GuardCategory,
    HealthStatus,
    TrafficFacility,
)

DATE = forms.DateInput(attrs={"type": "date"})


class Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            elif not isinstance(widget, forms.CheckboxSelectMultiple):
                widget.attrs["class"] = "form-control"


class GuardForm(Styled):
    name = forms.CharField(label=_("姓名"), min_length=2, max_length=32)
    category = forms.ChoiceField(label=_("类别"), choices=GuardCategory.choices)
    id_number = forms.CharField(label=_("身份证号"), min_length=15, max_length=18)
    license_number = forms.CharField(label=_("保安员证号"), max_length=32, required=False)
    first_hired_on = forms.DateField(label=_("首次聘用日期"), widget=DATE,
                                     validators=[PlausibleDateValidator(DateKind.HIRE, _("首次聘用日期"))])
    background_checked_on = forms.DateField(label=_("背景审查日期"), widget=DATE, required=False,
                                            validators=[PlausibleDateValidator(DateKind.HIRE, _("背景审查日期"))])
    background_result = forms.ChoiceField(label=_("背景审查结果"), choices=BackgroundResult.choices)
    health_status = forms.ChoiceField(label=_("健康状况"), choices=HealthStatus.choices)
    phone = forms.CharField(label=_("联系电话"), max_length=32, required=False)

    def guard_data(self) -> tuple[dict, str]:
        """What ``services.do_create_guard`` is given: the fields filled in (the 保安员证号 always, blank for
        none) and, apart, the ID number."""
        data = dict(self.cleaned_data)
        id_number = data.pop("id_number")
        return {k: v for k, v in data.items() if v not in (None, "")} | {"license_number": data["license_number"]}, id_number


class FacilityForm(Styled):
    enclosure_type = forms.ChoiceField(label=_("围墙/护栏"), choices=EnclosureType.choices)
    enclosure_height_m = forms.DecimalField(label=_("围墙高度(米)"), max_digits=4, decimal_places=2, required=False,
                                            min_value=0.1, max_value=10)
    gate_duty_room = forms.BooleanField(label=_("出入口设门卫值班室"), required=False)
    closed_management = forms.BooleanField(label=_("实行封闭化管理"), required=False)
    vehicle_access = forms.BooleanField(label=_("校门前可通行机动车"), required=False)
    anti_ramming_needed = forms.BooleanField(label=_("经排查需安装硬质防冲撞设施"), required=False)
    anti_ramming_kinds = forms.MultipleChoiceField(label=_("已安装硬质防冲撞设施"), choices=BarrierKind.choices,
                                                   required=False, widget=forms.CheckboxSelectMultiple)
    parent_waiting_area = forms.BooleanField(label=_("设家长等候区"), required=False)
    traffic_needed = forms.MultipleChoiceField(label=_("周边需设交通设施"), choices=TrafficFacility.choices,
                                               required=False, widget=forms.CheckboxSelectMultiple)
    traffic_installed = forms.MultipleChoiceField(label=_("周边已设交通设施"), choices=TrafficFacility.choices,
                                                  required=False, widget=forms.CheckboxSelectMultiple)


class ReleaseForm(forms.Form):
    left_on = forms.DateField(label=_("离岗日期"), widget=DATE,
                              validators=[PlausibleDateValidator(DateKind.HIRE, _("离岗日期"))])


class EquipmentForm(Styled):
    kind = forms.ChoiceField(label=_("装备类别"), choices=EquipmentKind.choices)
    count = forms.IntegerField(label=_("数量"), min_value=0, max_value=10000)


class TrainingForm(Styled):
    held_on = forms.DateField(label=_("培训日期"), widget=DATE,
                              validators=[PlausibleDateValidator(DateKind.EVENT, _("培训日期"))])
    topic = forms.CharField(label=_("培训内容"), min_length=2, max_length=100)
    hours = forms.DecimalField(label=_("学时"), min_value=0, max_value=200, max_digits=5, decimal_places=1)
