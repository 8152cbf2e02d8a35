"""Permission matrix cases of what the record layer added to the hazard ledger: the Excel exports of its
lists and 作废 (void) on the page and the API."""

import datetime

from django.utils import timezone

from huxiao.hazards.models import Hazard
from tests.matrix import Case

VIEW, VIEW_CHECK, DOCUMENT, VOID = ("hazards.view_hazard", "hazards.view_self_check", "hazards.issue_document",
                                    "hazards.void_hazard")


def extend_world(w):
    today = timezone.localdate()
    w.extra["hazard_to_void"] = Hazard.objects.create(
        school=w.schools["a1"], place="西侧围墙", description="重复登记的隐患", category="campus", severity="general",
        source="joint_inspection", found_by=w.users["edu_a"], found_on=today, responsible_unit="东城实验小学",
        responsible_person="张校长", deadline=today + datetime.timedelta(days=10))


def to_void(w):
    return w.extra["hazard_to_void"].pk


CASES = [
    Case("hazard-list", lambda w: "/hazards/?export=xlsx&status=open", perm=VIEW),
    Case("selfcheck-list", lambda w: "/hazards/self-checks/?export=xlsx", perm=VIEW_CHECK),
    Case("hazard-void", lambda w: f"/hazards/{to_void(w)}/void/", method="POST",
         data=lambda w: {"void_reason": "重复登记"}, perm=VOID, reach="a1"),
    # API
    Case("GET /api/v1/hazards/export", lambda w: "/api/v1/hazards/export", perm=VIEW),
    Case("GET /api/v1/hazards/self-checks/export", lambda w: "/api/v1/hazards/self-checks/export", perm=VIEW_CHECK),
    Case("GET /api/v1/hazards/notices/export", lambda w: "/api/v1/hazards/notices/export", perm=DOCUMENT),
    Case("POST /api/v1/hazards/{hazard_id}/void", lambda w: f"/api/v1/hazards/{to_void(w)}/void", method="POST",
         data=lambda w: {"reason": "重复登记"}, perm=VOID, reach="a1"),
]
