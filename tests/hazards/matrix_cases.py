"""Permission matrix cases of the hazard ledger pages and API."""

import datetime

from django.utils import timezone

from huxiao.hazards.choices import HazardStatus
from huxiao.hazards.models import EscalationPolicy, Hazard
from tests.matrix import Case
from tests.world import REACH_A1, WORLD_USERS

ROLE_USERS = set(WORLD_USERS)
SCHOOL_A1 = {"principal_a1", "security_a1"}
INSPECT_A1 = {"station_a1", "police_a", "edu_a", "inspector_a", "police_city", "edu_city"}
REPORTERS = {"principal_a1", "security_a1", "principal_a2", "station_a1", "police_a", "edu_a", "inspector_a", "edu_b",
             "police_b", "police_city", "edu_city"}
OFFICIALS = {"station_a1", "police_a", "edu_a", "inspector_a", "plc_a", "edu_b", "police_b", "police_city",
             "edu_city", "admin_province", "admin_b"}
INSPECTORS = {"station_a1", "police_a", "edu_a", "inspector_a", "edu_b", "police_b", "police_city", "edu_city"}
SELF_CHECK_VIEWERS = ROLE_USERS - {"guard_a1"}
FILERS = {"principal_a1", "security_a1", "principal_a2"}
POLICY_MANAGERS = {"police_a", "edu_a", "edu_b", "police_b", "police_city", "edu_city", "admin_province", "admin_b"}
HIDDEN_A1 = {"principal_a2", "edu_b", "police_b", "admin_b"}
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
    w.extra["hazard_pending"] = _hazard(w, HazardStatus.PENDING)
    w.extra["hazard_awaiting"] = _hazard(w, HazardStatus.AWAITING, place="校门口")
    w.extra["policy_a"] = EscalationPolicy.objects.create(name="金坛区开学专项", region_code="320413")
    from django.core.files.uploadedfile import SimpleUploadedFile

    from huxiao.core.attachments import do_store_attachment
    from huxiao.hazards.documents import do_issue_notice
    from tests.hazards.helpers import PNG

    w.extra["notice_a1"], _created = do_issue_notice(w.schools["a1"], actor=w.users["edu_a"])
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
    Case("hazard-list", lambda w: "/hazards/", ROLE_USERS),
    Case("hazard-create", lambda w: "/hazards/new/", REPORTERS),
    Case("hazard-create", lambda w: "/hazards/new/", SCHOOL_A1 | INSPECT_A1, method="POST", data=hazard_form),
    Case("hazard-detail", lambda w: f"/hazards/{pending(w)}/", REACH_A1, hidden=HIDDEN_A1),
    Case("hazard-transition", lambda w: f"/hazards/{pending(w)}/transition/", SCHOOL_A1, method="POST",
         data=lambda w: {"action": "start", "note": "已安排施工"}, hidden=HIDDEN_A1),
    Case("hazard-transition", lambda w: f"/hazards/{awaiting(w)}/transition/", INSPECT_A1, method="POST",
         data=lambda w: {"action": "close", "note": "验收合格"}, hidden=HIDDEN_A1),
    Case("hazard-transition", lambda w: f"/hazards/{awaiting(w)}/transition/", INSPECT_A1, method="POST",
         data=lambda w: {"action": "rework", "note": "仍不足 2 米"}, hidden=HIDDEN_A1),
    Case("hazard-attachment", lambda w: f"/hazards/attachments/{w.extra['photo_a1'].pk}/", REACH_A1,
         hidden=HIDDEN_A1),
    Case("hazard-dashboard", lambda w: "/hazards/dashboard/", OFFICIALS),
    Case("hazard-notice-issue", lambda w: f"/hazards/schools/{w.schools['a1'].pk}/notices/", INSPECT_A1,
         method="POST", data=lambda w: {}, hidden={"edu_b", "police_b"}),
    Case("hazard-notice", lambda w: f"/hazards/notices/{w.extra['notice_a1'].pk}.docx", INSPECT_A1,
         hidden={"edu_b", "police_b"}),
    Case("selfcheck-list", lambda w: "/hazards/self-checks/", SELF_CHECK_VIEWERS),
    Case("selfcheck-create", lambda w: "/hazards/self-checks/new/", FILERS),
    Case("selfcheck-create", lambda w: "/hazards/self-checks/new/", SCHOOL_A1, method="POST",
         data=lambda w: {"school": w.schools["a1"].pk, "month": month(), "no_hazards": "on"}),
    Case("policy-list", lambda w: "/hazards/policies/", POLICY_MANAGERS),
    Case("policy-list", lambda w: "/hazards/policies/", {"admin_province", "admin_b"}, method="POST",
         data=policy_form),
    Case("policy-edit", lambda w: f"/hazards/policies/{w.extra['policy_a'].pk}/",
         {"police_a", "edu_a", "police_city", "edu_city", "admin_province"}, hidden={"edu_b", "police_b", "admin_b"}),
    Case("policy-edit", lambda w: f"/hazards/policies/{w.extra['policy_a'].pk}/",
         {"police_a", "edu_a", "police_city", "edu_city", "admin_province"}, method="POST", data=district_policy_form,
         hidden={"edu_b", "police_b", "admin_b"}),
    # API
    Case("GET /api/v1/hazards/", lambda w: "/api/v1/hazards/", ROLE_USERS),
    Case("POST /api/v1/hazards/", lambda w: "/api/v1/hazards/", SCHOOL_A1 | INSPECT_A1, method="POST",
         data=hazard_json, hidden={"principal_a2", "edu_b", "police_b"}),
    Case("GET /api/v1/hazards/{hazard_id}", lambda w: f"/api/v1/hazards/{pending(w)}", REACH_A1,
         hidden=HIDDEN_A1),
    Case("POST /api/v1/hazards/{hazard_id}/transitions", lambda w: f"/api/v1/hazards/{pending(w)}/transitions",
         SCHOOL_A1, method="POST", data=lambda w: {"action": "start"}, hidden=HIDDEN_A1),
    Case("POST /api/v1/hazards/{hazard_id}/transitions", lambda w: f"/api/v1/hazards/{awaiting(w)}/transitions",
         INSPECT_A1, method="POST", data=lambda w: {"action": "close", "note": "验收合格"}, hidden=HIDDEN_A1),
    Case("POST /api/v1/hazards/schools/{school_id}/notices",
         lambda w: f"/api/v1/hazards/schools/{w.schools['a1'].pk}/notices", INSPECT_A1, method="POST",
         data=lambda w: {}, hidden={"edu_b", "police_b"}),
    Case("GET /api/v1/hazards/notices", lambda w: "/api/v1/hazards/notices", INSPECTORS),
    Case("GET /api/v1/hazards/dashboard", lambda w: "/api/v1/hazards/dashboard", OFFICIALS),
    Case("GET /api/v1/hazards/self-checks", lambda w: "/api/v1/hazards/self-checks", SELF_CHECK_VIEWERS),
    Case("POST /api/v1/hazards/self-checks", lambda w: "/api/v1/hazards/self-checks", SCHOOL_A1, method="POST",
         data=lambda w: {"school_id": w.schools["a1"].pk, "month": month(), "no_hazards": True},
         hidden={"principal_a2"}),
    Case("GET /api/v1/hazards/self-checks/missing", lambda w: "/api/v1/hazards/self-checks/missing",
         SELF_CHECK_VIEWERS),
    Case("GET /api/v1/hazards/policies", lambda w: "/api/v1/hazards/policies", OFFICIALS),
    Case("POST /api/v1/hazards/policies", lambda w: "/api/v1/hazards/policies", {"admin_province", "admin_b"},
         method="POST", data=policy_form),
    Case("PUT /api/v1/hazards/policies/{policy_id}", lambda w: f"/api/v1/hazards/policies/{w.extra['policy_a'].pk}",
         {"police_a", "edu_a", "police_city", "edu_city", "admin_province"}, method="PUT", data=district_policy_form,
         hidden={"edu_b", "police_b", "admin_b"}),
]
