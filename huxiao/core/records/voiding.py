"""作废 (void with a reason) on the pages and the API of voidable records (hazards, inspections): the list
filter that leaves voided rows out unless asked for, the reason form of a detail page, and the API call.
The action itself is ``core.void.do_void`` (permission ``<app>.void_<model>`` on the record's reach).
"""

import django_filters as df
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from ninja import Field, Schema

from huxiao.core.forms import form_errors
from huxiao.core.records.columns import Column
from huxiao.core.records.filters import RecordFilterSet
from huxiao.core.records.views import mark_invalid
from huxiao.core.scoping import can, perm_for
from huxiao.core.void import do_void

LABELS = {"void_reason": _lazy("作废原因"), "reason": _lazy("作废原因")}


class VoidableFilterSet(RecordFilterSet):
    """Lists leave voided records out; ``voided=true`` lists only those (with who voided them and why)."""

    voided = df.BooleanFilter(label=_lazy("仅看已作废"), method="only_voided", widget=forms.CheckboxInput)

    def only_voided(self, qs, name, value):
        return qs.filter(voided_at__isnull=False) if value else qs

    @property
    def qs(self):
        # also when unbound (a list opened without filters): django-filter does not filter those at all
        qs = super().qs
        asked = self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("voided")
        return qs if asked else qs.filter(voided_at__isnull=True)


VOID_COLUMNS = (
    Column("voided_at", _lazy("作废时间")),
    Column("void_reason", _lazy("作废原因")),
)


class VoidForm(forms.Form):
    void_reason = forms.CharField(label=_lazy("作废原因"), max_length=500, widget=forms.Textarea(attrs={
        "rows": 2, "class": "form-control", "placeholder": _lazy("如：重复登记、录入有误（必填）")}))


def can_void(user, record) -> bool:
    return record.voided_at is None and can(user, perm_for(type(record), "void"), record)


def void_from_page(request, record) -> VoidForm | None:
    """Void ``record`` with the reason the page posted. None when done (a success message is queued);
    else the bound form with the refusal on its field, marked."""
    form = VoidForm(request.POST)
    if form.is_valid():
        try:
            do_void(record, form.cleaned_data["void_reason"], actor=request.user)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                form_errors(form, exc, LABELS)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("已作废：%(r)s") % {"r": form.cleaned_data["void_reason"]})
            return None
    mark_invalid(form)
    return form


class VoidIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500, description="作废原因（必填）")


def void_record(record, reason: str, *, actor):
    """``do_void`` for the API: a blank reason is refused naming ``reason`` (the body's field)."""
    try:
        return do_void(record, reason, actor=actor)
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "void_reason" in exc.error_dict:
            raise ValidationError({"reason": exc.error_dict["void_reason"]}) from None
        raise
