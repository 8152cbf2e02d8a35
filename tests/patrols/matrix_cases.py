"""Permission matrix cases of the 护学岗 pages and API (derived form: perm=, reach=)."""

import datetime
import uuid

from django.utils import timezone

from huxiao.core.actions import SYSTEM
from huxiao.patrols import services
from tests.matrix import Case
from tests.patrols.helpers import DAY, at, body, patrol_world

VIEW_POST, MANAGE_POST = "patrols.view_post", "patrols.manage_post"
VIEW_PERSON, VIEW_ROSTER, MANAGE_ROSTER = "patrols.view_person", "patrols.view_roster", "patrols.manage_roster"
VIEW_CHECKIN, CHECK_IN, DASHBOARD = "patrols.view_checkin", "patrols.check_in", "patrols.view_dashboard"


def extend_world(w):
    patrol_world(w)
    w.extra["exception_a1"] = services.do_add_roster_exception(
        w.extra["roster_a1"], {"date": roster_day(w, weeks=1), "note": "培训"}, actor=SYSTEM)


def roster_day(w, weeks):
    """A date of roster_a1 (Wednesdays from today on) ``weeks`` weeks after its first."""
    start = timezone.localdate()
    first = start + datetime.timedelta(days=(w.extra["roster_a1"].weekday - start.weekday()) % 7)
    return first + datetime.timedelta(weeks=weeks)


def exception_json(w):
    return {"roster_id": w.extra["roster_a1"].pk, "date": roster_day(w, weeks=2).isoformat(),
            "substitute_id": w.extra["guard_person_a1"].pk, "note": "张民警参加培训"}


def exception_form(w):
    return {"roster": w.extra["roster_a1"].pk, "date": roster_day(w, weeks=2).isoformat(), "substitute_id": "",
            "note": "停课"}


def post_json(w):
    return {"school_id": w.schools["a1"].pk, "name": "北门护学岗", "kind": "police", "latitude": 31.7231,
            "longitude": 119.5972, "datum": "gcj02"}


def post_form(w):
    return {"school": w.schools["a1"].pk, "name": "北门护学岗", "kind": "police", "datum": "wgs84",
            "latitude": "31.7231", "longitude": "119.5972", "radius_m": 200, "lead_minutes": 15,
            "tail_minutes": 15, "grace_minutes": 10}


def person_json(w):
    return {"school_id": w.schools["a1"].pk, "name": "赵辅警", "kind": "auxiliary", "unit_name": "东城派出所"}


def roster_json(w):
    return {"post_id": w.extra["post_a1"].pk, "person_id": w.extra["person_a1"].pk, "weekday": 4, "window": "noon"}


def check_in_json(w):  # a fresh client key for every request
    return body(w.extra["post_a1"], w.extra["person_a1"], when=at(DAY, 16, 12), client_key=str(uuid.uuid4()))


def sync_json(w):
    return {"items": [check_in_json(w)]}


def timetable_json(w):
    return {"school_id": w.schools["a1"].pk, "season": "winter", "starts_on_month": 10, "starts_on_day": 1,
            "gate_open_time": "07:30", "noon_dismissal_time": "11:50", "afternoon_dismissal_time": "16:20"}


def post_a1(w):
    return w.extra["post_a1"].pk


