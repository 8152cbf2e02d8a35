"""List pages and endpoints keep a constant number of queries however many rows they show (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.world import make_school


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/schools/", "/api/v1/schools", "/regions/320413/", "/", "/users/", "/audit/"])
def test_query_count_does_not_grow_with_rows(world, client, url):
    from huxiao.core import services

    services.do_update_school(world.schools["a1"], {"students": 1}, actor=world.users["edu_a"])  # one audit row
    client.force_login(world.users["admin_province"])
    client.get(url)  # warm the identity cache
    few = queries(client, url)
    for i in range(20):
        make_school(f"21324139{i:02d}", f"计数小学{i}", world.regions["town_a1"], world.units["station_a1"])
    for i in range(5):
        services.do_create_user(username=f"counted{i}", password="Counted-pass-2026", actor=world.users["admin_province"],
                                roles=[("guard", world.schools["a1"].unit)])
    assert queries(client, url) == few
