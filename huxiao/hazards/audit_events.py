"""What the audit log records of the hazard ledger (typed events, core.audit)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from huxiao.core.audit import audit_events


@audit_events
class HazardAudit(models.TextChoices):
    REPORT = "hazards.report", _("隐患登记挂账")
    START = "hazards.start", _("隐患开始整改")
    SUBMIT = "hazards.submit", _("隐患提交验收")
    CLOSE = "hazards.close", _("隐患验收销号")
    REWORK = "hazards.rework", _("隐患退回返工")
    ESCALATE = "hazards.escalate", _("隐患逾期督办升级")
    ADD_POLICY = "hazards.add_policy", _("新建督办规则")
    CHANGE_POLICY = "hazards.change_policy", _("修改督办规则")
    FILE_SELF_CHECK = "hazards.file_self_check", _("填报月度自查")
    ISSUE_DOCUMENT = "hazards.issue_document", _("签发公文")
    ISSUE_NOTICE = "hazards.issue_notice", _("签发整改通知书")
