"""三防 pages: a school's records (人防, 物防, 技防 with live networked state) and their forms."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huxiao.core.models import School
from huxiao.core.scoping import can
from huxiao.core.views import require_perm
from huxiao.defense import services
from huxiao.defense.forms import EquipmentForm, FacilityForm, GuardForm, ReleaseForm, TrainingForm
from huxiao.defense.models import Equipment, Facility, Guard
from huxiao.devices.models import Device

VIEW, CHANGE = "defense.view_records", "defense.change_records"


def _school(request, pk, perm=VIEW):
    return get_object_or_404(School.objects.visible_to(request.user, perm), pk=pk)


def _attach(form, exc):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@require_perm(VIEW)
def my_school(request):
    school = School.objects.visible_to(request.user, VIEW).order_by("pk").first()
    if school is not None and School.objects.visible_to(request.user, VIEW).count() == 1:
        return redirect("defense-school", pk=school.pk)
    return redirect("school-list")


@require_perm(VIEW)
def school_records(request, pk):
    school = _school(request, pk)
    now = timezone.now()
    devices = list(Device.objects.filter(school=school).order_by("kind", "name"))
    for d in devices:
        d.networked_now = d.is_networked(now)
    personal, guards = services.read_roster(school, actor=request.user, request=request)
    return render(request, "defense/school.html", {
        "school": school, "guards": guards, "personal": personal,
        "facility": Facility.objects.filter(school=school).first(),
        "equipment": Equipment.objects.filter(school=school), "devices": devices,
        "networked": sum(1 for d in devices if d.networked_now and d.active),
        "can_change": can(request.user, CHANGE, school), "release_form": ReleaseForm(),
        "can_register": can(request.user, "devices.register_device", school),
        "equipment_form": EquipmentForm(), "training_form": TrainingForm()})


@require_perm(CHANGE)
def guard_add(request, pk):
    school = _school(request, pk, CHANGE)
    form = GuardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        id_number = data.pop("id_number")
        data = {k: v for k, v in data.items() if v not in (None, "")} | {"license_number": data["license_number"]}
        try:
            services.do_create_guard(school, data, id_number=id_number, actor=request.user)
        except ValidationError as exc:
            _attach(form, exc)
        except PermissionDenied:
            raise
        else:
            messages.success(request, _("已登记安保人员"))
            return redirect("defense-school", pk=school.pk)
    return render(request, "defense/form.html", {"school": school, "form": form, "title": _("登记安保人员")})


@require_perm(CHANGE)
def facility_edit(request, pk):
    school = _school(request, pk, CHANGE)
    facility = Facility.objects.filter(school=school).first()
    initial = {f: getattr(facility, f) for f in services.FACILITY_FIELDS} if facility else {
        "vehicle_access": True, "anti_ramming_needed": True}
    form = FacilityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_facility(school, dict(form.cleaned_data), actor=request.user)
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("已保存物防设施"))
            return redirect("defense-school", pk=school.pk)
    return render(request, "defense/form.html", {"school": school, "form": form, "title": _("物防设施")})


@require_POST
@require_perm(CHANGE)
def guard_release(request, pk):
    guard = get_object_or_404(Guard.objects.visible_to(request.user, CHANGE).select_related("school"), pk=pk)
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写有效的离岗日期"))
        return redirect("defense-school", pk=guard.school_id)
    try:
        services.do_release_guard(guard, form.cleaned_data["left_on"], actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("%(n)s 已离岗") % {"n": guard.name})
    return redirect("defense-school", pk=guard.school_id)


@require_POST
@require_perm(CHANGE)
def equipment_set(request, pk):
    school = _school(request, pk, CHANGE)
    form = EquipmentForm(request.POST)
    if form.is_valid():
        services.do_set_equipment(school, {form.cleaned_data["kind"]: form.cleaned_data["count"]}, actor=request.user)
        messages.success(request, _("已更新防护装备"))
    else:
        messages.error(request, _("请选择装备类别并填写 0 到 10000 的数量"))
    return redirect("defense-school", pk=school.pk)


@require_POST
@require_perm(CHANGE)
def guard_training(request, pk):
    guard = get_object_or_404(Guard.objects.visible_to(request.user, CHANGE).select_related("school"), pk=pk)
    form = TrainingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("defense-school", pk=guard.school_id)
    try:
        services.do_add_training(guard, dict(form.cleaned_data), actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已登记 %(n)s 的培训记录") % {"n": guard.name})
    return redirect("defense-school", pk=guard.school_id)
