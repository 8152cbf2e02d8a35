"""One-button alarms (一键式紧急报警, SPEC §6): every alarm received from a panel or the signed HTTP
API, its life cycle 接警 → 确认 → 派警 → 到场 → 处置完毕, and the event feed consoles follow."""

import dataclasses

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huxiao.alarms.choices import AlarmCategory, AlarmSource, AlarmStatus, Disposition, EventKind, EventNature
from huxiao.core.models import SchoolRecord
from huxiao.core.scoping import ScopedQuerySet


class Alarm(SchoolRecord):
    """One alarm event from a device of a school, stored once (``dedup_key``) however often it is retried.

    An event: it keeps the region of the school when it was received, also after the school moves. The
    intake inserts alarms in bulk with the device's region code (no ``save()``)."""

    school = models.ForeignKey("core.School", models.PROTECT, related_name="alarms", verbose_name=_("学校"))
    device = models.ForeignKey("devices.Device", models.SET_NULL, null=True, blank=True, related_name="alarms",
                               verbose_name=_("设备"))
    source = models.CharField(_("来源"), max_length=8, choices=AlarmSource.choices)
    dedup_key = models.CharField(max_length=160)  # unique: see Meta (no LIKE index, never searched by prefix)
    code = models.CharField(_("事件代码"), max_length=8, blank=True)
    label = models.CharField(_("事件"), max_length=64)
    category = models.CharField(_("类别"), max_length=12, choices=AlarmCategory.choices)
    area = models.CharField(_("分区"), max_length=16, blank=True)  # SIA ``ri`` / Contact ID group (partition)
    zone = models.CharField(_("防区"), max_length=16, blank=True)
    user = models.CharField(_("用户编号"), max_length=16, blank=True)  # who opened / closed (SIA ``id``)
    event_kind = models.CharField(_("事件性质"), max_length=8, choices=EventNature.choices, default=EventNature.ALARM)
    # the first reception's path and sequence number (further receptions: AlarmReceipt)
    path = models.CharField(_("通道"), max_length=64, blank=True)
    sequence = models.CharField(_("序号"), max_length=8, blank=True)
    message = models.CharField(_("附加信息"), max_length=200, blank=True)
    is_test = models.BooleanField(_("测试报警"), default=False)
    raw = models.TextField(_("原始报文"), blank=True)
    occurred_at = models.DateTimeField(_("设备时间"), null=True, blank=True)
    received_at = models.DateTimeField(_("接警时间"), db_index=True)
    status = models.CharField(_("状态"), max_length=16, choices=AlarmStatus.choices, default=AlarmStatus.RECEIVED)
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, db_index=False,
                                        related_name="+", verbose_name=_("确认人"))
    dispatched_at = models.DateTimeField(_("派警时间"), null=True, blank=True)
    dispatched_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, db_index=False,
                                      related_name="+", verbose_name=_("派警人"))
    dispatch_unit = models.ForeignKey("core.Unit", models.SET_NULL, null=True, blank=True, related_name="+",
                                      db_index=False, verbose_name=_("出警单位"))
    dispatch_officer = models.CharField(_("出警民警"), max_length=64, blank=True)  # the name, as it was then
    dispatched_officer = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                           db_index=False, related_name="+", verbose_name=_("出警民警账号"))
    arrived_at = models.DateTimeField(_("到场时间"), null=True, blank=True)
    arrived_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, db_index=False,
                                   related_name="+", verbose_name=_("到场登记人"))
    closed_at = models.DateTimeField(_("处置完毕时间"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, db_index=False,
                                  related_name="+", verbose_name=_("处置人"))
    disposition = models.CharField(_("处置结果"), max_length=8, choices=Disposition.choices, blank=True)
    notes = models.TextField(_("处置情况"), blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("升级层级"), default=0)
    escalated_at = models.DateTimeField(_("最近升级时间"), null=True, blank=True)
    restored_at = models.DateTimeField(_("恢复时间"), null=True, blank=True)  # the panel reported it restored

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("报警")
        verbose_name_plural = _("报警")
        # every index costs each alarm of a burst; the user and unit columns go without one (people and
        # units are deactivated, never deleted, so SET_NULL never has to find their alarms)
        indexes = [
            models.Index(fields=["region_code"], name="alarm_region", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["status", "received_at"], name="alarm_status_received"),
        ]
        constraints = [models.UniqueConstraint(fields=["dedup_key"], name="alarm_dedup_key")]

    def __str__(self):
        return f"{self.label}（{self.school_id}）#{self.pk}"

    @property
    def open(self) -> bool:
        return self.status in (AlarmStatus.RECEIVED, AlarmStatus.ACKNOWLEDGED, AlarmStatus.DISPATCHED,
                               AlarmStatus.ARRIVED)

    def receptions(self) -> list["Reception"]:
        """Every reception of the alarm in order: the first (the alarm row) and each further one."""
        first = Reception(self.received_at, self.path, self.sequence, False)
        return [first, *(Reception(r.at, r.path, r.sequence, True) for r in self.receipts.all())]


@dataclasses.dataclass(frozen=True)
class Reception:
    """One reception of an alarm as pages and the API show it."""

    at: object
    path: str
    sequence: str
    duplicate: bool


class AlarmEvent(models.Model):
    """One step of an alarm (received, acknowledged, …, escalated): the ordered feed consoles follow.

    Its id is the console's cursor: a console that reconnects asks for every event after the last id
    it saw."""

    # no database constraint: the check would take a FOR KEY SHARE lock (a WAL record) on every alarm
    # of a burst at commit. Events are written only by intake (selected from the alarm rows themselves)
    # and by services (from a loaded alarm), alarms are never deleted, and the ORM still cascades.
    alarm = models.ForeignKey(Alarm, models.CASCADE, related_name="events", db_constraint=False)
    region_code = models.CharField(max_length=12)
    school_id = models.BigIntegerField()
    kind = models.CharField(_("环节"), max_length=16, choices=EventKind.choices)
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                              db_index=False, verbose_name=_("操作人"))
    detail = models.CharField(_("说明"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    SCOPE_SCHOOL_FIELD = "school_id"

    class Meta:
        ordering = ["id"]
        verbose_name = _("报警处置记录")
        verbose_name_plural = _("报警处置记录")
        indexes = [models.Index(fields=["region_code"], name="alarmevent_region",
                                opclasses=["varchar_pattern_ops"])]


class AlarmReceipt(models.Model):
    """A further reception of an alarm: a retransmission or a copy over another path (a panel that lost
    an ACK, or failed over to its back-up path, sends the same event again with a fresh timestamp). The
    first reception is the alarm row itself (``received_at``, ``path``, ``sequence``, ``raw``); see
    ``Alarm.receptions``. Written by intake only, never edited."""

    alarm = models.ForeignKey(Alarm, models.CASCADE, related_name="receipts", db_constraint=False)  # as AlarmEvent
    at = models.DateTimeField(_("接收时间"))
    path = models.CharField(_("通道"), max_length=64, blank=True)
    sequence = models.CharField(_("序号"), max_length=8, blank=True)
    raw = models.TextField(_("原始报文"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("报警接收记录")
        verbose_name_plural = _("报警接收记录")
