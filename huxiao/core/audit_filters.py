"""The audit page's filter: action (including 读取), user, local date range, record type and object."""

import datetime

from django import forms
from django.apps import apps
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huxiao.core.choices import AuditAction


def model_choices():
    """The project's record types by their Chinese names (the ``model`` column holds ``app.Model``)."""
    from django.conf import settings

    ours = {label.rsplit(".", 1)[-1] for label in settings.HUXIAO_APPS} | {"core"}
    rows = [(m._meta.label, str(m._meta.verbose_name)) for m in apps.get_models() if m._meta.app_label in ours]
    return [("", _("全部类型")), *sorted(rows, key=lambda r: r[0])]


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("操作"), required=False,
                               choices=[("", _("全部操作")), *AuditAction.choices])
    user = forms.CharField(label=_("账号"), required=False, max_length=150)
    model = forms.ChoiceField(label=_("对象类型"), required=False, choices=())
    start = forms.DateField(label=_("起始日期"), required=False,
                            error_messages={"invalid": _("起始日期格式应为 YYYY-MM-DD")})
    end = forms.DateField(label=_("截止日期"), required=False,
                          error_messages={"invalid": _("截止日期格式应为 YYYY-MM-DD")})
    q = forms.CharField(label=_("对象"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = model_choices()
        for name, field in self.fields.items():
            css = "form-select form-select-sm" if isinstance(field, forms.ChoiceField) else "form-control form-control-sm"
            field.widget.attrs.update({"class": css, "id": f"audit-{name}"})
            if isinstance(field, forms.DateField):
                field.widget.input_type = "date"
        self.fields["user"].widget.attrs["placeholder"] = _("账号")
        self.fields["q"].widget.attrs["placeholder"] = _("对象名称")

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        for name in ("start", "end"):
            if data.get(name) and not 2000 <= data[name].year <= 2100:
                self.add_error(name, _("日期超出合理范围（2000—2100 年）"))
                data.pop(name, None)
                start = end = None
        if start and end and end < start:
            self.add_error("end", _("截止日期不能早于起始日期"))
        return data

    def apply(self, entries):
        """Narrow ``entries`` (already limited to the viewer's jurisdiction) by the cleaned values. Days are
        the viewer's local days (Asia/Shanghai), whatever the database stores."""
        d = self.cleaned_data
        if d.get("action"):
            entries = entries.filter(action=d["action"])
        if d.get("user"):
            entries = entries.filter(username__icontains=d["user"].strip())
        if d.get("model"):
            entries = entries.filter(model=d["model"])
        zone = timezone.get_current_timezone()
        if d.get("start"):
            entries = entries.filter(at__gte=datetime.datetime.combine(d["start"], datetime.time.min, zone))
        if d.get("end"):
            after = d["end"] + datetime.timedelta(days=1)
            entries = entries.filter(at__lt=datetime.datetime.combine(after, datetime.time.min, zone))
        if d.get("q"):
            entries = entries.filter(Q(object_repr__icontains=d["q"].strip()) | Q(object_id=d["q"].strip()))
        return entries
