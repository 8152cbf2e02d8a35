"""ONE filterset per record type, shared by the list page, the API list and the Excel export.

Filtersets are django-filter ``FilterSet`` s built on :class:`RecordFilterSet`, which adds the standard
filters of a school record: ``region`` (a region picker of the user's jurisdiction; any valid code or
prefix is accepted), ``school`` (a school picker of the schools in reach) and ``sort`` (the declared
orderings). Date ranges are ``DateFromToRangeFilter`` (``<name>_after`` / ``<name>_before``).

django-filter drops invalid parameters silently unless ``is_valid()`` is checked: :func:`filtered` always
checks and raises :class:`InvalidFilters`, which pages show next to the field (in Chinese) and the API
answers with 422 naming the parameter. :func:`query_schema` turns a filterset into the ninja query
schema, so the OpenAPI document lists the same parameters.
"""

import copy
import datetime
from typing import Literal

import django_filters as df
from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django_filters.filters import FilterMethod
from pydantic import create_model

from huxiao.core.validators import RegionCodeValidator, region_filter_prefix

SCHOOL_SELECT_LIMIT = 300  # above this many schools in reach the school picker is a search box


class InvalidFilters(Exception):
    def __init__(self, errors: dict):
        super().__init__(errors)
        self.errors = errors  # {param: [message, ...]}


class RegionField(forms.CharField):
    """A region code or prefix; the page shows a picker of the user's regions but any valid code counts
    (records outside the jurisdiction are excluded by the scope anyway)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("validators", [RegionCodeValidator(_("区划"), prefix_ok=True)])
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return region_filter_prefix(value) if value else value


class RegionFilter(df.CharFilter):
    field_class = RegionField

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__startswith": value})


def region_choices(user) -> list[tuple[str, str]]:
    """The regions a user may narrow a list to: their top regions and everything down to districts; a
    district-level (or lower) user also gets the towns."""
    from huxiao.core.choices import RegionLevel
    from huxiao.core.models import Region
    from huxiao.core.scoping import scope_for

    scope = scope_for(user)
    if not scope.reaches_regions:
        return []
    tops = list(scope.top_regions())
    deep = all(len(t.prefix) >= 6 for t in tops) and not scope.everything
    levels = [RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY] + ([RegionLevel.TOWN] if deep else [])
    q = scope.q("code", None)
    rows = Region.objects.filter(q, level__in=levels).order_by("code").values_list("code", "name", "level")
    indent = {RegionLevel.PROVINCE: "", RegionLevel.CITY: "　", RegionLevel.COUNTY: "　　", RegionLevel.TOWN: "　　　"}
    return [(code, f"{indent.get(level, '')}{name}") for code, name, level in rows[:2000]]


def schools_in_reach(user):
    from huxiao.core.models import School

    return School.objects.visible_to(user).order_by("region_code", "name")


class SchoolFilter(df.NumberFilter):
    """A school by id. The page shows a picker of the schools in reach (a number box above
    SCHOOL_SELECT_LIMIT); an id out of reach simply matches nothing (the scope excludes its rows)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        super().__init__(*args, **kwargs)


class _CheckFields(dict):
    """The fields of a filterset's check form (API and export: validated, never rendered). A form copies
    its class's fields deeply per instance; this form's copy is one level deep (each field copied, its
    widget and choices shared), which is most of what a request would otherwise spend on its filters."""

    def __deepcopy__(self, memo):
        return {name: copy.copy(field) for name, field in self.items()}