EXEMPT = {
    "patrol-sw": "the phone page's service worker script: the same static code for everyone, no data",
    "patrol-manifest": "the phone page's web app manifest: names and icons, no data",
}
API = "/api/v1/patrols"
CASES = [
    Case("patrol-post-list", lambda w: "/patrols/", perm=VIEW_POST),
    Case("patrol-post-create", lambda w: "/patrols/posts/new/", perm=MANAGE_POST),
    # the form offers only the schools in reach: others see the form again
    Case("patrol-post-create", lambda w: "/patrols/posts/new/", perm=MANAGE_POST, reach="a1", out_of_reach=None,
         method="POST", data=post_form),
    Case("patrol-post-detail", lambda w: f"/patrols/posts/{post_a1(w)}/", perm=VIEW_POST, reach="a1"),
    Case("patrol-roster-exception-create", lambda w: f"/patrols/posts/{post_a1(w)}/exceptions/", perm=MANAGE_ROSTER,
         reach="a1", method="POST", data=exception_form),
    Case("patrol-roster-exception-delete",
         lambda w: f"/patrols/roster-exceptions/{w.extra['exception_a1'].pk}/delete/", perm=MANAGE_ROSTER,
         reach="a1", method="POST"),
    Case("patrol-person-list", lambda w: "/patrols/people/", perm=VIEW_PERSON),
    Case("patrol-roster-list", lambda w: "/patrols/rosters/", perm=VIEW_ROSTER),
    Case("patrol-checkin-list", lambda w: "/patrols/check-ins/", perm=VIEW_CHECKIN),
    Case("patrol-dashboard", lambda w: "/patrols/dashboard/", perm=DASHBOARD),
    Case("patrol-phone", lambda w: "/patrols/phone/", perm=CHECK_IN),
    Case("patrol-phone-list", lambda w: "/patrols/phones/", perm=VIEW_CHECKIN),

    Case(f"GET {API}/posts/", lambda w: f"{API}/posts/", perm=VIEW_POST),
    Case(f"GET {API}/posts/export", lambda w: f"{API}/posts/export", perm=VIEW_POST),
    Case(f"POST {API}/posts/", lambda w: f"{API}/posts/", perm=MANAGE_POST, reach="a1", method="POST",
         data=post_json),
    Case(f"GET {API}/posts/{{post_id}}", lambda w: f"{API}/posts/{post_a1(w)}", perm=VIEW_POST, reach="a1"),
    Case(f"GET {API}/people/", lambda w: f"{API}/people/", perm=VIEW_PERSON),
    Case(f"GET {API}/people/export", lambda w: f"{API}/people/export", perm=VIEW_PERSON),
    Case(f"POST {API}/people/", lambda w: f"{API}/people/", perm=MANAGE_ROSTER, reach="a1", method="POST",
         data=person_json),
    Case(f"GET {API}/rosters/", lambda w: f"{API}/rosters/", perm=VIEW_ROSTER),
    Case(f"POST {API}/rosters/", lambda w: f"{API}/rosters/", perm=MANAGE_ROSTER, reach="a1", method="POST",
         data=roster_json),
    Case(f"GET {API}/roster-exceptions/", lambda w: f"{API}/roster-exceptions/", perm=VIEW_ROSTER),
    Case(f"POST {API}/roster-exceptions/", lambda w: f"{API}/roster-exceptions/", perm=MANAGE_ROSTER, reach="a1",
         method="POST", data=exception_json),
    Case(f"DELETE {API}/roster-exceptions/{{exception_id}}",
         lambda w: f"{API}/roster-exceptions/{w.extra['exception_a1'].pk}", perm=MANAGE_ROSTER, reach="a1",
         method="DELETE"),
    Case(f"POST {API}/timetables/", lambda w: f"{API}/timetables/", perm="patrols.manage_timetable", reach="a1",
         method="POST", data=timetable_json),
    Case(f"GET {API}/check-ins/", lambda w: f"{API}/check-ins/", perm=VIEW_CHECKIN),
    Case(f"GET {API}/check-ins/export", lambda w: f"{API}/check-ins/export", perm=VIEW_CHECKIN),
    Case(f"POST {API}/check-ins", lambda w: f"{API}/check-ins", perm=CHECK_IN, reach="a1", method="POST",
         data=check_in_json),
    # 200 with each item's result; a batch whose every post is out of reach: 404
    Case(f"POST {API}/check-ins/sync", lambda w: f"{API}/check-ins/sync", perm=CHECK_IN, reach="a1",
         method="POST", data=sync_json),
    Case(f"GET {API}/dashboard", lambda w: f"{API}/dashboard", perm=DASHBOARD),
    Case(f"GET {API}/monthly-form", lambda w: f"{API}/monthly-form?month=2026-03", perm=DASHBOARD),
]

# the gate QR codes (print, re-issue) and the alarm console's feed
CASES += [
    Case("patrol-gate-code", lambda w: f"/patrols/posts/{post_a1(w)}/gate-code/", perm=MANAGE_POST, reach="a1"),
    Case("patrol-gate-code-rotate", lambda w: f"/patrols/posts/{post_a1(w)}/gate-code/rotate/", perm=MANAGE_POST,
         reach="a1", method="POST", data=lambda w: {}),
    Case("patrol-school-gate-codes", lambda w: f"/patrols/schools/{w.schools['a1'].pk}/gate-codes/", perm=MANAGE_POST,
         reach="a1"),
    Case(f"POST {API}/posts/{{post_id}}/gate-code/rotate", lambda w: f"{API}/posts/{post_a1(w)}/gate-code/rotate",
         perm=MANAGE_POST, reach="a1", method="POST", data=lambda w: {}),
    Case(f"GET {API}/near", lambda w: f"{API}/near?school_id={w.schools['a1'].pk}", perm=VIEW_CHECKIN, reach="a1"),
]
