"""缺岗: a window nobody came to by its 缺岗 time is recorded once and its station told, by the clock."""

import pytest

from huxiao.core import events
from huxiao.core.models import AuditLog, Notification
from huxiao.patrols import alerts, services
from huxiao.patrols.models import MissedWindow
from tests.patrols.helpers import DAY, at, body

pytestmark = pytest.mark.django_db


def test_missed_windows_recorded_once_and_the_station_told(pw, django_capture_on_commit_callbacks):
    post = pw.extra["post_a1"]
    services.do_check_in(post, body(post, pw.extra["person_a1"], when=at(DAY, 7, 0)), actor=pw.users["police_a"])
    with django_capture_on_commit_callbacks(execute=True):  # notifications go out after the commit
        flagged = alerts.flag_missed_windows(now=at(DAY, 12, 0))
    # by noon: a1's noon window (11:25 + 10 minutes) was missed, its gate window was manned;
    # a2's and b1's gate windows were missed (a2 has no noon dismissal)
    assert sorted((m.post.name, m.post.school.name, m.window) for m in flagged) == [
        ("南门护学岗", "东城实验小学", "noon"), ("南门护学岗", "溧阳南渡初级中学", "gate_open"),
        ("南门护学岗", "溧阳南渡初级中学", "noon"), ("村校联防岗", "金城中心幼儿园", "gate_open")]
    told = Notification.objects.filter(recipient=pw.users["station_a1"])
    assert [n.title for n in told] == ["护学岗缺岗：东城实验小学 南门护学岗"] and "中午放学" in told[0].body
    assert not Notification.objects.filter(recipient=pw.users["edu_a"]).exists()
    assert AuditLog.objects.filter(event="patrols.missed_window").count() == 4
    with django_capture_on_commit_callbacks(execute=True):
        assert alerts.flag_missed_windows(now=at(DAY, 12, 5)) == []  # once
    assert MissedWindow.objects.count() == 4 and told.count() == 1


def test_the_clock_flags_through_its_event(pw):
    events.dispatch("clock.tick", {"at": at(DAY, 7, 30).isoformat()})
    assert MissedWindow.objects.filter(window="gate_open").count() == 3


def test_no_missed_window_on_a_holiday(pw):
    import datetime

    holiday = datetime.date(2026, 10, 1)
    assert alerts.flag_missed_windows(now=at(holiday, 18, 0)) == []
