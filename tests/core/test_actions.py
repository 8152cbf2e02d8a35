"""The action contract in the services: a named actor (SYSTEM when the platform acts, None refused), one
permission guard, the life cycles as transition tables, typed audit events on every write."""

import ast
import datetime
import json
import pathlib

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from huxiao.core.actions import SYSTEM, require
from huxiao.core.audit import event_label
from huxiao.core.models import AuditLog
from tests.alarms.conftest import make_panel
from tests.hazards.helpers import api, hazard_payload

ROOT = pathlib.Path(__file__).resolve().parents[2] / "huxiao"


def test_a_missing_actor_is_refused_and_system_is_explicit(world):
    from huxiao.devices.models import Device
    from huxiao.devices.services import do_register_device

    school = world.schools["a1"]
    with pytest.raises(PermissionDenied, match="SYSTEM"):
        require(None, "devices.register_device", school)
    require(SYSTEM, "devices.register_device", school)  # the platform reaches everything
    with pytest.raises(PermissionDenied, match="无权执行此操作"):
        require(world.users["guard_a1"], "devices.register_device", school)
    data = {"kind": "camera", "location": "gate", "name": "校门摄像机", "serial": "AC-1"}
    entries = AuditLog.objects.count()
    with pytest.raises(PermissionDenied):
        do_register_device(school, data, actor=None)  # a forgotten actor never skips the checks
    assert Device.objects.count() == 0 and AuditLog.objects.count() == entries
    device, _secret = do_register_device(school, data, actor=SYSTEM)
    entry = AuditLog.objects.get(object_id=str(device.pk), model="devices.Device")
    assert (entry.user, entry.username, entry.event) == (None, "system", "devices.register")
    assert event_label(entry.event) == "登记技防设备"


def _post(client, url, data=None):
    return client.post(url, data=json.dumps(data or {}), content_type="application/json")


def test_a_transition_is_one_typed_audit_entry_and_an_illegal_one_changes_nothing(world):
    from huxiao.hazards.models import Hazard, HazardEvent

    created = api(world.users["edu_a"]).post("/hazards/", hazard_payload(world))
    assert created.status_code == 201, created.content
    hid = created.json()["id"]
    assert AuditLog.objects.filter(object_id=str(hid), model="hazards.Hazard").get().event == "hazards.report"
    school = api(world.users["principal_a1"])
    r = school.post(f"/hazards/{hid}/transitions", {"action": "close", "note": "自己销号"})
    assert r.status_code == 403  # the school never closes its own hazard
    r = api(world.users["edu_a"]).post(f"/hazards/{hid}/transitions", {"action": "close", "note": "销号"})
    assert r.status_code == 400 and "当前状态为“待整改”，不能执行“验收销号”" in json.dumps(r.json(), ensure_ascii=False)
    assert Hazard.objects.get(pk=hid).status == "pending" and HazardEvent.objects.filter(hazard_id=hid).count() == 1
    assert AuditLog.objects.filter(object_id=str(hid), model="hazards.Hazard").count() == 1
    r = school.post(f"/hazards/{hid}/transitions", {"action": "start", "note": "已安排施工"})
    assert r.status_code == 200 and r.json()["status"] == "rectifying"
    entries = AuditLog.objects.filter(object_id=str(hid), model="hazards.Hazard").order_by("id")
    assert [e.event for e in entries] == ["hazards.report", "hazards.start"]
    assert entries.last().after == {"status": "rectifying", "note": "已安排施工"}  # the event says what; no "action"
    assert event_label("hazards.start") == "隐患开始整改"


def test_the_alarm_life_cycle_refuses_in_chinese_and_escalates_as_system(world, client_for):
    from huxiao.alarms.intake import Incoming, receive_alarms
    from huxiao.alarms.models import Alarm
    from huxiao.alarms.services import LIFE_CYCLE, escalate_overdue

    assert list(LIFE_CYCLE) == ["acknowledge", "dispatch", "arrive", "close"]
    panel = make_panel(world.schools["a1"], "AC-AP", "AC1")
    t0 = timezone.now()
    ((pk, _new),) = receive_alarms([Incoming(device=panel, source="dc09", dedup_key="ac:1", code="PA")], now=t0)
    c = client_for(world.users["station_a1"])
    r = _post(c, f"/api/v1/alarms/alarms/{pk}/dispatch", {"officer": "王警官"})
    assert r.status_code == 400 and "报警当前状态为“接警”，不能派警" in r.json()["detail"]
    assert escalate_overdue(now=t0 + datetime.timedelta(seconds=31)) == 1
    entry = AuditLog.objects.filter(model="alarms.Alarm", object_id=str(pk)).get()
    assert (entry.user, entry.username, entry.event) == (None, "system", "alarms.escalate")
    assert Alarm.objects.get(pk=pk).events.get(kind="escalated").actor is None  # no user row for SYSTEM
    assert _post(c, f"/api/v1/alarms/alarms/{pk}/acknowledge").status_code == 200
    assert AuditLog.objects.filter(model="alarms.Alarm", object_id=str(pk)).latest("id").event == "alarms.acknowledge"


def test_the_escalation_ladder_writes_as_system(world):
    from huxiao.hazards.ladder import apply_ladder
    from huxiao.hazards.models import Hazard

    r = api(world.users["edu_a"]).post("/hazards/", hazard_payload(world))
    hazard = Hazard.objects.get(pk=r.json()["id"])
    later = timezone.make_aware(datetime.datetime.combine(hazard.deadline + datetime.timedelta(days=1),
                                                          datetime.time(9)))
    assert len(apply_ladder(now=later)) == 1
    entry = AuditLog.objects.filter(model="hazards.Hazard", object_id=str(hazard.pk)).latest("id")
    assert (entry.username, entry.event, event_label(entry.event)) == ("system", "hazards.escalate", "隐患逾期督办升级")


def _audit_writes_without_event(path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [f"{path.relative_to(ROOT)}:{node.lineno}" for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "record"
            and ast.unparse(node.func.value) == "audit" and not any(k.arg == "event" for k in node.keywords)]


def test_every_audited_write_of_the_apps_names_its_typed_event():
    """An app's audit entry says what happened by its event (``<app>.<verb>``, labelled in Chinese on the
    audit page), not by a Python dict: every ``audit.record`` outside core passes ``event=``."""
    untyped = [site for app in sorted(p for p in ROOT.iterdir() if (p / "apps.py").exists() and p.name != "core")
               for path in sorted(app.rglob("*.py")) if "migrations" not in path.parts
               for site in _audit_writes_without_event(path)]
    assert untyped == []
