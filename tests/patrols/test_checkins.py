"""Check-ins through the API: flags, refusals, idempotency and bulk sync."""

import datetime
import json
import uuid

import pytest

from huxiao.core.models import AuditLog
from huxiao.patrols.models import CheckIn
from tests.patrols.helpers import DAY, at, body

URL = "/api/v1/patrols/check-ins"
pytestmark = pytest.mark.django_db


def post_json(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


@pytest.fixture
def guard(pw, client_for):
    return client_for(pw.users["guard_a1"])


def test_on_time_inside_the_fence(pw, guard):
    r = post_json(guard, URL, body(pw.extra["post_a1"], when=at(DAY, 16, 10)))
    assert r.status_code == 201, r.content
    out = r.json()
    # the guard's own person record is found from the account
    assert out["person_id"] == pw.extra["guard_person_a1"].pk and out["window"] == "afternoon"
    assert out["late"] is False and out["outside_fence"] is False and out["distance_m"] == 0
    assert out["duty_date"] == DAY.isoformat() and out["flags"] == []
    entry = AuditLog.objects.get(event="patrols.check_in")
    assert entry.object_id == str(out["id"]) and entry.username == "guard_a1"


def test_late_and_outside_are_flagged_not_refused(pw, guard):
    post = pw.extra["post_a1"]
    r = post_json(guard, URL, body(post, when=at(DAY, 16, 20), latitude=post.latitude + 0.005))
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["late"] and out["outside_fence"] and 500 < out["distance_m"] < 600
    assert set(out["flags"]) == {"迟到", "围栏外"}


def test_a_phone_clock_far_off_is_flagged(pw, guard):
    data = body(pw.extra["post_a1"], when=at(DAY, 16, 10),
                sent_at=(at(DAY, 16, 10)).isoformat())  # sent "at 16:10" but received now: the clock is off
    assert post_json(guard, URL, data).json()["large_skew"] is True
    queued = body(pw.extra["post_a1"], when=at(DAY, 16, 11))  # queued offline, no sent_at: not a skew
    assert post_json(guard, URL, queued).json()["large_skew"] is False


def test_replay_returns_the_stored_record(pw, guard):
    data = body(pw.extra["post_a1"])
    first = post_json(guard, URL, data)
    again = post_json(guard, URL, data)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert CheckIn.objects.count() == 1 and AuditLog.objects.filter(event="patrols.check_in").count() == 1


def test_same_key_other_body_is_a_conflict(pw, guard):
    data = body(pw.extra["post_a1"])
    assert post_json(guard, URL, data).status_code == 201
    r = post_json(guard, URL, dict(data, kind="patrol"))
    assert r.status_code == 409 and "已用于另一条签到记录" in r.json()["detail"]
    assert CheckIn.objects.count() == 1


def test_check_out_before_check_in_is_refused(pw, guard):
    post = pw.extra["post_a1"]
    r = post_json(guard, URL, body(post, kind="check_out", when=at(DAY, 16, 40)))
    assert r.status_code == 400 and r.json()["errors"] == {"kind": ["尚未签到，不能签退"]}
    assert not CheckIn.objects.exists()
    assert post_json(guard, URL, body(post, when=at(DAY, 16, 10))).status_code == 201
    assert post_json(guard, URL, body(post, kind="check_out", when=at(DAY, 16, 40))).status_code == 201


@pytest.mark.parametrize("field, value, message", [
    ("latitude", 91.0, "纬度须在 -90 到 90 之间"),
    ("longitude", -180.5, "经度须在 -180 到 180 之间"),
    ("accuracy_m", -1.0, "定位精度不能为负数"),
])
def test_positions_out_of_range(pw, guard, field, value, message):
    r = post_json(guard, URL, body(pw.extra["post_a1"], **{field: value}))
    assert r.status_code == 400 and r.json()["errors"] == {field: [message]}
    assert not CheckIn.objects.exists() and not AuditLog.objects.filter(event="patrols.check_in").exists()


def test_bad_input_is_named(pw, guard):
    r = post_json(guard, URL, dict(body(pw.extra["post_a1"]), client_key="not-a-uuid"))
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "client_key"
    r = post_json(guard, URL, dict(body(pw.extra["post_a1"]), latitude=None))
    assert r.status_code == 400 and "latitude" in r.json()["errors"]


def test_post_of_another_jurisdiction_is_not_found(pw, guard):
    r = post_json(guard, URL, body(pw.extra["post_b1"], pw.extra["person_b1"]))
    assert r.status_code == 404 and not CheckIn.objects.exists()


def test_role_without_check_in_is_forbidden(pw, client_for):
    r = post_json(client_for(pw.users["principal_a1"]), URL, body(pw.extra["post_a1"], pw.extra["person_a1"]))
    assert r.status_code == 403 and not CheckIn.objects.exists()


def test_officer_checks_in_a_person_of_another_school_refused(pw, client_for):
    r = post_json(client_for(pw.users["police_a"]), URL, body(pw.extra["post_a2"], pw.extra["guard_person_a1"]))
    assert r.status_code == 400 and "person_id" in r.json()["errors"]


def test_no_person_for_the_account(pw, client_for):
    r = post_json(client_for(pw.users["security_a1"]), URL, body(pw.extra["post_a1"]))
    assert r.status_code == 400 and "未登记为护学岗人员" in r.json()["errors"]["person_id"][0]


def test_sync_stores_each_once_and_reports_each(pw, guard):
    post = pw.extra["post_a1"]
    items = [body(post, when=at(DAY, 16, 5 + i)) for i in range(3)]
    bad = body(post, latitude=123.0)
    r = post_json(guard, f"{URL}/sync", {"items": [*items, bad]})
    assert r.status_code == 200, r.content
    out = r.json()
    assert (out["stored"], out["replayed"], out["refused"]) == (3, 0, 1)
    assert [x["status"] for x in out["results"]] == [201, 201, 201, 400]
    assert out["results"][3]["errors"] == {"latitude": ["纬度须在 -90 到 90 之间"]}
    again = post_json(guard, f"{URL}/sync", {"items": items}).json()  # the same batch again
    assert (again["stored"], again["replayed"]) == (0, 3)
    assert [x["id"] for x in again["results"]] == [x["id"] for x in out["results"][:3]]
    assert CheckIn.objects.count() == 3


def test_sync_item_of_another_jurisdiction(pw, guard):
    items = [body(pw.extra["post_a1"]), body(pw.extra["post_b1"], pw.extra["person_b1"])]
    out = post_json(guard, f"{URL}/sync", {"items": items}).json()
    assert [x["status"] for x in out["results"]] == [201, 404]
    only_out = post_json(guard, f"{URL}/sync", {"items": [body(pw.extra["post_b1"], pw.extra["person_b1"])]})
    assert only_out.status_code == 404 and CheckIn.objects.count() == 1


def test_sync_refuses_more_than_a_hundred(pw, guard):
    items = [body(pw.extra["post_a1"], when=at(DAY, 16, 0) + datetime.timedelta(seconds=i)) for i in range(101)]
    r = post_json(guard, f"{URL}/sync", {"items": items})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "items"
    assert not CheckIn.objects.exists()


def test_check_in_list_filters_and_export(pw, guard, client_for):
    post = pw.extra["post_a1"]
    post_json(guard, URL, body(post, when=at(DAY, 16, 10)))
    post_json(guard, URL, body(post, when=at(DAY, 16, 25), note="=HYPERLINK(\"x\")"))
    officer = client_for(pw.users["police_a"])
    listing = officer.get("/api/v1/patrols/check-ins/?flagged=true").json()
    assert listing["count"] == 1 and listing["items"][0]["late"] is True
    assert officer.get(f"/api/v1/patrols/check-ins/?duty_date_after={DAY}&kind=check_in").json()["count"] == 2
    r = officer.get("/api/v1/patrols/check-ins/?kind=nonsense")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "kind"]
    assert client_for(pw.users["police_b"]).get("/api/v1/patrols/check-ins/").json()["count"] == 0

    import io

    from openpyxl import load_workbook
    r = officer.get("/api/v1/patrols/check-ins/export?flagged=true")
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][4] == "李保安" and rows[1][-1] == "迟到"
    assert AuditLog.objects.filter(event="core.export", username="police_a").count() == 1


