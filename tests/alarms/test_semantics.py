"""What an alarm means: area and zone apart, restores that annotate the open alarm and never ring, a retry
with a fresh timestamp or over the back-up path stored once with each reception kept, audited reads.

Through the paths panels and people use: raw DC-09 frames to a running receiver (TCP and UDP), the
signed HTTP device API, the alarm pages and API, the console feed.
"""

import datetime
import json
import time

import pytest
from django.utils import timezone

from huxiao.alarms import feed
from huxiao.alarms.dc09.frames import build
from huxiao.alarms.intake import DEDUP_WINDOW, Incoming, store_alarms
from huxiao.alarms.models import Alarm, AlarmReceipt
from huxiao.alarms.services import escalate_overdue
from huxiao.core.choices import AuditAction
from huxiao.core.models import AuditLog
from huxiao.devices.signing import signed_headers
from tests.alarms.conftest import make_panel

URL = "/api/v1/alarms/device/alarms"


def http_alarm(client, device, payload):
    body = json.dumps(payload).encode()
    headers = signed_headers(device.serial, device.raw_secret, "POST", URL, body)
    return client.post(URL, data=body, content_type="application/json",
                       **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})


def acked(answer: bytes) -> bool:
    return b'"ACK"' in answer


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sia_area_and_zone_are_stored_apart_and_shown(receiver, world, client_for):
    """``Nri2/BA004``: burglary in zone 4 of area 2 (DC-03); several events in one message each stored."""
    assert acked(receiver.send(build("1234", seq=11, data="#1234|Nri2/BA004/BA005")))
    alarms = list(Alarm.objects.order_by("zone"))
    assert [(a.area, a.zone, a.code, a.event_kind, a.status) for a in alarms] == [
        ("2", "004", "BA", "alarm", "received"), ("2", "005", "BA", "alarm", "received")]
    officer = client_for(world.users["station_a1"])
    page = officer.get(f"/alarms/{alarms[0].pk}/").content.decode()
    assert 'id="hx-alarm-area">2<' in page and 'id="hx-alarm-zone">004<' in page
    api = officer.get(f"/api/v1/alarms/alarms/{alarms[0].pk}").json()
    assert (api["area"], api["zone"], api["event_kind"]) == ("2", "004", "alarm")
    listing = officer.get("/alarms/").content.decode()
    assert "<td>2</td><td>004" in listing


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_contact_id_restore_annotates_the_open_alarm_and_never_rings(receiver, world, client_for):
    assert acked(receiver.send(build("1234", seq=21, token="ADM-CID", cid="1130 01 004")))
    assert acked(receiver.send(build("1234", seq=22, token="ADM-CID", cid="3130 01 004")))
    alarm, restore = Alarm.objects.order_by("id")
    assert (alarm.code, alarm.area, alarm.zone, alarm.status) == ("BA", "01", "004", "received")
    assert alarm.restored_at is not None
    assert (restore.code, restore.event_kind, restore.status) == ("BR", "restore", "recorded")
    timeline = list(alarm.events.values_list("kind", flat=True))
    assert timeline == ["received", "restored"]
    # the console shows the restore on the alarm's card, never as a new alarm to answer
    officer = world.users["station_a1"]
    events = feed.events_after(officer, 0)["events"]
    assert sorted((e["kind"], e["alarm"]["id"], e["alarm"]["needs_response"]) for e in events) == [
        ("received", alarm.pk, True), ("received", restore.pk, False), ("restored", alarm.pk, True)]
    assert [e["alarm"]["restored_at"] is not None for e in events if e["kind"] == "restored"] == [True]
    # escalation takes the alarm, never the restore
    later = timezone.now() + datetime.timedelta(minutes=5)
    escalate_overdue(now=later, after_seconds=30)
    alarm.refresh_from_db()
    restore.refresh_from_db()
    assert (alarm.escalation_level, restore.escalation_level) == (2, 0)
    page = client_for(officer).get(f"/alarms/{alarm.pk}/").content.decode()
    assert "报警恢复" in page and "已恢复" in page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_restore_of_another_zone_or_group_or_without_alarm_is_only_recorded(receiver):
    assert acked(receiver.send(build("1234", seq=31, data="#1234|Nri1/BA004")))
    assert acked(receiver.send(build("1234", seq=32, data="#1234|Nri1/BR005")))  # other zone
    assert acked(receiver.send(build("1234", seq=33, data="#1234|Nri2/BR004")))  # other area
    assert acked(receiver.send(build("1234", seq=34, data="#1234|Nri1/FR004")))  # fire restore, not burglary
    assert acked(receiver.send(build("1234", seq=35, token="ADM-CID", cid="3401 01 007")))  # closing: 布防
    alarm = Alarm.objects.get(code="BA")
    assert alarm.restored_at is None and list(alarm.events.values_list("kind", flat=True)) == ["received"]
    others = Alarm.objects.exclude(pk=alarm.pk).order_by("id")
    assert [(a.code, a.event_kind, a.status) for a in others] == [
        ("BR", "restore", "recorded"), ("BR", "restore", "recorded"), ("FR", "restore", "recorded"),
        ("CL", "closing", "recorded")]
    assert others.last().label == "布防"
    assert acked(receiver.send(build("1234", seq=36, data="#1234|Nri1/BR004")))  # the right one at last
    alarm.refresh_from_db()
    assert alarm.restored_at is not None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_retry_with_a_fresh_timestamp_over_the_backup_path_is_one_alarm_with_two_receipts(receiver, world,
                                                                                             client_for):
    first = build("1234", seq=41, data="#1234|Nri1/PA001")
    time.sleep(1.1)  # the panel's retransmission: same sequence and content, its timestamp refreshed
    retry = build("1234", seq=41, data="#1234|Nri1/PA001", line="L2")
    assert first != retry
    assert acked(receiver.send(first))
    assert acked(receiver.send_udp(retry))
    alarm = Alarm.objects.get()
    receipts = alarm.receptions()
    assert [r.duplicate for r in receipts] == [False, True]
    assert AlarmReceipt.objects.filter(alarm=alarm).count() == 1  # the first reception is the alarm row
    assert receipts[0].path != receipts[1].path and "L2" in receipts[1].path
    assert all(r.sequence == "0041" or r.sequence.lstrip("0") == "41" for r in receipts)
    page = client_for(world.users["station_a1"]).get(f"/alarms/{alarm.pk}/").content.decode()
    assert page.count("重发") == 1 and receipts[1].path in page
    api = client_for(world.users["station_a1"]).get(f"/api/v1/alarms/alarms/{alarm.pk}").json()
    assert [r["duplicate"] for r in api["receipts"]] == [False, True]


