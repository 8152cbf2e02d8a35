"""The demo does not contradict itself (issue 14): built as ``make demo`` builds it (the migrated database,
then ``seed_demo``, outside any transaction so every event and notification is dispatched), it names
each school's 校长 and 安保负责人 as the demo users holding those roles there, tells about each hazard
what the hazard really is, dates nothing after the moment it is built for, puts hazards at places (not
at checklist questions), inspects each district with a checklist of its own province and is dated
relative to its day, so it stays alive whenever it is built.

It is built for an early morning two days ago (06:40, before the gates open and before anyone files
anything that day): a record dated by the real clock instead of the demo's moment, or at a fixed hour
of "today", lands after that moment and is reported here.
"""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve
from django.utils import timezone

from huxiao.core.choices import Role
from huxiao.core.models import Notification, Region, RoleAssignment, School, User
from huxiao.hazards.choices import Severity
from huxiao.hazards.models import EscalationStep, Hazard, HazardEvent, SelfCheck
from huxiao.hazards.selfcheck import month_start, previous_month
from huxiao.inspections.models import ChecklistItem, ChecklistTemplate, Inspection, InspectionPlan

pytestmark = pytest.mark.django_db(transaction=True)

SEVERITY = {str(label): value for value, label in Severity.choices}
NEW_HAZARD = re.compile(r"（(?P<sev>\S+?)，整改时限 (?P<deadline>\d{4}-\d{2}-\d{2})）")
YEAR = datetime.timedelta(days=366)
REMINDER = re.compile(r"（时限 (?P<deadline>\d{4}-\d{2}-\d{2})）")


def build_demo(moment):
    _shipped_checklists()
    call_command("seed_demo", now=moment.isoformat(), stdout=io.StringIO())


def early_morning_two_days_ago():
    day = timezone.localdate() - datetime.timedelta(days=2)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(6, 40)))


# --- the rules; each returns the contradictions it found, in words --------------------------------

def names_of_school_people():
    from huxiao.defense.models import Guard

    problems = []
    fields = {Role.PRINCIPAL: "principal_name", Role.SECURITY_OFFICER: "security_name"}
    for ra in RoleAssignment.objects.filter(role__in=[*fields, Role.GUARD], unit__kind="school").select_related(
            "user", "unit"):
        school = School.objects.get(unit=ra.unit)
        if ra.role == Role.GUARD:
            if not Guard.objects.filter(school=school, active=True, name=ra.user.full_name).exists():
                problems.append(f"{school.name}: guard user {ra.user.full_name} is not on its guard roster")
        elif getattr(school, fields[ra.role]) != ra.user.full_name:
            problems.append(f"{school.name}: {fields[ra.role]} {getattr(school, fields[ra.role])!r} but the "
                            f"{ra.role} user is {ra.user.full_name!r}")
    from huxiao.patrols.models import Person

    for person in Person.objects.filter(user__isnull=False).select_related("user"):
        if person.name != person.user.full_name:
            problems.append(f"护学岗 person {person.name!r} is the user {person.user.full_name!r}")
    for inspection in Inspection.objects.select_related("recorded_by", "school"):
        if inspection.recorded_by.display_name not in inspection.inspectors.split("、"):
            problems.append(f"inspection of {inspection.school.name} recorded by {inspection.recorded_by} "
                            f"who is not among its inspectors {inspection.inspectors!r}")
    return problems


def hazard_of(notification):
    try:
        match = resolve(notification.url.split("?")[0])
    except Resolver404:
        return None
    if match.url_name != "hazard-detail":
        return None
    return Hazard.objects.get(pk=match.kwargs["pk"])


