"""Notification channels: in-app, e-mail and SMS, chosen per user and level, each attempt recorded.

``send(users, title, body, url, level)`` (what ``core.services.notify`` calls) does nothing until the
surrounding transaction commits (``on_commit``: a rolled-back change notifies nobody). Then, in one
transaction of its own, it writes

- the in-app ``Notification`` of every recipient — always, whatever the preferences: the bell is the
  record of what the user was told — and pushes the new unread count to their open pages
  (``core.push``, kind ``notification``);
- a ``Delivery`` per further channel the recipient wants for this level (``NotificationPreference``,
  defaults in ``settings.NOTIFY_DEFAULT_CHANNELS``) and can be reached by: e-mail when the account has an
  address, SMS when it has a phone number and an SMS gateway is configured.

Deliveries are attempted by the Huey task ``deliver_task`` after that transaction commits (so nothing is
ever sent for a row that does not exist). An attempt claims its row (pending/failed → sending) with one
UPDATE, so two workers never send the same message twice; it ends sent, or failed with the reason and
the time of the next attempt (back-off ``NOTIFY_RETRY_SECONDS``), or — after ``NOTIFY_MAX_ATTEMPTS`` —
given up. The periodic task ``retry_deliveries_task`` (every minute) retries failed ones that are due and
takes back rows left "sending" by a worker that died. A user sees their deliveries and their status on
the preferences page (``/me/notifications/``) and may retry a failed one there.

Channels:

- **e-mail** through Django's mail backend (``EMAIL_BACKEND`` and friends in settings);
- **SMS** through the gateway class named by ``settings.SMS_SENDER`` (a dotted path; empty: no SMS). The
  class is instantiated per attempt and called ``send(phone, text)``; it raises on failure. A provider
  adapter is a few lines; :class:`RecordingSmsSender` keeps messages in memory (tests, demo).

Phone numbers and addresses are personal data: the delivery row keeps them masked (138****5678), and a
gateway's error text is masked before it is stored or logged.
"""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from huxiao.core import audit, push
from huxiao.core.audit import audit_events
from huxiao.core.choices import AuditAction
from huxiao.core.crypto import mask_phone
from huxiao.core.models.notify import (
    Delivery,
    DeliveryStatus,
    NotificationChannel,
    NotificationLevel,
    NotificationPreference,
)

log = logging.getLogger(__name__)
STALE_SENDING = datetime.timedelta(minutes=15)  # a "sending" row older than this lost its worker
RETRY_BATCH = 500


@audit_events
class NotifyAudit(models.TextChoices):
    PREFERENCES = "core.notification_preferences", gettext_lazy("修改通知偏好")
    RETRY = "core.retry_delivery", gettext_lazy("重试通知投递")


class DeliveryError(Exception):
    """A channel could not deliver (the message is shown to the user: Chinese, no address in clear)."""


class RecordingSmsSender:
    """An SMS gateway that keeps what it is given (tests and the demo): ``outbox`` of ``(phone, text)``.
    Set ``fail_with`` to a message to make every send fail with it."""

    outbox: list = []
    fail_with: str | None = None

    def send(self, phone: str, text: str):
        if type(self).fail_with:
            raise DeliveryError(type(self).fail_with)
        type(self).outbox.append((phone, text))


# --- who gets what ---------------------------------------------------------------------------------

def sms_configured() -> bool:
    return bool(getattr(settings, "SMS_SENDER", ""))


def address(user, channel) -> str:
    """Where ``user`` is reached by ``channel`` ("" when they cannot be)."""
    if channel == NotificationChannel.EMAIL:
        return (user.email or "").strip()
    if channel == NotificationChannel.SMS:
        return (user.phone or "").strip() if sms_configured() else ""
    return ""


def mask(channel, value: str) -> str:
    if not value:
        return ""
    if channel == NotificationChannel.SMS:
        return mask_phone(value)
    local, _at, domain = value.partition("@")
    return f"{local[:1]}***@{domain}" if domain else mask_phone(value)


def channel_reach(user) -> list[tuple]:
    """``[(channel label, masked address, why not)]`` for every channel: where ``user`` is reached, as their
    preferences page shows it."""
    return [(label, mask(c, address(user, c)), unreachable_reason(user, c)) for c, label in NotificationChannel.choices]


