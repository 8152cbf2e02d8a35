"""Monthly self-checks (每月自查, 000 §三(一)5): filing, and flagging the missing ones to education."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huxiao.core import audit
from huxiao.core.actions import acting_user, require
from huxiao.core.choices import AuditAction
from huxiao.core.models import School
from huxiao.core.services import notify
from huxiao.hazards.audit_events import HazardAudit
from huxiao.hazards.choices import HazardSource
from huxiao.hazards.models import EscalationPolicy, SelfCheck, SelfCheckFlag
from huxiao.hazards.services import EDUCATION_ROLES, do_report_hazard, responsible_users


def month_start(value: datetime.date) -> datetime.date:
    return value.replace(day=1)


def previous_month(value: datetime.date) -> datetime.date:
    return (value.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def parse_month(value) -> datetime.date:
    if isinstance(value, datetime.date):
        return month_start(value)
    try:
        return datetime.date.fromisoformat(f"{str(value).strip()[:7]}-01")
    except ValueError:
        raise ValidationError({"month": _("月份格式应为 YYYY-MM")}) from None


@transaction.atomic
def do_file_self_check(school, month, *, actor, no_hazards=False, note="", hazards=(), now=None) -> SelfCheck:
    """File the school's self-check for ``month``: either "no hazards found" or the hazards it raised."""
    require(actor, "hazards.file_self_check", school)
    now = now or timezone.now()
    today = timezone.localdate(now)
    month = parse_month(month)
    if month > month_start(today):
        raise ValidationError({"month": _("不能填报未来月份的自查")})
    if month < previous_month(previous_month(today)):
        raise ValidationError({"month": _("只能填报本月或上月的自查")})
    hazards = list(hazards or ())
    if no_hazards and hazards:
        raise ValidationError({"no_hazards": _("已勾选“未发现隐患”，不能同时登记隐患")})
    if not no_hazards and not hazards:
        raise ValidationError({"hazards": _("请登记自查发现的隐患，或勾选“未发现隐患”")})
    if SelfCheck.objects.filter(school=school, month=month).exists():
        raise ValidationError({"month": _("%(m)s 的月度自查已填报") % {"m": f"{month:%Y-%m}"}})
    check = SelfCheck(school=school, month=month, no_hazards=no_hazards, note=(note or "").strip(),
                      filed_by=acting_user(actor), filed_at=now)
    try:
        with transaction.atomic():
            check.save()
    except IntegrityError:
        raise ValidationError({"month": _("%(m)s 的月度自查已填报") % {"m": f"{month:%Y-%m}"}}) from None
    errors = {}
    for i, data in enumerate(hazards):
        data = dict(data, source=HazardSource.SELF_CHECK)
        photos = data.pop("photos", ())
        try:
            do_report_hazard(school, data, actor=actor, photos=photos, self_check=check, now=now)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors[f"hazards[{i}].{field}"] = messages
    if errors:
        raise ValidationError(errors)
    SelfCheckFlag.objects.filter(school=school, month=month, resolved_at__isnull=True).update(resolved_at=now)
    audit.record(AuditAction.CREATE, check, actor=actor, after={"month": str(month), "no_hazards": no_hazards,
                                                                "hazards": len(hazards)},
                 event=HazardAudit.FILE_SELF_CHECK)
    return check


def flag_missing_self_checks(now=None) -> list:
    """After the due day of a month, flag every school without a self-check for the previous month
    and tell its education bureau. Idempotent: one flag per school and month."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    policy = EscalationPolicy.default()
    if today.day <= policy.self_check_due_day:
        return []
    month = previous_month(today)
    filed = SelfCheck.objects.filter(month=month).values("school_id")
    flagged = SelfCheckFlag.objects.filter(month=month).values("school_id")
    missing = list(School.objects.exclude(pk__in=filed).exclude(pk__in=flagged).order_by("pk"))
    flags, per_user = [], {}
    with transaction.atomic():
        for school in missing:
            flag = SelfCheckFlag(school=school, month=month, flagged_at=now)
            flag.save()
            flags.append(flag)
            for user in responsible_users(school, roles=EDUCATION_ROLES):
                per_user.setdefault(user, []).append(school.name)
        # one summary per official, not one message per school
        url = reverse("selfcheck-list") + f"?month={month:%Y-%m}"
        for user, names in per_user.items():
            title = _("月度自查缺报：%(n)d 所学校未填报 %(m)s 的安全隐患自查") % {"n": len(names), "m": f"{month:%Y年%m月}"}
            notify([user], title, "、".join(names[:50]) + ("……" if len(names) > 50 else ""), url, level="warning")
    return flags
