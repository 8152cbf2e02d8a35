"""Permission matrix cases of the alarm pages and API."""

from tests.matrix import Case

EXEMPT = {"POST /api/v1/alarms/device/alarms": "device-authenticated (HMAC signature); tests/alarms/test_http_intake.py"}
VIEW, HANDLE, CONSOLE, STATS = "alarms.view_alarm", "alarms.handle_alarm", "alarms.view_console", "alarms.view_stats"


def extend_world(w):
    from huxiao.alarms import services
    from huxiao.alarms.intake import Incoming, receive_alarms
    from huxiao.alarms.models import Alarm
    from tests.alarms.conftest import make_panel

    panel = make_panel(w.schools["a1"], "AP-MX-A1", "7A1")
    received = receive_alarms([Incoming(device=panel, source="dc09", dedup_key=f"mx:{n}", code=code, zone=str(n))
                               for n, code in ((1, "PA"), (2, "BA"), (3, "FA"))])
    w.extra["alarm_panel"] = panel
    w.extra["alarm"], w.extra["alarm_acked"], w.extra["alarm_dispatched"] = (
        Alarm.objects.get(pk=pk) for pk, _new in received)
    officer = w.users["station_a1"]
    services.do_acknowledge_alarm(w.extra["alarm_acked"], actor=officer)
    services.do_acknowledge_alarm(w.extra["alarm_dispatched"], actor=officer)
    services.do_dispatch_alarm(w.extra["alarm_dispatched"], officer=officer, actor=officer)


def al(w, key="alarm"):
    return w.extra[key].pk


CASES = [
    Case("alarm-console", lambda w: "/alarms/console/", perm=CONSOLE),
    Case("alarm-list", lambda w: "/alarms/", perm=VIEW),
    Case("alarm-stats", lambda w: "/alarms/stats/", perm=STATS),
    Case("alarm-detail", lambda w: f"/alarms/{al(w)}/", perm=VIEW, reach="a1"),
    Case("alarm-step", lambda w: f"/alarms/{al(w)}/acknowledge/", perm=HANDLE, reach="a1", method="POST"),
    Case("GET /api/v1/alarms/alarms", lambda w: "/api/v1/alarms/alarms", perm=VIEW),
    Case("GET /api/v1/alarms/alarms/{alarm_id}", lambda w: f"/api/v1/alarms/alarms/{al(w)}", perm=VIEW, reach="a1"),
    Case("POST /api/v1/alarms/alarms/{alarm_id}/acknowledge", lambda w: f"/api/v1/alarms/alarms/{al(w)}/acknowledge",
         perm=HANDLE, reach="a1", method="POST", data=lambda w: {}),
    Case("POST /api/v1/alarms/alarms/{alarm_id}/dispatch",
         lambda w: f"/api/v1/alarms/alarms/{al(w, 'alarm_acked')}/dispatch", perm=HANDLE, reach="a1",
         method="POST", data=lambda w: {"officer_id": w.users["station_a1"].pk}),
    Case("POST /api/v1/alarms/alarms/{alarm_id}/arrive",
         lambda w: f"/api/v1/alarms/alarms/{al(w, 'alarm_dispatched')}/arrive", perm=HANDLE, reach="a1",
         method="POST", data=lambda w: {}),
    Case("POST /api/v1/alarms/alarms/{alarm_id}/close",
         lambda w: f"/api/v1/alarms/alarms/{al(w, 'alarm_acked')}/close", perm=HANDLE, reach="a1", method="POST",
         data=lambda w: {"disposition": "false", "notes": "电话核实"}),
    Case("GET /api/v1/alarms/feed", lambda w: "/api/v1/alarms/feed?after=0", perm=VIEW),
    Case("GET /api/v1/alarms/console", lambda w: "/api/v1/alarms/console", perm=CONSOLE),
    Case("GET /api/v1/alarms/stats", lambda w: "/api/v1/alarms/stats", perm=STATS),
    Case("PUT /api/v1/alarms/devices/{device_id}/dc09",
         lambda w: f"/api/v1/alarms/devices/{w.extra['alarm_panel'].pk}/dc09", perm="alarms.manage_dc09",
         reach="a1", method="PUT", data=lambda w: {"account": "7A2", "key": ""}),
]