class RecordFilterSet(df.FilterSet):
    """Base of every record filterset: region and school pickers, and a user-scoped school list.

    What django-filter rebuilds per request is built once per class here (the filters' form fields and
    the form classes); each request gets its own shallow copy of the filters (``parent``, ``model``) and
    its own form. So per-request widgets and choices go in :meth:`page_widgets` (on the page's form,
    whose fields are the request's own deep copies), never on the filters or in ``__init__``."""

    region = RegionFilter(field_name="region_code", label=_("区划"))
    school = SchoolFilter(field_name="school_id", label=_("学校"))

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, pickers=True):
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.pickers = pickers
        self.filters = {}
        for name, base in self._prepared_filters().items():
            flt = self.filters[name] = copy.copy(base)
            flt.model, flt.parent = queryset.model, self
            if base.method is not None:  # a method filter calls its own parent's method
                flt.filter = FilterMethod(flt)
        if pickers:  # the page's widgets; the API and the export never render them
            self.page_widgets()
            self._picker_widgets()

    @classmethod
    def _prepared_filters(cls) -> dict:
        """The class's filters with their form fields built, and its two form classes (page, check)."""
        if "_prepared" not in cls.__dict__:
            for flt in cls.base_filters.values():  # the sort picker's empty choice: not "---------"
                if isinstance(flt, df.OrderingFilter) and flt.extra.get("empty_label") in (
                        None, df.conf.settings.EMPTY_CHOICE_LABEL):
                    flt.extra["empty_label"] = _("默认排序")
                    flt.__dict__.pop("_field", None)
            fields = {name: flt.field for name, flt in cls.base_filters.items()}
            page_form = type(f"{cls.__name__}Form", (cls._meta.form,), dict(fields))
            check_form = type(f"{cls.__name__}CheckForm", (cls._meta.form,), dict(fields))
            check_form.base_fields = _CheckFields(check_form.base_fields)
            cls._prepared = (cls.base_filters, page_form, check_form)
        return cls._prepared[0]

    def get_form_class(self):
        self._prepared_filters()
        _filters, page_form, check_form = type(self)._prepared
        return page_form if self.pickers else check_form

    def page_widgets(self):
        """Override to give the page's form widgets that need queries (a plan picker …): called only
        when the filterset is rendered, never for the API or the export."""

    def _picker_widgets(self):
        user = getattr(self.request, "user", None)
        form_fields = self.form.fields
        if "region" in form_fields and user is not None:
            form_fields["region"].widget = forms.Select(choices=[("", _("全部区划")), *region_choices(user)])
        if "school" in form_fields and user is not None:
            field = form_fields["school"]
            schools = list(schools_in_reach(user).values_list("pk", "name")[:SCHOOL_SELECT_LIMIT + 1])
            if len(schools) > SCHOOL_SELECT_LIMIT:
                field.widget = forms.NumberInput(attrs={"placeholder": _("学校编号")})
            else:
                field.widget = forms.Select(choices=[("", _("全部学校")), *schools])
        for name, field in form_fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select form-select-sm"
            else:
                css = "form-control form-control-sm"
            if isinstance(widget, df.widgets.RangeWidget):
                for sub in widget.widgets:
                    sub.attrs["class"] = css
                    if isinstance(widget, df.widgets.DateRangeWidget):
                        sub.input_type = "date"  # the browser's date picker; values are ISO dates
            else:
                widget.attrs.setdefault("class", css)
            widget.attrs.setdefault("aria-label", str(field.label or name))


def filtered(filterset_class, data, queryset, request):
    """The filterset bound to ``data`` and checked (no page widgets built): its ``qs`` is the filtered
    queryset. Raises :class:`InvalidFilters` naming every bad parameter (never silently ignores one)."""
    fs = filterset_class(data, queryset=queryset, request=request, pickers=False)
    if not fs.is_valid():
        raise InvalidFilters({name: [str(m) for m in msgs] for name, msgs in fs.errors.items()})
    return fs


# --- the ninja query schema of a filterset --------------------------------------------------------

def _python_type(flt):
    if isinstance(flt, df.DateFromToRangeFilter | df.DateFilter):
        return datetime.date
    if isinstance(flt, df.BooleanFilter):
        return bool
    if isinstance(flt, df.NumberFilter | df.ModelChoiceFilter):
        return int
    if isinstance(flt, df.OrderingFilter):
        values = []
        for param in flt.param_map:
            values += [param, f"-{param}"]
        return Literal[tuple(values)] if values else str
    if isinstance(flt, df.ChoiceFilter):
        choices = [str(c[0]) for c in (flt.extra.get("choices") or []) if c[0] not in ("", None)]
        return Literal[tuple(choices)] if choices else str
    return str


def _describe(flt) -> str:
    return str(flt.label or "")


def query_schema(filterset_class, name: str | None = None):
    """A ninja ``Schema`` with one optional query parameter per filter (ranges as ``_after``/``_before``),
    for the OpenAPI document; the values themselves are read and checked by the filterset."""
    from ninja import Field, Schema

    fields = {}
    for param, flt in filterset_class.base_filters.items():
        kind = _python_type(flt)
        if isinstance(flt, df.DateFromToRangeFilter):
            for suffix, word in (("after", _("起")), ("before", _("止"))):
                fields[f"{param}_{suffix}"] = (datetime.date | None,
                                               Field(None, description=f"{_describe(flt)}（{word}）"))
        else:
            fields[param] = (kind | None, Field(None, description=_describe(flt)))
    return create_model(name or f"{filterset_class.__name__}Query", __base__=Schema, **fields)


def query_params(filterset_class) -> set[str]:
    names = set()
    for param, flt in filterset_class.base_filters.items():
        if isinstance(flt, df.DateFromToRangeFilter):
            names |= {f"{param}_after", f"{param}_before"}
        else:
            names.add(param)
    return names
