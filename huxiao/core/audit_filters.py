"""The one filterset of the audit log (page and export): typed event, action (including 读取), account,
local date range, region picker, record type and object; and the export's columns."""

import datetime

import django_filters as df
from django import forms
from django.apps import apps
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huxiao.core import audit_display
from huxiao.core.choices import AuditAction
from huxiao.core.models import AuditLog
from huxiao.core.records.columns import Column
from huxiao.core.records.filters import RecordFilterSet


def model_choices():
    """The project's record types by their Chinese names (the ``model`` column holds ``app.Model``)."""
    from django.conf import settings

    ours = {label.rsplit(".", 1)[-1] for label in settings.HUXIAO_APPS} | {"core"}
    rows = [(m._meta.label, str(m._meta.verbose_name)) for m in apps.get_models() if m._meta.app_label in ours]
    return sorted(rows, key=lambda r: r[0])


# the event picker's groups, for apps whose AppConfig has no Chinese verbose_name
APP_NAMES = {"core": _("基础平台"), "defense": _("三防建设"), "devices": _("技防设备"), "compliance": _("达标评估"),
             "hazards": _("隐患排查整治"), "inspections": _("监督检查"), "alarms": _("一键报警")}


def _app_name(label: str) -> str:
    try:
        verbose = str(apps.get_app_config(label).verbose_name)
    except LookupError:
        verbose = ""
    if verbose and not verbose.isascii():
        return verbose
    return str(APP_NAMES.get(label, label))


def event_choices():
    """Every typed audit event of the installed apps by its Chinese label, grouped by app."""
    from django.utils.module_loading import autodiscover_modules

    from huxiao.core.audit import EVENT_LABELS

    autodiscover_modules("audit_events")  # apps declare them there (imported once, then cached)
    groups: dict[str, list] = {}
    for value, label in sorted(EVENT_LABELS.items()):
        groups.setdefault(value.split(".", 1)[0], []).append((value, str(label)))
    return [(_app_name(app), events) for app, events in groups.items()]


class AuditFilterForm(forms.Form):
    """Checks the date range as a whole (the fields check themselves)."""

    def clean(self):
        data = super().clean()
        for name in ("start", "end"):
            if data.get(name) and not 2000 <= data[name].year <= 2100:
                self.add_error(name, _("日期超出合理范围（2000—2100 年）"))
        start, end = data.get("start"), data.get("end")
        if start and end and end < start and not self.errors:
            self.add_error("end", _("截止日期不能早于起始日期"))
        return data


def _day_start(day):
    return datetime.datetime.combine(day, datetime.time.min, timezone.get_current_timezone())


class AuditFilterSet(RecordFilterSet):
    event = df.ChoiceFilter(label=_("事件"), choices=event_choices, empty_label=_("全部事件"))
    action = df.ChoiceFilter(label=_("操作"), choices=AuditAction.choices, empty_label=_("全部操作"))
    user = df.CharFilter(label=_("账号"), method="by_user", max_length=150,
                         widget=forms.TextInput(attrs={"placeholder": _("账号")}))
    start = df.DateFilter(label=_("起始日期"), method="from_day", widget=forms.DateInput(attrs={"type": "date"}),
                          error_messages={"invalid": _("起始日期格式应为 YYYY-MM-DD")})
    end = df.DateFilter(label=_("截止日期"), method="to_day", widget=forms.DateInput(attrs={"type": "date"}),
                        error_messages={"invalid": _("截止日期格式应为 YYYY-MM-DD")})
    model = df.ChoiceFilter(label=_("对象类型"), choices=model_choices, empty_label=_("全部类型"))
    q = df.CharFilter(label=_("对象"), method="by_object", max_length=100,
                      widget=forms.TextInput(attrs={"placeholder": _("对象名称")}))
    school = None  # entries are filed by region; the object box finds a school's by name

    class Meta:
        model = AuditLog
        form = AuditFilterForm
        fields = ["event", "action", "user", "start", "end", "region", "model", "q"]

    def by_user(self, qs, name, value):
        return qs.filter(username__icontains=value.strip())

    def from_day(self, qs, name, value):
        """Days are the viewer's local days (Asia/Shanghai), whatever the database stores."""
        return qs.filter(at__gte=_day_start(value))

    def to_day(self, qs, name, value):
        return qs.filter(at__lt=_day_start(value + datetime.timedelta(days=1)))

    def by_object(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(object_repr__icontains=value) | Q(object_id=value))


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None)


COLUMNS = (
    Column("at", _("时间（北京时间）"), value=lambda e: _local(e.at).strftime("%Y-%m-%d %H:%M:%S")),
    Column("username", _("账号")),
    Column("ip", _("来源地址")),
    Column("event", _("操作"), value=audit_display.entry_label),
    Column("event_code", _("事件代码"), value=lambda e: e.event),
    Column("model", _("对象类型"), value=lambda e: audit_display.model_name(e.model)),
    Column("object_repr", _("对象")),
    Column("region_code", _("区划代码")),
    Column("changes", _("内容"), value=audit_display.summary),
)
