"""三防 pages: the lists across schools (guards, facilities, equipment; filters, export), a school's records
(人防 with trainings, 物防, 技防 with live networked state), a guard with their trainings, and the forms."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from huxiao.core.audit import record_read
from huxiao.core.forms import form_errors
from huxiao.core.models import School
from huxiao.core.records.views import RecordListView, get_visible_or_404, mark_invalid, service_errors
from huxiao.core.scoping import can, has_perm
from huxiao.core.views import require_perm
from huxiao.defense import services
from huxiao.defense.filters import (
    EQUIPMENT_COLUMNS,
    EQUIPMENT_PAGE_COLUMNS,
    FACILITY_COLUMNS,
    FACILITY_PAGE_COLUMNS,
    PERSONAL,
    EquipmentFilterSet,
    FacilityFilterSet,
    GuardFilterSet,
    guard_columns,
    guard_row,
)
from huxiao.defense.forms import EquipmentForm, FacilityForm, GuardForm, ReleaseForm, TrainingForm
from huxiao.defense.models import Equipment, Facility, Guard, GuardTraining
from huxiao.devices.display import window_text
from huxiao.devices.models import Device

VIEW, CHANGE = "defense.view_records", "defense.change_records"
GUARD_LABELS = {f.name: f.verbose_name for f in Guard._meta.fields}


class DefenseListView(RecordListView):
    perm = VIEW
    template_name = "defense/record_list.html"
    select_related = ("school",)
    tab = ""

    def extra_context(self, filterset):
        return {"tab": self.tab}


class GuardListView(DefenseListView):
    model, filterset_class, tab = Guard, GuardFilterSet, "guards"
    title = _lazy("安保人员")
    ordering = ("-active", "school_id", "category", "name", "pk")
    prefetch_related = ("trainings",)
    empty_text = _lazy("没有符合条件的安保人员")

    def page_columns(self, request):  # personal columns only for who may see them
        return guard_columns(request.user, page=True)

    def export_columns(self, request):
        return guard_columns(request.user)

    def extra_context(self, filterset):
        personal = has_perm(self.request.user, PERSONAL)
        if personal:
            record_read(actor=self.request.user, request=self.request, what=_("安保人员名册"), model="defense.Guard")
        return {**super().extra_context(filterset), "names_only": not personal}


class FacilityListView(DefenseListView):
    model, filterset_class, columns, tab = Facility, FacilityFilterSet, FACILITY_COLUMNS, "facilities"
    title = _lazy("物防设施")
    ordering = ("school_id", "pk")
    empty_text = _lazy("没有符合条件的物防设施记录")

    def page_columns(self, request):
        return FACILITY_PAGE_COLUMNS


class EquipmentListView(DefenseListView):
    model, filterset_class, columns, tab = Equipment, EquipmentFilterSet, EQUIPMENT_COLUMNS, "equipment"
    title = _lazy("防护装备")
    ordering = ("school_id", "kind", "pk")
    empty_text = _lazy("没有符合条件的防护装备记录")

    def page_columns(self, request):
        return EQUIPMENT_PAGE_COLUMNS


guard_list = GuardListView.as_view()
facility_list = FacilityListView.as_view()
equipment_list = EquipmentListView.as_view()


@require_perm(VIEW)
def my_school(request):
    """A school's own staff go to their school's records; officials to the lists across their schools."""
    schools = School.objects.visible_to(request.user, VIEW).order_by("pk")
    if schools.count() == 1:
        return redirect("defense-school", pk=schools.first().pk)
    return redirect("defense-guard-list")


@require_perm(VIEW)
def school_records(request, pk):
    school = get_visible_or_404(request, School, pk, perm=VIEW)
    now = timezone.now()
    devices = list(Device.objects.filter(school=school).order_by("kind", "name"))
    for d in devices:
        d.networked_now = d.is_networked(now)
        d.window_label = window_text(d.supervision_window)
    personal, guards = services.read_roster(school, actor=request.user, request=request)
    if personal:
        latest = dict(GuardTraining.objects.filter(guard__school=school).values("guard_id").annotate(
            last=Max("held_on")).values_list("guard_id", "last"))
        for g in guards:
            g["last_training_on"] = latest.get(g["id"])
    return render(request, "defense/school.html", {
        "school": school, "guards": guards, "personal": personal,
        "facility": Facility.objects.filter(school=school).first(),
        "equipment": Equipment.objects.filter(school=school), "devices": devices,
        "networked": sum(1 for d in devices if d.networked_now and d.active),
        "can_change": can(request.user, CHANGE, school), "release_form": ReleaseForm(),
        "can_register": can(request.user, "devices.register_device", school),
        "equipment_form": EquipmentForm(), "training_form": TrainingForm()})


@require_perm(VIEW)
def guard_detail(request, pk):
    guard = get_visible_or_404(request, Guard.objects.select_related("school").prefetch_related("trainings"), pk,
                               perm=VIEW)
    row = guard_row(guard, request.user)
    trainings = evidence = ()
    if row["personal"]:
        trainings = sorted(guard.trainings.all(), key=lambda t: (t.held_on, t.pk), reverse=True)
        evidence = guard.evidence.all()
        record_read(guard, actor=request.user, request=request)
    return render(request, "defense/guard.html", {
        "guard": guard, "g": row, "trainings": trainings, "evidence": evidence,
        "can_change": can(request.user, CHANGE, guard) and guard.active,
        "training_form": TrainingForm(initial={"hours": 2}), "release_form": ReleaseForm()})


@require_perm(CHANGE)
def guard_add(request, pk):
    school = get_visible_or_404(request, School, pk, perm=CHANGE)
    form = GuardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        id_number = data.pop("id_number")
        data = {k: v for k, v in data.items() if v not in (None, "")} | {"license_number": data["license_number"]}
        try:
            guard = services.do_create_guard(school, data, id_number=id_number, actor=request.user)
        except ValidationError as exc:
            form_errors(form, exc, GUARD_LABELS)
        else:
            messages.success(request, _("已登记安保人员 %(n)s") % {"n": guard.name})
            return redirect("defense-school", pk=school.pk)
    mark_invalid(form)
    return render(request, "defense/form.html", {"school": school, "form": form, "title": _("登记安保人员")})


@require_perm(CHANGE)
def facility_edit(request, pk):
    school = get_visible_or_404(request, School, pk, perm=CHANGE)
    facility = Facility.objects.filter(school=school).first()
    initial = {f: getattr(facility, f) for f in services.FACILITY_FIELDS} if facility else {
        "vehicle_access": True, "anti_ramming_needed": True}
    form = FacilityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_facility(school, dict(form.cleaned_data), actor=request.user)
        except ValidationError as exc:
            form_errors(form, exc, {f.name: f.verbose_name for f in Facility._meta.fields})
        else:
            messages.success(request, _("已保存物防设施"))
            return redirect("defense-school", pk=school.pk)
    mark_invalid(form)
    return render(request, "defense/form.html", {"school": school, "form": form, "title": _("物防设施")})


def _back(request, guard):
    """Back to the guard's page when the form was sent from there, else to the school's records."""
    if request.POST.get("back") == "guard":
        return redirect("defense-guard", pk=guard.pk)
    return redirect("defense-school", pk=guard.school_id)


def _form_refusal(request, form):
    messages.error(request, "；".join(f"{form.fields[name].label if name in form.fields else _('提交内容')}：{e}"
                                     for name, errors in form.errors.items() for e in errors))


@require_POST
@require_perm(CHANGE)
def guard_release(request, pk):
    guard = get_visible_or_404(request, Guard.objects.select_related("school"), pk, perm=CHANGE)
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        _form_refusal(request, form)
        return _back(request, guard)
    try:
        services.do_release_guard(guard, form.cleaned_data["left_on"], actor=request.user)
    except ValidationError as exc:
        service_errors(request, exc, GUARD_LABELS)
    else:
        messages.success(request, _("%(n)s 已离岗") % {"n": guard.name})
    return _back(request, guard)


@require_POST
@require_perm(CHANGE)
def equipment_set(request, pk):
    school = get_visible_or_404(request, School, pk, perm=CHANGE)
    form = EquipmentForm(request.POST)
    if not form.is_valid():
        _form_refusal(request, form)
        return redirect("defense-school", pk=school.pk)
    try:
        services.do_set_equipment(school, {form.cleaned_data["kind"]: form.cleaned_data["count"]}, actor=request.user)
    except ValidationError as exc:
        service_errors(request, exc, {"kind": form.fields["kind"].label, "count": form.fields["count"].label})
    else:
        messages.success(request, _("已更新防护装备"))
    return redirect("defense-school", pk=school.pk)


@require_POST
@require_perm(CHANGE)
def guard_training(request, pk):
    guard = get_visible_or_404(request, Guard.objects.select_related("school"), pk, perm=CHANGE)
    form = TrainingForm(request.POST)
    if not form.is_valid():
        _form_refusal(request, form)
        return _back(request, guard)
    try:
        services.do_add_training(guard, dict(form.cleaned_data), actor=request.user)
    except ValidationError as exc:
        service_errors(request, exc, {name: field.label for name, field in form.fields.items()})
    else:
        messages.success(request, _("已登记 %(n)s 的培训记录") % {"n": guard.name})
    return _back(request, guard)
