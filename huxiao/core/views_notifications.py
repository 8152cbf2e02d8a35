"""The user's notification preferences (which levels also go by e-mail or SMS) and their deliveries, under
"我的账号" (see ``huxiao.core.notifications``)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huxiao.core import notifications
from huxiao.core.account_forms import PreferencesForm
from huxiao.core.models import Delivery
from huxiao.core.models.notify import NotificationChannel
from huxiao.core.records.pages import RecordActionView, RecordFormView

RECENT_DELIVERIES = 30


class NotificationPrefsView(RecordFormView):
    """The user's own preferences; a channel that cannot reach them is refused naming the box (400)."""

    form_class, template_name, login_only, invalid_status = PreferencesForm, "core/notification_prefs.html", True, 400
    success_message = gettext_lazy("通知偏好已保存")

    def get_form_kwargs(self):
        return {"user": self.request.user}

    def save(self, form):
        notifications.do_set_preferences(self.request.user, form.choices(), actor=self.request.user)
        return self.request.user

    def success_url(self, _user):
        return reverse("notification-prefs")

    def get_context(self, form):
        deliveries = Delivery.objects.filter(notification__recipient=self.request.user).select_related("notification")
        return {"channels": NotificationChannel.choices, "reach": notifications.channel_reach(self.request.user),
                "deliveries": deliveries[:RECENT_DELIVERIES]}


class DeliveryRetryView(RecordActionView):
    """立即重试 one of the user's own failed deliveries (anyone else's: 404)."""

    model = Delivery

    def reachable(self):
        return Delivery.objects.select_related("notification").filter(notification__recipient=self.request.user)

    def act(self, delivery, data):
        notifications.do_retry_delivery(delivery, actor=self.request.user)
        return _("已重新发送")

    def back_url(self, _delivery):
        return reverse("notification-prefs")
