"""What the audit log records of the 三防 registry (typed events, core.audit)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from huxiao.core.audit import audit_events


@audit_events
class DefenseAudit(models.TextChoices):
    ADD_GUARD = "defense.add_guard", _("登记安保人员")
    CHANGE_GUARD = "defense.change_guard", _("修改安保人员")
    RELEASE_GUARD = "defense.release_guard", _("安保人员离岗")
    ADD_TRAINING = "defense.add_training", _("登记安保培训")
    CHANGE_FACILITY = "defense.change_facility", _("更新物防设施")
    SET_EQUIPMENT = "defense.set_equipment", _("更新防护装备")
    ATTACH_EVIDENCE = "defense.attach_evidence", _("上传佐证材料")
    BULK_GUARDS = "defense.bulk_guards", _("批量登记安保人员")
    BULK_FACILITIES = "defense.bulk_facilities", _("批量登记物防设施")
    BULK_EQUIPMENT = "defense.bulk_equipment", _("批量登记防护装备")
