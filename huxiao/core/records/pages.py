"""Generic pages of one scoped record: its detail (with 作废), a form that creates or changes it through a
service, and an action posted from its page (a life-cycle transition, a small change).

Every page fetches through the jurisdiction filter (403 without the role, 404 out of reach), changes
records only through services, and shows a refusal where the user looks: a form's errors under their
fields (marked ``is-invalid``), or, for an action posted from a detail page, one flash message led by the
fields' Chinese labels. Nothing is changed when anything is refused (the service and the files it is given
share one transaction).
"""

from abc import ABCMeta, abstractmethod

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from huxiao.core.actions import require
from huxiao.core.audit import record_read
from huxiao.core.forms import form_errors
from huxiao.core.records.views import RecordListView, get_visible_or_404, mark_invalid, service_errors
from huxiao.core.records.voiding import VoidForm, can_void, void_from_page
from huxiao.core.scoping import has_perm


def model_labels(model) -> dict:
    """The Chinese labels of a model's fields (``verbose_name``), for errors a service names by field."""
    return {f.name: f.verbose_name for f in model._meta.fields} if model is not None else {}


def form_labels(form) -> dict:
    return {name: field.label for name, field in form.fields.items() if field.label}


class ScopedRecordMixin(LoginRequiredMixin):
    """The record of the URL's ``pk``, fetched through the jurisdiction filter for ``perm`` (default: the
    model's ``action`` permission, e.g. ``hazards.view_hazard``). A record the jurisdiction filter does not
    cover (the user's own API tokens, the users an administrator manages) is looked up in ``reachable()``
    instead: 403 without ``perm`` (when declared), 404 outside those rows."""

    model = None
    perm: str | None = None
    select_related: tuple = ()
    prefetch_related: tuple = ()
    pk_url_kwarg = "pk"

    def get_queryset(self):
        qs = self.model.objects.all()
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        return qs

    def reachable(self):
        """The rows the URL's ``pk`` is looked up in, for records outside the jurisdiction filter; ``None``
        (the default): the jurisdiction filter."""
        return None

    def get_object(self, action: str = "view"):
        rows = self.reachable()
        if rows is not None:
            if self.perm and not has_perm(self.request.user, self.perm):
                raise PermissionDenied(_("您的角色无权执行此操作"))
            return get_object_or_404(rows, pk=self.kwargs[self.pk_url_kwarg])
        perm = self.perm if action == "view" else None
        return get_visible_or_404(self.request, self.get_queryset(), self.kwargs[self.pk_url_kwarg], perm, action)


class RecordDetailView(ScopedRecordMixin, View):
    """Declare ``model``, ``template_name`` and, for records holding personal or sensitive data,
    ``read_what`` (every view is audited as a read with that description); ``get_context(obj)`` adds what
    the page shows. A voidable record gets ``can_void`` and ``void_form``; the same class serves its 作废
    URL as ``as_view(voiding=True)`` (POST with the reason: done → back to the page with a message;
    refused → the page again with the reason marked)."""

    template_name = ""
    context_object_name = ""
    read_what = None
    voiding = False
    detail_url_name = ""  # where 作废 returns (default: this page)

    def get_context(self, obj) -> dict:
        return {}

    def audit_read(self, obj):
        if self.read_what is not None:
            record_read(obj, actor=self.request.user, request=self.request, what=str(self.read_what))

    def render_page(self, obj, void_form=None):
        context = {"view": self, self.context_object_name or self.model._meta.model_name: obj}
        if hasattr(obj, "voided_at"):
            allowed = can_void(self.request.user, obj)
            context.update(can_void=allowed, void_form=void_form or (VoidForm() if allowed else None))
        context.update(self.get_context(obj))
        return render(self.request, self.template_name, context)

    def get(self, request, *args, **kwargs):
        if self.voiding:
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object()
        self.audit_read(obj)
        return self.render_page(obj)

    def post(self, request, *args, **kwargs):
        if not self.voiding:
            return HttpResponseNotAllowed(["GET"])
        obj = self.get_object("void")
        form = void_from_page(request, obj)
        if form is None:
            return redirect(self.detail_url_name or f"{self.model._meta.model_name}-detail", pk=obj.pk)
        return self.render_page(obj, void_form=form)


