"""Forms of "我的账号": issuing an API token, changing the password, and the notification preferences (which
levels also go by e-mail or SMS)."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huxiao.core import notifications
from huxiao.core.auth_views import NewPasswordForm
from huxiao.core.models.notify import NotificationChannel, NotificationLevel

TOKEN_DAYS = (30, 90, 180, 365)


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("令牌用途"), max_length=64, widget=forms.TextInput(
        attrs={"class": "form-control", "placeholder": gettext_lazy("令牌用途，如：区县平台对接")}))
    days = forms.TypedChoiceField(label=gettext_lazy("有效期"), coerce=int, required=False, empty_value=None,
                                  widget=forms.Select(attrs={"class": "form-select"}), choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        days = sorted({*TOKEN_DAYS, settings.API_TOKEN_DAYS})
        self.fields["days"].choices = [(d, _("%(d)d 天") % {"d": d}) for d in days]
        self.fields["days"].initial = settings.API_TOKEN_DAYS


class PasswordChangeForm(NewPasswordForm):
    old_password = forms.CharField(label=gettext_lazy("原密码"), strip=False, max_length=128, widget=forms.PasswordInput(
        attrs={"class": "form-control", "autocomplete": "current-password"}))
    field_order = ["old_password", "new_password1", "new_password2"]


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
