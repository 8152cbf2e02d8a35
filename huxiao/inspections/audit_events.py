"""What the audit log records of inspections and supervision (typed events, core.audit)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from huxiao.core.audit import audit_events


@audit_events
class InspectionAudit(models.TextChoices):
    ADD_TEMPLATE = "inspections.add_template", _("新建检查表")
    ADD_PLAN = "inspections.add_plan", _("新建检查计划")
    RECORD = "inspections.record", _("登记检查")
