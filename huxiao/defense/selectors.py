"""What the 三防 pages and API read: a guard as the lists and their page show them, a school's records
(人防 with trainings, 物防, equipment, and on its page the 技防 devices with their live networked state),
and the record evidence is attached to. Personal fields only for who may see them, each read audited."""

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from huxiao.core.audit import record_read
from huxiao.core.scoping import has_perm
from huxiao.defense import services
from huxiao.defense.models import Equipment, Facility, Guard, GuardTraining
from huxiao.defense.permissions import PERSONAL
from huxiao.devices.display import window_text
from huxiao.devices.models import Device


def record_roster_read(request) -> bool:
    """A list of guards read by someone who may see personal fields somewhere: audited as a read of the
    roster (who read it, when). Whether they may."""
    personal = has_perm(request.user, PERSONAL)
    if personal:
        record_read(actor=request.user, request=request, what=_("安保人员名册"), model="defense.Guard")
    return personal


def guard_row(guard: Guard, user) -> dict:
    """A guard across schools as the API and the guard's page show it: the roster row (personal fields
    only where ``user`` may see them) with the school and the latest training."""
    personal = services.may_see_personal(user, guard.school)
    trainings = list(guard.trainings.all()) if personal else []
    return {**services.guard_view(guard, personal=personal, trainings=len(trainings)),
            "school_id": guard.school_id, "school_name": guard.school.name, "region_code": guard.region_code,
            "last_training_on": max((t.held_on for t in trainings), default=None)}


def guard_detail(guard: Guard, user) -> dict:
    """The guard's row with their training records, newest first (``training_records``: only with the
    personal fields, else None)."""
    row = guard_row(guard, user)
    row["training_records"] = sorted(guard.trainings.all(), key=lambda t: (t.held_on, t.pk),
                                     reverse=True) if row["personal"] else None
    return row


def school_defense(school, *, actor, request=None) -> dict:
    """A school's 三防 records as ``actor`` may see them: the roster (one audited read naming the school;
    ``personal``: with the personal fields), the 物防 facility and the protective equipment."""
    personal, guards = services.read_roster(school, actor=actor, request=request)
    return {"school": school, "personal": personal, "guards": guards,
            "facility": Facility.objects.filter(school=school).first(),
            "equipment": list(Equipment.objects.filter(school=school))}


def school_page(school, *, actor, request=None) -> dict:
    """The school's records page: :func:`school_defense`, each guard's latest training (with the personal
    fields), and the 技防 devices with whether each is networked now and how many active ones are."""
    records = school_defense(school, actor=actor, request=request)
    if records["personal"]:
        latest = dict(GuardTraining.objects.filter(guard__school=school).values("guard_id").annotate(
            last=Max("held_on")).values_list("guard_id", "last"))
        for g in records["guards"]:
            g["last_training_on"] = latest.get(g["id"])
    now = timezone.now()
    devices = list(Device.objects.filter(school=school).order_by("kind", "name"))
    for d in devices:
        d.networked_now = d.is_networked(now)
        d.window_label = window_text(d.supervision_window)
    return {**records, "devices": devices, "networked": sum(1 for d in devices if d.networked_now and d.active)}


def evidence_record(school, guard_id: int | None):
    """What evidence uploaded for ``school`` is attached to: the school's guard ``guard_id`` (404 for
    another school's), else the school's 物防 facility (refused naming ``guard_id`` when it has none)."""
    if guard_id is not None:
        return get_object_or_404(Guard.objects.filter(school=school), pk=guard_id)
    record = Facility.objects.filter(school=school).first()
    if record is None:
        raise ValidationError({"guard_id": _("该校尚未登记物防设施，请先登记或指定安保人员")})
    return record
