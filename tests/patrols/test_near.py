"""The alarm console's feed: the nearest manned post and the patrols near a school at the alarm's time,
within the caller's jurisdiction."""

import pytest

from huxiao.patrols import services
from tests.patrols.helpers import DAY, at, body

URL = "/api/v1/patrols/near"
pytestmark = pytest.mark.django_db


@pytest.fixture
def on_duty(pw):
    post, guard, officer = pw.extra["post_a1"], pw.extra["guard_person_a1"], pw.extra["person_a1"]
    actor = pw.users["police_a"]
    for person, kind, when in ((guard, "check_in", at(DAY, 16, 10)), (officer, "patrol", at(DAY, 16, 0)),
                               (officer, "check_in", at(DAY, 16, 12)), (officer, "check_out", at(DAY, 16, 18))):
        services.do_check_in(post, body(post, person, when=when, kind=kind, mode="car" if kind == "patrol" else "fixed"),
                             actor=actor)
    return pw


def test_the_nearest_manned_post_and_the_patrols(on_duty, client_for):
    w = on_duty
    out = client_for(w.users["police_a"]).get(URL, {"school_id": w.schools["a1"].pk,
                                                    "at": at(DAY, 16, 20).isoformat()}).json()
    nearest = out["nearest"]
    assert nearest["post_id"] == w.extra["post_a1"].pk and nearest["distance_m"] == 0
    # the officer checked out at 16:18: only the guard is on the post at 16:20
    assert [p["name"] for p in nearest["people"]] == ["李保安"]
    assert [(p["person_name"], p["mode_label"]) for p in out["patrols"]] == [("张民警", "车巡")]
    later = client_for(w.users["police_a"]).get(URL, {"school_id": w.schools["a1"].pk,
                                                      "at": at(DAY, 17, 30).isoformat()}).json()
    assert later["nearest"]["people"][0]["name"] == "李保安" and later["patrols"] == []  # the patrol: 90 min ago
    gone = client_for(w.users["police_a"]).get(URL, {"school_id": w.schools["a1"].pk,
                                                     "at": at(DAY, 20, 0).isoformat()}).json()
    assert gone["nearest"] is None  # a check-in holds two hours at most without its check-out
    before = client_for(w.users["police_a"]).get(URL, {"school_id": w.schools["a1"].pk,
                                                       "at": at(DAY, 15, 0).isoformat()}).json()
    assert before["nearest"] is None and before["manned"] == []


def test_only_what_the_jurisdiction_covers(on_duty, client_for):
    w = on_duty
    assert client_for(w.users["police_b"]).get(URL, {"school_id": w.schools["a1"].pk}).status_code == 404
    # the other district's officer asks about their own school: our post nearby is not theirs to see
    out = client_for(w.users["police_b"]).get(URL, {"school_id": w.schools["b1"].pk,
                                                    "at": at(DAY, 16, 20).isoformat()}).json()
    assert all(m["school_id"] != w.schools["a1"].pk for m in out["manned"])


@pytest.mark.parametrize("params, field", [({"school_id": "x"}, "school_id"), ({}, "school_id"),
                                           ({"school_id": 1, "at": "yesterday"}, "at"),
                                           ({"school_id": 2**70}, "school_id")])
def test_bad_input_is_named(pw, client_for, params, field):
    r = client_for(pw.users["police_a"]).get(URL, params)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == field
