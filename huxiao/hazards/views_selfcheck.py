"""Pages of the monthly self-checks (每月自查) and of the escalation policies (督办规则)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from huxiao.core.choices import Role
from huxiao.core.forms import form_errors
from huxiao.core.models import Region, School
from huxiao.core.scoping import has_perm, roles_of, scope_for
from huxiao.core.views import require_perm
from huxiao.hazards import services
from huxiao.hazards.choices import HazardCategory, Severity
from huxiao.hazards.forms import PolicyForm, SelfCheckForm
from huxiao.hazards.models import EscalationPolicy, SelfCheck, SelfCheckFlag
from huxiao.hazards.selfcheck import do_file_self_check, previous_month

HAZARD_ROWS = 3
ROW_FIELDS = ("place", "description", "category", "severity", "responsible_person", "deadline", "measures")


@require_perm("hazards.view_self_check")
def selfcheck_list(request):
    perm = "hazards.view_self_check"
    month = request.GET.get("month", "")
    checks = SelfCheck.objects.visible_to(request.user, perm).select_related("school", "filed_by")
    flags = SelfCheckFlag.objects.visible_to(request.user, perm).select_related("school")
    if month:
        checks, flags = checks.filter(month__startswith=month[:7]), flags.filter(month__startswith=month[:7])
    page = Paginator(checks.order_by("-month", "school__name"), 30).get_page(request.GET.get("page"))
    return render(request, "hazards/selfcheck_list.html", {
        "page": page, "flags": flags.order_by("-month", "school__name")[:200], "month": month,
        "can_file": has_perm(request.user, "hazards.file_self_check"), "query": f"month={month}" if month else ""})


def _hazard_rows(post):
    rows, filled = [], []
    for i in range(HAZARD_ROWS):
        row = {f: (post.get(f"h{i}-{f}") or "").strip() for f in ROW_FIELDS}
        rows.append(row)
        if row["place"] or row["description"]:
            filled.append(row)
    return rows, filled


@require_perm("hazards.file_self_check")
def selfcheck_create(request):
    schools = School.objects.visible_to(request.user, "hazards.file_self_check").order_by("name")
    today = timezone.localdate()
    initial = {"month": f"{today:%Y-%m}", "school": schools.first()}
    form = SelfCheckForm(request.POST or None, schools=schools, initial=initial)
    rows, filled = _hazard_rows(request.POST) if request.method == "POST" else (
        [{"category": "campus", "severity": "general"} for _i in range(HAZARD_ROWS)], [])
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        hazards = [dict(r, responsible_unit=d["school"].name, source="self_check") for r in filled]
        try:
            do_file_self_check(d["school"], d["month"], actor=request.user, no_hazards=d["no_hazards"],
                               note=d["note"], hazards=hazards)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("已填报 %(m)s 月度自查") % {"m": d["month"]})
            return redirect("selfcheck-list")
    return render(request, "hazards/selfcheck_form.html", {
        "form": form, "rows": rows, "categories": HazardCategory.choices, "severities": Severity.choices,
        "previous": f"{previous_month(today):%Y-%m}"})


def _policy_form_kwargs(user):
    scope = scope_for(user, "hazards.manage_policy")
    regions = Region.objects.filter(level__in=["province", "city", "county"])
    regions = regions.filter(scope.q("code", None))
    platform = user.is_superuser or Role.SYSADMIN in roles_of(user)
    return {"regions": regions.order_by("code"), "platform": platform}


@require_perm("hazards.manage_policy")
def policy_list(request):
    form = PolicyForm(request.POST or None, **_policy_form_kwargs(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.do_save_policy(None, form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("已保存督办规则"))
            return redirect("policy-list")
    policies = [(p, services.can_manage_policy(request.user, p)) for p in services.policies_for(request.user)]
    return render(request, "hazards/policy_list.html", {"policies": policies, "form": form})


@require_perm("hazards.manage_policy")
def policy_edit(request, pk):
    policy = get_object_or_404(services.policies_for(request.user), pk=pk)
    if not services.can_manage_policy(request.user, policy):
        raise PermissionDenied(_("无权修改该督办规则"))
    form = PolicyForm(request.POST or None, instance=EscalationPolicy.objects.get(pk=pk),
                      **_policy_form_kwargs(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.do_save_policy(policy, form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("已保存督办规则"))
            return redirect("policy-list")
    return render(request, "hazards/policy_form.html", {"form": form, "policy": policy})
