"""Reading the alarm history for its pages and its API: the alarms in reach with what they are shown with,
a page of them serialised as the console shows alarms, one alarm with its handling and its receptions.

The console itself reads through ``feed`` (the hot path); this module only calls its serialisation."""

from huxiao.alarms import feed, sessions
from huxiao.alarms.models import Alarm
from huxiao.core.records.paging import DeferredRows

VIEW = "alarms.view_alarm"
RELATED = ("school__police_station", "device", "dispatch_unit")


def history(user, perm: str = VIEW):
    """The alarms ``user`` may see for ``perm``, with the relations they are shown with."""
    return Alarm.objects.visible_to(user, perm).select_related(*RELATED)


class AlarmPage(DeferredRows):
    """A page of the alarm history as the console shows alarms (each school's cameras and guards read
    once for the page), its read audited when it lists any alarm."""

    def __init__(self, qs, request):
        super().__init__(qs)
        self.request = request

    def __getitem__(self, item):
        if isinstance(item, int):
            return self[item:item + 1][0]
        alarms = super().__getitem__(item)
        items = feed.alarms_payload(alarms, self.request.user)
        if items:
            sessions.record_list_read(self.request.user, self.request, "报警列表", len(items))
        return items


def handling(alarm: Alarm) -> dict:
    """What was done with the alarm (its events, with who) and every reception of it."""
    return {"events": alarm.events.select_related("actor"), "receipts": alarm.receptions()}


def alarm_out(alarm: Alarm, user) -> dict:
    """The alarm as the console shows it, with the unit and officer sent (the console's serialisation
    names the officer only)."""
    data = feed.alarm_dict(alarm, user)
    data["dispatch_unit"] = ({"id": alarm.dispatch_unit_id, "name": alarm.dispatch_unit.name}
                             if alarm.dispatch_unit_id else None)
    data["dispatched_officer_id"] = alarm.dispatched_officer_id
    return data


def detail_out(alarm: Alarm, user) -> dict:
    """``alarm_out`` with the alarm's handling and receptions, as the API's detail answers it."""
    data = alarm_out(alarm, user)
    done = handling(alarm)
    data["events"] = [{"id": e.id, "kind": e.kind, "kind_label": e.get_kind_display(), "at": feed._iso(e.at),
                       "actor": e.actor.display_name if e.actor_id else "", "detail": e.detail}
                      for e in done["events"]]
    data["receipts"] = [{"at": feed._iso(r.at), "path": r.path, "sequence": r.sequence, "duplicate": r.duplicate}
                        for r in done["receipts"]]
    return data
