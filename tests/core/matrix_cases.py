"""Permission matrix cases of the core pages and API."""

from huxiao.core.choices import Role
from huxiao.core.models import ImportJob
from tests.matrix import Case
from tests.world import REACH_A1, WORLD_USERS, make_school

# Sign-in steps before any session exists, and a sign-out: tested in tests/core/test_passwords.py,
# test_otp.py and test_tokens.py.
EXEMPT = {"login-password": "pending sign-in step (no session yet); tests/core/test_passwords.py",
          "login-otp": "pending sign-in step (no session yet); tests/core/test_otp.py",
          "sign-out-everywhere": "acts on the caller only and ends at the sign-in page; tests/core/test_tokens.py"}
ROLE_USERS = set(WORLD_USERS)
LOGGED_IN = ROLE_USERS | {"norole"}
DISTRICT_A_READERS = {"police_a", "edu_a", "inspector_a", "plc_a", "police_city", "edu_city", "admin_province"}
CHANGE_A1 = {"principal_a1", "security_a1", "edu_a", "edu_city", "admin_province"}
ADD_IN_A = {"edu_a", "edu_city", "admin_province"}
ADMINS = {"admin_province", "admin_b"}
IMPORTERS = {"edu_a", "edu_b", "edu_city", "admin_province", "admin_b"}


