"""The controller's form for Året som gick: the texts, where the money came from and the
investments as lines "namn | belopp" (kronor, written as Swedes write numbers), and whether
it is published."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from styrning.forms import DecimalField, LockedForm, forbidden_character
from uppfoljning.models import Rapport, Rapporttyp

RADER_HJALP = "En rad per post: namn | belopp i kronor, t.ex. ”Skatteintäkter | 5 200 000 000”."


def parse_rader(text: str, *, falt: str) -> list[dict]:
    """Lines "namn | belopp" as [{"namn", "belopp"}] (belopp an int of kronor); a Swedish
    error naming every bad line."""
    rader, fel = [], []
    belopp_falt = DecimalField()
    for nummer, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        namn, sep, belopp = line.rpartition("|")
        if forbidden_character(line):
            fel.append(f"Rad {nummer}: raden innehåller ett otillåtet tecken.")
            continue
        if not sep or not namn.strip():
            fel.append(f"Rad {nummer}: skriv namn | belopp, med ett lodstreck emellan.")
            continue
        try:
            value = belopp_falt.clean(belopp.strip())
        except ValidationError:
            fel.append(f"Rad {nummer}: ”{belopp.strip()}” är inget belopp. Skriv t.ex. 1 234 500.")
            continue
        if value is None or value < 0:
            fel.append(f"Rad {nummer}: beloppet ska vara noll eller mer.")
            continue
        rader.append({"namn": namn.strip()[:200], "belopp": int(value.to_integral_value())})
    if fel:
        raise ValidationError(fel, code=falt)
    return rader


def format_rader(rader: list[dict]) -> str:
    return "\n".join(f"{r.get('namn', '')} | {Decimal(str(r.get('belopp', 0))):.0f}" for r in rader)


class AretSomGickForm(LockedForm):
    arsredovisning = forms.ModelChoiceField(
        label="Årsredovisning",
        queryset=Rapport.objects.none(),
        required=False,
        empty_label="Ingen vald",
        help_text="Den antagna årsredovisningen som siffrorna hämtas ur.",
    )
    ingress = forms.CharField(
        label="Ingress", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    resultat_mening = forms.CharField(
        label="Årets resultat i en mening",
        max_length=300,
        required=False,
        help_text="T.ex. ”Kommunen gick med 45 miljoner kronor i överskott.”",
    )
    inkomster = forms.CharField(
        label="Var pengarna kom ifrån",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=RADER_HJALP,
    )
    investeringar = forms.CharField(
        label="Investeringar",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=RADER_HJALP,
    )
    handelser = forms.CharField(
        label="Årets viktiga händelser",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Korta meningar på vanlig svenska. En tom rad mellan styckena.",
    )
    publicerad = forms.BooleanField(label="Publicerad (synlig för alla)", required=False)

    def __init__(self, *args, ar: int, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["arsredovisning"].queryset = Rapport.objects.filter(
            rapportperiod__ar=ar,
            rapportperiod__rapporttyp__lagkrav=Rapporttyp.Lagkrav.ARSREDOVISNING,
            status=Rapport.Status.ANTAGEN,
        ).select_related("rapportperiod__rapporttyp", "organisation")
        if instance is not None and not self.is_bound:
            self.initial.update(
                {
                    "arsredovisning": instance.arsredovisning_id,
                    "ingress": instance.ingress,
                    "resultat_mening": instance.resultat_mening,
                    "inkomster": format_rader(instance.inkomster),
                    "investeringar": format_rader(instance.investeringar),
                    "handelser": instance.handelser,
                    "publicerad": instance.publicerad,
                }
            )

    def clean_inkomster(self):
        return parse_rader(self.cleaned_data["inkomster"], falt="inkomster")

    def clean_investeringar(self):
        return parse_rader(self.cleaned_data["investeringar"], falt="investeringar")
