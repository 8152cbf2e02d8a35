"""The region map's figures (GET /api/v1/compliance/map, drawn by region-map.js on the region page): each
school's state (报警中 / 未达标 / 达标 / 未评估), its 三个100% results of the campaign in force, its open
hazards and open alarms counted as the lists its popup links to count them, each figure only for users who
may see it, and nothing outside the jurisdiction."""

from huxiao.alarms.intake import Incoming, receive_alarms
from huxiao.compliance.models import Campaign, RuleStatus
from huxiao.compliance.services import evaluate_all
from tests.alarms.conftest import make_panel
from tests.hazards.test_lifecycle import report


def _points(client, region="320413"):
    r = client.get(f"/api/v1/compliance/map?region={region}")
    assert r.status_code == 200, r.content
    return r.json(), {p["name"]: p for p in r.json()["points"]}


def test_map_points_carry_state_three_results_hazards_and_alarms(world, client_for):
    a1, a2 = world.schools["a1"], world.schools["a2"]
    report(world)  # an open hazard at a1
    panel = make_panel(a1, "MAP-A1", "6A1")
    receive_alarms([Incoming(device=panel, source="dc09", dedup_key="map:1", code="PA")])
    receive_alarms([Incoming(device=panel, source="dc09", dedup_key="map:test", code="RP")])  # a test: not open
    evaluate_all()
    c = client_for(world.users["edu_a"])
    body, points = _points(c)
    assert body["campaign"] == "gbt29315-2022"  # the campaign in force for the district (the others ended)
    assert [item["key"] for item in body["legend"]] == ["alarm", "not_met", "met", "unknown"]
    assert set(points) == {a1.name, a2.name}  # b1 lies in another district
    p1, p2 = points[a1.name], points[a2.name]
    assert (p1["open_hazards"], p1["open_alarms"], p1["state"]) == (1, 1, "alarm")
    assert (p2["open_hazards"], p2["open_alarms"]) == (0, 0)
    assert p1["url"] == f"/schools/{a1.pk}/" and p1["hazards_url"] == f"/hazards/?status=open&school={a1.pk}"
    assert p1["alarms_url"] == f"/alarms/?open_only=true&school={a1.pk}"
    # each figure is the count of the list its link opens
    hazards = c.get(f"/api/v1/hazards/?status=open&school={a1.pk}").json()
    assert hazards["count"] == 1
    alarms = c.get(f"/api/v1/alarms/alarms?open_only=true&school={a1.pk}").json()
    assert (alarms["count"] if isinstance(alarms, dict) else len(alarms)) == 1
    # the three results are the evaluation table's, card by card
    assert [card["key"] for card in p2["three"]] == ["closed", "networked", "urban_guards"]
    campaign_rules = {r.three_100: r.id for r in Campaign.objects.get(code=body["campaign"]).ruleset.rules
                      if r.three_100}
    for card in p2["three"]:
        stored = RuleStatus.objects.filter(campaign__code=body["campaign"], school=a2,
                                           rule_id=campaign_rules.get(card["key"])).first()
        assert card["status"] == (stored.status if stored else "")
    expected = "not_met" if any(card["status"] == "not_met" for card in p2["three"]) else "met"
    assert p2["state"] == expected


def test_a_school_meeting_the_three_is_green_and_unevaluated_is_grey(world, client_for):
    evaluate_all()
    a2 = world.schools["a2"]
    c = client_for(world.users["edu_a"])
    body, _points_ = _points(c)
    rule_ids = [r.id for r in Campaign.objects.get(code=body["campaign"]).ruleset.rules
                if r.three_100 in ("closed", "networked", "urban_guards")]
    RuleStatus.objects.filter(school=a2, rule_id__in=rule_ids).update(status="met")
    assert _points(c)[1][a2.name]["state"] == "met"
    RuleStatus.objects.filter(school=a2).delete()
    assert _points(c)[1][a2.name]["state"] == "unknown"


def test_figures_only_for_users_who_may_see_them(world, client_for):
    evaluate_all()
    # an education officer of another district: the district is out of reach
    assert client_for(world.users["edu_b"]).get("/api/v1/compliance/map?region=320413").status_code == 404
    # school staff have no dashboard: refused, and the region page offers the map without figures
    assert client_for(world.users["principal_a1"]).get("/api/v1/compliance/map").status_code == 403
    assert client_for(None).get("/api/v1/compliance/map").status_code == 401
    assert client_for(world.users["edu_a"]).get("/api/v1/compliance/map?region=32041").status_code == 422
    page = client_for(world.users["edu_a"]).get("/regions/320413/").content.decode()
    assert 'data-figures-url="/api/v1/compliance/map?region=320413"' in page


def test_region_page_without_a_tile_server_draws_on_a_plain_background(world, client_for, settings):
    settings.MAP_TILE_URL = ""
    page = client_for(world.users["edu_a"]).get("/regions/320413/").content.decode()
    assert 'data-tile-url=""' in page and "未配置内网地图瓦片服务" in page
    settings.MAP_TILE_URL = "https://tiles.intranet.example/{z}/{x}/{y}.png"
    page = client_for(world.users["edu_a"]).get("/regions/320413/").content.decode()
    assert 'data-tile-url="https://tiles.intranet.example/{z}/{x}/{y}.png"' in page
    assert "未配置内网地图瓦片服务" not in page
