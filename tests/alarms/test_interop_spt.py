"""Interop: a running Receiver driven by my_dc09_spt, an independent DC-09 dialler (a fork of van Ovost's
dc09_spt on ``cryptography``), over TCP and UDP — its own frames, its own answer checking.

What this dialler does that matters here (read from its source): unencrypted frames carry no timestamp
(so its plaintext panels need the per-device timestamp opt-out, and are refused without it); encrypted
frames always carry one; its pad bytes are drawn from chr(20)…chr(125), control characters included (the
"binary padding" of real polls); keys are raw bytes (16 or 32: AES-128/256); after a NAK it reads the
receiver's time from the NAK, corrects its clock offset and sends the message again with a fresh
timestamp. ``dc09answer`` checks our answers' CRC, length, sequence number and (encrypted) timestamp.
"""

import datetime
import time

import pytest
from my_dc09_spt.dc09_spt import dc09_spt
from my_dc09_spt.msg.dc03_msg import dc03_msg
from my_dc09_spt.msg.dc05_msg import dc05_msg
from my_dc09_spt.msg.dc09_msg import dc09_msg

from huxiao.alarms.models import Alarm
from huxiao.devices.models import Heartbeat
from tests.alarms.conftest import make_panel

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
KEY128 = "8F1E2D3C4B5A69788796A5B4C3D2E1F0"
KEY256 = "00112233445566778899AABBCCDDEEFF102132435465768798A9BACBDCEDFE0F"


def dialler(receiver, account, key=None, transport="tcp", offset=0):
    spt = dc09_spt(account, receiver=0, line=0)
    spt.set_path("main", "primary", "127.0.0.1", receiver.port, key=bytes.fromhex(key) if key else None,
                 type=transport)
    spt.tpaths["main"]["primary"]["path"].set_offset(offset)
    return spt


def send(receiver, spt, mtype, params, transport="tcp") -> str:
    """One message through the dialler's own transfer_msg; its verdict on our answer (ACK, NAK, …)."""
    path = spt.tpaths["main"]["primary"]["path"]
    spt.msg_nr += 1
    msg = {"SIA-DCS": dc03_msg.dc03event, "ADM-CID": dc05_msg.dc05event}[mtype](spt.account, params) \
        if mtype != "NULL" else "]"
    dc09 = dc09_msg(path.get_account(), path.get_key(), path.get_receiver(), path.get_line(), path.get_offset())
    conn = path.connect()
    try:
        answer = conn.sendAndReceive(dc09.dc09block(spt.msg_nr, mtype, msg).encode(), 512)
    finally:
        conn.disconnect()
    return dc09.dc09answer(spt.msg_nr, answer.decode())[0]


@pytest.fixture
def spt_panels(world, receiver):
    panels = {
        "plain": make_panel(world.schools["a1"], "SPT-PLAIN", "2001", timestamp_optional=True),
        "strict": make_panel(world.schools["a1"], "SPT-STRICT", "2004"),
        "aes128": make_panel(world.schools["a2"], "SPT-128", "2002", KEY128),
        "aes256": make_panel(world.schools["a2"], "SPT-256", "2003", KEY256),
    }
    receiver.reload()
    return panels


def alarms_of(device):
    return list(Alarm.objects.filter(device=device).order_by("id").values_list("code", "area", "zone", "user",
                                                                               "event_kind", "status"))


def test_sia_dcs_areas_and_zones_plain_and_aes(receiver, spt_panels):
    for name, account, key in (("plain", "2001", None), ("aes128", "2002", KEY128), ("aes256", "2003", KEY256)):
        spt = dialler(receiver, account, key)
        assert send(receiver, spt, "SIA-DCS", {"area": 2, "zone": 4, "code": "BA"}) == "ACK", name
        assert send(receiver, spt, "SIA-DCS", {"area": 1, "user": 7, "code": "CL"}) == "ACK", name
        assert alarms_of(spt_panels[name]) == [("BA", "2", "4", "", "alarm", "received"),
                                               ("CL", "1", "", "7", "closing", "recorded")], name


