"""The subscription forms: what to follow (a selection, `insyn.handelser.Urval`), how often,
and for a new subscription the address."""

from django import forms
from django.db.models import Q

from dokument.filters import SOK_MAX
from dokument.models import Dokumenttyp
from insyn.handelser import Urval
from insyn.models import Prenumeration
from styrning.forms import Form
from styrning.models import Organisation
from uppfoljning.models import Rapportversion


def _organ_queryset():
    """The political bodies (they adopt documents) and the organisations with an adopted
    report (they report), a short list whatever the size of the organisation."""
    adopted = Rapportversion.objects.filter(slag=Rapportversion.Slag.ANTAGEN)
    return Organisation.objects.filter(
        Q(typ__in=Organisation.POLITISKA_TYPER)
        | Q(pk__in=adopted.values("rapport__organisation"))
        | Q(pk__in=adopted.values("rapport__antagen_av"))
    ).order_by("ordning", "namn")


class UrvalForm(Form):
    slag = forms.ChoiceField(
        label="Vad vill du följa?",
        choices=Prenumeration.Slag.choices,
        initial=Prenumeration.Slag.DOKUMENT,
        widget=forms.RadioSelect,
    )
    organ = forms.ModelChoiceField(
        label="Organ",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Alla organ",
        help_text="För styrdokument: organet som fastställde dem. För rapporter: organisationen "
        "som rapporterar eller organet som antog rapporten.",
    )
    typ = forms.ModelChoiceField(
        label="Dokumenttyp",
        queryset=Dokumenttyp.objects.all(),
        required=False,
        empty_label="Alla typer",
    )
    omrade = forms.ModelChoiceField(
        label="Gäller för",
        queryset=Organisation.objects.exclude(typ=Organisation.Typ.ENHET).order_by(
            "ordning", "namn"
        ),
        required=False,
        empty_label="Alla",
        help_text="Styrdokument som gäller för en viss del av organisationen.",
    )
    q = forms.CharField(
        label="Sökord",
        required=False,
        max_length=SOK_MAX,
        help_text="Bara styrdokument som innehåller orden (som sökningen i dokumentlistan).",
    )
    dokument = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    frekvens = forms.ChoiceField(
        label="Hur ofta vill du få e-post?",
        choices=Prenumeration.Frekvens.choices,
        initial=Prenumeration.Frekvens.DIREKT,
        widget=forms.RadioSelect,
        help_text="Ett sammandrag skickas bara när något har hänt.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organ"].queryset = _organ_queryset()

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        urval = Urval(
            slag=cleaned["slag"],
            organ=cleaned["organ"].pk if cleaned.get("organ") else None,
            typ=cleaned["typ"].pk if cleaned.get("typ") else None,
            omrade=cleaned["omrade"].pk if cleaned.get("omrade") else None,
            q=(cleaned.get("q") or "").strip(),
            dokument=cleaned.get("dokument"),
        )
        if urval.slag == Prenumeration.Slag.RAPPORTER:
            # Only the body applies to reports: what else was chosen is let go.
            urval = Urval(slag=urval.slag, organ=urval.organ)
        try:
            urval.check()
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        cleaned["urval"] = urval
        return cleaned

    @staticmethod
    def initial_for(urval: Urval) -> dict:
        return {
            "slag": urval.slag,
            "organ": urval.organ,
            "typ": urval.typ,
            "omrade": urval.omrade,
            "q": urval.q,
            "dokument": urval.dokument,
        }


class PrenumerationForm(UrvalForm):
    epost = forms.EmailField(
        label="Din e-postadress",
        max_length=254,
        error_messages={
            "invalid": "Ange en e-postadress som namn@exempel.se.",
            "required": "Ange din e-postadress.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="Vi skickar en länk som du bekräftar prenumerationen med.",
    )

    field_order = ["epost", "slag", "organ", "typ", "omrade", "q", "frekvens", "dokument"]
