"""Pages of the 护学岗 records: lists (record layer, with export), a post's page and form, the dashboard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from huxiao.core.forms import form_errors
from huxiao.core.models import School
from huxiao.core.records.views import RecordListView, get_visible_or_404, mark_invalid
from huxiao.core.views import require_perm
from huxiao.patrols import counts, duty, services
from huxiao.patrols.api import dashboard_region
from huxiao.patrols.filters import (
    CHECKIN_COLUMNS,
    PERSON_COLUMNS,
    PHONE_COLUMNS,
    POST_COLUMNS,
    ROSTER_COLUMNS,
    CheckInFilterSet,
    PersonFilterSet,
    PhoneFilterSet,
    PostFilterSet,
    RosterFilterSet,
)
from huxiao.patrols.forms import PostForm
from huxiao.patrols.models import CheckIn, Person, PhoneContact, Post, Roster


class PostListView(RecordListView):
    model, filterset_class, columns, perm = Post, PostFilterSet, POST_COLUMNS, "patrols.view_post"
    title = _lazy("护学岗")
    ordering = ("region_code", "school_id", "name")
    select_related = ("school",)
    create_url_name, create_perm, create_label = "patrol-post-create", services.MANAGE_POST, _lazy("设立护学岗")


class PersonListView(RecordListView):
    model, filterset_class, columns, perm = Person, PersonFilterSet, PERSON_COLUMNS, "patrols.view_person"
    title = _lazy("护学岗人员")
    ordering = ("region_code", "school_id", "name")
    select_related = ("school",)


class RosterListView(RecordListView):
    model, filterset_class, columns, perm = Roster, RosterFilterSet, ROSTER_COLUMNS, "patrols.view_roster"
    title = _lazy("排班")
    ordering = ("post_id", "weekday", "window")
    select_related = ("post", "person", "school")


class CheckInListView(RecordListView):
    model, filterset_class, columns, perm = CheckIn, CheckInFilterSet, CHECKIN_COLUMNS, "patrols.view_checkin"
    title = _lazy("签到记录")
    ordering = ("-device_time", "-id")
    select_related = ("post", "person", "school")


class PhoneListView(RecordListView):
    """Each phone's unsent check-ins at its last contact: phones that have not synced stand out."""

    model, filterset_class, columns, perm = PhoneContact, PhoneFilterSet, PHONE_COLUMNS, "patrols.view_checkin"
    title = _lazy("签到手机（未上传记录）")
    ordering = ("-pending", "last_contact")
    select_related = ("user", "school", "post")


post_list = PostListView.as_view()
phone_list = PhoneListView.as_view()
person_list = PersonListView.as_view()
roster_list = RosterListView.as_view()
checkin_list = CheckInListView.as_view()


@login_required
def post_detail(request, pk):
    post = get_visible_or_404(request, Post.objects.select_related("school"), pk, "patrols.view_post")
    due, windows = duty.today_at(post, timezone.localdate())
    return render(request, "patrols/post_detail.html", {
        "post": post, "windows": windows, "duty_today": due,
        "rosters": post.rosters.select_related("person").order_by("weekday", "window"),
        "check_ins": post.check_ins.select_related("person").order_by("-device_time")[:20]})


@require_perm(services.MANAGE_POST)
def post_create(request):
    schools = School.objects.visible_to(request.user, services.MANAGE_POST).order_by("region_code", "name")
    form = PostForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        school = data.pop("school")
        try:
            with transaction.atomic():
                post = services.do_create_post(school, data, actor=request.user)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("已设立护学岗：%(p)s") % {"p": post})
            return redirect(post.get_absolute_url())
    mark_invalid(form)
    return render(request, "patrols/post_form.html", {"form": form})


@require_perm("patrols.view_dashboard")
def dashboard(request):
    code = request.GET.get("region") or None
    region = dashboard_region(request.user, code)
    if region is None:
        from django.http import Http404

        raise Http404(_("区划不存在或不在您的管辖范围内"))
    data = counts.dashboard(request.user, region)
    rows = data["rows"]
    chart = {"names": [r["name"] for r in rows], "setting": [r["setting_rate"] or 0 for r in rows],
             "attendance": [r["attendance_rate"] or 0 for r in rows],
             "labels": [_("设置率（%）"), _("到岗率（%）")]}
    ancestors = region.ancestors()
    return render(request, "patrols/dashboard.html", {**data, "region": region, "chart": chart,
                                                      "ancestors": ancestors})
