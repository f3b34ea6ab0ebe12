"""The forms of a report's workflow actions (`uppfoljning.arbetsflode`). Each carries the
change token of the report (`styrning.forms.LockedForm`), so an action taken on a page that is
out of date is refused; each has its own prefix, so they can stand together on the report
page."""

from django import forms

from styrning.forms import LockedForm


class LamnaInForm(LockedForm):
    prefix = "inlamning"


class GodkannForm(LockedForm):
    prefix = "godkann"


class SkickaTillbakaForm(LockedForm):
    prefix = "aterskick"

    kommentar = forms.CharField(
        label="Kommentar till den som lämnade in",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Vad behöver ändras? Chefen ser kommentaren på rapporten.",
        error_messages={
            "required": "Skriv varför rapporten skickas tillbaka: chefen läser det.",
            "max_length": "Kommentaren får vara högst %(limit_value)d tecken.",
        },
    )


class OppnaIgenForm(LockedForm):
    prefix = "oppna"

    anledning = forms.CharField(
        label="Anledning till att rapporten öppnas igen",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Står vid den nya versionen; den inlämnade versionen finns kvar som den var.",
        error_messages={
            "required": "Skriv varför rapporten öppnas igen: det står vid den nya versionen.",
            "max_length": "Anledningen får vara högst %(limit_value)d tecken.",
        },
    )
