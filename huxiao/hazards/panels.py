"""The hazard ledger's section on the school detail page: open, overdue and closed hazards, last self-check."""

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from huxiao.core.panels import Panel
from huxiao.core.scoping import has_perm
from huxiao.hazards.choices import OPEN_STATUSES, OWED_STATUSES
from huxiao.hazards.models import Hazard, SelfCheck

PERM = "hazards.view_hazard"


def school_panels(request, school):
    if not has_perm(request.user, PERM):
        return []
    today = timezone.localdate()
    counts = Hazard.objects.visible_to(request.user, PERM).live().filter(school=school).aggregate(
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("id", filter=Q(status__in=OWED_STATUSES, deadline__lt=today)),
        closed=Count("id", filter=Q(status="closed")))
    last = SelfCheck.objects.visible_to(request.user, PERM).filter(school=school).order_by("-month").first()
    return [Panel(_("隐患台账"), "hazards/_school_panel.html", {
        "school": school, **counts, "last_self_check": last,
        "can_notice": has_perm(request.user, "hazards.issue_document") and counts["open"]}, order=40)]
