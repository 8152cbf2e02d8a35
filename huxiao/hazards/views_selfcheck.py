"""Pages of the monthly self-checks (每月自查) and of the escalation policies (督办规则)."""

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from huxiao.core.choices import Role
from huxiao.core.forms import form_errors
from huxiao.core.models import Region, School
from huxiao.core.records.filters import InvalidFilters, filtered
from huxiao.core.records.views import RecordListView, mark_invalid
from huxiao.core.scoping import roles_of, scope_for
from huxiao.core.views import require_perm
from huxiao.hazards import services
from huxiao.hazards.choices import HazardCategory, Severity
from huxiao.hazards.filters import SELF_CHECK_COLUMNS, SelfCheckFilterSet, SelfCheckFlagFilterSet
from huxiao.hazards.forms import PolicyForm, SelfCheckForm
from huxiao.hazards.models import EscalationPolicy, SelfCheck, SelfCheckFlag
from huxiao.hazards.selfcheck import do_file_self_check, previous_month

HAZARD_ROWS = 3
ROW_FIELDS = ("place", "description", "category", "severity", "responsible_person", "deadline", "measures")
ROW_LABELS = {"hazards": _lazy("隐患"), "place": _lazy("隐患部位"), "description": _lazy("隐患描述"),
              "category": _lazy("类别"), "severity": _lazy("等级"), "responsible_person": _lazy("整改责任人"),
              "responsible_unit": _lazy("整改责任单位"), "deadline": _lazy("整改时限"), "measures": _lazy("整改措施"),
              "found_on": _lazy("发现日期"), "source": _lazy("来源"), "photos": _lazy("照片")}
VIEW = "hazards.view_self_check"


class SelfCheckListView(RecordListView):
    model, filterset_class, columns, perm = SelfCheck, SelfCheckFilterSet, SELF_CHECK_COLUMNS, VIEW
    title = _lazy("月度安全隐患自查")
    template_name = "hazards/selfcheck_list.html"
    ordering = ("-month", "school__name", "id")
    select_related = ("school", "filed_by")
    prefetch_related = ("hazards",)
    create_url_name, create_perm, create_label = "selfcheck-create", "hazards.file_self_check", _lazy("填报自查")
    empty_text = _lazy("暂无自查记录")

    def export_title(self):
        return _("月度自查")

    def extra_context(self, filterset):
        """The missing-flags of the same month, region and school (the flags' own filterset)."""
        data = {k: v for k, v in (filterset.data or {}).items() if k in ("month", "region", "school")}
        flags = SelfCheckFlag.objects.visible_to(self.request.user, VIEW).select_related("school")
        try:
            flags = filtered(SelfCheckFlagFilterSet, data, flags, self.request).qs
        except InvalidFilters:
            flags = flags.none()  # the page's own filters show the error
        return {"flags": flags.order_by("-month", "school__name")[:200]}


selfcheck_list = SelfCheckListView.as_view()


def _hazard_rows(post):
    """The hazard rows of the form as typed, and the filled ones with their row number."""
    rows, filled = [], []
    for i in range(HAZARD_ROWS):
        row = {f: (post.get(f"h{i}-{f}") or "").strip() for f in ROW_FIELDS}
        rows.append({"values": row, "errors": {}})
        if row["place"] or row["description"]:
            filled.append((i, row))
    return rows, filled


def _row_errors(form, exc, rows, filled):
    """A service error of ``hazards[n].<field>`` goes under that field of the n-th filled row (marked);
    the rest onto the form, led by their Chinese labels."""
    rest = {}
    for name, messages_ in exc.message_dict.items():
        m = re.fullmatch(r"hazards\[(\d+)\]\.(\w+)", name)
        if m and int(m.group(1)) < len(filled) and m.group(2) in ROW_FIELDS:
            rows[filled[int(m.group(1))][0]]["errors"][m.group(2)] = "；".join(messages_)
        else:
            rest[name] = messages_
    if rest:
        form_errors(form, ValidationError(rest), ROW_LABELS)


@require_perm("hazards.file_self_check")
def selfcheck_create(request):
    schools = School.objects.visible_to(request.user, "hazards.file_self_check").order_by("name")
    today = timezone.localdate()
    initial = {"month": f"{today:%Y-%m}", "school": schools.first()}
    form = SelfCheckForm(request.POST or None, schools=schools, initial=initial)
    rows, filled = _hazard_rows(request.POST) if request.method == "POST" else (
        [{"values": {"category": "campus", "severity": "general"}, "errors": {}} for _i in range(HAZARD_ROWS)], [])
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        hazards = [dict(r, responsible_unit=d["school"].name, source="self_check") for _i, r in filled]
        try:
            do_file_self_check(d["school"], d["month"], actor=request.user, no_hazards=d["no_hazards"],
                               note=d["note"], hazards=hazards)
        except ValidationError as exc:
            _row_errors(form, exc, rows, filled)
        else:
            messages.success(request, _("已填报 %(m)s 月度自查") % {"m": d["month"]})
            return redirect("selfcheck-list")
    mark_invalid(form)
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
    mark_invalid(form)
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
    mark_invalid(form)
    return render(request, "hazards/policy_form.html", {"form": form, "policy": policy})
