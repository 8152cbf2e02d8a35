"""Registering many 技防 devices at once, from the bulk API and the Excel import: all or nothing, every bad
row reported at once (``core.import_rows``), each device through ``services.do_register_device``.

The serial number is the natural key: a row whose serial is already registered as the same device (same
school, kind, location and name) is ``unchanged`` — its secret is not shown again (rotate it when it is
lost) — so a retried request registers nothing twice. A serial registered as another device, or at a
school out of the user's reach, is refused with one answer that names no school. The secret of each
device created is in the answer once, never stored in clear and never retrievable afterwards.
"""

import datetime
import os
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huxiao.core import audit
from huxiao.core.actions import require
from huxiao.core.choices import AuditAction
from huxiao.core.import_rows import Field, Outcome, apply_rows, summary
from huxiao.core.models import School
from huxiao.core.validators import DateKind, validate_plausible_date
from huxiao.devices import services
from huxiao.devices.audit_events import DeviceAudit
from huxiao.devices.choices import DeviceKind, DeviceLocation
from huxiao.devices.models import Device

REGISTER = "devices.register_device"
SERIAL = re.compile(r"^[A-Za-z0-9._:-]{3,64}$")
WINDOW_MIN, WINDOW_MAX = 30, 7 * 86400

FIELDS = [
    Field("school_code", gettext_lazy("学校标识码"), example="2132041301", note=gettext_lazy("或在接口中给 school_id")),
    Field("kind", gettext_lazy("设备类型"), True, "choice", DeviceKind, "视频监控摄像机"),
    Field("location", gettext_lazy("安装位置"), True, "choice", DeviceLocation, "校门"),
    Field("name", gettext_lazy("名称"), True, example="南门摄像机"),
    Field("serial", gettext_lazy("设备编号"), True, example="CAM-320413-0001",
          note=gettext_lazy("字母、数字及 . _ : -，3 至 64 位；已登记的同一设备再次导入时不重复登记")),
    Field("police_built", gettext_lazy("公安自建探头"), kind="bool", example="否"),
    Field("installed_on", gettext_lazy("安装日期"), kind="date", example="2024-03-01"),
    Field("supervision_window_seconds", gettext_lazy("监测窗口（秒）"), kind="int", example="300",
          note=gettext_lazy("留空为 300 秒；30 秒至 7 天")),
]


def _school(data: dict, actor) -> School:
    schools = School.objects.visible_to(actor, REGISTER)
    school_id, code = data.get("school_id"), (data.get("school_code") or "").strip()
    if school_id is None and not code:
        raise ValidationError({"school_code": _("请填写学校标识码（或 school_id）")})
    school = schools.filter(pk=school_id).first() if school_id is not None else schools.filter(code=code).first()
    if school is None:
        key = "school_id" if school_id is not None else "school_code"
        raise ValidationError({key: _("学校不存在或不在您的管辖范围内：%(s)s") % {"s": school_id or code}})
    return school


def _checked(data: dict) -> dict:
    errors = {}
    serial = (data.get("serial") or "").strip()
    if not SERIAL.match(serial):
        errors["serial"] = _("设备编号应为 3 至 64 位字母、数字或 . _ : -")
    seconds = data.get("supervision_window_seconds")
    seconds = 300 if seconds is None else seconds
    if isinstance(seconds, bool) or not isinstance(seconds, int) or not WINDOW_MIN <= seconds <= WINDOW_MAX:
        errors["supervision_window_seconds"] = _("监测窗口应在 %(a)d 秒至 %(b)d 秒之间") % {"a": WINDOW_MIN, "b": WINDOW_MAX}
    try:
        validate_plausible_date(data.get("installed_on"), DateKind.INSTALL, _("安装日期"))
    except ValidationError as exc:
        errors["installed_on"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    return {"kind": data.get("kind"), "location": data.get("location"), "name": (data.get("name") or "").strip(),
            "serial": serial, "police_built": bool(data.get("police_built")), "installed_on": data.get("installed_on"),
            "supervision_window": datetime.timedelta(seconds=seconds)}


def _register(data: dict, actor, seen: dict) -> Outcome:
    school = _school(data, actor)
    fields = _checked(data)
    serial = fields["serial"]
    if serial in seen:
        raise ValidationError({"serial": _("设备编号 %(s)s 与第 %(r)d 行重复") % {"s": serial, "r": seen[serial]}})
    seen[serial] = data["_row"]
    existing = Device.objects.filter(serial=serial).first()
    if existing is not None:
        same = (existing.school_id == school.pk and existing.kind == fields["kind"]
                and existing.location == fields["location"] and existing.name == fields["name"])
        if not same:
            raise ValidationError({"serial": _("设备编号 %(s)s 已登记为另一台设备") % {"s": serial}})
        return Outcome("unchanged", existing.pk, {"serial": serial, "secret": None})
    device, secret = services.do_register_device(school, fields, actor=actor)
    return Outcome("created", device.pk, {"serial": serial, "secret": secret})


def do_bulk_register(rows: list[tuple[int, dict]], *, actor, source: str = "api") -> list:
    """Register ``rows`` all or nothing; ``[(row, Outcome)]`` (a created device's secret in
    ``Outcome.extra``) or ``import_rows.RowsRejected`` with every problem."""
    require(actor, REGISTER)
    seen: dict[str, int] = {}

    def audit_summary(outcomes):
        counts = summary(outcomes)
        if counts["created"]:
            codes = Device.objects.filter(pk__in=[o.id for _n, o in outcomes if o.result == "created"]).values_list(
                "region_code", flat=True)
            prefix = os.path.commonprefix(list(codes))  # the audit entry's place: the region of every device
            audit.record(AuditAction.IMPORT, actor=actor, model="devices.Device", region_code=prefix,
                         object_repr=_("批量登记技防设备 %(n)d 台") % {"n": counts["created"]},
                         after={**counts, "source": source}, event=DeviceAudit.BULK_REGISTER)

    rows = [(number, {**data, "_row": number}) for number, data in rows]
    return apply_rows(rows, lambda data: _register(data, actor, seen), FIELDS, after=audit_summary)
