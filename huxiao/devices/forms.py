"""Registering a device from the school's 三防 page; the period of a device's heartbeat chart."""

from django import forms
from django.utils.translation import gettext_lazy as _

from huxiao.core.validators import DateKind, PlausibleDateValidator
from huxiao.devices.choices import DeviceKind, DeviceLocation


class DeviceForm(forms.Form):
    kind = forms.ChoiceField(label=_("设备类型"), choices=DeviceKind.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))
    location = forms.ChoiceField(label=_("安装位置"), choices=DeviceLocation.choices,
                                 widget=forms.Select(attrs={"class": "form-select"}))
    name = forms.CharField(label=_("名称"), max_length=100, widget=forms.TextInput(attrs={"class": "form-control"}))
    serial = forms.RegexField(label=_("设备编号"), regex=r"^[A-Za-z0-9._:-]{3,64}$",
                              error_messages={"invalid": _("设备编号为 3-64 位字母、数字或 . _ : -")},
                              widget=forms.TextInput(attrs={"class": "form-control"}))
    police_built = forms.BooleanField(label=_("公安自建探头"), required=False,
                                      widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    installed_on = forms.DateField(label=_("安装日期"), required=False,
                                   validators=[PlausibleDateValidator(DateKind.INSTALL, _("安装日期"))],
                                   widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    window_minutes = forms.IntegerField(label=_("监测窗口（分钟）"), min_value=1, max_value=1440, initial=5,
                                        widget=forms.NumberInput(attrs={"class": "form-control"}))


class HistoryForm(forms.Form):
    """The period of the heartbeat chart on a device's page."""

    days = forms.TypedChoiceField(label=_("心跳统计时段"), coerce=int, required=False, empty_value=7,
                                  choices=[(1, _("近 24 小时")), (7, _("近 7 天")), (30, _("近 30 天"))],
                                  widget=forms.Select(attrs={"class": "form-select form-select-sm"}))


class ActiveForm(forms.Form):
    """停用 / 启用 from the school's 三防 page or the device's page (``back=device`` returns there)."""

    active = forms.TypedChoiceField(label=_("在用"), choices=[("1", _("启用")), ("0", _("停用"))],
                                    coerce=lambda value: value == "1", required=False, empty_value=False)
    back = forms.CharField(required=False, max_length=16)
