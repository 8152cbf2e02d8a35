"""What a device's page shows: its state and how long it has been silent, its heartbeat chart over the
period asked for, its last heartbeats and the alarms it raised that the reader may see."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from huxiao.core.scoping import has_perm
from huxiao.devices.display import heartbeat_history, state, video_url, window_text

ALARMS = "alarms.view_alarm"


def alarms_of(user, device, now) -> dict | None:
    """The device's alarms the user may see (alarms app's reverse relation; None without the permission)."""
    related = getattr(device, "alarms", None)
    if related is None or not has_perm(user, ALARMS):
        return None
    qs = related.visible_to(user, ALARMS)
    return {"recent": list(qs.order_by("-received_at", "-pk")[:10]),
            "month": qs.filter(received_at__gte=now - datetime.timedelta(days=30)).count()}


def device_page(user, device, days: int, now=None) -> dict:
    """The device page's figures, read at one instant ``now``: its state, the heartbeats of the last
    ``days`` days per hour or day (the chart's series), the last ten heartbeats and its alarms."""
    now = now or timezone.now()
    code, label = state(device, now)
    history = heartbeat_history(device, days, now)
    points = history["points"]
    chart = {"labels": [p["label"] for p in points], "counts": [p["count"] for p in points],
             "short": [p["short"] for p in points], "expected": history["expected"],
             "names": {"count": _("心跳次数"), "expected": _("保持联网所需最少次数")}}
    return {
        "state": code, "state_label": label, "networked": code == "networked",
        "window": window_text(device.supervision_window), "encrypted": bool(device.dc09_key_encrypted),
        "silent_for": now - device.last_seen_at if device.last_seen_at and code == "offline" else None,
        "heartbeats": list(device.heartbeats.order_by("-at")[:10]), "history": history, "chart": chart,
        "alarms": alarms_of(user, device, now), "video_url": video_url(device)}
