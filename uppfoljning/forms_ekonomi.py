"""Input of the economy: the chef's forecast, the controller's import file and the hand entry
of budget and outcome where there is no import."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from styrning.forms import DecimalField, Form, LockedForm
from uppfoljning.ekonomi import FAKTOR, MAX_IMPORT_SIZE

BELOPP = {"max_digits": 18, "decimal_places": 3}


class PrognosForm(LockedForm):
    """The annual forecast of one organisation, in the kind's beloppsenhet. Its fields are
    prefixed by the organisation (`prognos-<id>`), so one page holds a form per verksamhet."""

    arsprognos = DecimalField(label="Årsprognos", **BELOPP)
    motivering = forms.CharField(
        label="Motivering",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Krävs när prognosen skiljer sig från systemets förslag.",
    )
    bekraftad = forms.BooleanField(label="Jag har kontrollerat prognosen", required=False)

    def __init__(self, *args, organisation, enhet: str, **kwargs):
        kwargs.setdefault("prefix", f"prognos-{organisation.pk}")
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.enhet = enhet
        self.fields["arsprognos"].label = f"Årsprognos för {organisation.namn} ({enhet})"

    def kronor(self) -> Decimal:
        return self.cleaned_data["arsprognos"] * FAKTOR.get(self.enhet, Decimal(1))

    @property
    def visa_bekraftelse(self) -> bool:
        """The confirm box shows once the forecast has been found implausible."""
        if not self.is_bound:
            return False
        return self.has_error("arsprognos", "orimlig") or bool(
            self.data.get(self.add_prefix("bekraftad"))
        )


class ImportForm(Form):
    """The economy system's CSV file, read as text (UTF-8, with or without BOM)."""

    fil = forms.FileField(
        label="Fil från ekonomisystemet (CSV)",
        help_text="Semikolonseparerad med rubrikraden "
        "organisationskod;kontogrupp;år;månad;budget;utfall.",
    )

    def clean_fil(self) -> str:
        uploaded = self.cleaned_data["fil"]
        if uploaded.size > MAX_IMPORT_SIZE:
            raise ValidationError(
                f"Filen är för stor ({filesizeformat(uploaded.size)}). Största tillåtna "
                f"storlek är {filesizeformat(MAX_IMPORT_SIZE)}.",
                code="for_stor",
            )
        name = uploaded.name.lower()
        if not name.endswith((".csv", ".txt")):
            raise ValidationError(
                "Filtypen stöds inte. Ladda upp en CSV-fil (.csv) från ekonomisystemet.",
                code="filtyp",
            )
        data = uploaded.read()
        if b"\x00" in data:
            raise ValidationError(
                f"Filen heter {uploaded.name} men innehållet är inte text.", code="fel_innehall"
            )
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(
                f"Filen {uploaded.name} är inte sparad som UTF-8. Spara den som CSV (UTF-8) "
                "och försök igen.",
                code="teckenkodning",
            ) from None


class ForhandsgranskadImportForm(Form):
    """The second step: the checked file's text (base64, so that its lines stay as they were),
    sent back to be imported for real."""

    innehall = forms.CharField(widget=forms.HiddenInput)


class EkonomiradForm(LockedForm):
    """Budget and outcome of one organisation, account group and month, by hand."""

    organisation = forms.TypedChoiceField(label="Organisation", coerce=int)
    kontogrupp = forms.CharField(label="Kontogrupp", max_length=60)
    ar = forms.IntegerField(label="År", min_value=2000, max_value=2100)
    manad = forms.IntegerField(label="Månad", min_value=1, max_value=12, help_text="1–12.")
    budget = DecimalField(label="Budget (kronor)", **BELOPP)
    utfall = DecimalField(label="Utfall (kronor)", help_text="Nettokostnad.", **BELOPP)

    def __init__(self, *args, organisationer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, o.namn) for o in organisationer]
        self.organisationer = {o.pk: o for o in organisationer}
