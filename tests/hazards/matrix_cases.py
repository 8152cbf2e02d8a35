"""Permission matrix cases of the hazard ledger pages and API."""

import datetime

from django.utils import timezone

from huxiao.hazards.choices import HazardStatus
from huxiao.hazards.models import EscalationPolicy, Hazard
from tests.matrix import Case
from tests.world import ADMINS, OFFICIALS

VIEW, REPORT, RECTIFY, ACCEPT = "hazards.view_hazard", "hazards.report_hazard", "hazards.rectify_hazard", \
    "hazards.accept_hazard"
DASHBOARD, DOCUMENT, POLICY = "hazards.view_dashboard", "hazards.issue_document", "hazards.manage_policy"
FILE_CHECK, VIEW_CHECK = "hazards.file_self_check", "hazards.view_self_check"
# a platform-wide policy (no region) is the system administrators', wherever their own unit is
NOT_ADMINS = OFFICIALS - ADMINS
EXEMPT = {
    "POST /api/v1/hazards/attachments": "multipart upload; permissions and bad files tested in tests/hazards/test_api.py",
}


def _hazard(w, status, **kw):
    today = timezone.localdate()
    data = dict(school=w.schools["a1"], place="东侧围墙", description="围墙高度不足 2 米", category="campus",
                severity="general", source="joint_inspection", found_by=w.users["edu_a"], found_on=today,
                responsible_unit="东城实验小学", responsible_person="张校长", deadline=today + datetime.timedelta(days=10),
                status=status)
    data.update(kw)
    return Hazard.objects.create(**data)


