"""Device pages: a device's status (last heard, DC-09 settings, forged frames), register a device for a
school (its secret is shown once), take one out of use."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huxiao.core.models import School
from huxiao.core.scoping import can
from huxiao.core.views import require_perm
from huxiao.devices import services
from huxiao.devices.forms import DeviceForm
from huxiao.devices.models import Device

PERM = "devices.register_device"
VIEW = "devices.view_device"


@require_perm(VIEW)
def detail(request, pk):
    device = get_object_or_404(Device.objects.visible_to(request.user, VIEW).select_related("school"), pk=pk)
    now = timezone.now()
    return render(request, "devices/detail.html", {
        "device": device, "networked": device.is_networked(now), "encrypted": bool(device.dc09_key_encrypted),
        "heartbeats": list(device.heartbeats.order_by("-at")[:10]),
        "can_register": can(request.user, PERM, device)})


@require_perm(PERM)
def register(request, pk):
    school = get_object_or_404(School.objects.visible_to(request.user, PERM), pk=pk)
    form = DeviceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["supervision_window"] = datetime.timedelta(minutes=data.pop("window_minutes"))
        try:
            device, secret = services.do_register_device(school, data, actor=request.user)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("已登记设备 %(n)s。设备密钥（仅显示一次，请配置到设备或网关）：%(s)s") % {
                "n": device.serial, "s": secret})
            return redirect("defense-school", pk=school.pk)
    return render(request, "devices/register.html", {"school": school, "form": form})


@require_POST
@require_perm(PERM)
def set_active(request, pk):
    device = get_object_or_404(Device.objects.visible_to(request.user, PERM), pk=pk)
    active = request.POST.get("active") == "1"
    services.do_set_device_active(device, active, actor=request.user)
    messages.success(request, _("设备 %(n)s 已%(s)s") % {"n": device.serial, "s": _("启用") if active else _("停用")})
    return redirect("defense-school", pk=device.school_id)
