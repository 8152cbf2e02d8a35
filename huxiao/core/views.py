"""Pages of the school registry: home, region navigation, school list/detail/edit/delete; what they show
is read in ``core.selectors``."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from huxiao.core import selectors, services, worklist
from huxiao.core.forms import SchoolForm
from huxiao.core.models import Region, School
from huxiao.core.records.pages import RecordActionView, RecordDetailView, RecordFormView, model_labels
from huxiao.core.records.views import RecordListView, require_perm  # apps import require_perm from here too
from huxiao.core.school_filters import COLUMNS as SCHOOL_COLUMNS
from huxiao.core.school_filters import SchoolFilterSet
from huxiao.core.scoping import can, has_perm, scope_for


@require_perm("core.view_school")
def home(request):
    """工作台: the user's to-do items from every app (core.worklist), then the summary of their schools."""
    return render(request, "core/home.html", {"work_items": worklist.collect(request),
                                              **selectors.school_summary(request.user)})


@require_perm("core.view_school")
def region_root(request):
    regions = selectors.top_regions(request.user)
    if len(regions) == 1:
        return redirect("region-detail", code=regions[0].code)
    return render(request, "core/region_root.html", {"regions": regions})


@require_perm("core.view_school")
def region_detail(request, code):
    overview = selectors.region_overview(request.user, get_object_or_404(Region, pk=code))
    return render(request, "core/region_detail.html", {"map_tile_url": settings.MAP_TILE_URL, **overview})


class SchoolListView(RecordListView):
    """学校台账: the registry's one filterset (region picker, type, ownership, setting, boarding, key unit)
    and "导出 Excel"; the import flow is reached from its buttons."""

    model, filterset_class, columns, perm = School, SchoolFilterSet, SCHOOL_COLUMNS, "core.view_school"
    title = _lazy("学校台账")
    template_name = "core/school_list.html"
    ordering = ("region_code", "name")
    select_related = ("region", "police_station")
    create_url_name, create_perm, create_label = "school-create", "core.add_school", _lazy("新增学校")
    empty_text = _lazy("没有符合条件的学校")

    def extra_context(self, filterset):
        return {"can_import": has_perm(self.request.user, "core.import_school")}


class SchoolDetailView(RecordDetailView):
    """A school's page: its record, contacts (in full only to its security staff and the supervising
    officials; every view audited as a read) and the panels every app adds."""

    model, perm, template_name, read_what = School, "core.view_school", "core/school_detail.html", ""
    select_related = ("region", "district", "police_station")

    def get_context(self, school):
        from huxiao.core.panels import school_panels

        user = self.request.user
        return {"contacts": school.contacts_for(user), "can_edit": can(user, "core.change_school", school),
                "can_delete": can(user, "core.delete_school", school), "panels": school_panels(self.request, school)}


class SchoolCreateView(RecordFormView):
    form_class, template_name, perm = SchoolForm, "core/school_form.html", "core.add_school"
    title, success_message, success_url_name = _lazy("新增学校"), _lazy("已新增学校"), "school-detail"

    def error_labels(self):
        return model_labels(School)

    def scope(self):
        return scope_for(self.request.user, self.perm)

    def get_form_kwargs(self):
        return {"scope": self.scope()}

    def get_context(self, form):
        return {"school": self.target, "title": self.title}

    def save(self, form):
        try:
            return services.do_create_school(dict(form.cleaned_data), actor=self.request.user)
        except PermissionDenied:
            raise ValidationError({"region": _("该区划不在您的管辖范围内")}) from None


class SchoolEditView(SchoolCreateView):
    perm, target_model, title, success_message = "core.change_school", School, _lazy("编辑学校"), _lazy("已保存学校信息")

    def get_form_kwargs(self):
        return {"scope": self.scope(), "instance": self.target}

    def make_form(self, data=None, files=None):
        form = super().make_form(data, files)
        if not self.scope().region_prefixes:  # a school's own staff keep its code, region and station
            for name in ("code", "region", "police_station"):
                form.fields[name].disabled = True
        return form

    def save(self, form):
        fresh = School.objects.get(pk=self.target.pk)
        return services.do_update_school(fresh, dict(form.cleaned_data), actor=self.request.user)


class SchoolDeleteView(RecordActionView):
    """删除学校, from its page: refused (the school already has records) → back to it with the reason."""

    model, perm = School, "core.delete_school"

    def act(self, school, data):
        services.do_delete_school(school, actor=self.request.user)
        return _("已删除学校 %(n)s") % {"n": school.name}

    def back_url(self, school):
        return reverse("school-detail", args=[self.kwargs["pk"]])

    def success_url(self, school):
        return reverse("school-list")
