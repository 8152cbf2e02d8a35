"""Sign-in: password, then whatever the account still owes before a session exists.

A correct password (plus a one-time code when the account has a second factor) either signs in at once
or leaves a short-lived "pending" note in the anonymous session: a forced password change (administrator
reset or expiry) and/or a first TOTP enrolment (required for police and administrators). Only when every
step is done is the session authenticated, so no page, API call or console WebSocket is reachable with a
half-finished sign-in. Throttling is in ``core.signin``.
"""

import time

from django import forms
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp import match_token

from huxiao.core import passwords, signin, twofactor
from huxiao.core.models import User

PENDING = "hx_pending_signin"
PENDING_SECONDS = 600


class LoginForm(AuthenticationForm):
    otp_token = forms.CharField(label=gettext_lazy("动态口令或恢复码"), required=False, max_length=16)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.otp_device = None
        self.needs_enrolment = False
        self.fields["username"].widget.attrs.update({"class": "form-control", "autofocus": True})
        self.fields["password"].widget.attrs.update({"class": "form-control"})
        self.fields["otp_token"].widget.attrs.update({"class": "form-control", "autocomplete": "one-time-code"})

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            wait = getattr(self.request, "huxiao_signin_wait", None)
            if wait:
                raise ValidationError(_("该账号近期登录失败次数过多，请 %(s)d 秒后再试；已登录的会话不受影响。")
                                      % {"s": wait}, code="throttled") from None
            raise

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        has_device = twofactor.confirmed_device(user) is not None
        if not has_device:
            self.needs_enrolment = twofactor.required_for(user)
            return
        code = "".join((self.cleaned_data.get("otp_token") or "").split())
        device = match_token(user, code) if code else None
        if device is None:
            signin.count_failure(self.request, user.get_username())
            raise ValidationError(_("请输入手机验证器上的动态口令（或一个恢复码）"), code="otp")
        self.otp_device = device


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        steps = (["password"] if passwords.must_change(user) else []) + (["otp"] if form.needs_enrolment else [])
        if not steps:
            return finish(self.request, user, form.otp_device, self.get_success_url())
        self.request.session[PENDING] = {
            "uid": user.pk, "backend": user.backend, "steps": steps, "at": time.time(), "tries": 0,
            "device": form.otp_device.persistent_id if form.otp_device else None, "next": self.get_success_url()}
        return redirect(STEP_URLS[steps[0]])

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if any(e.code == "throttled" for e in form.non_field_errors().as_data()):
            response.status_code = 429
        return response


def finish(request, user, device, next_url):
    """Authenticate the session (its key is cycled by login()) and remember this browser."""
    request.session.pop(PENDING, None)
    login(request, user, backend=getattr(user, "backend", None))
    if device is not None:
        otp_login(request, device)
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = "/"
    response = redirect(next_url)
    signin.remember_device(request, response, user)
    return response


def _pending(request, step):
    """(note, user) of the sign-in in progress when its next step is ``step``; (None, None) otherwise."""
    note = request.session.get(PENDING)
    if not note or time.time() - note.get("at", 0) > PENDING_SECONDS or not note["steps"] or \
            note["steps"][0] != step:
        return None, None
    user = User.objects.filter(pk=note["uid"], is_active=True).first()
    if user is None:
        return None, None
    user.backend = note["backend"]
    return note, user


def _advance(request, note, user):
    note["steps"].pop(0)
    note["tries"] = 0
    request.session[PENDING] = note
    if note["steps"]:
        return redirect(STEP_URLS[note["steps"][0]])
    from django_otp import devices_for_user

    device = next((d for d in devices_for_user(user) if d.persistent_id == note.get("device")), None)
    return finish(request, user, device, note["next"])


def _tried(request, note) -> bool:
    """Count a wrong entry on a pending step; after five the sign-in starts over."""
    note["tries"] += 1
    request.session[PENDING] = note
    if note["tries"] >= 5:
        request.session.pop(PENDING, None)
        return True
    return False


class NewPasswordForm(forms.Form):
    new_password1 = forms.CharField(label=gettext_lazy("新密码"), widget=forms.PasswordInput(
        attrs={"class": "form-control", "autocomplete": "new-password"}), strip=False, max_length=128)
    new_password2 = forms.CharField(label=gettext_lazy("再次输入新密码"), widget=forms.PasswordInput(
        attrs={"class": "form-control", "autocomplete": "new-password"}), strip=False, max_length=128)

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("两次输入的新密码不一致"))
        return data


def attach(form, exc: ValidationError):
    for field, messages in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


def login_password(request):
    """Forced password change during sign-in (administrator reset or expired password)."""
    note, user = _pending(request, "password")
    if note is None:
        return redirect("login")
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            passwords.do_change_password(user, form.cleaned_data["new_password1"], actor=user)
        except ValidationError as exc:
            attach(form, exc)
        else:
            return _advance(request, note, user)
    reason = _("管理员已重置您的密码") if user.must_change_password else _("您的密码已过期")
    return render(request, "core/login_password.html", {"form": form, "reason": reason, "subject": user})


def login_otp(request):
    """First TOTP enrolment during sign-in (a second factor is required for this account)."""
    note, user = _pending(request, "otp")
    if note is None:
        return redirect("login")
    error = None
    if request.method == "POST":
        try:
            codes = twofactor.do_confirm_enrolment(user, request.POST.get("otp_token"), actor=user)
        except ValidationError as exc:
            if _tried(request, note):
                return redirect("login")
            error = exc.message_dict["otp_token"][0]
        else:
            note["device"] = twofactor.confirmed_device(user).persistent_id
            return _show_codes(request, _advance(request, note, user), codes)
    device = twofactor.pending_device(user)
    return render(request, "core/otp_setup.html", {
        "qr": twofactor.qr_svg(device), "secret": twofactor.secret_text(device), "error": error,
        "subject": user, "during_signin": True})


def _show_codes(request, redirect_response, codes):
    """The recovery codes page, carrying the cookies the finished sign-in set."""
    response = render(request, "core/recovery_codes.html", {"codes": codes, "next": redirect_response["Location"]})
    for morsel in redirect_response.cookies.values():
        response.cookies[morsel.key] = morsel
    return response


STEP_URLS = {"password": "login-password", "otp": "login-otp"}
