"""The device registry's entry on the 工作台 of the school's security staff: devices in use that have not
been heard within their supervision window (judged at read time, whether or not a sweep has run)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huxiao.core.choices import Role
from huxiao.core.scoping import roles_of
from huxiao.core.worklist import DANGER, LINES, Item, Line, list_url, listed
from huxiao.devices.filters import DeviceFilterSet
from huxiao.devices.models import Device

SCHOOL_SECURITY = {Role.PRINCIPAL, Role.SECURITY_OFFICER}
VIEW = "devices.view_device"


def work_items(request) -> list[Item]:
    if not roles_of(request.user) & SCHOOL_SECURITY:
        return []
    params = {"networked": "false", "active": "true", "sort": "last_seen_at"}
    qs = listed(DeviceFilterSet, params, Device.objects.visible_to(request.user, VIEW).select_related("school"),
                request)
    first = qs.order_by("last_seen_at", "name")[:LINES]
    count = qs.count()
    lines = [Line(f"{d.name}（{d.school.name}）", reverse("device-detail", args=[d.pk]),
                  note=(_("最近心跳 %(t)s") % {"t": f"{timezone.localtime(d.last_seen_at):%Y-%m-%d %H:%M}"} if d.last_seen_at
                        else _("从未上线")), level=DANGER)
             for d in first]
    return [Item("devices.silent", _("离线的技防设备"), count, list_url("device-list", params),
                 detail=_("超过监测窗口未收到心跳，请检查设备与网络"), level=DANGER, lines=lines, order=25)]
