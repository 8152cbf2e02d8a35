"""Permission matrix of 指派民警: the unit a 110 centre sent names its officer."""

from tests.matrix import Case

HANDLE = "alarms.handle_alarm"


def extend_world(w):
    from huxiao.alarms import services
    from huxiao.alarms.intake import Incoming, receive_alarms
    from huxiao.alarms.models import Alarm
    from tests.alarms.conftest import make_panel

    panel = make_panel(w.schools["a1"], "AP-MX-AS", "7A9")
    ((pk, _new),) = receive_alarms([Incoming(device=panel, source="dc09", dedup_key="mx:assign", code="PA")])
    alarm = Alarm.objects.get(pk=pk)
    services.do_acknowledge_alarm(alarm, actor=w.users["police_a"])
    services.do_dispatch_alarm(alarm, unit=w.units["station_a1"], actor=w.users["police_a"])  # the 110 centre
    w.extra["alarm_sent_by_centre"] = alarm


CASES = [
    Case("POST /api/v1/alarms/alarms/{alarm_id}/assign",
         lambda w: f"/api/v1/alarms/alarms/{w.extra['alarm_sent_by_centre'].pk}/assign", perm=HANDLE, reach="a1",
         method="POST", data=lambda w: {"officer_id": w.users["station_a1"].pk},
         except_={"police_a", "police_city"}),  # only the unit sent (东城派出所) assigns its officer
]
