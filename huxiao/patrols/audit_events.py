"""The typed audit events of the 护学岗 records."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from huxiao.core.audit import audit_events


@audit_events
class PatrolAudit(models.TextChoices):
    CREATE_POST = "patrols.create_post", _("设立护学岗")
    REGISTER_PERSON = "patrols.register_person", _("登记护学岗人员")
    ADD_ROSTER = "patrols.add_roster", _("排班")
    ADD_ROSTER_EXCEPTION = "patrols.add_roster_exception", _("排班例外（取消或替班）")
    DELETE_ROSTER_EXCEPTION = "patrols.delete_roster_exception", _("删除排班例外")
    CHECK_IN = "patrols.check_in", _("护学岗签到")
    SET_TIMETABLE = "patrols.set_timetable", _("设置作息时间")
    MISSED_WINDOW = "patrols.missed_window", _("护学岗缺岗")
    ROTATE_GATE_CODE = "patrols.rotate_gate_code", _("重新生成校门二维码")
