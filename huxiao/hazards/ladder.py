"""The overdue ladder (三方督办): reminder before the deadline → 通报 → 约谈 → 挂牌督办 for 重大 hazards.

``apply_ladder(now)`` runs on every ``clock.hour`` (hazards/handlers.py); each rung reached is an
EscalationStep record with a notification to the school, its education bureau and its police at once,
written by ``SYSTEM`` in its own transaction. Rungs only go up, once each.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from huxiao.core import audit
from huxiao.core.actions import SYSTEM
from huxiao.core.choices import AuditAction
from huxiao.core.services import notify
from huxiao.hazards.audit_events import HazardAudit
from huxiao.hazards.choices import LEVEL_ORDER, OWED_STATUSES, EscalationLevel, Severity
from huxiao.hazards.models import EscalationPolicy, EscalationStep, Hazard
from huxiao.hazards.services import hazard_url, responsible_users

L = EscalationLevel


def due_level(hazard, policy, today) -> str | None:
    """The highest rung the hazard should have reached on ``today`` under ``policy``."""
    if hazard.status not in OWED_STATUSES:
        return None
    overdue = (today - hazard.deadline).days
    if overdue <= 0:
        return L.REMINDER if -overdue <= policy.remind_days_before else None
    if hazard.severity == Severity.MAJOR and overdue >= policy.listing_after_days:
        return L.LISTED
    if overdue >= policy.interview_after_days:
        return L.INTERVIEW
    if overdue >= policy.notice_after_days:
        return L.NOTICE
    return None


def _rank(level) -> int:
    return LEVEL_ORDER.index(level) if level else -1


MESSAGES = {
    L.REMINDER: N_("隐患整改即将到期：%(school)s %(place)s（时限 %(deadline)s）"),
    L.NOTICE: N_("隐患逾期通报：%(school)s %(place)s 已逾期 %(days)d 天"),
    L.INTERVIEW: N_("隐患逾期约谈：%(school)s %(place)s 已逾期 %(days)d 天，请责任人接受约谈"),
    L.LISTED: N_("重大隐患挂牌督办：%(school)s %(place)s 已逾期 %(days)d 天，由上一级挂牌督办"),
}


@transaction.atomic
def _escalate(hazard, level, today, now):
    overdue = max(0, (today - hazard.deadline).days)
    listed = level == L.LISTED
    supervising = hazard.region_code[:4] + "00" if listed else hazard.region_code[:6]
    recipients = responsible_users(hazard.school, up_to="city" if listed else "district")
    step = EscalationStep.objects.create(hazard=hazard, school_id=hazard.school_id, level=level, at=now,
                                         overdue_days=overdue, supervising_region=supervising,
                                         recipients=len(recipients))
    Hazard.objects.filter(pk=hazard.pk).update(escalation=level)
    audit.record(AuditAction.UPDATE, hazard, actor=SYSTEM, after={"escalation": level, "overdue_days": overdue},
                 event=HazardAudit.ESCALATE)
    title = _(MESSAGES[level]) % {"school": hazard.school.name, "place": hazard.place,
                                  "deadline": hazard.deadline, "days": overdue}
    notify(recipients, title, hazard.description, hazard_url(hazard), level="warning" if overdue else "info")
    return step


def apply_ladder(now=None) -> list:
    """Move every owed hazard up to the rung it has reached; returns the steps created."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    policies = {p.pk: p for p in EscalationPolicy.objects.all()}
    default = EscalationPolicy.default()
    policies[default.pk] = default
    horizon = today + datetime.timedelta(days=max(p.remind_days_before for p in policies.values()))
    candidates = (Hazard.objects.live().filter(status__in=OWED_STATUSES, deadline__lte=horizon)
                  .exclude(escalation=L.LISTED).select_related("school").order_by("pk"))
    steps = []
    for hazard in candidates.iterator(chunk_size=2000):
        policy = policies.get(hazard.policy_id, default)
        level = due_level(hazard, policy, today)
        if level and _rank(level) > _rank(hazard.escalation):
            steps.append(_escalate(hazard, level, today, now))
    return steps


def deadlines_passed(day: datetime.date) -> list[int]:
    """The owed hazards whose deadline was the day before ``day`` (the first day they are overdue)."""
    return list(Hazard.objects.live().filter(status__in=OWED_STATUSES, deadline=day - datetime.timedelta(days=1))
                .order_by("pk").values_list("pk", flat=True))