def test_keys_are_uuids_of_any_version(pw, guard):
    key = uuid.UUID(int=(0x0190_0000_0000 << 80) | (0x7 << 76) | (0x2 << 62) | 1)  # a v7-shaped UUID
    assert post_json(guard, URL, body(pw.extra["post_a1"], client_key=str(key))).status_code == 201


def test_each_phone_reports_its_unsent_count(pw, guard, client_for):
    phone = str(uuid.uuid4())
    post = pw.extra["post_a1"]
    items = [body(post, when=at(DAY, 16, 5 + i)) for i in range(2)]
    # the phone holds five: it sends two now (say the first batch of a slow line)
    r = post_json(guard, f"{URL}/sync", {"items": items, "device": phone, "pending": 5, "post_id": post.pk})
    assert r.status_code == 200
    from huxiao.patrols.models import PhoneContact

    contact = PhoneContact.objects.get(device=phone)
    assert (contact.pending, contact.sent, contact.user, contact.school) == (3, 2, pw.users["guard_a1"], post.school)
    page = client_for(pw.users["station_a1"]).get("/patrols/phones/?unsent=on").content.decode()
    assert phone[:8] in page and "东城实验小学" in page
    assert phone[:8] not in client_for(pw.users["edu_b"]).get("/patrols/phones/").content.decode()
    # later, nothing left: an empty batch says so
    post_json(guard, f"{URL}/sync", {"items": [], "device": phone, "pending": 0, "post_id": post.pk})
    contact.refresh_from_db()
    assert contact.pending == 0 and PhoneContact.objects.count() == 1
    assert phone[:8] not in client_for(pw.users["station_a1"]).get("/patrols/phones/?unsent=on").content.decode()