def notifications_about_hazards():
    problems, told = [], 0
    for n in Notification.objects.exclude(url="").order_by("pk"):
        hazard = hazard_of(n)
        if hazard is None:
            continue
        told += 1
        said = NEW_HAZARD.search(n.title)
        if said and (SEVERITY.get(said["sev"]) != hazard.severity or said["deadline"] != str(hazard.deadline)):
            problems.append(f"{n.title!r} about a hazard that is {hazard.severity}, due {hazard.deadline}")
        said = REMINDER.search(n.title)
        if said and said["deadline"] != str(hazard.deadline):
            problems.append(f"{n.title!r} about a hazard due {hazard.deadline}")
        if n.title.startswith("重大隐患") and hazard.severity != Severity.MAJOR:
            problems.append(f"{n.title!r} about a hazard that is {hazard.severity}")
        if n.created_at < hazard.created_at:
            problems.append(f"{n.title!r} sent at {n.created_at}, before the hazard was reported {hazard.created_at}")
    if not told:
        problems.append("no notification about any hazard: the rule checked nothing")
    return problems


def dated_after(moment):
    """Every record the demo dates, with the field that must not be after ``moment`` (or its day)."""
    from huxiao.alarms.models import Alarm
    from huxiao.compliance.models import RateSnapshot
    from huxiao.defense.models import Guard
    from huxiao.devices.models import Device, Heartbeat
    from huxiao.patrols.models import CheckIn, Post

    today = timezone.localdate(moment)
    times = {SelfCheck: ["filed_at"], Inspection: ["created_at"], InspectionPlan: ["created_at"],
             Hazard: ["created_at", "closed_at"], HazardEvent: ["at"], EscalationStep: ["at"],
             CheckIn: ["device_time", "received_at"], Post: ["created_at"], Notification: ["created_at"],
             Alarm: ["occurred_at", "received_at", "acknowledged_at", "dispatched_at", "arrived_at", "closed_at"],
             Device: ["last_seen_at"], Heartbeat: ["at", "received_at"]}
    days = {SelfCheck: ["month"], Inspection: ["inspected_on"], Hazard: ["found_on"], CheckIn: ["duty_date"],
            Guard: ["first_hired_on", "background_checked_on"], Device: ["installed_on"], RateSnapshot: ["day"]}
    problems = []
    for limits, limit in ((times, moment), (days, today)):
        for model, fields in limits.items():
            for name in fields:
                late = model.objects.filter(**{f"{name}__gt": limit})
                if late.exists():
                    problems.append(f"{late.count()} {model.__name__} with {name} after {limit} "
                                    f"(e.g. {late.values_list(name, flat=True).first()})")
    return problems


def places_of_hazards():
    questions = set(ChecklistItem.objects.values_list("text", flat=True))
    problems = [f"hazard {h.pk} at {h.place!r}" for h in Hazard.objects.all()
                if h.place in questions or "是否" in h.place or "八项措施" in h.place]
    if not Hazard.objects.exists():
        problems.append("no hazard at all: the rule checked nothing")
    return problems


def province_of(template: ChecklistTemplate, regions) -> str | None:
    """A checklist's province: its region's, or (a shipped one) that of the region its name begins with."""
    if template.region_code:
        return template.region_code[:2]
    named = [code for code, name in regions if template.name.startswith(name)]
    return max(named, key=len)[:2] if named else None


def checklists_of_own_province():
    regions = list(Region.objects.filter(level__in=["province", "city"]).values_list("code", "name"))
    problems = []
    for plan in InspectionPlan.objects.select_related("template"):
        if province_of(plan.template, regions) != plan.region_code[:2]:
            problems.append(f"plan {plan.name} of {plan.region_code} uses {plan.template.name}")
    for inspection in Inspection.objects.select_related("template", "school"):
        if province_of(inspection.template, regions) != inspection.school.region_code[:2]:
            problems.append(f"{inspection.school.name} inspected with {inspection.template.name}")
    if not Inspection.objects.exists():
        problems.append("no inspection at all: the rule checked nothing")
    return problems


