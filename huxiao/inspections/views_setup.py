"""The checklist templates and the inspection plans: record-layer lists whose page also creates one (the
form below the list; refused, it is shown again with the refusal on its field, marked)."""

from django.utils.translation import gettext_lazy as _lazy

from huxiao.core.models import Region
from huxiao.core.records.pages import RecordListWithFormView
from huxiao.core.scoping import scope_for
from huxiao.hazards.services import policies_for
from huxiao.inspections import services
from huxiao.inspections.filters import PLAN_COLUMNS, TEMPLATE_COLUMNS, PlanFilterSet, TemplateFilterSet
from huxiao.inspections.forms import PlanForm, TemplateForm
from huxiao.inspections.models import ChecklistTemplate, InspectionPlan


def _regions_in_reach(user, perm):
    scope = scope_for(user, perm)
    regions = Region.objects.filter(level__in=["province", "city", "county"])
    regions = regions.filter(scope.q("code", None))
    return regions.order_by("code")


class TemplateListView(RecordListWithFormView):
    model, filterset_class, columns, perm = ChecklistTemplate, TemplateFilterSet, TEMPLATE_COLUMNS, \
        "inspections.view_template"
    title = _lazy("检查表")
    template_name = "inspections/template_list.html"
    ordering = ("-builtin", "name", "id")
    prefetch_related = ("items",)
    manage_perm = "inspections.manage_template"
    created_message = _lazy("已新建检查表“%(n)s”")
    empty_text = _lazy("没有符合条件的检查表")

    def get_queryset(self):
        return ChecklistTemplate.objects.available_to(self.request.user).prefetch_related("items")

    def make_form(self, data=None):
        return TemplateForm(data, regions=_regions_in_reach(self.request.user, self.manage_perm))

    def create(self, form):
        d = form.cleaned_data
        region = Region.objects.filter(pk=d["region"]).first()
        return services.do_create_template(d["name"], form.item_rows(), actor=self.request.user, region=region,
                                           source=d["source"]).name


class PlanListView(RecordListWithFormView):
    model, filterset_class, columns, perm = InspectionPlan, PlanFilterSet, PLAN_COLUMNS, "inspections.view_plan"
    title = _lazy("检查计划")
    template_name = "inspections/plan_list.html"
    ordering = ("-created_at", "-id")
    select_related = ("semester", "template", "region")
    manage_perm = "inspections.manage_plan"
    created_message = _lazy("已新建检查计划“%(n)s”")
    empty_text = _lazy("暂无检查计划")

    def make_form(self, data=None):
        user = self.request.user
        return PlanForm(data, regions=_regions_in_reach(user, self.manage_perm),
                        templates=ChecklistTemplate.objects.available_to(user), policies=policies_for(user))

    def create(self, form):
        return services.do_create_plan(dict(form.cleaned_data), actor=self.request.user).name

    def extra_context(self, filterset):
        return {**super().extra_context(filterset), "semester": services.current_semester()}


template_list = TemplateListView.as_view()
plan_list = PlanListView.as_view()
