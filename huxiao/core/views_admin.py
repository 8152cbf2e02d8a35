"""Pages for accounts: user administration, API tokens, notifications and the audit log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from huxiao.core import services
from huxiao.core.audit import record_read
from huxiao.core.audit_filters import COLUMNS as AUDIT_COLUMNS
from huxiao.core.audit_filters import AuditFilterSet
from huxiao.core.forms import RoleAssignForm, UserCreateForm
from huxiao.core.models import AuditLog, Unit, User
from huxiao.core.records.views import RecordListView, mark_invalid
from huxiao.core.scoping import scope_for
from huxiao.core.views import _attach_errors, require_perm
from huxiao.core.worklist import notifications_of_kind


def _managed_units(request):
    scope = scope_for(request.user, "core.manage_users")
    return Unit.objects.filter(scope.q("region_code", "school__id")).select_related("region")


def _managed_users(request):
    units = _managed_units(request)
    return User.objects.filter(Q(role_assignments__unit__in=units) | Q(role_assignments__isnull=True)).distinct()


@require_perm("core.manage_users")
def user_list(request):
    q = request.GET.get("q", "").strip()
    users = _managed_users(request).prefetch_related("role_assignments__unit").order_by("username")
    if q:
        users = users.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    page = Paginator(users, 30).get_page(request.GET.get("page"))
    record_read(None, actor=request.user, request=request, what=_("用户列表"), count=len(page.object_list),
                model="core.User")
    return render(request, "core/user_list.html", {"page": page, "q": q})


@require_perm("core.manage_users")
def user_create(request):
    form = UserCreateForm(request.POST or None, units=_managed_units(request))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            user = services.do_create_user(username=d["username"], password=d["password"],
                                           full_name=d["full_name"], phone=d["phone"],
                                           roles=[(d["role"], d["unit"])], actor=request.user)
        except ValidationError as exc:
            _attach_errors(form, exc)
        else:
            messages.success(request, _("已创建用户 %(u)s") % {"u": user.username})
            return redirect("user-detail", pk=user.pk)
    mark_invalid(form)
    return render(request, "core/user_form.html", {"form": form})


@require_perm("core.manage_users")
def user_detail(request, pk):
    user = get_object_or_404(_managed_users(request), pk=pk)
    form = RoleAssignForm(request.POST or None, units=_managed_units(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.do_assign_role(user, form.cleaned_data["role"], form.cleaned_data["unit"], actor=request.user)
        except ValidationError as exc:
            _attach_errors(form, exc)
        else:
            messages.success(request, _("已授予角色"))
            return redirect("user-detail", pk=pk)
    mark_invalid(form)
    record_read(user, actor=request.user, request=request, what=_("用户信息"))  # shown, not redirected
    return render(request, "core/user_detail.html", {
        "subject": user, "form": form, "assignments": user.role_assignments.select_related("unit__region")})


@require_POST
@require_perm("core.manage_users")
def user_revoke_role(request, pk, assignment_id):
    user = get_object_or_404(_managed_users(request), pk=pk)
    assignment = get_object_or_404(user.role_assignments.filter(unit__in=_managed_units(request)), pk=assignment_id)
    services.do_revoke_role(assignment, actor=request.user)
    messages.success(request, _("已撤销角色"))
    return redirect("user-detail", pk=pk)


@require_POST
@require_perm("core.manage_users")
def user_toggle_active(request, pk):
    user = get_object_or_404(_managed_users(request), pk=pk)
    if user == request.user:
        messages.error(request, _("不能停用自己的账号"))
    else:
        services.do_set_user_active(user, not user.is_active, actor=request.user)
        messages.success(request, _("已启用账号") if user.is_active else _("已停用账号"))
    return redirect("user-detail", pk=pk)


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


audit_list = AuditListView.as_view()


@login_required
def attachment_download(request, pk):
    """Serve an attachment to users whose jurisdiction covers it (404 otherwise)."""
    from django.http import FileResponse

    from huxiao.core.models import Attachment

    att = get_object_or_404(Attachment.objects.visible_to(request.user), pk=pk)
    try:
        handle = att.file.open("rb")
    except FileNotFoundError as exc:
        from django.http import Http404

        raise Http404(_("附件文件已不存在")) from exc
    record_read(att, actor=request.user, request=request, what=_("附件下载"))
    inline = att.content_type.startswith("image/") or att.content_type == "application/pdf"
    return FileResponse(handle, content_type=att.content_type, as_attachment=not inline,
                        filename=att.original_name)