def test_contact_id_alarm_and_restore(receiver, spt_panels):
    spt = dialler(receiver, "2002", KEY128)
    assert send(receiver, spt, "ADM-CID", {"q": 1, "code": "130", "area": 1, "zone": 5}) == "ACK"
    assert send(receiver, spt, "ADM-CID", {"q": 3, "code": "130", "area": 1, "zone": 5}) == "ACK"
    assert send(receiver, spt, "ADM-CID", {"q": 3, "code": "401", "area": 1, "user": 3}) == "ACK"
    assert alarms_of(spt_panels["aes128"]) == [("BA", "01", "005", "", "alarm", "received"),
                                               ("BR", "01", "005", "", "restore", "recorded"),
                                               ("CL", "01", "", "003", "closing", "recorded")]
    alarm = Alarm.objects.get(device=spt_panels["aes128"], code="BA")
    assert alarm.restored_at is not None  # the restore annotated the open alarm, which stays open
    assert Alarm.objects.filter(status="received").count() == 1


def test_udp(receiver, spt_panels):
    spt = dialler(receiver, "2003", KEY256, transport="udp")
    assert send(receiver, spt, "SIA-DCS", {"area": 3, "zone": 9, "code": "FA"}) == "ACK"
    assert alarms_of(spt_panels["aes256"]) == [("FA", "3", "9", "", "alarm", "received")]
    assert Alarm.objects.get(code="FA").path == "udp 127.0.0.1 R0 L0"


def test_polls_with_binary_padding_keep_panels_networked(receiver, spt_panels):
    """Its encrypted polls pad with control characters about as often as not; every one is a heartbeat."""
    for account, key in (("2002", KEY128), ("2003", KEY256), ("2001", None)):
        spt = dialler(receiver, account, key)
        path = spt.tpaths["main"]["primary"]["path"]
        for _ in range(12):
            assert spt.transfer_msg(0, "NULL", "]", path), account
    for name in ("aes128", "aes256", "plain"):
        spt_panels[name].refresh_from_db()
        assert spt_panels[name].is_networked(), name
    assert Alarm.objects.count() == 0
    assert Heartbeat.objects.filter(device__in=list(spt_panels.values())).count() >= 3


def test_plaintext_and_timestamp_rules(receiver, spt_panels):
    """Its unencrypted frames have no timestamp: refused unless the device opts out; a plaintext frame
    to an AES account is refused and counted as forged."""
    strict = dialler(receiver, "2004")
    assert send(receiver, strict, "SIA-DCS", {"zone": 1, "code": "PA"}) == "NAK"
    forged = dialler(receiver, "2002")  # the AES account's number, no key
    assert send(receiver, forged, "SIA-DCS", {"zone": 1, "code": "PA"}) == "NAK"
    assert send(receiver, forged, "NULL", {}) == "NAK"  # a plaintext poll keeps no cut panel alive
    assert Alarm.objects.count() == 0 and not Heartbeat.objects.exists()
    receiver.flush_forged()
    spt_panels["aes128"].refresh_from_db()
    assert spt_panels["aes128"].forged_frames == 2


def test_clock_resync_from_our_nak_and_retry_with_a_fresh_timestamp(receiver, spt_panels):
    """A dialler whose clock is 2 minutes behind is refused (stale), reads our time from the NAK and
    sends the same message again with a corrected timestamp: stored once, with both receptions."""
    spt = dialler(receiver, "2002", KEY128, offset=-120)
    path = spt.tpaths["main"]["primary"]["path"]
    spt.msg_nr = 41
    message = dc03_msg.dc03event("2002", {"area": 1, "zone": 12, "code": "BA"})
    try:
        spt.transfer_msg(41, "SIA-DCS", message, path)
    except TypeError:  # its retry branch checks the second answer as bytes (its own bug), after we ACKed
        pass
    assert abs(path.get_offset()) < 5  # resynchronised from our NAK's timestamp
    assert alarms_of(spt_panels["aes128"]) == [("BA", "1", "12", "", "alarm", "received")]
    # the same event again with a fresh timestamp (a lost ACK), over the back-up path (UDP): stored once
    time.sleep(1.1)
    spt_udp = dialler(receiver, "2002", KEY128, transport="udp")
    udp_path = spt_udp.tpaths["main"]["primary"]["path"]
    assert spt_udp.transfer_msg(41, "SIA-DCS", message, udp_path)
    alarm = Alarm.objects.get(device=spt_panels["aes128"])
    paths = [r.path for r in alarm.receptions()]
    assert paths == ["tcp 127.0.0.1 R0 L0", "udp 127.0.0.1 R0 L0"]
    assert alarm.occurred_at > datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=60)
