"""Form pieces every app uses: the guard every form stands on (`Form`, `ModelForm`), a period
field, id fields that refuse ids no database holds, the optimistic-lock token of an edit form
(`LockedForm`) and the one-time key of a form that creates something (`OnceForm`)."""

import datetime
import re
import unicodedata
import uuid

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

from styrning import locking
from styrning.periods import Period

# Earliest and latest year a date in any form may have: a Swedish municipality's decisions are
# not older than the municipal reform of 1862, and a date beyond 2200 is a typing error.
FORSTA_AR = 1850
SISTA_AR = 2200

# Characters no text field may hold: control characters other than tab, line feed and carriage
# return (what a browser sends for a line break), and the direction overrides that make text
# read differently from how it is stored.
_ALLOWED_CONTROLS = frozenset("\t\n\r")
_BIDI_OVERRIDES = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def forbidden_character(value: str) -> str | None:
    """The first character of `value` that no text field may hold, or None."""
    for char in value:
        if char in _ALLOWED_CONTROLS:
            continue
        if unicodedata.category(char) == "Cc" or char in _BIDI_OVERRIDES:
            return char
    return None


def _check_value(value) -> str | None:
    """The Swedish error for a cleaned value no field may have, or None."""
    if isinstance(value, str):
        char = forbidden_character(value)
        if char is not None:
            return (
                f"Texten innehåller ett otillåtet tecken (U+{ord(char):04X}). Ta bort det; "
                "styrtecken kan inte sparas."
            )
    elif isinstance(value, datetime.date) and not FORSTA_AR <= value.year <= SISTA_AR:
        return f"Ange ett datum mellan år {FORSTA_AR} och {SISTA_AR}."
    elif isinstance(value, list | tuple):
        for item in value:
            error = _check_value(item)
            if error:
                return error
    return None


class GuardMixin:
    """What every form of the system refuses, whatever its fields: control characters in
    text and dates outside the years a decision can have. Each refusal is a Swedish error next
    to the field, and the form is then invalid, so nothing is saved."""

    def _clean_fields(self):
        super()._clean_fields()
        for name in list(self.cleaned_data):
            error = _check_value(self.cleaned_data[name])
            if error:
                self.add_error(name, error)


class Form(GuardMixin, forms.Form):
    pass


class ModelForm(GuardMixin, forms.ModelForm):
    pass


class InloggningForm(GuardMixin, AuthenticationForm):
    """The login form on the guard. A user name longer than any user's is refused before
    anyone is asked: Django sets the field's length after making it, without its validator, so
    the name went on to the login throttle's table, which cannot hold it (a 500)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


# The largest id a database column holds (a signed 64-bit integer).
_MAX_ID = 2**63 - 1


def _bounded_ids(field, values) -> None:
    """Refuse ids no row can have before they reach the database, which would fail on them.
    (A single choice needs no such field: Django answers an exact lookup out of range itself.)"""
    for value in values:
        text = str(value).strip()
        if not text.isdigit() or int(text) > _MAX_ID:
            raise ValidationError(
                field.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses ids no database can hold as invalid choices
    (Django sends them to the database, where they fail)."""

    def _check_values(self, value):
        if self.to_field_name is None:
            _bounded_ids(self, value)
        return super()._check_values(value)


class DecimalField(forms.DecimalField):
    """A number as Swedes write it: a decimal comma, spaces between thousands ("1 234,5",
    also with a non-breaking or thin space) and a typographic minus ("−0,5")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[\s\u00a0\u202f]", "", value).replace("\u2212", "-")
        return super().to_python(value)


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


class LockedForm(Form):
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


class OnceForm(Form):
    """A form that creates something: it carries a one-time key, made when the form is shown,
    so that a second POST of the same form is answered with what the first made
    (`styrning.submission.once`)."""

    inskick = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("inskick", uuid.uuid4())
