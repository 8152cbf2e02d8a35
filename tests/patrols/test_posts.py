"""Posts, people and rosters through the API and the pages."""

import io
import json

import pytest
from openpyxl import load_workbook

from huxiao.core.models import AuditLog
from huxiao.patrols import geo
from huxiao.patrols.models import Person, Post, Roster

API = "/api/v1/patrols"
pytestmark = pytest.mark.django_db


def post_json(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def new_post(w, **kw):
    data = {"school_id": w.schools["a1"].pk, "name": "北门护学岗", "kind": "police", "latitude": 31.7231,
            "longitude": 119.5972}
    data.update(kw)
    return data


def test_post_entered_on_a_gcj02_map_is_stored_in_wgs84(pw, client_for):
    officer = client_for(pw.users["station_a1"])
    gcj = geo.wgs84_to_gcj02(31.7231, 119.5972)
    r = post_json(officer, f"{API}/posts/", new_post(pw, latitude=gcj[0], longitude=gcj[1], datum="gcj02"))
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["datum"] == "gcj02" and out["entered_latitude"] == pytest.approx(gcj[0], abs=1e-7)
    assert geo.distance_m(out["latitude"], out["longitude"], 31.7231, 119.5972) < 0.05
    assert out["radius_m"] == 200 and [w["kind"] for w in out["today"]] in ([], ["gate_open", "noon", "afternoon"])
    assert AuditLog.objects.filter(event="patrols.create_post", username="station_a1").count() == 1


def test_post_bad_input(pw, client_for):
    officer = client_for(pw.users["station_a1"])
    before = Post.objects.count()
    r = post_json(officer, f"{API}/posts/", new_post(pw, latitude=95))
    assert r.status_code == 400 and r.json()["errors"] == {"latitude": ["纬度须在 -90 到 90 之间"]}
    r = post_json(officer, f"{API}/posts/", new_post(pw, radius_m=5))
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "radius_m"
    r = post_json(officer, f"{API}/posts/", new_post(pw, datum="mercator"))
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "datum"
    assert Post.objects.count() == before


def test_post_out_of_reach_and_role(pw, client_for):
    before = Post.objects.count()
    assert post_json(client_for(pw.users["police_b"]), f"{API}/posts/", new_post(pw)).status_code == 404
    assert post_json(client_for(pw.users["edu_a"]), f"{API}/posts/", new_post(pw)).status_code == 403
    assert Post.objects.count() == before
    assert client_for(pw.users["edu_b"]).get(f"{API}/posts/{pw.extra['post_a1'].pk}").status_code == 404


def test_post_list_filters_and_export(pw, client_for):
    edu = client_for(pw.users["edu_a"])
    names = {p["name"] for p in edu.get(f"{API}/posts/").json()["items"]}
    assert names == {"南门护学岗", "村校联防岗"}  # b1's post is another district's
    assert [p["kind"] for p in edu.get(f"{API}/posts/?kind=village").json()["items"]] == ["village"]
    r = edu.get(f"{API}/posts/?region=abc")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "region"]
    wb = load_workbook(io.BytesIO(b"".join(edu.get(f"{API}/posts/export?kind=police").streaming_content)))
    rows = list(wb.active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == "南门护学岗"


def test_people_phone_masked_in_lists(pw, client_for):
    items = client_for(pw.users["edu_a"]).get(f"{API}/people/?kind=police").json()["items"]
    assert [p["phone"] for p in items] == ["138****5678"]
    stored = Person.objects.get(pk=pw.extra["person_a1"].pk)
    assert stored.phone == "13812345678"
    from django.db import connection
    with connection.cursor() as c:  # encrypted at rest
        c.execute("SELECT phone FROM patrols_person WHERE id = %s", [stored.pk])
        assert "13812345678" not in c.fetchone()[0]


def test_register_person_and_roster(pw, client_for):
    officer = client_for(pw.users["station_a1"])
    r = post_json(officer, f"{API}/people/", {"school_id": pw.schools["a1"].pk, "name": "陈民兵", "kind": "militia",
                                              "unit_name": "东城村委会", "phone": "13900001111"})
    assert r.status_code == 201 and r.json()["phone"] == "13900001111"
    roster = {"post_id": pw.extra["post_a1"].pk, "person_id": r.json()["id"], "weekday": 0, "window": "gate_open"}
    r = post_json(officer, f"{API}/rosters/", roster)
    assert r.status_code == 201 and r.json()["person_name"] == "陈民兵"
    # a school's own people serve only their school's posts
    r = post_json(client_for(pw.users["police_a"]), f"{API}/rosters/",
                  dict(roster, post_id=pw.extra["post_a2"].pk))
    assert r.status_code == 400 and r.json()["errors"] == {"person_id": ["该人员不属于此护学岗所在学校"]}
    r = post_json(officer, f"{API}/rosters/", dict(roster, weekday=7))
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "weekday"
    listing = officer.get(f"{API}/rosters/?post={pw.extra['post_a1'].pk}").json()
    assert listing["count"] == Roster.objects.filter(post=pw.extra["post_a1"]).count() == 2


def test_post_pages(pw, client_for):
    officer = client_for(pw.users["station_a1"])
    page = officer.get("/patrols/")
    assert page.status_code == 200 and "南门护学岗" in page.content.decode()
    assert 'name="region"' in page.content.decode() and "<select" in page.content.decode()
    bad = officer.get("/patrols/?kind=nonsense").content.decode()
    assert "is-invalid" in bad
    detail = officer.get(f"/patrols/posts/{pw.extra['post_a1'].pk}/").content.decode()
    assert "今日" in detail and "张民警" in detail
    assert officer.get(f"/patrols/posts/{pw.extra['post_b1'].pk}/").status_code == 404
    form = {"school": pw.schools["a1"].pk, "name": "西门岗", "kind": "school", "datum": "bd09", "latitude": "91",
            "longitude": "119.6", "radius_m": 200, "lead_minutes": 15, "tail_minutes": 15, "grace_minutes": 10}
    shown = officer.post("/patrols/posts/new/", form)
    assert shown.status_code == 200 and "is-invalid" in shown.content.decode()
    assert not Post.objects.filter(name="西门岗").exists()
    done = officer.post("/patrols/posts/new/", dict(form, latitude="31.7290"))
    assert done.status_code == 302
    post = Post.objects.get(name="西门岗")
    assert post.datum == "bd09" and abs(post.latitude - 31.7290) > 0.001  # converted from BD-09
    for url in ("/patrols/people/", "/patrols/rosters/", "/patrols/check-ins/"):
        assert officer.get(url).status_code == 200
    export = officer.get("/patrols/people/?export=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_phone_page_is_an_installable_offline_page(pw, client_for):
    guard = client_for(pw.users["guard_a1"])
    page = guard.get("/patrols/phone/").content.decode()
    assert 'rel="manifest"' in page and "待上传" in page and "南门护学岗" in page
    assert "溧阳" not in page  # posts out of reach are not offered
    assert 'id="offline-unavailable"' in page  # said plainly when there is no secure context
    sw = client_for(None).get("/patrols/sw.js")
    assert sw.status_code == 200 and sw["Content-Type"].startswith("text/javascript")
    assert sw["Service-Worker-Allowed"] == "/patrols/" and "/patrols/phone/" in sw.content.decode()
    manifest = client_for(None).get("/patrols/manifest.webmanifest").json()
    assert manifest["start_url"] == "/patrols/phone/" and manifest["display"] == "standalone"
    assert client_for(pw.users["principal_a1"]).get("/patrols/phone/").status_code == 403
