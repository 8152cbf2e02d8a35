"""Account pages: my account and API tokens, password change, second factor, sign out everywhere; and the
administrator's buttons on a user's page (lift the sign-in delay, reset password, reset second factor)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from huxiao.core import passwords, services, signin, twofactor
from huxiao.core.auth_views import NewPasswordForm, attach
from huxiao.core.managed import MANAGE_USERS, managed_users
from huxiao.core.views import require_perm

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


@login_required
def profile(request):
    user = request.user
    form, new_token = TokenForm(request.POST or None), None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = services.do_issue_token(user, form.cleaned_data["name"], actor=user,
                                                        days=form.cleaned_data["days"])
        except ValidationError as exc:
            attach(form, exc)
        else:
            form = TokenForm()
    return render(request, "core/profile.html", {
        "tokens": user.api_tokens.filter(revoked_at__isnull=True).order_by("-created_at"), "new_token": new_token,
        "form": form, "assignments": user.role_assignments.select_related("unit"),
        "has_otp": twofactor.confirmed_device(user) is not None, "otp_required": twofactor.required_for(user),
        "codes_left": twofactor.recovery_codes_left(user), "password_expires": passwords.expires_at(user)})


@require_POST
@login_required
def token_revoke(request, pk):
    token = get_object_or_404(request.user.api_tokens, pk=pk, revoked_at__isnull=True)
    services.do_revoke_token(token, actor=request.user)
    messages.success(request, _("已吊销令牌"))
    return redirect("profile")


@login_required
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            passwords.do_change_password(request.user, form.cleaned_data["new_password1"], actor=request.user,
                                         old_password=form.cleaned_data["old_password"])
        except ValidationError as exc:
            attach(form, exc)
        else:
            update_session_auth_hash(request, request.user)  # this session stays; the others end
            messages.success(request, _("密码已修改，其他设备上的登录已失效"))
            return redirect("profile")
    return render(request, "core/password_change.html", {"form": form})


@login_required
def otp_setup(request):
    """Enrol a TOTP device (QR drawn here), or, once enrolled, renew the recovery codes."""
    user, error = request.user, None
    enrolled = twofactor.confirmed_device(user) is not None
    if request.method == "POST":
        try:
            if enrolled:
                codes = twofactor.do_renew_recovery_codes(user, request.POST.get("otp_token"), actor=user)
            else:
                codes = twofactor.do_confirm_enrolment(user, request.POST.get("otp_token"), actor=user)
                from django_otp import login as otp_login

                otp_login(request, twofactor.confirmed_device(user))
        except ValidationError as exc:
            error = exc.message_dict["otp_token"][0]
        else:
            from django.urls import reverse

            return render(request, "core/recovery_codes.html", {"codes": codes, "next": reverse("profile")})
    if enrolled:
        return render(request, "core/otp_setup.html", {"enrolled": True, "error": error,
                                                       "codes_left": twofactor.recovery_codes_left(user)})
    device = twofactor.pending_device(user)
    return render(request, "core/otp_setup.html", {
        "qr": twofactor.qr_svg(device), "secret": twofactor.secret_text(device), "error": error, "subject": user})


@require_POST
@login_required
def sign_out_everywhere(request):
    services.do_sign_out_everywhere(request.user, actor=request.user)
    logout(request)
    messages.success(request, _("已退出所有设备，全部 API 令牌已吊销"))
    return redirect("login")


# --- administrator's buttons on a user's page ---------------------------------------------------

def _user_action(service, done):
    """A button on a managed user's page: ``service(subject, actor=…)``, then ``done`` (naming the user)."""

    @require_POST
    @require_perm(MANAGE_USERS)
    def view(request, pk):
        subject = get_object_or_404(managed_users(request.user), pk=pk)
        service(subject, actor=request.user)
        messages.success(request, str(done) % {"u": subject.username})
        return redirect("user-detail", pk=pk)

    return view


user_unlock = _user_action(signin.do_lift_delay, gettext_lazy("已解除 %(u)s 的登录限制"))
user_reset_otp = _user_action(twofactor.do_reset_second_factor,
                              gettext_lazy("已重置 %(u)s 的双因素认证，下次登录时须重新绑定"))


@require_perm(MANAGE_USERS)
def user_reset_password(request, pk):
    """POST resets and redirects here; the GET that follows shows the one-time password once."""
    subject = get_object_or_404(managed_users(request.user), pk=pk)
    key = f"hx_temporary_password_{subject.pk}"
    if request.method == "POST":
        request.session[key] = passwords.do_reset_password(subject, actor=request.user)
        return redirect("user-reset-password", pk=pk)
    temporary = request.session.pop(key, None)
    if temporary is None:
        return redirect("user-detail", pk=pk)
    response = render(request, "core/password_reset_done.html", {"subject": subject, "temporary": temporary})
    response["Cache-Control"] = "no-store"
    return response

