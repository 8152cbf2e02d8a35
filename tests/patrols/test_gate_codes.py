"""The gate QR codes: printed from the product, scanned into a check-in that proves presence without GPS;
forged, other-post, rotated, malformed and oversized codes refused with the field named, nothing stored."""

import json

import pytest

from huxiao.core.models import AuditLog
from huxiao.patrols import gate_codes
from huxiao.patrols.models import CheckIn, Post
from tests.patrols.helpers import DAY, at, body

URL = "/api/v1/patrols/check-ins"
pytestmark = pytest.mark.django_db


def post_json(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def scan(post, token, **kw):
    """A check-in made by scanning the gate: no position at all."""
    data = body(post, when=at(DAY, 16, 10), gate_token=token)
    for field in ("latitude", "longitude", "accuracy_m"):
        data.pop(field)
    return {**data, **kw}


def forged(token):
    last = "A" if token[-1] != "A" else "B"
    return token[:-1] + last


@pytest.fixture
def guard(pw, client_for):
    return client_for(pw.users["guard_a1"])


def test_a_scanned_code_proves_presence_without_a_position(pw, guard):
    post = pw.extra["post_a1"]
    r = post_json(guard, URL, scan(post, gate_codes.token_for(post)))
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["evidence"] == "qr" and out["outside_fence"] is False and out["distance_m"] is None
    assert out["flags"] == [] and out["window"] == "afternoon"
    # without a code and without a position the same check-in is outside the fence
    plain = scan(post, None)
    plain.pop("gate_token")
    assert post_json(guard, URL, plain).json()["outside_fence"] is True


def test_a_scan_far_from_the_gate_is_still_flagged(pw, guard):
    post = pw.extra["post_a1"]  # the code was photographed and used 1 km away: flagged, not refused
    data = scan(post, gate_codes.token_for(post), latitude=post.latitude + 0.01, longitude=post.longitude)
    out = post_json(guard, URL, data).json()
    assert out["evidence"] == "qr" and out["outside_fence"] is True


@pytest.mark.parametrize("make, message", [
    (lambda w: forged(gate_codes.token_for(w.extra["post_a1"])), "不是本系统生成"),
    (lambda w: gate_codes.token_for(w.extra["post_a2"]), "属于另一个护学岗"),
    (lambda w: "G1.1.1.short", "无法识别"),
    (lambda w: "https://example.com/?gate=1", "无法识别"),
    (lambda w: f"G1.{w.extra['post_a1'].pk}.0.AAAAAAAAAAAAAAAAAAAAAA", "无法识别"),
])
def test_bad_codes_are_refused_naming_the_field(pw, guard, make, message):
    r = post_json(guard, URL, scan(pw.extra["post_a1"], make(pw)))
    assert r.status_code == 422, r.content
    problem = r.json()["detail"][0]
    assert problem["loc"][-1] == "gate_token" and message in problem["msg"]
    assert not CheckIn.objects.exists() and not AuditLog.objects.filter(event="patrols.check_in").exists()


def test_an_oversized_code_is_refused_by_the_schema(pw, guard):
    r = post_json(guard, URL, scan(pw.extra["post_a1"], "G1." + "9" * 500))
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "gate_token"
    assert not CheckIn.objects.exists()


def test_a_rotated_code_is_refused(pw, guard, client_for):
    post = pw.extra["post_a1"]
    old = gate_codes.token_for(post)
    police = client_for(pw.users["police_a"])
    r = police.post(f"/api/v1/patrols/posts/{post.pk}/gate-code/rotate")
    assert r.status_code == 200 and r.json() == {"post_id": post.pk, "version": 2}
    entry = AuditLog.objects.get(event="patrols.rotate_gate_code")
    assert (entry.before, entry.after, entry.username) == ({"gate_code_version": 1}, {"gate_code_version": 2},
                                                           "police_a")
    r = post_json(guard, URL, scan(post, old))
    assert r.status_code == 422 and "已作废" in r.json()["detail"][0]["msg"]
    post.refresh_from_db()
    assert post_json(guard, URL, scan(post, gate_codes.token_for(post))).status_code == 201


def test_rotation_needs_the_role_and_the_jurisdiction(pw, client_for):
    post = pw.extra["post_a1"]
    assert client_for(pw.users["guard_a1"]).post(f"/api/v1/patrols/posts/{post.pk}/gate-code/rotate").status_code == 403
    other = pw.extra["post_b1"]
    assert client_for(pw.users["police_a"]).post(f"/api/v1/patrols/posts/{other.pk}/gate-code/rotate").status_code == 404
    assert client_for(pw.users["police_a"]).post("/api/v1/patrols/posts/99999999/gate-code/rotate").status_code == 404
    assert set(Post.objects.values_list("gate_code_version", flat=True)) == {1}


def test_sync_refuses_a_bad_code_per_item(pw, guard):
    post = pw.extra["post_a1"]
    good, bad = scan(post, gate_codes.token_for(post)), scan(post, forged(gate_codes.token_for(post)))
    out = post_json(guard, URL + "/sync", {"items": [good, bad]}).json()
    assert [r["status"] for r in out["results"]] == [201, 422]
    assert out["results"][1]["errors"] == {"gate_token": ["二维码校验失败：不是本系统生成的校门二维码"]}
    assert CheckIn.objects.get().evidence == "qr"
    again = post_json(guard, URL + "/sync", {"items": [good]}).json()  # replayed: stored once
    assert (again["stored"], again["replayed"]) == (0, 1) and CheckIn.objects.count() == 1


def test_the_print_page(pw, client_for, rf):
    post = pw.extra["post_a1"]
    police = client_for(pw.users["police_a"])
    page = police.get(f"/patrols/posts/{post.pk}/gate-code/")
    html = page.content.decode()
    assert page.status_code == 200 and post.school.name in html and post.name in html
    url = f"http://testserver/patrols/phone/?gate={gate_codes.token_for(post)}"
    assert gate_codes.qr_svg(url) in html and "<svg" in html  # drawn here: no external image
    assert "size: A4" in html and "size: A5" in police.get(f"/patrols/posts/{post.pk}/gate-code/?size=a5").content.decode()
    bad = police.get(f"/patrols/posts/{post.pk}/gate-code/?size=b5")
    assert bad.status_code == 400 and "纸张规格须为 A4 或 A5" in bad.content.decode()
    school = police.get(f"/patrols/schools/{post.school_id}/gate-codes/").content.decode()
    assert school.count('class="gate-sheet') == Post.objects.filter(school=post.school, active=True).count()
    assert client_for(pw.users["police_b"]).get(f"/patrols/posts/{post.pk}/gate-code/").status_code == 404
    assert client_for(pw.users["guard_a1"]).get(f"/patrols/posts/{post.pk}/gate-code/").status_code == 403


def test_rotating_from_the_page(pw, client_for):
    post = pw.extra["post_a1"]
    police = client_for(pw.users["police_a"])
    assert police.get(f"/patrols/posts/{post.pk}/gate-code/rotate/").status_code == 405
    r = police.post(f"/patrols/posts/{post.pk}/gate-code/rotate/", follow=True)
    assert r.status_code == 200 and "已重新生成二维码（第 2 版）" in r.content.decode()
    post.refresh_from_db()
    url = f"http://testserver/patrols/phone/?gate={gate_codes.token_for(post)}"
    assert post.gate_code_version == 2 and gate_codes.qr_svg(url) in r.content.decode()


def test_the_phone_page_after_a_scan(pw, guard):
    post = pw.extra["post_a1"]
    ok = guard.get("/patrols/phone/", {"gate": gate_codes.token_for(post)}).content.decode()
    assert 'data-status="ok"' in ok and f"已扫描校门二维码：{post.school.name} · {post.name}" in ok
    bad = guard.get("/patrols/phone/", {"gate": forged(gate_codes.token_for(post))}).content.decode()
    assert 'data-status="error"' in bad and "二维码无效，未签到：二维码校验失败" in bad
    other = guard.get("/patrols/phone/", {"gate": gate_codes.token_for(pw.extra["post_b1"])}).content.decode()
    assert "不在您的管辖范围内" in other
    junk = guard.get("/patrols/phone/", {"gate": "x" * 5000})
    assert junk.status_code == 200 and "二维码内容无法识别" in junk.content.decode()
    assert not CheckIn.objects.exists()  # the page verifies; only the queued check-in stores anything


def test_the_post_page_links_to_the_print_page_for_those_who_may_print(pw, client_for):
    post = pw.extra["post_a1"]
    link = f'href="/patrols/posts/{post.pk}/gate-code/"'
    page = client_for(pw.users["police_a"]).get(f"/patrols/posts/{post.pk}/")
    assert page.status_code == 200 and link in page.content.decode() and "打印校门二维码" in page.content.decode()
    for viewer in ("guard_a1", "edu_a"):  # may see the post, may not print its code
        page = client_for(pw.users[viewer]).get(f"/patrols/posts/{post.pk}/")
        assert page.status_code in (200, 403, 404) and link not in page.content.decode()
