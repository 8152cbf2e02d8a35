"""Pages for accounts: user administration, API tokens, notifications and the audit log."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from huxiao.core import services
from huxiao.core.audit import record_read
from huxiao.core.audit_filters import COLUMNS as AUDIT_COLUMNS
from huxiao.core.audit_filters import AuditFilterSet
from huxiao.core.forms import RoleAssignForm, UserCreateForm
from huxiao.core.managed import MANAGE_USERS, managed_units, managed_users
from huxiao.core.models import Attachment, AuditLog, User
from huxiao.core.records.pages import RecordActionView, RecordFormView
from huxiao.core.records.views import RecordListView, require_perm
from huxiao.core.worklist import notifications_of_kind


def _managed_units(request):
    return managed_units(request.user).select_related("region")


@require_perm(MANAGE_USERS)
def user_list(request):
    q = request.GET.get("q", "").strip()
    users = managed_users(request.user).prefetch_related("role_assignments__unit").order_by("username")
    if q:
        users = users.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    page = Paginator(users, 30).get_page(request.GET.get("page"))
    record_read(None, actor=request.user, request=request, what=_("用户列表"), count=len(page.object_list),
                model="core.User")
    return render(request, "core/user_list.html", {"page": page, "q": q})


class UserCreateView(RecordFormView):
    form_class, template_name, perm, success_url_name = UserCreateForm, "core/user_form.html", MANAGE_USERS, "user-detail"

    def get_form_kwargs(self):
        return {"units": _managed_units(self.request)}

    def save(self, form):
        d = form.cleaned_data
        return services.do_create_user(roles=[(d["role"], d["unit"])], actor=self.request.user,
                                       **{k: d[k] for k in ("username", "password", "full_name", "phone")})

    def success_text(self, user):
        return _("已创建用户 %(u)s") % {"u": user.username}


class UserDetailView(UserCreateView):
    """A managed user's page (its read audited) with the form granting a role."""

    form_class, template_name, success_message = RoleAssignForm, "core/user_detail.html", _lazy("已授予角色")

    def get_target(self):
        return get_object_or_404(managed_users(self.request.user), pk=self.kwargs["pk"])

    def save(self, form):
        services.do_assign_role(self.target, form.cleaned_data["role"], form.cleaned_data["unit"],
                                actor=self.request.user)
        return self.target

    def success_text(self, user):
        return str(self.success_message)

    def get_context(self, form):
        record_read(self.target, actor=self.request.user, request=self.request, what=_("用户信息"))  # shown
        return {"subject": self.target, "assignments": self.target.role_assignments.select_related("unit__region")}


class ManagedUserAction(RecordActionView):
    """A button on a managed user's page (the users of the administrator's units; anyone else: 404), back
    to that page."""

    model, perm = User, MANAGE_USERS

    def reachable(self):
        return managed_users(self.request.user)

    def back_url(self, user):
        return reverse("user-detail", args=[user.pk])


class RoleRevokeView(ManagedUserAction):
    """撤销 one of the user's roles held in a unit the administrator manages."""

    def act(self, user, data):
        assignments = user.role_assignments.filter(unit__in=_managed_units(self.request))
        services.do_revoke_role(get_object_or_404(assignments, pk=self.kwargs["assignment_id"]), actor=self.request.user)
        return _("已撤销角色")


class UserActiveView(ManagedUserAction):
    """启用 or 停用 the account (never one's own)."""

    def act(self, user, data):
        services.do_set_user_active(user, not user.is_active, actor=self.request.user)
        return _("已启用账号") if user.is_active else _("已停用账号")


@login_required
def notification_list(request):
    notes = notifications_of_kind(request.user.notifications.all(), request.GET.get("kind"))  # 工作台 links
    page = Paginator(notes, 30).get_page(request.GET.get("page"))
    if request.method == "POST":
        request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("notification-list")
    return render(request, "core/notification_list.html", {"page": page})


class AuditListView(RecordListView):
    """审计日志: entries in the auditor's jurisdiction, each with its event's Chinese label, local time and
    the changed fields by their labels; "导出 Excel" writes the filtered entries (and is audited itself)."""

    model, filterset_class, columns, perm = AuditLog, AuditFilterSet, AUDIT_COLUMNS, "core.view_audit"
    title = _lazy("审计日志")
    template_name = "core/audit_list.html"
    ordering = ("-at", "-id")
    paginate_by = 50


@login_required
def attachment_download(request, pk):
    """Serve an attachment to users whose jurisdiction covers it (404 otherwise)."""
    att = get_object_or_404(Attachment.objects.visible_to(request.user), pk=pk)
    try:
        handle = att.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("附件文件已不存在")) from exc
    record_read(att, actor=request.user, request=request, what=_("附件下载"))
    inline = att.content_type.startswith("image/") or att.content_type == "application/pdf"
    return FileResponse(handle, content_type=att.content_type, as_attachment=not inline,
                        filename=att.original_name)
