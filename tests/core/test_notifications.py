"""Notification channels (issue 13 item 8): in-app always, e-mail and SMS by each user's preferences,
nothing before the commit, every attempt recorded, failures visible and retried, phones never in clear."""

import datetime
import logging

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from huxiao.core import notifications
from huxiao.core.models import AuditLog, Delivery, Notification, NotificationPreference
from huxiao.core.models.notify import DeliveryStatus
from huxiao.core.services import notify

PHONE = "13912345678"
PREFS = "/me/notifications/"
RECORDER = "huxiao.core.notifications.RecordingSmsSender"


@pytest.fixture
def sms(settings):
    settings.SMS_SENDER = RECORDER
    notifications.RecordingSmsSender.outbox = []
    notifications.RecordingSmsSender.fail_with = None
    yield notifications.RecordingSmsSender
    notifications.RecordingSmsSender.outbox = []
    notifications.RecordingSmsSender.fail_with = None


@pytest.fixture
def reachable(world):
    """principal_a1 with an e-mail address and a phone; edu_a with neither."""
    user = world.users["principal_a1"]
    user.email, user.phone = "zhang@school.example.cn", PHONE
    user.save()
    return user


def test_nothing_is_sent_when_the_transaction_rolls_back(reachable, sms, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            notify([reachable], "校门损坏", level="danger")
            raise RuntimeError("the change failed")
    assert not Notification.objects.exists() and not Delivery.objects.exists()
    assert mail.outbox == [] and sms.outbox == []


def test_default_channels_by_level(reachable, world, sms, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify([reachable, world.users["edu_a"]], "隐患已登记", "东侧围墙", url="/hazards/1/", level="info")
    assert Notification.objects.count() == 2 and not Delivery.objects.exists()  # info: in-app only
    with django_capture_on_commit_callbacks(execute=True):
        notify([reachable, world.users["edu_a"]], "隐患即将到期", level="warning")
    assert [m.to for m in mail.outbox] == [["zhang@school.example.cn"]] and sms.outbox == []
    assert "隐患即将到期" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        notify([reachable], "报警超时未确认", level="danger")
    assert sms.outbox == [(PHONE, "【护校安园】报警超时未确认")]
    rows = Delivery.objects.order_by("pk")
    assert [(d.channel, d.status, d.destination) for d in rows] == [
        ("email", "sent", "z***@school.example.cn"), ("email", "sent", "z***@school.example.cn"),
        ("sms", "sent", "139****5678")]
    assert Notification.objects.filter(recipient=world.users["edu_a"]).count() == 2  # no address: in-app only


def test_preferences_page_changes_channels_and_is_audited(reachable, client_for, sms,
                                                          django_capture_on_commit_callbacks):
    client = client_for(reachable)
    r = client.get(PREFS)
    assert r.status_code == 200 and "139****5678" in r.content.decode() and PHONE not in r.content.decode()
    # info by SMS too, warning no longer by e-mail
    r = client.post(PREFS, {"info_sms": "on", "danger_email": "on", "danger_sms": "on"})
    assert r.status_code == 302
    assert AuditLog.objects.filter(event=notifications.NotifyAudit.PREFERENCES, username="principal_a1").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        notify([reachable], "今日值守提醒", level="info")
        notify([reachable], "隐患即将到期", level="warning")
    assert sms.outbox == [(PHONE, "【护校安园】今日值守提醒")] and mail.outbox == []


def test_a_channel_that_cannot_reach_the_user_is_refused_naming_the_field(world, client_for, settings):
    user = world.users["edu_a"]  # no phone, no e-mail
    settings.SMS_SENDER = ""
    r = client_for(user).post(PREFS, {"danger_sms": "on"})
    assert r.status_code == 400
    page = r.content.decode()
    assert "紧急 · 短信：短信网关未配置" in page
    settings.SMS_SENDER = RECORDER
    r = client_for(user).post(PREFS, {"warning_email": "on"})
    assert r.status_code == 400 and "提醒 · 电子邮件：您的账号未登记电子邮箱" in r.content.decode()
    assert not NotificationPreference.objects.exists()
    assert not AuditLog.objects.filter(event=notifications.NotifyAudit.PREFERENCES).exists()


def test_preferences_are_for_signed_in_users_only(client):
    r = client.get(PREFS)
    assert r.status_code == 302 and "/login/" in r["Location"]


def test_a_failed_sms_is_recorded_masked_visible_and_retried(reachable, sms, client_for, caplog,
                                                            django_capture_on_commit_callbacks):
    sms.fail_with = f"网关拒绝：号码 {PHONE} 余额不足"
    with caplog.at_level(logging.WARNING, logger="huxiao.core.notifications"), \
            django_capture_on_commit_callbacks(execute=True):
        notify([reachable], "报警超时未确认", level="danger")
    delivery = Delivery.objects.get(channel="sms")
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)
    assert "139****5678" in delivery.last_error and PHONE not in delivery.last_error
    assert caplog.records and all(PHONE not in r.getMessage() for r in caplog.records)
    assert Delivery.objects.get(channel="email").status == DeliveryStatus.SENT  # one channel's failure only
    page = client_for(reachable).get(PREFS).content.decode()
    assert 'data-status="failed"' in page and "余额不足" in page and PHONE not in page
    # not yet due: nothing; due: sent
    assert notifications.retry_due() == {}
    sms.fail_with = None
    assert notifications.retry_due(delivery.next_attempt_at + datetime.timedelta(seconds=1)) == {
        delivery.pk: DeliveryStatus.SENT}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.SENT, 2, "")
    assert sms.outbox == [(PHONE, "【护校安园】报警超时未确认")]
    assert notifications.retry_due(timezone.now() + datetime.timedelta(days=1)) == {}  # sent once


