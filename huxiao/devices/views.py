"""Device pages: the registry list (filters, export), a device's page (state, last heard, heartbeat chart,
alarms, video link, DC-09 settings, forged frames), registering a device (its secret shown once), rotating
its secret (重置密钥, the new one shown once), taking one out of use."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from huxiao.core.forms import form_errors
from huxiao.core.models import School
from huxiao.core.records.views import RecordListView, get_visible_or_404, mark_invalid
from huxiao.core.scoping import can, has_perm
from huxiao.core.views import require_perm
from huxiao.devices import services
from huxiao.devices.display import heartbeat_history, state, video_url, window_text
from huxiao.devices.filters import COLUMNS, PAGE_COLUMNS, DeviceFilterSet
from huxiao.devices.forms import DeviceForm, HistoryForm
from huxiao.devices.models import Device

PERM = "devices.register_device"
VIEW = "devices.view_device"
ALARMS = "alarms.view_alarm"


class DeviceListView(RecordListView):
    model, filterset_class, columns, perm = Device, DeviceFilterSet, COLUMNS, VIEW
    title = _lazy("技防设备")
    template_name = "devices/device_list.html"
    ordering = ("school_id", "kind", "name", "pk")
    select_related = ("school",)
    empty_text = _lazy("没有符合条件的技防设备")

    def page_columns(self, request):
        return PAGE_COLUMNS


device_list = DeviceListView.as_view()


@require_perm(VIEW)
def detail(request, pk):
    device = get_visible_or_404(request, Device.objects.select_related("school"), pk, perm=VIEW)
    form = HistoryForm(request.GET or None, initial={"days": 7})
    days = 7
    if form.is_bound and form.is_valid():
        days = form.cleaned_data["days"]
    mark_invalid(form)
    now = timezone.now()
    code, label = state(device, now)
    history = heartbeat_history(device, days, now)
    points = history["points"]
    chart = {"labels": [p["label"] for p in points], "counts": [p["count"] for p in points],
             "short": [p["short"] for p in points], "expected": history["expected"],
             "names": {"count": _("心跳次数"), "expected": _("保持联网所需最少次数")}}
    return render(request, "devices/detail.html", {
        "device": device, "state": code, "state_label": label, "networked": code == "networked",
        "window": window_text(device.supervision_window), "encrypted": bool(device.dc09_key_encrypted),
        "silent_for": now - device.last_seen_at if device.last_seen_at and code == "offline" else None,
        "heartbeats": list(device.heartbeats.order_by("-at")[:10]), "history": history, "chart": chart,
        "history_form": form, "alarms": _alarms(request.user, device, now), "video_url": video_url(device),
        "can_register": can(request.user, PERM, device)})


def _alarms(user, device, now):
    """The device's alarms the user may see (alarms app's reverse relation; None without the permission)."""
    related = getattr(device, "alarms", None)
    if related is None or not has_perm(user, ALARMS):
        return None
    qs = related.visible_to(user, ALARMS)
    return {"recent": list(qs.order_by("-received_at", "-pk")[:10]),
            "month": qs.filter(received_at__gte=now - datetime.timedelta(days=30)).count()}


@require_perm(PERM)
def register(request, pk):
    school = get_visible_or_404(request, School, pk, perm=PERM)
    form = DeviceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["supervision_window"] = datetime.timedelta(minutes=data.pop("window_minutes"))
        try:
            device, secret = services.do_register_device(school, data, actor=request.user)
        except ValidationError as exc:
            form_errors(form, exc, {"supervision_window": form.fields["window_minutes"].label})
        else:
            messages.success(request, _("已登记设备 %(n)s。设备密钥（仅显示一次，请配置到设备或网关）：%(s)s") % {
                "n": device.serial, "s": secret})
            return redirect("defense-school", pk=school.pk)
    mark_invalid(form)
    return render(request, "devices/register.html", {"school": school, "form": form})


@require_perm(PERM)
def rotate_secret(request, pk):
    """重置密钥: a confirmation page (GET), then the rotation (POST) and the new secret shown once, on a page
    no cache keeps; the old secret stops working at once."""
    device = get_visible_or_404(request, Device.objects.select_related("school"), pk, perm=PERM)
    if request.method != "POST":
        return render(request, "devices/rotate_secret.html", {"device": device})
    secret = services.do_rotate_device_secret(device, actor=request.user)
    # 201: a new secret was made (a form shown again would be 200); not a redirect, so it is never stored
    response = render(request, "devices/rotate_secret.html", {"device": device, "secret": secret}, status=201)
    response["Cache-Control"] = "no-store"  # the secret is shown once, never again
    return response


@require_POST
@require_perm(PERM)
def set_active(request, pk):
    device = get_visible_or_404(request, Device, pk, perm=PERM)
    active = request.POST.get("active") == "1"
    services.do_set_device_active(device, active, actor=request.user)
    messages.success(request, _("设备 %(n)s 已%(s)s") % {"n": device.serial, "s": _("启用") if active else _("停用")})
    if request.POST.get("back") == "device":
        return redirect("device-detail", pk=device.pk)
    return redirect("defense-school", pk=device.school_id)
