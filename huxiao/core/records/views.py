"""Generic pages of scoped records: the list (filters, paging, sorting, export) and the helpers every
detail, form and transition page uses. Permissions: the page needs the model's ``view`` permission
(403 otherwise); rows come through ``visible_to`` (out of jurisdiction: not listed, detail 404)."""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views import View

from huxiao.core.forms import field_label
from huxiao.core.records.columns import export_only, page_only
from huxiao.core.records.export import export_response
from huxiao.core.records.paging import DeferredRows
from huxiao.core.scoping import has_perm, perm_for

CONTROL_PARAMS = ("page", "export")


def get_visible_or_404(request, model_or_qs, pk, perm: str | None = None, action: str = "view"):
    """The record ``pk`` if the user's role grants the permission (403) and it lies in their
    jurisdiction (404)."""
    qs = model_or_qs if hasattr(model_or_qs, "model") else model_or_qs.objects.all()
    perm = perm or perm_for(qs.model, action)
    if not has_perm(request.user, perm):
        raise PermissionDenied(_("您的角色无权执行此操作"))
    return get_object_or_404(qs.visible_to(request.user, perm), pk=pk)


def service_errors(request, exc: ValidationError, labels: dict | None = None):
    """A service's refusal as one Chinese flash message, each part led by the field's label."""
    parts = []
    for name, msgs in (exc.message_dict.items() if hasattr(exc, "error_dict") else [("__all__", exc.messages)]):
        lead = "" if name == "__all__" else f"{field_label(name, labels)}："
        parts += [f"{lead}{m}" for m in msgs]
    messages.error(request, "；".join(parts))


def mark_invalid(form):
    """Mark the widgets of fields with errors (Bootstrap ``is-invalid``) so the page shows which field."""
    for name in form.errors:
        if name in form.fields:
            attrs = form.fields[name].widget.attrs
            attrs["class"] = (attrs.get("class", "") + " is-invalid").strip()
            attrs["aria-invalid"] = "true"


class RecordListView(LoginRequiredMixin, View):
    """Declare ``model``, ``filterset_class``, ``columns`` and ``title``; override ``get_queryset`` for
    joins and ``extra_context`` for what the page adds. ``?export=xlsx`` downloads the filtered rows."""

    model = None
    filterset_class = None
    columns: tuple = ()
    title = ""
    perm: str | None = None
    template_name = "core/records/list.html"
    ordering: tuple = ("-pk",)
    paginate_by = 25
    select_related: tuple = ()
    prefetch_related: tuple = ()
    create_url_name: str | None = None
    create_perm: str | None = None
    create_label = ""
    empty_text = ""
    row_template: str | None = None  # a template fragment for one table row, instead of the columns

    def get_perm(self) -> str:
        return self.perm or perm_for(self.model, "view")

    def get_queryset(self):
        qs = self.model.objects.visible_to(self.request.user, self.get_perm())
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        return qs

    def extra_context(self, filterset) -> dict:
        return {}

    def page_columns(self, request) -> tuple:
        """The page's table: the columns flagged ``page`` (override for columns that depend on the user)."""
        return page_only(self.columns)

    def export_columns(self, request) -> tuple:
        """The "导出 Excel" workbook: the columns flagged ``export``, every field in its own column."""
        return export_only(self.columns)

    def export_title(self) -> str:
        return str(self.title)

    def get(self, request, *args, **kwargs):
        if not has_perm(request.user, self.get_perm()):
            raise PermissionDenied(_("您的角色无权访问此页面"))
        data = request.GET.copy()
        for key in CONTROL_PARAMS:
            data.pop(key, None)
        fs = self.filterset_class(data or None, queryset=self.get_queryset(), request=request)
        valid = fs.is_valid() if data else True
        qs = fs.qs if valid else fs.queryset.none()
        mark_invalid(fs.form)
        sorted_by = fs.form.cleaned_data.get("sort") if valid and data and "sort" in fs.filters else None
        if not sorted_by:
            qs = qs.order_by(*self.ordering)
        if request.GET.get("export") == "xlsx" and valid:
            return export_response(qs, self.export_columns(request), title=self.export_title(), request=request,
                                   filters={k: data.getlist(k) for k in data})
        columns = self.page_columns(request)
        page = Paginator(DeferredRows(qs), self.paginate_by).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        sort = (sorted_by or [""])[0] if sorted_by else ""
        context = {
            "view": self, "title": self.title, "filter": fs, "form": fs.form, "page": page,
            "rows": [(row, [(c, c.get(row)) for c in columns]) for row in page.object_list],
            "columns": columns, "query": query.urlencode(), "sort": sort,
            "export_query": _with(query, export="xlsx"),
            "sort_links": {c.sort: _with(query, sort=("-" + c.sort) if sort == c.sort else c.sort)
                           for c in columns if c.sort},
            "can_create": bool(self.create_url_name) and has_perm(request.user, self.create_perm or self.get_perm()),
            "row_template": self.row_template, "empty_text": self.empty_text or _("没有符合条件的记录"),
        }
        context.update(self.extra_context(fs))
        return render(request, self.template_name, context)


def _with(query, **values) -> str:
    q = query.copy()
    for key, value in values.items():
        q[key] = value
    return q.urlencode()


def require_perm(perm):
    """Page decorator for a function view: signed in and holding a role that grants ``perm`` (403
    otherwise); the record classes above check their own permission."""

    def decorator(view):
        @login_required
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_perm(request.user, perm):
                raise PermissionDenied(_("您的角色无权访问此页面"))
            return view(request, *args, **kwargs)

        wrapped.required_perm = perm
        return wrapped

    return decorator
