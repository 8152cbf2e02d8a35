"""How a device is shown: its supervision window in words, its state, the link to its video, and the
history of its heartbeats (counts per hour or per day, for the chart of its page)."""

import datetime
import logging
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncDay, TruncHour
from django.utils import timezone
from django.utils.translation import gettext as _

from huxiao.devices.choices import DeviceKind

log = logging.getLogger("huxiao.devices")

VIDEO_KINDS = (DeviceKind.CAMERA, DeviceKind.NVR)
HISTORY_DAYS = (1, 7, 30)  # the periods the device page offers; up to 7 days by hour, beyond by day


def window_text(window: datetime.timedelta | None) -> str:
    """``0:30:00`` as "30 分钟", ``1:30:00`` as "1 小时 30 分钟", 45 s as "45 秒"."""
    if window is None:
        return ""
    seconds = int(window.total_seconds())
    if seconds <= 0:
        return _("%(n)d 秒") % {"n": 0}
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    for amount, unit in ((days, _("%(n)d 天")), (hours, _("%(n)d 小时")), (minutes, _("%(n)d 分钟")),
                         (secs, _("%(n)d 秒"))):
        if amount:
            parts.append(unit % {"n": amount})
    return " ".join(parts)


def state(device, now=None) -> tuple[str, str]:
    """(code, label): ``inactive`` 停用, ``networked`` 联网 (heard within its window), ``offline`` 离线."""
    if not device.active:
        return "inactive", _("停用")
    if device.is_networked(now or timezone.now()):
        return "networked", _("联网")
    return "offline", _("离线")


TONES = {"inactive": "secondary", "networked": "success", "offline": "danger"}


def video_url(device) -> str | None:
    """The camera's or NVR's video on the installation's GB/T 28181 platform or NVR web client, from the
    ``VIDEO_URL_TEMPLATE`` setting (placeholders ``{device_code}`` — the device's 编号 —, ``{device_id}``,
    ``{school_code}``); None for other kinds, without a template, or for a template that does not give an
    http(s) address."""
    template = settings.VIDEO_URL_TEMPLATE
    if not template or device.kind not in VIDEO_KINDS:
        return None
    values = {"device_code": device.serial, "serial": device.serial, "device_id": device.pk,
              "school_code": device.school.code if device.school_id else ""}
    try:
        url = template.format_map({k: quote(str(v), safe="") for k, v in values.items()})
    except (KeyError, IndexError, ValueError):
        log.warning("VIDEO_URL_TEMPLATE %r has an unknown placeholder; known: %s", template, ", ".join(values))
        return None
    if urlsplit(url).scheme not in ("http", "https"):
        log.warning("VIDEO_URL_TEMPLATE %r does not give an http(s) address", template)
        return None
    return url


def heartbeat_history(device, days: int, now=None) -> dict:
    """The device's heartbeats of the last ``days`` days counted per hour (up to 7 days) or per day, every
    bucket listed (silent ones with 0), how many a bucket needs at least to stay networked (``expected``:
    the bucket's length over the supervision window) and how many buckets had fewer (``short``)."""
    now = timezone.localtime(now or timezone.now())
    hourly = days <= 7
    step = datetime.timedelta(hours=1) if hourly else datetime.timedelta(days=1)
    if hourly:
        first = (now - datetime.timedelta(days=days)).replace(minute=0, second=0, microsecond=0) + step
    else:
        first = (now - datetime.timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    trunc = TruncHour("at") if hourly else TruncDay("at")
    counted = (device.heartbeats.filter(at__gte=first, at__lte=now).annotate(bucket=trunc)
               .values("bucket").annotate(n=Count("pk")).order_by())
    counts = {timezone.localtime(row["bucket"]).replace(tzinfo=None): row["n"] for row in counted}
    expected = step.total_seconds() / (device.supervision_window.total_seconds() or 1)
    registered = getattr(device, "created_at", None) or first
    points, at = [], first
    while at <= now:
        naive, count = at.replace(tzinfo=None), counts.get(at.replace(tzinfo=None), 0)
        # short: a whole bucket since the device was registered with fewer heartbeats than staying
        # networked needs (the bucket still under way, or one before registration, is never short)
        points.append({"at": at, "label": f"{naive:%m-%d %H:00}" if hourly else f"{naive:%m-%d}", "count": count,
                       "short": count < int(expected) and at >= registered and at + step <= now})
        at += step  # wall-clock arithmetic in the local zone (a day stays midnight to midnight)
    return {"bucket": "hour" if hourly else "day", "days": days, "points": points, "expected": round(expected, 2),
            "short": sum(1 for p in points if p["short"]),
            "registered_within": registered if first < registered <= now else None}  # earlier buckets not counted
