"""Permission matrix cases of setting up a district through the API: units and API tokens."""

from tests.matrix import SIGNED_IN, Case
from tests.world import POLICE

UNITS, USERS = "core.manage_units", "core.manage_users"


def extend_world(w):
    from huxiao.core import services

    w.extra["setup_token"], _raw = services.do_issue_token(w.users["principal_a1"], "脚本",
                                                           actor=w.users["principal_a1"])


def principal_a1(w):
    return w.users["principal_a1"].pk


def new_station(w):
    return {"name": "直溪派出所", "kind": "police", "level": "station", "region": w.regions["town_a2"].code,
            "parent": w.units["police_a"].pk, "phone": "0519-82810110"}


CASES = [
    Case("GET /api/v1/tokens", lambda w: "/api/v1/tokens", perm=SIGNED_IN),
    Case("POST /api/v1/tokens", lambda w: "/api/v1/tokens", perm=SIGNED_IN, method="POST",
         data=lambda w: {"name": "建库脚本", "days": 30},
         except_=set(POLICE)),  # police users need a confirmed second factor first (none in the world): 400
    Case("DELETE /api/v1/tokens/{token_id}", lambda w: f"/api/v1/tokens/{w.extra['setup_token'].pk}",
         perm=SIGNED_IN, reach={"principal_a1"}, method="DELETE"),  # a token is its owner's
    Case("GET /api/v1/users/{user_id}/tokens", lambda w: f"/api/v1/users/{principal_a1(w)}/tokens", perm=USERS,
         reach="a1"),
    Case("POST /api/v1/users/{user_id}/tokens", lambda w: f"/api/v1/users/{principal_a1(w)}/tokens", perm=USERS,
         reach="a1", method="POST", data=lambda w: {"name": "对接"}),
    Case("DELETE /api/v1/users/{user_id}/tokens/{token_id}",
         lambda w: f"/api/v1/users/{principal_a1(w)}/tokens/{w.extra['setup_token'].pk}", perm=USERS, reach="a1",
         method="DELETE"),
    # the unit's town is a body field: out of reach, 422 naming it
    Case("POST /api/v1/units", lambda w: "/api/v1/units", perm=UNITS, reach="district_a", out_of_reach=None,
         method="POST", data=new_station),
]