def test_retries_end_after_the_last_attempt(reachable, sms, settings, django_capture_on_commit_callbacks):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    sms.fail_with = "网关超时"
    with django_capture_on_commit_callbacks(execute=True):
        notify([reachable], "紧急通知", level="danger")
    delivery = Delivery.objects.get(channel="sms")
    later = timezone.now()
    for expected in (DeliveryStatus.FAILED, DeliveryStatus.GAVE_UP):
        later += datetime.timedelta(hours=2)
        assert notifications.retry_due(later) == {delivery.pk: expected}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (DeliveryStatus.GAVE_UP, 3, None)
    assert notifications.retry_due(later + datetime.timedelta(days=1)) == {}


def test_a_worker_that_died_while_sending_is_taken_back(reachable, sms, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify([reachable], "紧急通知", level="danger")
    delivery = Delivery.objects.get(channel="sms")
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENDING, attempted_at=timezone.now())
    assert notifications.retry_due() == {}  # still within its worker's time
    assert notifications.retry_due(timezone.now() + datetime.timedelta(minutes=16)) == {delivery.pk: "sent"}
    assert notifications.attempt(delivery.pk) is None  # a sent delivery is never claimed again


def test_retry_button_for_ones_own_failed_delivery(reachable, world, sms, client_for,
                                                   django_capture_on_commit_callbacks):
    sms.fail_with = "网关超时"
    with django_capture_on_commit_callbacks(execute=True):
        notify([reachable], "紧急通知", level="danger")
    delivery = Delivery.objects.get(channel="sms")
    url = f"/me/notifications/deliveries/{delivery.pk}/retry/"
    assert client_for(world.users["admin_province"]).post(url).status_code == 404  # someone else's
    assert client_for(reachable).get(url).status_code == 405
    sms.fail_with = None
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(reachable).post(url).status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and sms.outbox == [(PHONE, "【护校安园】紧急通知")]
    assert AuditLog.objects.filter(event=notifications.NotifyAudit.RETRY, username="principal_a1").count() == 1
    r = client_for(reachable).post(url, follow=True)  # sent: nothing to retry
    assert "只有发送失败的投递可以重试" in r.content.decode()
    assert sms.outbox == [(PHONE, "【护校安园】紧急通知")]


def test_switching_every_channel_off_is_saved(reachable, client_for, django_capture_on_commit_callbacks):
    """An empty form (every box unticked) is a choice too, not an unsent form."""
    assert client_for(reachable).post(PREFS, {}).status_code == 302
    assert set(NotificationPreference.objects.filter(user=reachable).values_list("enabled", flat=True)) == {False}
    with django_capture_on_commit_callbacks(execute=True):
        notify([reachable], "报警超时未确认", level="danger")
    assert not Delivery.objects.exists() and mail.outbox == []
    assert Notification.objects.filter(recipient=reachable).count() == 1  # in-app always
