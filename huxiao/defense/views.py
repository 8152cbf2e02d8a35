"""三防 pages: the lists across schools (guards, facilities, equipment; filters, export), a school's records
(人防 with trainings, 物防, 技防 with live networked state), a guard with their trainings, and the forms."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from huxiao.core.audit import record_read
from huxiao.core.models import School
from huxiao.core.records.pages import RecordActionView, RecordDetailView, RecordFormView, model_labels
from huxiao.core.records.views import RecordListView, require_perm
from huxiao.core.scoping import can
from huxiao.defense import filters, selectors, services
from huxiao.defense.forms import EquipmentForm, FacilityForm, GuardForm, ReleaseForm, TrainingForm
from huxiao.defense.models import Equipment, Facility, Guard
from huxiao.defense.permissions import CHANGE, VIEW


class DefenseListView(RecordListView):
    perm = VIEW
    template_name = "defense/record_list.html"
    select_related = ("school",)
    tab = ""

    def extra_context(self, filterset):
        return {"tab": self.tab}


class GuardListView(DefenseListView):
    model, filterset_class, tab = Guard, filters.GuardFilterSet, "guards"
    title = _lazy("安保人员")
    ordering = ("-active", "school_id", "category", "name", "pk")
    prefetch_related = ("trainings",)
    empty_text = _lazy("没有符合条件的安保人员")

    def page_columns(self, request):  # personal columns only for who may see them
        return filters.guard_columns(request.user, page=True)

    def export_columns(self, request):
        return filters.guard_columns(request.user)

    def extra_context(self, filterset):
        return {**super().extra_context(filterset), "names_only": not selectors.record_roster_read(self.request)}


class FacilityListView(DefenseListView):
    model, filterset_class, columns, tab = Facility, filters.FacilityFilterSet, filters.FACILITY_COLUMNS, "facilities"
    title = _lazy("物防设施")
    ordering = ("school_id", "pk")
    empty_text = _lazy("没有符合条件的物防设施记录")


class EquipmentListView(DefenseListView):
    model, filterset_class, columns, tab = Equipment, filters.EquipmentFilterSet, filters.EQUIPMENT_COLUMNS, "equipment"
    title = _lazy("防护装备")
    ordering = ("school_id", "kind", "pk")
    empty_text = _lazy("没有符合条件的防护装备记录")


@require_perm(VIEW)
def my_school(request):
    """A school's own staff go to their school's records; officials to the lists across their schools."""
    schools = School.objects.visible_to(request.user, VIEW).order_by("pk")
    if schools.count() == 1:
        return redirect("defense-school", pk=schools.first().pk)
    return redirect("defense-guard-list")


class SchoolRecordsView(RecordDetailView):
    """A school's 三防 records: 人防 with trainings, 物防, equipment, 技防 with live networked state (the
    roster's read audited by ``services.read_roster``), and the forms changing them."""

    model, perm, template_name, context_object_name = School, VIEW, "defense/school.html", "school"

    def get_context(self, school):
        user = self.request.user
        return {**selectors.school_page(school, actor=user, request=self.request),
                "can_change": can(user, CHANGE, school), "release_form": ReleaseForm(),
                "can_register": can(user, "devices.register_device", school),
                "equipment_form": EquipmentForm(), "training_form": TrainingForm()}


class GuardDetailView(RecordDetailView):
    """A guard with their trainings and evidence: personal fields (and the read audit) only for who may see them."""

    model, perm, template_name = Guard, VIEW, "defense/guard.html"
    select_related, prefetch_related = ("school",), ("trainings",)

    def audit_read(self, guard):
        if services.may_see_personal(self.request.user, guard.school):
            record_read(guard, actor=self.request.user, request=self.request)

    def get_context(self, guard):
        row = selectors.guard_detail(guard, self.request.user)
        return {"g": row, "evidence": guard.evidence.all() if row["personal"] else (),
                "trainings": row["training_records"] or (),
                "can_change": can(self.request.user, CHANGE, guard) and guard.active,
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
        data, id_number = form.guard_data()
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