class RecordFormView(LoginRequiredMixin, View, metaclass=ABCMeta):
    """A page form that creates or changes a record through a service. Declare ``form_class``,
    ``template_name``, ``perm`` (403 without it) and ``save(form)`` (calls the service, returns the record);
    with ``target_model`` the URL's ``pk`` names the record the form works on (a school, the record being
    changed), fetched in the jurisdiction of ``perm`` (404 outside).

    GET shows the form; POST: the form's errors and a service's ValidationError go under their fields
    (marked), a name the form lacks leads a form error with its Chinese label (``labels``, the target
    model's field names), nothing is changed; success: ``success_text(obj)`` and a redirect to
    ``success_url(obj)``. A page of the user's own account declares ``login_only`` (signed in is enough);
    ``invalid_status`` is the status of the form shown again with its refusals (400 where clients expect it)."""

    form_class = None
    template_name = ""
    perm = ""
    login_only = False
    invalid_status = 200
    target_model = None
    target_select_related: tuple = ()
    labels: dict = {}
    success_message = ""
    success_url_name = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.login_only and not has_perm(request.user, self.perm):
            raise PermissionDenied(_("您的角色无权访问此页面"))
        return super().dispatch(request, *args, **kwargs)

    def get_target(self):
        if self.target_model is None or "pk" not in self.kwargs:
            return None
        qs = self.target_model.objects.select_related(*self.target_select_related)
        return get_visible_or_404(self.request, qs, self.kwargs["pk"], self.perm)

    def get_form_kwargs(self) -> dict:
        return {}

    def get_initial(self) -> dict:
        return {}

    @abstractmethod
    def save(self, form):
        """Call the service with the valid form; return the record saved."""

    def success_text(self, obj) -> str:
        return str(self.success_message) % {"obj": obj}

    def success_url(self, obj) -> str:
        return reverse(self.success_url_name, args=[obj.pk])

    def get_context(self, form) -> dict:
        return {}

    def error_labels(self) -> dict:
        return {**model_labels(self.target_model), **self.labels}

    def make_form(self, data=None, files=None):
        kwargs = self.get_form_kwargs()  # first: the initial values may depend on what it looked up
        return self.form_class(data, files, initial=self.get_initial(), **kwargs)

    def get(self, request, *args, **kwargs):
        self.target = self.get_target()
        return self.render_form(self.make_form())

    def post(self, request, *args, **kwargs):
        self.target = self.get_target()
        form = self.make_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                with transaction.atomic():  # files stored for the record go with a refusal too
                    obj = self.save(form)
            except ValidationError as exc:
                form_errors(form, exc, self.error_labels())
            else:
                messages.success(request, self.success_text(obj))
                return redirect(self.success_url(obj))
        return self.render_form(form)

    def render_form(self, form):
        mark_invalid(form)
        return render(self.request, self.template_name,
                      {"view": self, "form": form, "target": self.target, **self.get_context(form)},
                      status=self.invalid_status if form.errors else 200)


class RecordActionView(ScopedRecordMixin, View, metaclass=ABCMeta):
    """An action posted from a record's page (a small change, a step of its life cycle): the record
    (jurisdiction of ``perm``), the posted ``form_class`` (none: a button posting no fields), then
    ``act(obj, data)`` — calls the service and returns the success message. A refusal (the form's or the
    service's) is one flash message led by the fields' Chinese labels and the user goes back to
    ``back_url(obj)``; done, to ``success_url(obj)`` (default: the same)."""

    http_method_names = ["post"]
    form_class = None
    labels: dict = {}

    @abstractmethod
    def act(self, obj, data) -> str:
        """Call the service on ``obj`` with the form's data; return the success message."""

    @abstractmethod
    def back_url(self, obj) -> str:
        """Where the user goes afterwards."""

    def success_url(self, obj) -> str:
        """Where the user goes when the action is done (a deleted record's list)."""
        return self.back_url(obj)

    def error_labels(self, form) -> dict:
        return {**model_labels(self.model), **form_labels(form), **self.labels}

    def before(self, obj, data):
        """Checks to make before anything is stored (e.g. the permission of the action)."""

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        form = (self.form_class or forms.Form)(request.POST, request.FILES)
        if not form.is_valid():
            service_errors(request, ValidationError(form.errors.as_data()), self.error_labels(form))
            return redirect(self.back_url(obj))
        self.before(obj, form.cleaned_data)
        try:
            with transaction.atomic():
                text = self.act(obj, form.cleaned_data)
        except ValidationError as exc:
            service_errors(request, exc, self.error_labels(form))
            return redirect(self.back_url(obj))
        messages.success(request, text)
        return redirect(self.success_url(obj))


class RecordTransitionView(RecordActionView):
    """A step of a life cycle posted as ``action``: ``table`` (a ``TransitionTable``) names its
    permission (checked before any file is stored: 403) and Chinese label; ``services[action]`` does it
    (``services[action](obj, actor=…, **transition_kwargs(obj, data))``), the service refusing in Chinese
    (wrong state, missing note or evidence)."""

    table = None
    services: dict = {}

    def transition_kwargs(self, obj, data) -> dict:
        return {k: v for k, v in data.items() if k != "action"}

    def before(self, obj, data):
        require(self.request.user, self.table[data["action"]].perm, obj)

    def act(self, obj, data):
        action = data["action"]
        self.services[action](obj, actor=self.request.user, **self.transition_kwargs(obj, data))
        return _("已%(a)s") % {"a": self.table.action_labels.get(action, action)}


class RecordListWithFormView(RecordListView, metaclass=ABCMeta):
    """A record list whose page also creates one (the form below the list, POST to the same URL): declare
    ``manage_perm``, ``make_form(data)``, ``create(form)`` (calls the service, returns what the message
    names) and ``created_message`` (``%(n)s``). Refused, the list is shown again with the form marked."""

    manage_perm = ""
    created_message = ""

    @abstractmethod
    def make_form(self, data=None):
        """The create form, bound to ``data`` when posted."""

    @abstractmethod
    def create(self, form):
        """Call the service with the valid form; return what the message names."""

    def post(self, request, *args, **kwargs):
        if not (has_perm(request.user, self.get_perm()) and has_perm(request.user, self.manage_perm)):
            raise PermissionDenied(_("您的角色无权访问此页面"))
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                created = self.create(form)
            except ValidationError as exc:
                form_errors(form, exc, getattr(form, "LABELS", None))
            else:
                messages.success(request, str(self.created_message) % {"n": created})
                return redirect(request.path)
        self.create_form = form
        return self.get(request, *args, **kwargs)

    def extra_context(self, filterset):
        can_manage = has_perm(self.request.user, self.manage_perm)
        form = getattr(self, "create_form", None) or (self.make_form() if can_manage else None)
        if form is not None:
            mark_invalid(form)
        return {"can_manage": can_manage, "create_form": form}