def alive_on(moment):
    """The demo's records are of the days before ``moment``: this semester's plans, last month's
    self-checks, the last weeks' inspections, alarms, duty and snapshots, devices heard lately."""
    from huxiao.alarms.models import Alarm
    from huxiao.compliance.models import RateSnapshot
    from huxiao.devices.models import Device
    from huxiao.patrols import duty
    from huxiao.patrols.models import CheckIn, Post

    today = timezone.localdate(moment)
    week = today - datetime.timedelta(days=7)
    problems = []
    district = School.objects.filter(district_id="320413")
    if not InspectionPlan.objects.filter(region_code="320413", semester__start__lte=today,
                                         semester__end__gte=today).exists():
        problems.append("no district plan for the semester of the demo's day")
    for inspection in Inspection.objects.select_related("plan__semester"):
        semester = inspection.plan.semester
        if not semester.start <= inspection.inspected_on <= semester.end:
            problems.append(f"inspection of {inspection.inspected_on} under a plan of {semester.name}")
    latest = Inspection.objects.order_by("-inspected_on").values_list("inspected_on", flat=True).first()
    if latest is None or latest < week:
        problems.append(f"latest inspection {latest}, more than a week before {today}")
    filed = SelfCheck.objects.filter(month=previous_month(today), school__in=district).count()
    if filed < 0.8 * district.count():
        problems.append(f"only {filed} of {district.count()} schools filed last month's self-check")
    if SelfCheck.objects.filter(month__gt=month_start(today)).exists():
        problems.append("self-checks of a month after the demo's day")
    if not Alarm.objects.filter(received_at__gte=moment - datetime.timedelta(days=2)).exists():
        problems.append("no alarm in the two days before the demo's moment")
    schools = list(School.objects.filter(pk__in=Post.objects.values("school_id")))
    last_school_day = today - datetime.timedelta(days=1)
    while not any(duty.duty_days(schools, last_school_day).values()) and last_school_day > today - YEAR:
        last_school_day -= datetime.timedelta(days=1)  # weekends, holidays and 寒暑假 have no duty
    if not CheckIn.objects.filter(duty_date__gte=last_school_day).exists():
        problems.append(f"no 护学岗 duty on the last school day ({last_school_day}) before the demo's day")
    if not RateSnapshot.objects.filter(day=today).exists():
        problems.append("no compliance snapshot of the demo's day")
    devices = list(Device.objects.all())
    heard = [d for d in devices if d.last_seen_at and moment - d.last_seen_at <= d.supervision_window]
    if len(heard) < 0.75 * len(devices):
        problems.append(f"only {len(heard)} of {len(devices)} devices heard within their window")
    owed = Hazard.objects.filter(status__in=["pending", "rectifying"])
    if not owed.filter(deadline__gte=today).exists() or not owed.filter(deadline__lt=today).exists():
        problems.append("the owed hazards are not a mix of due later and overdue")
    return problems


# --- the test ---------------------------------------------------------------------------------------

def test_the_demo_does_not_contradict_itself(client_for):
    moment = early_morning_two_days_ago()
    build_demo(moment)
    problems = {
        "names": names_of_school_people(),
        "notifications": notifications_about_hazards(),
        "future": dated_after(moment),
        "places": places_of_hazards(),
        "checklists": checklists_of_own_province(),
        "alive": alive_on(moment),
    }
    assert {rule: found for rule, found in problems.items() if found} == {}

    # and as the users see it: the principal's school page names the demo's principal and security head
    principal = User.objects.get(username="xiaozhang")
    school = School.objects.get(unit__role_assignments__user=principal)
    page = client_for(principal).get(f"/schools/{school.pk}/").content.decode()
    assert principal.full_name in page and User.objects.get(username="anbao").full_name in page
    # the flagship's 重大 hazard, listed by the city, is told as what it is
    major = Hazard.objects.get(school=school, severity=Severity.MAJOR, escalation="listed")
    told = Notification.objects.filter(recipient=principal, url=f"/hazards/{major.pk}/")
    assert told.filter(title__contains=f"（重大，整改时限 {major.deadline}）").exists()
    assert told.filter(title__startswith="重大隐患挂牌督办").exists()


def _shipped_checklists():
    """The built-in checklists a migration ships: a transactional test that ran before this one in the
    same process may have flushed them (the demo seeds from them)."""
    from importlib import import_module

    from django.apps import apps

    from huxiao.inspections.models import ChecklistTemplate

    if not ChecklistTemplate.objects.filter(builtin=True).exists():
        import_module("huxiao.inspections.migrations.0002_builtin_templates").ship(apps, None)
