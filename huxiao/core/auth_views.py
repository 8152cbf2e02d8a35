"""Sign-in page. TOTP (django-otp) is required for police roles when REQUIRE_OTP_FOR_POLICE is on."""

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huxiao.core.choices import POLICE_ROLES


class LoginForm(AuthenticationForm):
    otp_token = forms.CharField(label=gettext_lazy("动态口令（公安用户）"), required=False, max_length=8)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"class": "form-control", "autofocus": True})
        self.fields["password"].widget.attrs.update({"class": "form-control"})
        self.fields["otp_token"].widget.attrs.update({"class": "form-control", "autocomplete": "one-time-code"})

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not settings.HUXIAO_REQUIRE_OTP_FOR_POLICE:
            return
        if not user.role_assignments.filter(role__in=list(POLICE_ROLES)).exists():
            return
        from django_otp import match_token

        code = (self.cleaned_data.get("otp_token") or "").strip()
        device = match_token(user, code) if code else None
        if device is None:
            raise forms.ValidationError(_("公安用户须输入有效的动态口令"), code="otp")
        self.otp_device = device


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        device = getattr(form, "otp_device", None)
        if device is not None:
            from django_otp import login as otp_login

            otp_login(self.request, device)
        return response
