from django import forms
from django.utils.translation import gettext_lazy as _

from huxiao.patrols.choices import PostKind, WindowKind
from huxiao.patrols.geo import Datum


class PostForm(forms.Form):
    school = forms.ModelChoiceField(label=_("学校"), queryset=None)
    name = forms.CharField(label=_("岗位名称"), max_length=64, initial=_("校门口护学岗"))
    kind = forms.ChoiceField(label=_("岗位类型"), choices=PostKind.choices)
    datum = forms.ChoiceField(label=_("坐标系"), choices=Datum.choices, initial=Datum.WGS84,
                              help_text=_("在高德/腾讯地图上取点选 GCJ-02，在百度地图上取点选 BD-09"))
    latitude = forms.FloatField(label=_("纬度"), min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("经度"), min_value=-180, max_value=180)
    radius_m = forms.IntegerField(label=_("电子围栏半径（米）"), initial=200, min_value=20, max_value=2000)
    lead_minutes = forms.IntegerField(label=_("提前到岗（分钟）"), initial=15, min_value=0, max_value=120)
    tail_minutes = forms.IntegerField(label=_("延后离岗（分钟）"), initial=15, min_value=0, max_value=120)
    grace_minutes = forms.IntegerField(label=_("缺岗判定（开始后分钟）"), initial=10, min_value=0, max_value=60)
    windows = forms.MultipleChoiceField(label=_("值守时段"), choices=WindowKind.choices, required=False,
                                        widget=forms.CheckboxSelectMultiple,
                                        help_text=_("不选则为学校作息的全部时段"))

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        for field in self.fields.values():
            if not isinstance(field.widget, forms.CheckboxSelectMultiple):
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs.setdefault("class", css)


class RosterExceptionForm(forms.Form):
    """A date on which one of a post's roster lines does not hold: cancelled, or a substitute stands in."""

    roster = forms.ModelChoiceField(label=_("排班"), queryset=None)
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    substitute_id = forms.ModelChoiceField(label=_("替班人员"), queryset=None, required=False,
                                           empty_label=_("（不替班，取消该日排班）"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, rosters, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roster"].queryset = rosters
        self.fields["roster"].label_from_instance = lambda r: f"{r.person.name} {r.get_weekday_display()} " \
                                                             f"{r.get_window_display()}"
        self.fields["substitute_id"].queryset = people
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
