"""Input of the goal chain: values, targets, assessments, comments on assignments, goals."""

from django import forms
from django.core.exceptions import ValidationError

from mal.models import Aktivitet, Indikator, Mal, Uppdrag, Utfall
from mal.services import check_overordnade, check_uppdrag
from styrning.models import Organisation
from styrning.periods import Period
from styrning.queries import OrganisationTree


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


class VersionField(forms.CharField):
    """The saved version the form changes (empty for a new row): the service refuses to save
    over a newer version (optimistic locking)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(**kwargs)


class VersionedForm(forms.Form):
    version = VersionField()

    def carry_version(self, current) -> None:
        """After a refused save: carry the version now saved, so that saving again (having
        read it) replaces it."""
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = current.version if current else ""


def _decimal(label: str, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=14,
        decimal_places=4,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class VardeForm(VersionedForm):
    organisation = forms.ModelChoiceField(label="Organisation", queryset=None)
    period = PeriodField()
    totalt = _decimal("Totalt")
    kvinnor = _decimal("Kvinnor")
    man = _decimal("Män")
    preliminar = forms.BooleanField(label="Preliminärt värde", required=False)
    kommentar = forms.CharField(label="Kommentar", required=False, widget=forms.Textarea)

    def __init__(self, *args, indikator, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if not indikator.konsuppdelad:
            del self.fields["kvinnor"]
            del self.fields["man"]
        self.fields["totalt"].help_text = f"Enhet: {indikator.enhet}."


class MalvardeForm(VersionedForm):
    ar = forms.IntegerField(label="År", min_value=1900, max_value=2200)
    varde = _decimal("Målvärde", required=True)


class BedomningForm(VersionedForm):
    period = PeriodField()
    utfall = forms.ChoiceField(label="Bedömning", choices=Utfall.choices, widget=forms.RadioSelect)
    analys = forms.CharField(
        label="Analys",
        required=False,
        widget=forms.Textarea,
        help_text="Varför målet bedöms så: vad som påverkat resultatet och vad som görs framåt.",
    )


class UppdragskommentarForm(forms.Form):
    period = PeriodField()
    status = forms.ChoiceField(label="Status", choices=Uppdrag.Status.choices)
    kommentar = forms.CharField(label="Kommentar", widget=forms.Textarea)


class MalForm(forms.ModelForm):
    """A goal, with the contribution rule checked on the chosen higher goals."""

    class Meta:
        model = Mal
        fields = [
            "titel",
            "nummer",
            "beskrivning",
            "agare",
            "typ",
            "status",
            "budgetar",
            "mandatperiod",
            "malomrade",
            "overordnade",
            "krav_uppfyllt",
            "uppfoljning",
            "regel",
            "vikt",
            "ansvarig",
            "dokument",
            "ordning",
        ]
        localized_fields = ["vikt"]

    def clean(self):
        cleaned = super().clean()
        agare = cleaned.get("agare")
        overordnade = cleaned.get("overordnade")
        if agare is not None and overordnade is not None:
            probe = Mal(
                pk=self.instance.pk,
                agare=agare,
                titel=cleaned.get("titel", ""),
                nummer=cleaned.get("nummer", ""),
            )
            try:
                check_overordnade(probe, overordnade)
            except ValidationError as exc:
                self.add_error(None, exc)
            if self.instance.pk is not None and agare.pk != self.instance.agare_id:
                tree = OrganisationTree.load(Organisation.objects.only("pk", "overordnad_id"))
                lower = [
                    str(d)
                    for d in self.instance.delmal.select_related("agare")
                    if not tree.is_at_or_above(agare.pk, d.agare_id)
                ]
                if lower:
                    self.add_error(
                        "agare",
                        f"Delmålen {', '.join(lower)} hör till organ som inte ligger under "
                        f"{agare}: flytta dem först.",
                    )
        return cleaned


class IndikatorForm(forms.ModelForm):
    class Meta:
        model = Indikator
        fields = [
            "namn",
            "enhet",
            "riktning",
            "decimaler",
            "kalla",
            "kpi_id",
            "matt_for",
            "konsuppdelad",
            "summerbar",
            "utgangsvarde",
            "utgangsar",
            "tolerans",
            "vikt",
            "ordning",
        ]
        localized_fields = ["utgangsvarde", "tolerans", "vikt"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kalla") == Indikator.Kalla.KOLADA and not cleaned.get("kpi_id"):
            self.add_error("kpi_id", "Ett nyckeltal från Kolada behöver sitt id, t.ex. U11401.")
        if cleaned.get("summerbar") and not cleaned.get("konsuppdelad"):
            self.add_error("summerbar", "Gäller bara indikatorer som är uppdelade på kön.")
        return cleaned


class AktivitetForm(forms.ModelForm):
    class Meta:
        model = Aktivitet
        fields = ["titel", "beskrivning", "ansvarig_text", "startdatum", "slutdatum", "status"]
        widgets = {
            "startdatum": forms.DateInput(attrs={"type": "date"}),
            "slutdatum": forms.DateInput(attrs={"type": "date"}),
        }

    def clean(self):
        cleaned = super().clean()
        start, slut = cleaned.get("startdatum"), cleaned.get("slutdatum")
        if start and slut and slut < start:
            self.add_error("slutdatum", "Slutdatum kan inte vara före startdatum.")
        return cleaned


class UppdragForm(forms.ModelForm):
    """An assignment, checked to go from a political body to a body at or below it."""

    class Meta:
        model = Uppdrag
        fields = [
            "titel",
            "beskrivning",
            "givet_av",
            "givet_till",
            "budgetar",
            "mal",
            "slutdatum",
            "status",
        ]

    def clean(self):
        cleaned = super().clean()
        probe = Uppdrag(givet_av=cleaned.get("givet_av"), givet_till=cleaned.get("givet_till"))
        if probe.givet_av is not None and probe.givet_till is not None:
            try:
                check_uppdrag(probe)
            except ValidationError as exc:
                self.add_error(None, exc)
        return cleaned
