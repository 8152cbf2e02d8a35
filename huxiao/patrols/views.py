"""Pages of the 护学岗 records: lists (record layer, with export), a post's page and form, the dashboard."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from huxiao.core.forms import form_errors
from huxiao.core.models import School
from huxiao.core.records.views import RecordListView, get_visible_or_404, mark_invalid
from huxiao.core.scoping import has_perm
from huxiao.core.views import require_perm
from huxiao.patrols import counts, duty, gate_codes, services
from huxiao.patrols.api import dashboard_region
from huxiao.patrols.choices import POLICE_KINDS
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
from huxiao.patrols.forms import PostForm, RosterExceptionForm
from huxiao.patrols.models import CheckIn, Person, PhoneContact, Post, Roster, RosterException


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


def _post_page(request, post, *, exception_form=None, status=200):
    """The post's page: its windows of the day asked (``?date=``, today by default), its roster lines
    and their exceptions, its recent check-ins; the exception form for those who manage rosters."""
    day, date_error = timezone.localdate(), None
    if request.GET.get("date"):
        try:
            day = datetime.date.fromisoformat(request.GET["date"])
        except ValueError:
            date_error = _("日期格式不正确，应为 年-月-日（如 2026-03-11），已显示今天")
    due, windows = duty.today_at(post, day)
    rosters = post.rosters.select_related("person").order_by("weekday", "window")
    can_manage = has_perm(request.user, services.MANAGE_ROSTER)
    if can_manage and exception_form is None:
        exception_form = _exception_form(request, post)
    if exception_form is not None:
        mark_invalid(exception_form)
    exceptions = RosterException.objects.filter(roster__post=post).select_related(
        "roster__person", "substitute").order_by("-date", "-id")[:50]
    return render(request, "patrols/post_detail.html", {
        "post": post, "windows": windows, "duty_today": due, "day": day, "is_today": day == timezone.localdate(),
        "date_error": date_error, "rosters": rosters, "exceptions": exceptions, "can_manage": can_manage,
        "can_print_code": has_perm(request.user, gate_codes.ROTATE) and Post.objects.visible_to(
            request.user, gate_codes.ROTATE).filter(pk=post.pk).exists(),
        "exception_form": exception_form,
        "check_ins": post.check_ins.select_related("person").order_by("-device_time")[:20]}, status=status)


def _exception_form(request, post, data=None):
    people = Person.objects.visible_to(request.user, services.MANAGE_ROSTER).filter(active=True).filter(
        Q(school_id=post.school_id) | Q(kind__in=POLICE_KINDS)).order_by("name")
    return RosterExceptionForm(data, rosters=post.rosters.select_related("person").order_by("weekday", "window"),
                               people=people)


@login_required
def post_detail(request, pk):
    post = get_visible_or_404(request, Post.objects.select_related("school"), pk, "patrols.view_post")
    return _post_page(request, post)


@require_POST
@require_perm(services.MANAGE_ROSTER)
def roster_exception_create(request, pk):
    """Add a roster exception from the post's page; refusals are shown on the form, nothing stored."""
    post = get_visible_or_404(request, Post.objects.select_related("school"), pk, services.MANAGE_ROSTER)
    form = _exception_form(request, post, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                entry = services.do_add_roster_exception(data["roster"], data, actor=request.user,
                                                         substitute=data["substitute_id"])
        except ValidationError as exc:
            form_errors(form, exc)
        except services.ExceptionClash as exc:
            form.add_error("date", str(exc))
        else:
            what = _("由 %(p)s 替班") % {"p": entry.substitute.name} if entry.substitute_id else _("取消")
            messages.success(request, _("已登记排班例外：%(d)s %(r)s，%(w)s") % {
                "d": f"{entry.date:%Y-%m-%d}", "r": entry.roster, "w": what})
            return redirect(post.get_absolute_url())
    return _post_page(request, post, exception_form=form, status=400)


@require_POST
@require_perm(services.MANAGE_ROSTER)
def roster_exception_delete(request, pk):
    entry = get_visible_or_404(request, RosterException.objects.select_related("roster__post", "roster__person"), pk,
                               services.MANAGE_ROSTER)
    post = entry.roster.post
    with transaction.atomic():
        services.do_delete_roster_exception(entry, actor=request.user)
    messages.success(request, _("已删除 %(d)s 的排班例外，该日恢复按排班值守") % {"d": f"{entry.date:%Y-%m-%d}"})
    return redirect(post.get_absolute_url())


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
