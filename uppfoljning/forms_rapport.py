"""Input of the chef's report page: one small form per part (a section, a goal's assessment,
an indicator's value, an assignment's comment, an action, the follow-up of an earlier action).
Each carries a prefix of its own, so many forms share the page with distinct field ids; the
edit forms carry the change token of the row they show (`LockedForm`), the form that adds an
action a one-time key (`OnceForm`). The rules are `uppfoljning.rapportering`'s."""

from django import forms

from mal.models import Uppdrag, Utfall
from styrning.forms import DecimalField, LockedForm, OnceForm
from uppfoljning.models import Atgard


def _decimal(label: str, *, max_digits: int = 14, decimal_places: int = 4, **kwargs):
    return DecimalField(
        label=label,
        required=False,
        max_digits=max_digits,
        decimal_places=decimal_places,
        **kwargs,
    )


class AvsnittForm(LockedForm):
    text = forms.CharField(label="Text", required=False, widget=forms.Textarea(attrs={"rows": 8}))
    klar = forms.BooleanField(label="Avsnittet är klart", required=False)

    def __init__(self, *args, rubrik: str = "Text", hjalptext: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = rubrik
        self.fields["text"].help_text = hjalptext


class BedomningForm(LockedForm):
    utfall = forms.ChoiceField(label="Din bedömning", choices=Utfall.choices)
    analys = forms.CharField(
        label="Analys",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Varför målet bedöms så: vad som påverkat resultatet och vad som görs framåt.",
    )


class VardeForm(LockedForm):
    totalt = _decimal("Värde")
    kvinnor = _decimal("Kvinnor")
    man = _decimal("Män")
    kommentar = forms.CharField(label="Kommentar", required=False)

    def __init__(self, *args, indikator, period_label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        what = f"{indikator.namn}, {'totalt ' if indikator.konsuppdelad else ''}{period_label}"
        self.fields["totalt"].label = f"{what.strip(' ,')} ({indikator.enhet})"
        self.fields["kommentar"].label = f"Kommentar till värdet för {indikator.namn}"
        if indikator.konsuppdelad:
            self.fields["kvinnor"].label = f"{indikator.namn}, kvinnor ({indikator.enhet})"
            self.fields["man"].label = f"{indikator.namn}, män ({indikator.enhet})"
        else:
            del self.fields["kvinnor"]
            del self.fields["man"]


class UppdragForm(LockedForm):
    status = forms.ChoiceField(label="Status", choices=Uppdrag.Status.choices)
    kommentar = forms.CharField(
        label="Kommentar för perioden", widget=forms.Textarea(attrs={"rows": 3})
    )


class AtgardForm(LockedForm, OnceForm):
    """An action of the åtgärdsplan: added (with a one-time key) or changed (with the change
    token). The indicator is chosen among the organisation's goals' indicators on the page."""

    beskrivning = forms.CharField(
        label="Åtgärd",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Beskriv åtgärden: en åtgärdsplan utan åtgärd kan inte sparas."
        },
    )
    ansvarig = forms.CharField(
        label="Ansvarig",
        max_length=200,
        error_messages={"required": "Ange vem som ansvarar för åtgärden."},
    )
    datum = forms.DateField(
        label="Klart senast",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Ange när åtgärden ska vara klar."},
    )
    effekt_kronor = _decimal("Förväntad effekt (kr)", max_digits=16, decimal_places=2)
    indikator = forms.TypedChoiceField(
        label="Eller: effekt på indikator", required=False, coerce=int, empty_value=None
    )
    effekt_varde = _decimal("Förväntad effekt (i indikatorns enhet)")
    status = forms.ChoiceField(label="Status", choices=Atgard.Status.choices)

    def __init__(self, *args, indikatorer=(), **kwargs):
        """`indikatorer`: the organisation's goals' indicators, already read for the page."""
        super().__init__(*args, **kwargs)
        self.fields["indikator"].choices = [("", "Ingen indikator")] + [
            (ind.pk, f"{ind.namn} ({ind.enhet})") for ind in indikatorer
        ]


class UppfoljningForm(LockedForm):
    status = forms.ChoiceField(label="Läge nu", choices=Atgard.Status.choices)
    kommentar = forms.CharField(
        label="Kommentar",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Krävs när åtgärden stryks.",
    )
