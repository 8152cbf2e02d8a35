"""The user's notification preferences (which levels also go by e-mail or SMS) and their deliveries, under
"我的账号" (see ``huxiao.core.notifications``)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huxiao.core import notifications
from huxiao.core.forms import form_errors
from huxiao.core.models import Delivery
from huxiao.core.models.notify import NotificationChannel, NotificationLevel

RECENT_DELIVERIES = 30


class PreferencesForm(forms.Form):
    """One checkbox per level and further channel (in-app is always on)."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        current = notifications.preferences(user)
        for level, level_label in NotificationLevel.choices:
            for channel, channel_label in NotificationChannel.choices:
                self.fields[f"{level}_{channel}"] = forms.BooleanField(
                    label=f"{level_label} · {channel_label}", required=False, initial=current[(level, channel)],
                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    def choices(self) -> dict:
        return {(level, channel): self.cleaned_data[f"{level}_{channel}"]
                for level in NotificationLevel.values for channel in NotificationChannel.values}

    def rows(self):
        """(level label, [(channel, bound field)]) for the table."""
        return [(label, [(channel, self[f"{level}_{channel}"]) for channel in NotificationChannel.values])
                for level, label in NotificationLevel.choices]


@login_required
def notification_prefs(request):
    user = request.user
    form = PreferencesForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            notifications.do_set_preferences(user, form.choices(), actor=user)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("通知偏好已保存"))
            return redirect("notification-prefs")
    reach = [(label, notifications.mask(c, notifications.address(user, c)), notifications.unreachable_reason(user, c))
             for c, label in NotificationChannel.choices]
    deliveries = Delivery.objects.filter(notification__recipient=user).select_related("notification")
    return render(request, "core/notification_prefs.html", {
        "form": form, "channels": NotificationChannel.choices, "reach": reach,
        "deliveries": deliveries[:RECENT_DELIVERIES]}, status=400 if form.errors else 200)


@require_POST
@login_required
def delivery_retry(request, pk):
    delivery = get_object_or_404(Delivery.objects.select_related("notification"), pk=pk,
                                 notification__recipient=request.user)
    try:
        notifications.do_retry_delivery(delivery, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已重新发送"))
    return redirect("notification-prefs")
