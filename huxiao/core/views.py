"""Pages of the school registry: home, region navigation, school list/detail/edit."""

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from huxiao.core import services, worklist
from huxiao.core.choices import SchoolType
from huxiao.core.discovery import app_modules
from huxiao.core.forms import SchoolForm
from huxiao.core.models import Region, School
from huxiao.core.records.pages import RecordDetailView, RecordFormView, model_labels
from huxiao.core.records.views import RecordListView, get_visible_or_404
from huxiao.core.school_filters import COLUMNS as SCHOOL_COLUMNS
from huxiao.core.school_filters import SchoolFilterSet
from huxiao.core.scoping import can, has_perm, scope_for

MAP_POINT_LIMIT = 3000


def require_perm(perm):
    """Page decorator: signed in and holding a role that grants ``perm`` (403 otherwise)."""

    def decorator(view):
        @login_required
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_perm(request.user, perm):
                raise PermissionDenied(_("您的角色无权访问此页面"))
            return view(request, *args, **kwargs)

        wrapped.required_perm = perm
        return wrapped

    return decorator


def visible_schools(request, perm="core.view_school"):
    return School.objects.visible_to(request.user, perm)


def top_regions(user):
    """The regions a user's jurisdiction starts at, for navigation."""
    return list(scope_for(user).top_regions())


@require_perm("core.view_school")
def home(request):
    """工作台: the user's to-do items from every app (core.worklist), then the summary of their schools."""
    schools = visible_schools(request)
    totals = schools.aggregate(n=Count("id"), students=Sum("students"), staff=Sum("staff"))
    by_type = {row["school_type"]: row["n"] for row in schools.values("school_type").annotate(n=Count("id"))}
    type_rows = [(label, by_type.get(value, 0)) for value, label in SchoolType.choices]
    scope = scope_for(request.user)
    own_school = None
    if not scope.region_prefixes and scope.school_ids:
        own_school = schools.first()
    return render(request, "core/home.html", {
        "work_items": worklist.collect(request),
        "totals": totals, "type_rows": type_rows, "regions": top_regions(request.user),
        "own_school": own_school, "key_units": schools.filter(key_security_unit=True).count(),
        "boarding": schools.filter(boarding=True).count(),
    })


@require_perm("core.view_school")
def region_root(request):
    regions = top_regions(request.user)
    if len(regions) == 1:
        return redirect("region-detail", code=regions[0].code)
    return render(request, "core/region_root.html", {"regions": regions})


def _map_figures_url(user, region) -> str:
    """Where the map reads its schools' figures: the first app that offers them to this user."""
    return next((url for _app, module in app_modules("region_map") if (url := module.figures_url(user, region))), "")


@require_perm("core.view_school")
def region_detail(request, code):
    region = get_object_or_404(Region, pk=code)
    scope = scope_for(request.user, "core.view_school")
    if not scope.covers_region(region):
        raise Http404(_("该区划不在您的管辖范围内"))
    schools = visible_schools(request).filter(region_code__startswith=region.prefix)
    counts = {}
    children = list(region.children.all())
    if children:
        rows = schools.values("region_code").annotate(n=Count("id"))
        for row in rows:
            for child in children:
                if row["region_code"].startswith(child.prefix):
                    counts[child.code] = counts.get(child.code, 0) + row["n"]
    child_rows = [(c, counts.get(c.code, 0)) for c in children]
    points = [{"id": p["id"], "name": p["name"], "lat": float(p["latitude"]), "lon": float(p["longitude"]),
               "type": p["school_type"]}
              for p in schools.filter(latitude__isnull=False).values("id", "name", "latitude", "longitude",
                                                                     "school_type")[:MAP_POINT_LIMIT]]
    return render(request, "core/region_detail.html", {
        "map_points": points, "map_tile_url": settings.MAP_TILE_URL, "figures_url": _map_figures_url(request.user, region),
        "region": region, "ancestors": [a for a in region.ancestors() if scope.covers_region(a)],
        "child_rows": child_rows, "total": schools.count()})


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


school_list = SchoolListView.as_view()


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


school_detail = SchoolDetailView.as_view()


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


school_create = SchoolCreateView.as_view()
school_edit = SchoolEditView.as_view()


@require_POST
@require_perm("core.delete_school")
def school_delete(request, pk):
    school = get_visible_or_404(request, School, pk, "core.delete_school")
    try:
        services.do_delete_school(school, actor=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("school-detail", pk=pk)
    messages.success(request, _("已删除学校 %(n)s") % {"n": school.name})
    return redirect("school-list")
