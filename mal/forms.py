"""Input of the goal chain: values, targets, assessments, comments on assignments, goals,
indicators, activities and assignments. The rules are the services' and the models'; the edit
forms of shared records carry the change token of the row they show (`LockedForm`)."""

from django import forms

from mal.models import Aktivitet, Indikator, Mal, Uppdrag, Utfall
from styrning.forms import (
    DecimalField,
    LockedForm,
    ModelForm,
    ModelMultipleChoiceField,
    OnceForm,
    PeriodField,
)


def _decimal(label: str, required: bool = False) -> forms.DecimalField:
    return DecimalField(label=label, required=required, max_digits=14, decimal_places=4)


class VardeForm(LockedForm):
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


class MalvardeForm(LockedForm):
    ar = forms.IntegerField(label="År", min_value=1900, max_value=2200)
    varde = _decimal("Målvärde", required=True)


class BedomningForm(LockedForm):
    period = PeriodField()
    utfall = forms.ChoiceField(label="Bedömning", choices=Utfall.choices, widget=forms.RadioSelect)
    analys = forms.CharField(
        label="Analys",
        required=False,
        widget=forms.Textarea,
        help_text="Varför målet bedöms så: vad som påverkat resultatet och vad som görs framåt.",
    )


class UppdragskommentarForm(LockedForm):
    period = PeriodField()
    status = forms.ChoiceField(label="Status", choices=Uppdrag.Status.choices)
    kommentar = forms.CharField(label="Kommentar", widget=forms.Textarea)


class MalForm(LockedForm, OnceForm, ModelForm):
    """A goal; the contribution and owner rules are checked by `spara_mal`."""

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
        field_classes = {
            "overordnade": ModelMultipleChoiceField,
            "dokument": ModelMultipleChoiceField,
        }


class IndikatorForm(LockedForm, OnceForm, ModelForm):
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


class AktivitetForm(LockedForm, OnceForm, ModelForm):
    class Meta:
        model = Aktivitet
        fields = ["titel", "beskrivning", "ansvarig_text", "startdatum", "slutdatum", "status"]
        widgets = {
            "startdatum": forms.DateInput(attrs={"type": "date"}),
            "slutdatum": forms.DateInput(attrs={"type": "date"}),
        }


class UppdragForm(OnceForm, ModelForm):
    """An assignment from one of the political bodies the user registers assignments for to a
    body at or below them; that the receiver is below the very body that gives it is checked by
    `ge_uppdrag`."""

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
        widgets = {"slutdatum": forms.DateInput(attrs={"type": "date"})}
        error_messages = {
            "givet_av": {
                "required": "Välj vilket organ som ger uppdraget.",
                "invalid_choice": (
                    "Välj ett av organen i listan: uppdrag ges av kommunfullmäktige, "
                    "kommunstyrelsen eller en nämnd som du registrerar uppdrag för."
                ),
            },
            "givet_till": {
                "required": "Välj vilket organ som får uppdraget.",
                "invalid_choice": "Välj ett av organen i listan.",
            },
        }

    def __init__(self, *args, givers, goals, **kwargs):
        """`givers`: the political bodies the user registers assignments for; `goals`: the
        goals the user sees."""
        super().__init__(*args, **kwargs)
        self.fields["givet_av"].queryset = givers
        self.fields["mal"].queryset = goals