def test_the_same_sequence_after_the_window_is_a_new_alarm(world):
    """DC-09 sequence numbers wrap at 9999: the same key again after the window is a new event; within it
    (even across the window's bucket boundary) a retry."""
    panel = make_panel(world.schools["a1"], "SEQ-1", "5E2")

    def send(at, path="tcp 10.0.0.1 R0 L1"):
        item = Incoming(device=panel, source="dc09", dedup_key="dc09:5E2:0007:Nri1/PA001", code="PA", area="1",
                        zone="001", sequence="0007", path=path)
        ((pk, new),), _ = store_alarms([item], now=at)
        return pk, new

    base = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)
    edge = base + (DEDUP_WINDOW - datetime.timedelta(seconds=base.timestamp() % DEDUP_WINDOW.total_seconds()))
    pk, new = send(edge - datetime.timedelta(seconds=5))
    assert new
    assert send(edge + datetime.timedelta(seconds=5), path="udp 10.0.0.2 R0 L2") == (pk, False)  # next bucket
    assert send(edge + DEDUP_WINDOW / 2) == (pk, False)
    later, new = send(edge + DEDUP_WINDOW * 2)
    assert new and later != pk
    receptions = Alarm.objects.get(pk=pk).receptions()
    assert [(r.path, r.duplicate) for r in receptions] == [
        ("tcp 10.0.0.1 R0 L1", False), ("udp 10.0.0.2 R0 L2", True), ("tcp 10.0.0.1 R0 L1", True)]


def test_http_area_zone_and_restore(world, client):
    button = make_panel(world.schools["a1"], "HTTP-R", "B02")
    assert http_alarm(client, button, {"event_id": "e1", "code": "BA", "area": "3", "zone": "12"}).status_code == 201
    assert http_alarm(client, button, {"event_id": "e2", "code": "BR", "area": "3", "zone": "12"}).status_code == 201
    alarm, restore = Alarm.objects.order_by("id")
    assert (alarm.area, alarm.zone, alarm.status, restore.status) == ("3", "12", "received", "recorded")
    assert alarm.restored_at is not None
    assert http_alarm(client, button, {"event_id": "e3", "code": "BA", "area": "3 ", "zone": "1"}).status_code == 422
    assert Alarm.objects.count() == 2


def test_alarm_detail_reads_are_audited_and_refused_ones_are_not(world, client_for):
    panel = make_panel(world.schools["a1"], "AUD-1", "5E3")
    ((pk, _),), _ = store_alarms([Incoming(device=panel, source="dc09", dedup_key="aud:1", code="PA")])
    officer, outsider = world.users["station_a1"], world.users["police_b"]
    assert client_for(officer).get(f"/alarms/{pk}/").status_code == 200
    assert client_for(officer).get(f"/api/v1/alarms/alarms/{pk}").status_code == 200
    assert client_for(outsider).get(f"/alarms/{pk}/").status_code == 404
    assert client_for(outsider).get(f"/api/v1/alarms/alarms/{pk}").status_code == 404
    reads = AuditLog.objects.filter(action=AuditAction.READ, model="alarms.Alarm", object_id=str(pk))
    assert list(reads.values_list("user__username", flat=True)) == ["station_a1", "station_a1"]


def test_polling_console_and_list_reads_are_audited_per_batch(world, client_for):
    panel = make_panel(world.schools["a1"], "AUD-2", "5E4")
    store_alarms([Incoming(device=panel, source="dc09", dedup_key=f"aud:p{i}", code="PA") for i in range(3)])
    officer = client_for(world.users["station_a1"])
    reads = AuditLog.objects.filter(action=AuditAction.READ, user=world.users["station_a1"])
    batch = officer.get("/api/v1/alarms/feed?after=0").json()
    assert len(batch["events"]) == 3 and reads.count() == 1
    assert officer.get(f"/api/v1/alarms/feed?after={batch['last']}").json()["events"] == []
    assert reads.count() == 1  # an empty poll delivered nothing
    assert officer.get("/api/v1/alarms/console").status_code == 200
    assert officer.get("/api/v1/alarms/alarms").status_code == 200
    assert reads.count() == 3
    # a school user reading another school's feed sees nothing and is not audited for it
    other = world.users["principal_a2"]
    assert client_for(other).get("/api/v1/alarms/feed?after=0").json()["events"] == []
    assert not AuditLog.objects.filter(action=AuditAction.READ, user=other).exists()
