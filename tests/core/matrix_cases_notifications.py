"""Permission matrix cases of the notification preferences (each user's own) and delivery retries."""

from tests.matrix import SIGNED_IN, Case


def extend_world(w):
    from huxiao.core.models import Delivery, Notification

    note = Notification.objects.create(recipient=w.users["principal_a1"], title="报警超时未确认", level="danger")
    w.extra["failed_sms"] = Delivery.objects.create(notification=note, channel="sms", destination="139****5678",
                                                    status="failed", attempts=1, last_error="网关超时")


CASES = [
    Case("notification-prefs", lambda w: "/me/notifications/", perm=SIGNED_IN),
    # switching every further channel off needs no address: anyone signed in saves their own
    Case("notification-prefs", lambda w: "/me/notifications/", perm=SIGNED_IN, method="POST", data=lambda w: {}),
    # only the notification's recipient may retry its delivery; for everyone else it does not exist
    Case("delivery-retry", lambda w: f"/me/notifications/deliveries/{w.extra['failed_sms'].pk}/retry/",
         perm=SIGNED_IN, reach={"principal_a1"}, method="POST"),
]