def default_channels(level) -> set:
    return set(settings.NOTIFY_DEFAULT_CHANNELS.get(str(level), ()))


def preferences(user) -> dict:
    """``{(level, channel): enabled}`` for every level and channel, defaults filled in."""
    stored = {(p.level, p.channel): p.enabled for p in NotificationPreference.objects.filter(user=user)}
    return {(level, channel): stored.get((level, channel), channel in default_channels(level))
            for level in NotificationLevel.values for channel in NotificationChannel.values}


def wanted_channels(users, level) -> dict:
    """``{user id: [channel, …]}`` — the further channels each user wants for ``level`` and can be reached
    by. One query for all of them."""
    stored = {}
    for user_id, channel, enabled in NotificationPreference.objects.filter(
            user__in=[u.pk for u in users], level=str(level)).values_list("user_id", "channel", "enabled"):
        stored[(user_id, channel)] = enabled
    defaults = default_channels(level)
    return {u.pk: [c for c in NotificationChannel.values
                   if stored.get((u.pk, c), c in defaults) and address(u, c)] for u in users}


# --- sending ---------------------------------------------------------------------------------------

def send(users, title, body="", url="", level="info"):
    """Notify ``users`` once the surrounding transaction commits (see the module's docstring)."""
    recipients = list({u.pk: u for u in users if u is not None and u.pk}.values())
    if recipients:
        transaction.on_commit(lambda: _write(recipients, str(title)[:200], str(body), str(url)[:255], str(level)))


def _write(users, title, body, url, level):
    from huxiao.core.models import Notification

    with transaction.atomic():
        notes = Notification.objects.bulk_create(
            [Notification(recipient=u, title=title, body=body, url=url, level=level) for u in users])
        wanted = wanted_channels(users, level)
        deliveries = Delivery.objects.bulk_create([
            Delivery(notification=note, channel=channel, destination=mask(channel, address(user, channel)))
            for note, user in zip(notes, users, strict=True) for channel in wanted[user.pk]])
        ids = [d.pk for d in deliveries]
        if ids:
            transaction.on_commit(lambda: deliver_task(ids))
        unread = dict(Notification.objects.filter(recipient__in=[u.pk for u in users], read_at__isnull=True)
                      .values("recipient_id").annotate(n=Count("id")).values_list("recipient_id", "n"))
        push.push_each({u.pk: {"unread": unread.get(u.pk, 0), "title": title, "level": level, "url": url}
                        for u in users}, "notification")


def _text(note) -> str:
    return f"【{_('护校安园')}】{note.title}"[:120]


def _email(to: str, note):
    link = f"{settings.SITE_URL.rstrip('/')}{note.url}" if note.url else ""
    body = "\n\n".join(part for part in (note.body, link) if part)
    EmailMessage(f"[{_('护校安园')}] {note.title}", body or note.title, settings.DEFAULT_FROM_EMAIL, [to]).send()


def _sms(to: str, note):
    import_string(settings.SMS_SENDER)().send(to, _text(note))


SENDERS = {NotificationChannel.EMAIL: _email, NotificationChannel.SMS: _sms}


def _masked_error(exc, secret: str) -> str:
    text = str(exc) or exc.__class__.__name__
    if secret:
        text = text.replace(secret, mask_phone(secret))
    return text[:255]


def attempt(delivery_id: int, now=None) -> str | None:
    """One attempt at one delivery; returns its new status (None when it was not due or is taken)."""
    now = now or timezone.now()
    claimed = Delivery.objects.filter(pk=delivery_id, status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED]) \
        .update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, attempted_at=now)
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("notification__recipient").get(pk=delivery_id)
    user, to = delivery.notification.recipient, ""
    try:
        to = address(user, delivery.channel)
        if not to:
            raise DeliveryError(_("接收人未登记%(channel)s地址，或该渠道未配置") % {
                "channel": delivery.get_channel_display()})
        SENDERS[delivery.channel](to, delivery.notification)
    except Exception as exc:
        error = _masked_error(exc, to)
        gave_up = delivery.attempts >= settings.NOTIFY_MAX_ATTEMPTS
        delays = settings.NOTIFY_RETRY_SECONDS
        delay = delays[min(delivery.attempts, len(delays)) - 1]
        Delivery.objects.filter(pk=delivery_id).update(
            status=DeliveryStatus.GAVE_UP if gave_up else DeliveryStatus.FAILED, last_error=error,
            next_attempt_at=None if gave_up else now + datetime.timedelta(seconds=delay))
        log.warning("notification delivery %s by %s failed (attempt %s): %s", delivery_id, delivery.channel,
                    delivery.attempts, error)
        return DeliveryStatus.GAVE_UP if gave_up else DeliveryStatus.FAILED
    Delivery.objects.filter(pk=delivery_id).update(status=DeliveryStatus.SENT, sent_at=timezone.now(),
                                                    last_error="", next_attempt_at=None)
    return DeliveryStatus.SENT


