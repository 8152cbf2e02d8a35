"""Forms of the core pages. Validation rules live on the models and in services."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from huxiao.core.choices import Role, UnitKind
from huxiao.core.models import Region, School, Unit
from huxiao.core.validators import RegionCodeValidator


class SchoolForm(forms.ModelForm):
    class Meta:
        model = School
        fields = ["code", "name", "school_type", "ownership", "setting", "complex_environment", "boarding",
                  "students", "boarding_students", "staff", "address", "longitude", "latitude", "region",
                  "police_station", "principal_name", "principal_phone", "security_name", "security_phone",
                  "key_security_unit", "gate_open_time", "noon_dismissal_time", "afternoon_dismissal_time"]
        widgets = {f: forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
                   for f in ("gate_open_time", "noon_dismissal_time", "afternoon_dismissal_time")}

    def __init__(self, *args, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Region.objects.filter(level__in=["county", "town"])
        stations = Unit.objects.filter(kind=UnitKind.POLICE, level="station")
        if scope is not None and not scope.everything:
            regions = regions.filter(scope.q("code", None)) if scope.region_prefixes else regions.filter(
                pk=self.instance.region_id)
            stations = stations.filter(scope.q("region_code", None)) if scope.region_prefixes else stations.filter(
                pk=self.instance.police_station_id)
        self.fields["region"].queryset = regions
        self.fields["police_station"].queryset = stations
        for field in self.fields.values():
            css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else "form-control"
            if isinstance(field.widget, forms.Select):
                css = "form-select"
            field.widget.attrs.setdefault("class", css)

    def validate_unique(self):
        """Uniqueness is the service's to check (``validate_school``): the model's own message would say
        that a code is taken even where the school holding it is out of the user's reach."""


def unit_label(unit: Unit) -> str:
    """How a unit reads in the picker: its name, region and kind (unique: a region has one unit of a kind
    by each name)."""
    return f"{unit.name}（{unit.region.name}，{unit.get_kind_display()}）"


class UnitPickInput(forms.TextInput):
    """A text box with the units offered in a ``<datalist>``: the browser narrows the list to what has been
    typed (any part of the name, region or kind), with no script and nothing fetched."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.labels: list[str] = []

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or 'id_' + name}-options"
        attrs.update(list=list_id, autocomplete="off")
        options = format_html_join("", '<option value="{}"></option>', ((label,) for label in self.labels))
        return format_html("{}<datalist id=\"{}\">{}</datalist>", super().render(name, value, attrs, renderer),
                           list_id, options)


class UnitPickField(forms.CharField):
    """A unit picked from ``queryset`` by its label (as the list offers it), by its name alone when no
    other unit bears it, or by its id."""

    widget = UnitPickInput
    default_error_messages = {
        "unknown": _("没有“%(v)s”这个单位：请输入单位名称中的字，从列表中选择"),
        "ambiguous": _("有 %(n)d 个单位名为“%(v)s”：请从列表中选择带区划和类别的那一项"),
    }

    def __init__(self, *, queryset=None, **kwargs):
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)
        self.set_units(queryset if queryset is not None else Unit.objects.none())

    def set_units(self, queryset):
        self.units = list(queryset.select_related("region").order_by("region_code", "kind", "name"))
        self.widget.labels = [unit_label(u) for u in self.units]
        self.widget.attrs.setdefault("placeholder", _("输入单位名称查找，如：东城"))

    def prepare_value(self, value):
        if isinstance(value, Unit):
            return unit_label(value)
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            unit = next((u for u in self.units if str(u.pk) == str(value)), None)
            return unit_label(unit) if unit else value
        return value

    def clean(self, value):
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        for unit in self.units:
            if unit_label(unit) == text or (text.isdigit() and str(unit.pk) == text):
                return unit
        named = [u for u in self.units if u.name == text]
        if len(named) == 1:
            return named[0]
        code = "ambiguous" if named else "unknown"
        raise ValidationError(self.error_messages[code], code=code, params={"v": text[:64], "n": len(named)})


class UserCreateForm(forms.Form):
    username = forms.RegexField(label=_("账号"), regex=r"^[A-Za-z0-9_.@-]{3,150}$",
                                error_messages={"invalid": _("账号只能包含字母、数字和 _.@-，3-150 位")})
    full_name = forms.CharField(label=_("姓名"), max_length=64)
    phone = forms.CharField(label=_("手机号"), max_length=32, required=False)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput, min_length=10)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    unit = UnitPickField(label=_("所属单位"))

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].set_units(units)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select)
                                          else "form-control")


class RoleAssignForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    unit = UnitPickField(label=_("单位"))

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].set_units(units)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select)
                                          else "form-control")


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"), allow_empty_file=True,
                           error_messages={"required": _("请选择要上传的 Excel 文件")})


class RegionAdminForm(forms.ModelForm):
    """Regions added by hand (乡镇街道, 村/社区) must extend a county of the shipped GB/T 2260 list."""

    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent", "longitude", "latitude"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].validators.append(RegionCodeValidator(_("行政区划代码")))


def form_errors(form, exc: ValidationError, labels: dict | None = None):
    """Put a service's ValidationError on the page form: each message on its field (so the field is
    marked), or, for a name the form does not have, as a form error led by the field's Chinese label
    (``labels`` maps service field names to labels; ``hazards[0].description`` reads "第 1 条 描述")."""
    for name, errors in exc.message_dict.items():
        target = name if name in form.fields else None
        for error in errors:
            form.add_error(target, error if target else f"{field_label(name, labels)}：{error}")


def field_label(name: str, labels: dict | None = None) -> str:
    """The Chinese label of a service field path (``results[2].photos`` → "第 3 条 照片")."""
    import re

    labels = labels or {}
    if name in (NON_FIELD_ERRORS, "__all__"):
        return str(_("提交内容"))
    parts = []
    for piece in name.split("."):
        m = re.fullmatch(r"(\w+)\[(\d+)\]", piece)
        if m:
            parts.append(str(labels.get(m.group(1), "")) + str(_("第 %(n)d 条") % {"n": int(m.group(2)) + 1}))
        else:
            parts.append(str(labels.get(piece, piece)))
    return " ".join(p for p in parts if p)