def extend_world(w):
    from huxiao.core import attachments, services

    w.extra["import_job"] = ImportJob.objects.create(original_name="x.xlsx", path="/nonexistent",
                                                     created_by=w.users["edu_a"], status="failed")
    w.extra["token"], _raw = services.do_issue_token(w.users["edu_a"], "t", actor=w.users["edu_a"])
    w.extra["assignment_a1"] = w.users["principal_a1"].role_assignments.first()
    from django.core.files.uploadedfile import SimpleUploadedFile

    w.extra["attachment"] = attachments.do_store_attachment(
        SimpleUploadedFile("校门.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32), actor=w.users["principal_a1"],
        school=w.schools["a1"])
    w.extra["deletable"] = make_school("2132413077", "待撤并小学", w.regions["town_a1"], w.units["station_a1"])


def school_form(w, region="town_a2", code="2132413099", name="新建测试小学"):
    return {"code": code, "name": name, "school_type": "primary", "ownership": "public", "setting": "urban",
            "students": "500", "boarding_students": "0", "staff": "40", "address": "测试路 9 号",
            "longitude": "119.6", "latitude": "31.7", "region": w.regions[region].code,
            "police_station": w.units["station_a2"].pk, "gate_open_time": "07:20",
            "noon_dismissal_time": "11:40", "afternoon_dismissal_time": "16:30"}


def school_edit_form(w):
    data = school_form(w, region="town_a1", code="2132413001", name="东城实验小学（改）")
    data["police_station"] = w.units["station_a1"].pk
    return data


def school_json(w):
    data = school_form(w)
    data.update(students=500, boarding_students=0, staff=40, longitude=119.6, latitude=31.7)
    return data


def a1(w):
    return w.schools["a1"].pk


CASES = [
    Case("home", lambda w: "/", ROLE_USERS),
    Case("region-root", lambda w: "/regions/", ROLE_USERS),
    Case("region-detail", lambda w: "/regions/320413/", DISTRICT_A_READERS),
    Case("school-list", lambda w: "/schools/", ROLE_USERS),
    Case("school-detail", lambda w: f"/schools/{a1(w)}/", REACH_A1, hidden={"principal_a2", "edu_b", "admin_b"}),
    Case("school-edit", lambda w: f"/schools/{a1(w)}/edit/", CHANGE_A1, hidden={"principal_a2", "edu_b", "admin_b"}),
    Case("school-edit", lambda w: f"/schools/{a1(w)}/edit/", CHANGE_A1, method="POST", data=school_edit_form,
         hidden={"principal_a2", "edu_b", "admin_b"}),
    Case("school-create", lambda w: "/schools/new/", IMPORTERS),
    Case("school-create", lambda w: "/schools/new/", ADD_IN_A, method="POST", data=school_form),
    Case("school-delete", lambda w: f"/schools/{w.extra['deletable'].pk}/delete/", ADD_IN_A, method="POST",
         hidden={"edu_b", "admin_b"}),
    Case("school-import", lambda w: "/schools/import/", IMPORTERS),
    Case("school-import-template", lambda w: "/schools/import/template.xlsx", IMPORTERS),
    Case("school-import-job", lambda w: f"/schools/import/{w.extra['import_job'].pk}/", {"edu_a"}),
    Case("user-list", lambda w: "/users/", ADMINS),
    Case("user-create", lambda w: "/users/new/", ADMINS),
    Case("user-detail", lambda w: f"/users/{w.users['principal_a1'].pk}/", {"admin_province"}, hidden={"admin_b"}),
    Case("user-toggle-active", lambda w: f"/users/{w.users['principal_a1'].pk}/active/", {"admin_province"},
         method="POST", hidden={"admin_b"}),
    Case("user-revoke-role",
         lambda w: f"/users/{w.users['principal_a1'].pk}/roles/{w.extra['assignment_a1'].pk}/revoke/",
         {"admin_province"}, method="POST", hidden={"admin_b"}),
    Case("profile", lambda w: "/me/", LOGGED_IN),
    Case("token-revoke", lambda w: f"/me/tokens/{w.extra['token'].pk}/revoke/", {"edu_a"}, method="POST"),
    Case("password-change", lambda w: "/me/password/", LOGGED_IN),
    Case("otp-setup", lambda w: "/me/otp/", LOGGED_IN),
    Case("user-unlock", lambda w: f"/users/{w.users['principal_a1'].pk}/unlock/", {"admin_province"},
         method="POST", hidden={"admin_b"}),
    Case("user-reset-password", lambda w: f"/users/{w.users['principal_a1'].pk}/reset-password/",
         {"admin_province"}, method="POST", hidden={"admin_b"}),
    Case("user-reset-otp", lambda w: f"/users/{w.users['principal_a1'].pk}/reset-otp/", {"admin_province"},
         method="POST", hidden={"admin_b"}),
    Case("notification-list", lambda w: "/notifications/", LOGGED_IN),
    Case("audit-list", lambda w: "/audit/", ADMINS),
    Case("attachment-download", lambda w: f"/attachments/{w.extra['attachment'].pk}/", REACH_A1,
         hidden={"principal_a2", "edu_b", "admin_b", "norole"}),
    # API
    Case("GET /api/v1/me", lambda w: "/api/v1/me", LOGGED_IN),
    Case("GET /api/v1/regions", lambda w: "/api/v1/regions?parent=320400", LOGGED_IN),
    Case("GET /api/v1/units", lambda w: "/api/v1/units", LOGGED_IN),
    Case("GET /api/v1/schools", lambda w: "/api/v1/schools", LOGGED_IN),
    Case("GET /api/v1/schools/{school_id}", lambda w: f"/api/v1/schools/{a1(w)}", REACH_A1,
         hidden={"principal_a2", "edu_b", "admin_b", "norole"}),
    Case("POST /api/v1/schools", lambda w: "/api/v1/schools", ADD_IN_A, method="POST", data=school_json),
    Case("PATCH /api/v1/schools/{school_id}", lambda w: f"/api/v1/schools/{a1(w)}", CHANGE_A1, method="PATCH",
         data=lambda w: {"students": 1400, "afternoon_dismissal_time": "16:50"},
         hidden={"principal_a2", "edu_b", "admin_b", "norole"}),
    Case("DELETE /api/v1/schools/{school_id}", lambda w: f"/api/v1/schools/{w.extra['deletable'].pk}", ADD_IN_A,
         method="DELETE",
         hidden={"principal_a2", "edu_b", "admin_b", "norole"}),
    Case("GET /api/v1/users", lambda w: "/api/v1/users", ADMINS),
    Case("POST /api/v1/users", lambda w: "/api/v1/users", {"admin_province"}, method="POST",
         data=lambda w: {"username": "newguard", "password": "Guard-pass-2026", "full_name": "新门卫",
                         "roles": [{"role": Role.GUARD.value, "unit_id": w.units["school_a1"].pk}]},
         hidden={"admin_b"}),
    Case("POST /api/v1/users/{user_id}/roles", lambda w: f"/api/v1/users/{w.users['guard_a1'].pk}/roles",
         {"admin_province"}, method="POST",
         data=lambda w: {"role": Role.SECURITY_OFFICER.value, "unit_id": w.units["school_a1"].pk}, hidden={"admin_b"}),
    Case("DELETE /api/v1/users/{user_id}/roles/{assignment_id}",
         lambda w: f"/api/v1/users/{w.users['principal_a1'].pk}/roles/{w.extra['assignment_a1'].pk}",
         {"admin_province"}, method="DELETE", hidden={"admin_b"}),
]