def deliver(delivery_ids) -> dict:
    """Attempt each delivery; ``{id: status}``."""
    return {pk: attempt(pk) for pk in delivery_ids}


def retry_due(now=None) -> dict:
    """Attempt the failed deliveries whose retry is due, after taking back those a dead worker left
    "sending"; ``{id: status}``."""
    now = now or timezone.now()
    Delivery.objects.filter(status=DeliveryStatus.SENDING, attempted_at__lt=now - STALE_SENDING).update(
        status=DeliveryStatus.FAILED, next_attempt_at=now, last_error=_("发送中断（处理进程已停止）"))
    due = list(Delivery.objects.filter(status=DeliveryStatus.FAILED, next_attempt_at__lte=now)
               .order_by("next_attempt_at").values_list("pk", flat=True)[:RETRY_BATCH])
    return deliver(due) if due else {}


@db_task()
def deliver_task(delivery_ids):
    return deliver(delivery_ids)


@db_periodic_task(crontab(minute="*"))
def retry_deliveries_task():
    return retry_due()


# --- the user's own changes ------------------------------------------------------------------------

@transaction.atomic
def do_set_preferences(user, choices: dict, *, actor):
    """Store ``{(level, channel): enabled}`` for ``user`` (their own page only). A channel that cannot
    reach them (no address, no gateway) cannot be switched on: ValidationError naming the field."""
    if actor != user:
        raise ValidationError(_("只能修改自己的通知偏好"))
    errors = {}
    for (level, channel), enabled in choices.items():
        if enabled and not address(user, channel):
            errors[f"{level}_{channel}"] = [unreachable_reason(user, channel)]
    if errors:
        raise ValidationError(errors)
    before = {f"{lv}_{ch}": on for (lv, ch), on in preferences(user).items()}
    for (level, channel), enabled in choices.items():
        NotificationPreference.objects.update_or_create(user=user, level=level, channel=channel,
                                                        defaults={"enabled": bool(enabled)})
    after = {f"{lv}_{ch}": on for (lv, ch), on in preferences(user).items()}
    audit.record(AuditAction.UPDATE, user, actor=actor, event=NotifyAudit.PREFERENCES, before=before, after=after,
                 model="core.NotificationPreference", object_repr=user.username)


def unreachable_reason(user, channel) -> str:
    if channel == NotificationChannel.SMS and not sms_configured():
        return _("短信网关未配置，暂不能通过短信接收通知")
    if channel == NotificationChannel.SMS:
        return _("您的账号未登记手机号，不能通过短信接收通知，请联系系统管理员登记")
    return _("您的账号未登记电子邮箱，不能通过邮件接收通知，请联系系统管理员登记")


@transaction.atomic
def do_retry_delivery(delivery: Delivery, *, actor):
    """Retry a failed (or given up) delivery of the actor's own notification now (after the commit)."""
    if delivery.notification.recipient_id != getattr(actor, "pk", None):
        raise ValidationError(_("只能重试发给自己的通知"))
    if delivery.status not in (DeliveryStatus.FAILED, DeliveryStatus.GAVE_UP):
        raise ValidationError({"status": _("只有发送失败的投递可以重试")})
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED, next_attempt_at=timezone.now())
    audit.record(AuditAction.UPDATE, delivery, actor=actor, event=NotifyAudit.RETRY,
                 object_repr=str(delivery.notification)[:200])
    transaction.on_commit(lambda: deliver_task([delivery.pk]))
