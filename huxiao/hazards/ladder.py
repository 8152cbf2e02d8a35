"""The overdue ladder (三方督办) of the hazard ledger, declared on the core ladder (``huxiao.core.ladder``):
reminder before the deadline → 通报 → 约谈 → 挂牌督办 (重大 hazards, supervised at the next level up).

The thresholds are the hazard's ``EscalationPolicy`` (the default policy when it names none), read in the
candidates' query. Only hazards the school still owes (待整改, 整改中) are on the ladder, live ones only.
Each rung reached is an ``EscalationStep`` (once per hazard and level: the database's constraint) with a
notification to the school, its district's education bureau and its police at once — the city's too
for 挂牌督办 — written by ``SYSTEM``; ``Hazard.escalation`` holds the rung reached. The core clock climbs
it every day (``clock.day``, core/handlers.py).
"""

import datetime

from django.db.models import Max, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_

from huxiao.core import ladder
from huxiao.core.choices import RegionLevel
from huxiao.core.ladder import Ladder, Step
from huxiao.hazards.audit_events import HazardAudit
from huxiao.hazards.choices import OWED_STATUSES, EscalationLevel, Severity
from huxiao.hazards.models import EscalationPolicy, EscalationStep, Hazard
from huxiao.hazards.services import EDUCATION_ROLES, POLICE_ROLES, SCHOOL_ROLES, hazard_url

L = EscalationLevel
THRESHOLDS = {"remind_days": "remind_days_before", "notice_days": "notice_after_days",
              "interview_days": "interview_after_days", "listing_days": "listing_after_days"}


def owed_with_thresholds(qs, today):
    """The owed hazards of ``qs`` whose reminder may be due by ``today``, each annotated with its policy's
    thresholds (the default policy's when it names none)."""
    default = EscalationPolicy.default()
    furthest = max(EscalationPolicy.objects.aggregate(m=Max("remind_days_before"))["m"] or 0,
                   default.remind_days_before)
    thresholds = {name: Coalesce(f"policy__{column}", Value(getattr(default, column)))
                  for name, column in THRESHOLDS.items()}
    return (qs.filter(status__in=OWED_STATUSES, deadline__lte=today + datetime.timedelta(days=furthest))
            .select_related("school").annotate(**thresholds))


def _listing_days(hazard):
    return hazard.listing_days if hazard.severity == Severity.MAJOR else None


HAZARD_LADDER = ladder.declare(Ladder(
    name="hazards.overdue",
    label=_("隐患逾期督办"),
    model=Hazard,
    deadline="deadline",
    select=owed_with_thresholds,
    roles=SCHOOL_ROLES + EDUCATION_ROLES + POLICE_ROLES,
    steps=(
        Step(L.REMINDER, L.REMINDER.label, offset=lambda h: -h.remind_days, until=0,
             message=N_("隐患整改即将到期：%(school)s %(place)s（时限 %(deadline)s）")),
        Step(L.NOTICE, L.NOTICE.label, offset=lambda h: h.notice_days,
             message=N_("隐患逾期通报：%(school)s %(place)s 已逾期 %(days)d 天")),
        Step(L.INTERVIEW, L.INTERVIEW.label, offset=lambda h: h.interview_days,
             message=N_("隐患逾期约谈：%(school)s %(place)s 已逾期 %(days)d 天，请责任人接受约谈")),
        Step(L.LISTED, L.LISTED.label, offset=_listing_days, up_to=RegionLevel.CITY,
             message=N_("重大隐患挂牌督办：%(school)s %(place)s 已逾期 %(days)d 天，由上一级挂牌督办")),
    ),
    context=lambda h: {"school": h.school.name, "place": h.place},
    body=lambda h: h.description,
    url=hazard_url,
    audit_event=HazardAudit.ESCALATE,
    level_field="escalation",
    step_model=EscalationStep,
    step_record_field="hazard",
))


def apply_ladder(now=None) -> list:
    """Move every owed hazard up to the rung it has reached as of ``now``; returns the steps created (the
    management command and the demo call it; the clock climbs the same ladder every day)."""
    now = now or timezone.now()
    return ladder.climb(None, HAZARD_LADDER, timezone.localdate(now), now=now)


def deadlines_passed(day: datetime.date) -> list[int]:
    """The owed hazards whose deadline was the day before ``day`` (the first day they are overdue)."""
    return list(Hazard.objects.live().filter(status__in=OWED_STATUSES, deadline=day - datetime.timedelta(days=1))
                .order_by("pk").values_list("pk", flat=True))
