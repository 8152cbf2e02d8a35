"""Forms of the compliance pages: the dashboard's (and its export's) "as of" day."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AsOfForm(forms.Form):
    """The dashboard's "as of" picker: the rates at the end of a past day (blank: now)."""

    as_of = forms.DateField(label=_("截至日期"), required=False, input_formats=["%Y-%m-%d"],
                            widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["as_of"].widget.attrs["max"] = timezone.localdate().isoformat()

    @property
    def day(self):
        """The day asked for; None for now, also when the day is malformed (the error stays on the field)."""
        return self.cleaned_data.get("as_of") if self.is_valid() else None