def extend_world(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from huxiao.core.attachments import do_store_attachment
    from huxiao.hazards.documents import do_issue_notice
    from tests.hazards.helpers import PNG

    w.extra["hazard_pending"] = _hazard(w, HazardStatus.PENDING)
    # today's notice lists the pending hazard only: issuing one now (listing both) is a new notice, not the
    # same one given back
    w.extra["notice_a1"], _created = do_issue_notice(w.schools["a1"], actor=w.users["edu_a"])
    w.extra["hazard_awaiting"] = _hazard(w, HazardStatus.AWAITING, place="校门口")
    w.extra["policy_a"] = EscalationPolicy.objects.create(name="金坛区开学专项", region_code="320413")
    w.extra["photo_a1"] = do_store_attachment(SimpleUploadedFile("p.png", PNG), actor=w.users["edu_a"],
                                              school=w.schools["a1"])


def hazard_form(w, school="a1"):
    today = timezone.localdate()
    return {"school": w.schools[school].pk, "place": "北门", "description": "门卫室无一键报警", "category": "campus",
            "severity": "general", "source": "joint_inspection", "found_on": today.isoformat(),
            "responsible_unit": "东城实验小学", "responsible_person": "王老师",
            "deadline": (today + datetime.timedelta(days=20)).isoformat()}


def hazard_json(w):
    data = hazard_form(w)
    data["school_id"] = data.pop("school")
    return data


def policy_form(w):
    return {"name": "测试规则", "campaign": "专项", "region_code": "", "remind_days_before": 3,
            "notice_after_days": 1, "interview_after_days": 10, "listing_after_days": 20, "self_check_due_day": 5}


def district_policy_form(w):
    return dict(policy_form(w), name="金坛区开学专项", region_code="320413")


def pending(w):
    return w.extra["hazard_pending"].pk


def awaiting(w):
    return w.extra["hazard_awaiting"].pk


def month():
    return f"{timezone.localdate():%Y-%m}"


CASES = [
    Case("hazard-list", lambda w: "/hazards/", perm=VIEW),
    Case("hazard-create", lambda w: "/hazards/new/", perm=REPORT),
    # the school is a form field: out of reach it is not offered, and the form is shown again
    Case("hazard-create", lambda w: "/hazards/new/", perm=REPORT, reach="a1", out_of_reach=None, method="POST",
         data=hazard_form),
    Case("hazard-detail", lambda w: f"/hazards/{pending(w)}/", perm=VIEW, reach="a1"),
    Case("hazard-transition", lambda w: f"/hazards/{pending(w)}/transition/", perm=RECTIFY, reach="a1",
         method="POST", data=lambda w: {"action": "start", "note": "已安排施工"}),
    Case("hazard-transition", lambda w: f"/hazards/{awaiting(w)}/transition/", perm=ACCEPT, reach="a1",
         method="POST", data=lambda w: {"action": "close", "note": "验收合格"}),
    Case("hazard-transition", lambda w: f"/hazards/{awaiting(w)}/transition/", perm=ACCEPT, reach="a1",
         method="POST", data=lambda w: {"action": "rework", "note": "仍不足 2 米"}),
    Case("hazard-attachment", lambda w: f"/hazards/attachments/{w.extra['photo_a1'].pk}/", perm=VIEW, reach="a1"),
    Case("hazard-dashboard", lambda w: "/hazards/dashboard/", perm=DASHBOARD),
    Case("hazard-notice-issue", lambda w: f"/hazards/schools/{w.schools['a1'].pk}/notices/", perm=DOCUMENT,
         reach="a1", method="POST", data=lambda w: {}),
    Case("hazard-notice", lambda w: f"/hazards/notices/{w.extra['notice_a1'].pk}.docx", perm=DOCUMENT, reach="a1"),
    Case("selfcheck-list", lambda w: "/hazards/self-checks/", perm=VIEW_CHECK),
    Case("selfcheck-create", lambda w: "/hazards/self-checks/new/", perm=FILE_CHECK),
    # the school is a form field: out of reach it is not offered, and the form is shown again
    Case("selfcheck-create", lambda w: "/hazards/self-checks/new/", perm=FILE_CHECK, reach="a1", out_of_reach=None,
         method="POST", data=lambda w: {"school": w.schools["a1"].pk, "month": month(), "no_hazards": "on"}),
    Case("policy-list", lambda w: "/hazards/policies/", perm=POLICY),
    Case("policy-list", lambda w: "/hazards/policies/", perm=POLICY, except_=NOT_ADMINS, method="POST",
         data=policy_form),
    Case("policy-edit", lambda w: f"/hazards/policies/{w.extra['policy_a'].pk}/", perm=POLICY, reach="district_a"),
    Case("policy-edit", lambda w: f"/hazards/policies/{w.extra['policy_a'].pk}/", perm=POLICY, reach="district_a",
         method="POST", data=district_policy_form),
    # API
    Case("GET /api/v1/hazards/", lambda w: "/api/v1/hazards/", perm=VIEW),
    Case("POST /api/v1/hazards/", lambda w: "/api/v1/hazards/", perm=REPORT, reach="a1", method="POST",
         data=hazard_json),
    Case("GET /api/v1/hazards/{hazard_id}", lambda w: f"/api/v1/hazards/{pending(w)}", perm=VIEW, reach="a1"),
    Case("POST /api/v1/hazards/{hazard_id}/transitions", lambda w: f"/api/v1/hazards/{pending(w)}/transitions",
         perm=RECTIFY, reach="a1", method="POST", data=lambda w: {"action": "start"}),
    Case("POST /api/v1/hazards/{hazard_id}/transitions", lambda w: f"/api/v1/hazards/{awaiting(w)}/transitions",
         perm=ACCEPT, reach="a1", method="POST", data=lambda w: {"action": "close", "note": "验收合格"}),
    Case("POST /api/v1/hazards/schools/{school_id}/notices",
         lambda w: f"/api/v1/hazards/schools/{w.schools['a1'].pk}/notices", perm=DOCUMENT, reach="a1", method="POST",
         data=lambda w: {}),
    Case("GET /api/v1/hazards/notices", lambda w: "/api/v1/hazards/notices", perm=DOCUMENT),
    Case("GET /api/v1/hazards/dashboard", lambda w: "/api/v1/hazards/dashboard", perm=DASHBOARD),
    Case("GET /api/v1/hazards/self-checks", lambda w: "/api/v1/hazards/self-checks", perm=VIEW_CHECK),
    Case("POST /api/v1/hazards/self-checks", lambda w: "/api/v1/hazards/self-checks", perm=FILE_CHECK, reach="a1",
         method="POST", data=lambda w: {"school_id": w.schools["a1"].pk, "month": month(), "no_hazards": True}),
    Case("GET /api/v1/hazards/self-checks/missing", lambda w: "/api/v1/hazards/self-checks/missing",
         perm=VIEW_CHECK),
    Case("GET /api/v1/hazards/policies", lambda w: "/api/v1/hazards/policies", perm=DASHBOARD),
    Case("POST /api/v1/hazards/policies", lambda w: "/api/v1/hazards/policies", perm=POLICY, except_=NOT_ADMINS,
         method="POST", data=policy_form),
    Case("PUT /api/v1/hazards/policies/{policy_id}", lambda w: f"/api/v1/hazards/policies/{w.extra['policy_a'].pk}",
         perm=POLICY, reach="district_a", method="PUT", data=district_policy_form),
]
