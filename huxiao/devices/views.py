"""Device pages: the registry list (filters, export), a device's page (state, last heard, heartbeat chart,
alarms, video link, DC-09 settings, forged frames), registering a device (its secret shown once), rotating
its secret (重置密钥, the new one shown once), taking one out of use."""

import datetime

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View

from huxiao.core.models import School
from huxiao.core.records.pages import RecordActionView, RecordDetailView, RecordFormView, ScopedRecordMixin
from huxiao.core.records.views import RecordListView, mark_invalid
from huxiao.core.scoping import can
from huxiao.devices import services
from huxiao.devices.filters import COLUMNS, PAGE_COLUMNS, DeviceFilterSet
from huxiao.devices.forms import ActiveForm, DeviceForm, HistoryForm
from huxiao.devices.models import Device
from huxiao.devices.selectors import device_page

PERM = "devices.register_device"
VIEW = "devices.view_device"


class DeviceListView(RecordListView):
    model, filterset_class, columns, perm = Device, DeviceFilterSet, COLUMNS, VIEW
    title = _lazy("技防设备")
    template_name = "devices/device_list.html"
    ordering = ("school_id", "kind", "name", "pk")
    select_related = ("school",)
    empty_text = _lazy("没有符合条件的技防设备")

    def page_columns(self, request):
        return PAGE_COLUMNS


class DeviceDetailView(RecordDetailView):
    """A device's page; ``?days=`` picks the heartbeat chart's period (a bad one: marked, the last 7 days)."""

    model, perm, template_name = Device, VIEW, "devices/detail.html"
    select_related = ("school",)

    def get_context(self, device):
        form = HistoryForm(self.request.GET or None, initial={"days": 7})
        days = form.cleaned_data["days"] if form.is_bound and form.is_valid() else 7
        mark_invalid(form)
        return {"history_form": form, "can_register": can(self.request.user, PERM, device),
                **device_page(self.request.user, device, days)}


class RegisterView(RecordFormView):
    """登记技防设备 at a school; its secret is shown once, in the message on the school's 三防 page."""

    form_class, template_name, perm, target_model = DeviceForm, "devices/register.html", PERM, School

    def save(self, form):
        data = dict(form.cleaned_data)
        data["supervision_window"] = datetime.timedelta(minutes=data.pop("window_minutes"))
        device, self.secret = services.do_register_device(self.target, data, actor=self.request.user)
        return device

    def error_labels(self):
        return {"supervision_window": self.form_class.base_fields["window_minutes"].label}

    def success_text(self, device):
        return _("已登记设备 %(n)s。设备密钥（仅显示一次，请配置到设备或网关）：%(s)s") % {
            "n": device.serial, "s": self.secret}

    def success_url(self, device):
        return reverse("defense-school", args=[device.school_id])

    def get_context(self, form):
        return {"school": self.target}


class RotateSecretView(ScopedRecordMixin, View):
    """重置密钥: a confirmation page (GET), then the rotation (POST) and the new secret shown once, on a page
    no cache keeps; the old secret stops working at once."""

    model, perm, select_related = Device, PERM, ("school",)

    def get(self, request, pk):
        return render(request, "devices/rotate_secret.html", {"device": self.get_object()})

    def post(self, request, pk):
        device = self.get_object()
        secret = services.do_rotate_device_secret(device, actor=request.user)
        # 201: a new secret was made (a form shown again would be 200); not a redirect, so it is never stored
        response = render(request, "devices/rotate_secret.html", {"device": device, "secret": secret}, status=201)
        response["Cache-Control"] = "no-store"  # the secret is shown once, never again
        return response


class SetActiveView(RecordActionView):
    """停用 / 启用 a device; back to the school's 三防 page, or to the device's page (``back=device``)."""

    model, perm, form_class = Device, PERM, ActiveForm

    def act(self, device, data):
        services.do_set_device_active(device, data["active"], actor=self.request.user)
        return _("设备 %(n)s 已%(s)s") % {"n": device.serial, "s": _("启用") if data["active"] else _("停用")}

    def back_url(self, device):
        if self.request.POST.get("back") == "device":
            return reverse("device-detail", args=[device.pk])
        return reverse("defense-school", args=[device.school_id])
