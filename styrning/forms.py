"""Form pieces every app uses: a period field and the optimistic-lock token of an edit form."""

from django import forms

from styrning import locking
from styrning.periods import Period


class PeriodField(forms.CharField):
    """A period written as 2025, 2025T2 or 2025M03."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Period")
        kwargs.setdefault("widget", forms.TextInput(attrs={"maxlength": 10, "size": 10}))
        kwargs.setdefault(
            "help_text", "Ett år (2025), ett tertial (2025T2) eller en månad (2025M03)."
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        return Period.parse(value)

    def prepare_value(self, value):
        return value.kod if isinstance(value, Period) else value


class LockedForm(forms.Form):
    """An edit form of a shared record: it carries the change token of the row it showed
    (`styrning.locking`), and after a refused save it shows why and carries the token of the
    row as it is now, so that saving again, having read it, replaces it."""

    andringsmarke = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, current=None, **kwargs):
        """`current`: the row the unbound form shows (its token goes in the form)."""
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["andringsmarke"] = locking.token(current)

    def add_conflict(self, conflict: locking.Konflikt) -> None:
        self.add_error(None, conflict)
        self.data = self.data.copy()
        self.data[self.add_prefix("andringsmarke")] = conflict.token
