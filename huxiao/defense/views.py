"""三防 pages: the lists across schools (guards, facilities, equipment; filters, export), a school's records
(人防 with trainings, 物防, 技防 with live networked state), a guard with their trainings, and the forms."""

from django.db.models import Max
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from huxiao.core.audit import record_read
from huxiao.core.models import School
from huxiao.core.records.pages import RecordActionView, RecordDetailView, RecordFormView, model_labels
from huxiao.core.records.views import RecordListView, get_visible_or_404
from huxiao.core.scoping import can
from huxiao.core.views import require_perm
from huxiao.defense import services
from huxiao.defense.filters import (
    EQUIPMENT_COLUMNS,
    FACILITY_COLUMNS,
    EquipmentFilterSet,
    FacilityFilterSet,
    GuardFilterSet,
    guard_columns,
    guard_row,
    record_roster_read,
)
from huxiao.defense.forms import EquipmentForm, FacilityForm, GuardForm, ReleaseForm, TrainingForm
from huxiao.defense.models import Equipment, Facility, Guard, GuardTraining
from huxiao.devices.display import window_text
from huxiao.devices.models import Device

VIEW, CHANGE = "defense.view_records", "defense.change_records"


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
        return {**super().extra_context(filterset), "names_only": not record_roster_read(self.request)}


class FacilityListView(DefenseListView):
    model, filterset_class, columns, tab = Facility, FacilityFilterSet, FACILITY_COLUMNS, "facilities"
    title = _lazy("物防设施")
    ordering = ("school_id", "pk")
    empty_text = _lazy("没有符合条件的物防设施记录")


class EquipmentListView(DefenseListView):
    model, filterset_class, columns, tab = Equipment, EquipmentFilterSet, EQUIPMENT_COLUMNS, "equipment"
    title = _lazy("防护装备")
    ordering = ("school_id", "kind", "pk")
    empty_text = _lazy("没有符合条件的防护装备记录")


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


class GuardDetailView(RecordDetailView):
    """A guard with their trainings and evidence: personal fields (and the read audit) only for who may see them."""

    model, perm, template_name = Guard, VIEW, "defense/guard.html"
    select_related, prefetch_related = ("school",), ("trainings",)

    def audit_read(self, guard):
        if services.may_see_personal(self.request.user, guard.school):
            record_read(guard, actor=self.request.user, request=self.request)

    def get_context(self, guard):
        row = guard_row(guard, self.request.user)
        personal = row["personal"]
        return {"g": row, "evidence": guard.evidence.all() if personal else (),
                "trainings": sorted(guard.trainings.all(), key=lambda t: (t.held_on, t.pk), reverse=True)
                if personal else (), "can_change": can(self.request.user, CHANGE, guard) and guard.active,
                "training_form": TrainingForm(initial={"hours": 2}), "release_form": ReleaseForm()}


class SchoolFormView(RecordFormView):
    """A form about one school's 三防 records (its page's ``pk``), back to the school's records."""

    perm, target_model, template_name, title = CHANGE, School, "defense/form.html", ""

    def success_url(self, _obj):
        return reverse("defense-school", args=[self.target.pk])

    def get_context(self, form):
        return {"school": self.target, "title": self.title}


class GuardAddView(SchoolFormView):
    form_class, title, labels = GuardForm, _lazy("登记安保人员"), model_labels(Guard)
    success_message = _lazy("已登记安保人员 %(obj)s")

    def save(self, form):
        data = dict(form.cleaned_data)
        id_number = data.pop("id_number")
        data = {k: v for k, v in data.items() if v not in (None, "")} | {"license_number": data["license_number"]}
        return services.do_create_guard(self.target, data, id_number=id_number, actor=self.request.user)


class FacilityEditView(SchoolFormView):
    form_class, title, labels = FacilityForm, _lazy("物防设施"), model_labels(Facility)
    success_message = _lazy("已保存物防设施")

    def get_initial(self):
        facility = Facility.objects.filter(school=self.target).first()
        return {f: getattr(facility, f) for f in services.FACILITY_FIELDS} if facility else {
            "vehicle_access": True, "anti_ramming_needed": True}

    def save(self, form):
        return services.do_update_facility(self.target, dict(form.cleaned_data), actor=self.request.user)


class GuardActionView(RecordActionView):
    """Posted from the guard's page (``back=guard``) or the school's records: back to where it came from."""

    model, perm, select_related = Guard, CHANGE, ("school",)

    def back_url(self, guard):
        if self.request.POST.get("back") == "guard":
            return reverse("defense-guard", args=[guard.pk])
        return reverse("defense-school", args=[guard.school_id])


class GuardReleaseView(GuardActionView):
    form_class = ReleaseForm

    def act(self, guard, data):
        services.do_release_guard(guard, data["left_on"], actor=self.request.user)
        return _("%(n)s 已离岗") % {"n": guard.name}


class GuardTrainingView(GuardActionView):
    form_class = TrainingForm

    def act(self, guard, data):
        services.do_add_training(guard, dict(data), actor=self.request.user)
        return _("已登记 %(n)s 的培训记录") % {"n": guard.name}


class EquipmentSetView(RecordActionView):
    model, perm, form_class, labels = School, CHANGE, EquipmentForm, {}

    def act(self, school, data):
        services.do_set_equipment(school, {data["kind"]: data["count"]}, actor=self.request.user)
        return _("已更新防护装备")

    def back_url(self, school):
        return reverse("defense-school", args=[school.pk])


guard_detail = GuardDetailView.as_view()
guard_add = GuardAddView.as_view()
facility_edit = FacilityEditView.as_view()
guard_release = GuardReleaseView.as_view()
guard_training = GuardTrainingView.as_view()
equipment_set = EquipmentSetView.as_view()
