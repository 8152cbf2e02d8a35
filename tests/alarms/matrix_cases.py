"""Permission matrix cases of the alarm pages and API."""

from tests.matrix import Case
from tests.world import REACH_A1, WORLD_USERS

ROLE_USERS = set(WORLD_USERS)
POLICE_A1 = {"station_a1", "police_a", "police_city"}
CONSOLE = {"station_a1", "police_a", "police_b", "police_city", "admin_province", "admin_b"}
STATS = ROLE_USERS - {"guard_a1"}
DC09_A1 = {"police_a", "police_city", "admin_province"}
HIDDEN_A1 = {"principal_a2", "edu_b", "admin_b"}

EXEMPT = {"POST /api/v1/alarms/device/alarms": "device-authenticated (HMAC signature); tests/alarms/test_http_intake.py"}


def extend_world(w):
    from huxiao.alarms.intake import Incoming, receive_alarms
    from huxiao.alarms.models import Alarm
    from tests.alarms.conftest import make_panel

    panel = make_panel(w.schools["a1"], "AP-MX-A1", "7A1")
    ((pk, _),) = receive_alarms([Incoming(device=panel, source="dc09", dedup_key="mx:1", code="PA", zone="1")])
    ((pk2, _),) = receive_alarms([Incoming(device=panel, source="dc09", dedup_key="mx:2", code="BA", zone="2")])
    w.extra["alarm_panel"] = panel
    w.extra["alarm"] = Alarm.objects.get(pk=pk)
    w.extra["alarm_acked"] = Alarm.objects.get(pk=pk2)
    from huxiao.alarms import services

    services.do_acknowledge_alarm(w.extra["alarm_acked"], actor=None)


def al(w, key="alarm"):
    return w.extra[key].pk


CASES = [
    Case("alarm-console", lambda w: "/alarms/console/", CONSOLE),
    Case("alarm-list", lambda w: "/alarms/", ROLE_USERS),
    Case("alarm-stats", lambda w: "/alarms/stats/", STATS),
    Case("alarm-detail", lambda w: f"/alarms/{al(w)}/", REACH_A1, hidden=HIDDEN_A1),
    Case("alarm-step", lambda w: f"/alarms/{al(w)}/acknowledge/", POLICE_A1, method="POST",
         hidden={"police_b"}),
    Case("GET /api/v1/alarms/alarms", lambda w: "/api/v1/alarms/alarms", ROLE_USERS),
    Case("GET /api/v1/alarms/alarms/{alarm_id}", lambda w: f"/api/v1/alarms/alarms/{al(w)}", REACH_A1,
         hidden=HIDDEN_A1),
    Case("POST /api/v1/alarms/alarms/{alarm_id}/acknowledge", lambda w: f"/api/v1/alarms/alarms/{al(w)}/acknowledge",
         POLICE_A1, method="POST", data=lambda w: {}, hidden={"police_b"}),
    Case("POST /api/v1/alarms/alarms/{alarm_id}/dispatch",
         lambda w: f"/api/v1/alarms/alarms/{al(w, 'alarm_acked')}/dispatch", POLICE_A1, method="POST",
         data=lambda w: {"officer": "张警官"}, hidden={"police_b"}),
    Case("POST /api/v1/alarms/alarms/{alarm_id}/arrive", lambda w: f"/api/v1/alarms/alarms/{al(w)}/arrive",
         set(), method="POST", data=lambda w: {}, hidden={"police_b"}),
    Case("POST /api/v1/alarms/alarms/{alarm_id}/close",
         lambda w: f"/api/v1/alarms/alarms/{al(w, 'alarm_acked')}/close", POLICE_A1, method="POST",
         data=lambda w: {"disposition": "false", "notes": "电话核实"}, hidden={"police_b"}),
    Case("GET /api/v1/alarms/feed", lambda w: "/api/v1/alarms/feed?after=0", ROLE_USERS),
    Case("GET /api/v1/alarms/console", lambda w: "/api/v1/alarms/console", CONSOLE),
    Case("GET /api/v1/alarms/stats", lambda w: "/api/v1/alarms/stats", STATS),
    Case("PUT /api/v1/alarms/devices/{device_id}/dc09",
         lambda w: f"/api/v1/alarms/devices/{w.extra['alarm_panel'].pk}/dc09", DC09_A1, method="PUT",
         data=lambda w: {"account": "7A2", "key": ""}, hidden={"police_b", "admin_b"}),
]
