"""Permission matrix cases of the core pages and API."""

from huxiao.core.choices import Role
from huxiao.core.models import ImportJob
from tests.matrix import SIGNED_IN, Case
from tests.world import make_school

# Sign-in steps before any session exists, and a sign-out: tested in tests/core/test_passwords.py,
# test_otp.py and test_tokens.py.
EXEMPT = {"login-password": "pending sign-in step (no session yet); tests/core/test_passwords.py",
          "login-otp": "pending sign-in step (no session yet); tests/core/test_otp.py",
          "sign-out-everywhere": "acts on the caller only and ends at the sign-in page; tests/core/test_tokens.py"}
VIEW, CHANGE, ADD, DELETE = "core.view_school", "core.change_school", "core.add_school", "core.delete_school"
IMPORT, USERS = "core.import_school", "core.manage_users"

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
    Case("home", lambda w: "/", perm=VIEW),
    Case("region-root", lambda w: "/regions/", perm=VIEW),
    Case("region-detail", lambda w: "/regions/320413/", perm=VIEW, reach="district_a"),
    Case("school-list", lambda w: "/schools/", perm=VIEW),
    Case("school-detail", lambda w: f"/schools/{a1(w)}/", perm=VIEW, reach="a1"),
    Case("school-edit", lambda w: f"/schools/{a1(w)}/edit/", perm=CHANGE, reach="a1"),
    Case("school-edit", lambda w: f"/schools/{a1(w)}/edit/", perm=CHANGE, reach="a1", method="POST",
         data=school_edit_form),
    Case("school-create", lambda w: "/schools/new/", perm=ADD),
    # the new school's town is a form field: out of reach, the form is shown again naming it
    Case("school-create", lambda w: "/schools/new/", perm=ADD, reach="a2", out_of_reach=None, method="POST",
         data=school_form),
    Case("school-delete", lambda w: f"/schools/{w.extra['deletable'].pk}/delete/", perm=DELETE, reach="a1",
         method="POST"),
    Case("school-import", lambda w: "/schools/import/", perm=IMPORT),
    Case("school-import-template", lambda w: "/schools/import/template.xlsx", perm=IMPORT),
    Case("school-import-job", lambda w: f"/schools/import/{w.extra['import_job'].pk}/", perm=IMPORT,
         reach={"edu_a"}),  # an import's report is its importer's
    Case("user-list", lambda w: "/users/", perm=USERS),
    Case("user-create", lambda w: "/users/new/", perm=USERS),
    Case("user-detail", lambda w: f"/users/{w.users['principal_a1'].pk}/", perm=USERS, reach="a1"),
    Case("user-toggle-active", lambda w: f"/users/{w.users['principal_a1'].pk}/active/", perm=USERS, reach="a1",
         method="POST"),
    Case("user-revoke-role",
         lambda w: f"/users/{w.users['principal_a1'].pk}/roles/{w.extra['assignment_a1'].pk}/revoke/",
         perm=USERS, reach="a1", method="POST"),
    Case("profile", lambda w: "/me/", perm=SIGNED_IN),
    Case("token-revoke", lambda w: f"/me/tokens/{w.extra['token'].pk}/revoke/", perm=SIGNED_IN, reach={"edu_a"},
         method="POST"),  # an API token is its owner's
    Case("password-change", lambda w: "/me/password/", perm=SIGNED_IN),
    Case("otp-setup", lambda w: "/me/otp/", perm=SIGNED_IN),
    Case("user-unlock", lambda w: f"/users/{w.users['principal_a1'].pk}/unlock/", perm=USERS, reach="a1",
         method="POST"),
    Case("user-reset-password", lambda w: f"/users/{w.users['principal_a1'].pk}/reset-password/", perm=USERS,
         reach="a1", method="POST"),
    Case("user-reset-otp", lambda w: f"/users/{w.users['principal_a1'].pk}/reset-otp/", perm=USERS, reach="a1",
         method="POST"),
    Case("notification-list", lambda w: "/notifications/", perm=SIGNED_IN),
    Case("audit-list", lambda w: "/audit/", perm="core.view_audit"),
    # an attachment is read with the permission of the record it documents: signed in is enough here
    Case("attachment-download", lambda w: f"/attachments/{w.extra['attachment'].pk}/", perm=SIGNED_IN, reach="a1"),
    # API
    Case("GET /api/v1/me", lambda w: "/api/v1/me", perm=SIGNED_IN),
    Case("GET /api/v1/regions", lambda w: "/api/v1/regions?parent=320400", perm=SIGNED_IN),
    Case("GET /api/v1/units", lambda w: "/api/v1/units", perm=SIGNED_IN),
    Case("GET /api/v1/schools", lambda w: "/api/v1/schools", perm=VIEW,
         also={"norole"}),  # without a role the list is empty, not refused
    Case("GET /api/v1/schools/{school_id}", lambda w: f"/api/v1/schools/{a1(w)}", perm=VIEW, reach="a1"),
    # the new school's town is a body field: out of reach, 422 naming it
    Case("POST /api/v1/schools", lambda w: "/api/v1/schools", perm=ADD, reach="a2", out_of_reach=None,
         method="POST", data=school_json),
    Case("PATCH /api/v1/schools/{school_id}", lambda w: f"/api/v1/schools/{a1(w)}", perm=CHANGE, reach="a1",
         method="PATCH", data=lambda w: {"students": 1400, "afternoon_dismissal_time": "16:50"}),
    Case("DELETE /api/v1/schools/{school_id}", lambda w: f"/api/v1/schools/{w.extra['deletable'].pk}",
         perm=DELETE, reach="a1", method="DELETE"),
    Case("GET /api/v1/users", lambda w: "/api/v1/users", perm=USERS),
    Case("POST /api/v1/users", lambda w: "/api/v1/users", perm=USERS, reach="a1", method="POST",
         data=lambda w: {"username": "newguard", "password": "Guard-pass-2026", "full_name": "新门卫",
                         "roles": [{"role": Role.GUARD.value, "unit_id": w.units["school_a1"].pk}]},
         audit_entries=2),  # the account and its role: two records, each audited
    Case("POST /api/v1/users/{user_id}/roles", lambda w: f"/api/v1/users/{w.users['guard_a1'].pk}/roles",
         perm=USERS, reach="a1", method="POST",
         data=lambda w: {"role": Role.SECURITY_OFFICER.value, "unit_id": w.units["school_a1"].pk}),
    Case("DELETE /api/v1/users/{user_id}/roles/{assignment_id}",
         lambda w: f"/api/v1/users/{w.users['principal_a1'].pk}/roles/{w.extra['assignment_a1'].pk}",
         perm=USERS, reach="a1", method="DELETE"),
]
