"""The inspections' entry on the inspectors' 工作台: schools of their reach not yet inspected this semester,
the priority ones (rural, 城乡结合部, complex surroundings, private) counted apart, as on the coverage page."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from huxiao.core.models import School
from huxiao.core.scoping import has_perm, scope_for
from huxiao.core.worklist import INFO, WARNING, Item, list_url
from huxiao.inspections import services
from huxiao.inspections.models import Inspection

RECORD, COVERAGE = "inspections.record_inspection", "inspections.view_coverage"
PRIORITY = Q(setting__in=("rural", "town")) | Q(complex_environment=True) | Q(ownership="private")


def work_items(request) -> list[Item]:
    user = request.user
    if not (has_perm(user, RECORD) and has_perm(user, COVERAGE)) or not scope_for(user, COVERAGE).reaches_regions:
        return []
    semester = services.current_semester()
    inspected = Inspection.objects.live().filter(inspected_on__gte=semester.start, inspected_on__lte=semester.end)
    figures = School.objects.visible_to(user, COVERAGE).exclude(pk__in=inspected.values("school_id")).aggregate(
        n=Count("id"), priority=Count("id", filter=PRIORITY))
    return [Item("inspections.uninspected", _("本学期尚未检查的学校"), figures["n"], list_url("inspection-coverage"),
                 detail=_("%(s)s；其中重点学校 %(p)d 所") % {"s": semester.name, "p": figures["priority"]},
                 level=WARNING if figures["priority"] else INFO, order=60)]
