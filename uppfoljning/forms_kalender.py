"""Forms of the reporting calendar: a kind of report (its sections written one a line), a
deadline changed by hand, and the organisations chosen for a year."""

import re

from django import forms
from django.core.exceptions import ValidationError

from styrning.forms import DecimalField, Form, LockedForm, ModelForm, OnceForm
from styrning.models import Organisation
from styrning.periods import Period, Periodtyp
from uppfoljning import kalender
from uppfoljning.models import Rapporttyp

SLAG = ("text", "fil", "tabell", "balanskrav")
_KOD = re.compile(r"^[a-z0-9_-]{1,40}$")


def avsnitt_som_text(avsnitt: list[dict]) -> str:
    """The sections as the textarea shows them: `kod | rubrik | slag | obligatorisk | hjälp`."""
    rader = []
    for a in avsnitt or []:
        delar = [
            a.get("kod", ""),
            a.get("rubrik", ""),
            a.get("slag", "text"),
            "obligatorisk" if a.get("obligatorisk") else "frivillig",
        ]
        if a.get("hjalptext"):
            delar.append(a["hjalptext"])
        rader.append(" | ".join(delar))
    return "\n".join(rader)


def las_avsnitt(text: str) -> list[dict]:
    """Read the sections from the textarea, one a line; a ValidationError listing every bad
    line by its number."""
    avsnitt, fel, koder = [], [], set()
    for nummer, rad in enumerate((text or "").splitlines(), start=1):
        if not rad.strip():
            continue
        delar = [d.strip() for d in rad.split("|")]
        if len(delar) < 2 or not delar[1]:
            fel.append(f"Rad {nummer}: skriv minst kod och rubrik, åtskilda med |.")
            continue
        kod, rubrik = delar[0], delar[1]
        slag = (delar[2] if len(delar) > 2 else "") or "text"
        krav = (delar[3] if len(delar) > 3 else "").lower() or "frivillig"
        hjalptext = " | ".join(delar[4:])
        if not _KOD.match(kod):
            fel.append(
                f"Rad {nummer}: koden ”{kod}” får bara ha små bokstäver a–z, siffror, - och _ "
                "(högst 40 tecken)."
            )
        elif kod in koder:
            fel.append(f"Rad {nummer}: koden ”{kod}” finns redan på en rad ovanför.")
        if slag not in SLAG:
            fel.append(f"Rad {nummer}: okänt slag ”{slag}” (text, fil, tabell eller balanskrav).")
        if krav not in ("obligatorisk", "frivillig"):
            fel.append(f"Rad {nummer}: skriv ”obligatorisk” eller ”frivillig”, inte ”{krav}”.")
        koder.add(kod)
        avsnitt.append(
            {
                "kod": kod,
                "rubrik": rubrik,
                "slag": slag,
                "obligatorisk": krav == "obligatorisk",
                "hjalptext": hjalptext,
            }
        )
    if fel:
        raise ValidationError(fel)
    return avsnitt


class RapporttypForm(LockedForm, OnceForm, ModelForm):
    """A kind of report. Its sections are written one a line in a plain textarea."""

    periodnummer = forms.CharField(
        label="Perioder",
        required=False,
        help_text="Månader (1–12) eller tertial (1–3) åtskilda med komma, t.ex. 2, 3, 4. "
        "Tomt för ett år eller för alla.",
    )
    rapporterande_nivaer = forms.MultipleChoiceField(
        label="Rapporterande nivåer",
        choices=Organisation.Typ.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    avsnitt = forms.CharField(
        label="Avsnitt",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 80}),
        help_text="Ett avsnitt per rad: kod | rubrik | slag | obligatorisk eller frivillig | "
        "hjälptext (frivillig). Slag: text, fil, tabell eller balanskrav. Exempel: "
        "handelser | Viktiga händelser | text | obligatorisk",
    )
    avvikelsegrans = DecimalField(
        label="Gräns för åtgärdsplan (% av budget)",
        max_digits=6,
        decimal_places=2,
        help_text="En prognosavvikelse under denna andel av årsbudgeten kräver en åtgärdsplan, "
        "t.ex. −0,5.",
    )

    class Meta:
        model = Rapporttyp
        fields = [
            "namn",
            "kod",
            "beskrivning",
            "periodtyp",
            "periodnummer",
            "rapporterande_nivaer",
            "endast_valda",
            "avsnitt",
            "frist_manader",
            "frist_dag",
            "helgregel",
            "avvikelsegrans",
            "beloppsenhet",
            "granskas",
            "antas_av",
            "sammanstaller",
            "lagkrav",
            "ordning",
            "aktiv",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            self.initial["periodnummer"] = ", ".join(
                str(n) for n in self.instance.periodnummer or []
            )
            self.initial["avsnitt"] = avsnitt_som_text(self.instance.avsnitt)
        qs = Rapporttyp.objects.all()
        if self.instance.pk:
            qs = qs.exclude(pk=self.instance.pk)
        self.fields["sammanstaller"].queryset = qs

    def clean_periodnummer(self):
        text = self.cleaned_data.get("periodnummer") or ""
        delar = [d for d in re.split(r"[\s,;]+", text) if d]
        if not all(d.isdigit() for d in delar):
            raise ValidationError("Skriv periodernas nummer som heltal åtskilda med komma.")
        return sorted({int(d) for d in delar})

    def clean_avsnitt(self):
        return las_avsnitt(self.cleaned_data.get("avsnitt"))

    def clean(self):
        cleaned = super().clean()
        periodtyp, nummer = cleaned.get("periodtyp"), cleaned.get("periodnummer")
        if periodtyp is None or nummer is None:
            return cleaned
        if periodtyp == Periodtyp.AR and nummer:
            self.add_error("periodnummer", "En årsrapport har inga periodnummer: lämna tomt.")
            return cleaned
        highest = {Periodtyp.TERTIAL: 3, Periodtyp.MANAD: 12}.get(periodtyp, 0)
        utanfor = [n for n in nummer if not 1 <= n <= highest]
        if utanfor:
            self.add_error(
                "periodnummer",
                f"{'Tertialen' if periodtyp == Periodtyp.TERTIAL else 'Månaderna'} ska vara "
                f"1–{highest}, inte {', '.join(map(str, utanfor))}.",
            )
            return cleaned
        if cleaned.get("lagkrav") == Rapporttyp.Lagkrav.DELARSRAPPORT:
            try:
                for n in nummer or range(1, highest + 1):
                    kalender.kontrollera_delarsperiod(
                        Rapporttyp(lagkrav=Rapporttyp.Lagkrav.DELARSRAPPORT),
                        Period(2000, periodtyp, n) if periodtyp != Periodtyp.AR else Period(2000),
                    )
            except ValidationError as exc:
                self.add_error("periodnummer", exc)
        return cleaned


class FristForm(LockedForm):
    """A period's deadline changed by hand, with the reason."""

    sista_dag = forms.DateField(
        label="Ny sista dag",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Infaller den på en helgdag flyttas den som rapporttypen säger.",
    )
    justering = forms.CharField(label="Skäl", max_length=300)


class OrganisationsvalForm(Form):
    """The organisations chosen for a year among those shown (one förvaltning's subtree or
    one page of the tree)."""

    organisationer = forms.MultipleChoiceField(
        label="Rapporterande organisationer",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, visade: list[Organisation], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisationer"].choices = [(str(o.pk), o.namn) for o in visade]

    def clean_organisationer(self):
        return {int(pk) for pk in self.cleaned_data["organisationer"]}
