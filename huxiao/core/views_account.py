"""Account pages: my account and API tokens, password change, second factor, sign out everywhere; and the
administrator's buttons on a user's page (lift the sign-in delay, reset password, reset second factor)."""

from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from huxiao.core import passwords, selectors, services, signin, twofactor
from huxiao.core.account_forms import PasswordChangeForm, TokenForm
from huxiao.core.auth_views import attach
from huxiao.core.managed import MANAGE_USERS, managed_users
from huxiao.core.models import ApiToken
from huxiao.core.records.pages import RecordActionView, RecordFormView
from huxiao.core.records.views import require_perm
from huxiao.core.views_admin import ManagedUserAction


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
    return render(request, "core/profile.html", {"new_token": new_token, "form": form,
                                                 **selectors.account_summary(user)})


class TokenRevokeView(RecordActionView):
    """吊销 one of the user's own live API tokens (anyone else's: 404)."""

    model = ApiToken

    def reachable(self):
        return self.request.user.api_tokens.filter(revoked_at__isnull=True)

    def act(self, token, data):
        services.do_revoke_token(token, actor=self.request.user)
        return _("已吊销令牌")

    def back_url(self, _token):
        return reverse("profile")


class PasswordChangeView(RecordFormView):
    """The user's own password; this session stays signed in, the others end."""

    form_class, template_name, login_only = PasswordChangeForm, "core/password_change.html", True
    success_message = gettext_lazy("密码已修改，其他设备上的登录已失效")

    def save(self, form):
        user = self.request.user
        passwords.do_change_password(user, form.cleaned_data["new_password1"], actor=user,
                                     old_password=form.cleaned_data["old_password"])
        update_session_auth_hash(self.request, user)
        return user

    def success_url(self, _user):
        return reverse("profile")


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
                otp_login(request, twofactor.confirmed_device(user))
        except ValidationError as exc:
            error = exc.message_dict["otp_token"][0]
        else:
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

class UserUnlockView(ManagedUserAction):
    def act(self, subject, data):
        signin.do_lift_delay(subject, actor=self.request.user)
        return _("已解除 %(u)s 的登录限制") % {"u": subject.username}


class UserResetOtpView(ManagedUserAction):
    def act(self, subject, data):
        twofactor.do_reset_second_factor(subject, actor=self.request.user)
        return _("已重置 %(u)s 的双因素认证，下次登录时须重新绑定") % {"u": subject.username}


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

