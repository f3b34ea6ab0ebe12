"""Input of governing documents: the register form (header, upload, decision), revision,
decision, publication, review, repeal and links."""

import re

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.db.models.functions import Lower

from dokument import services
from dokument.files import check_upload
from dokument.models import (
    Diarienummer,
    Dokument,
    Dokumentlank,
    Dokumenttyp,
    Dokumentversion,
    Granskning,
)
from dokument.queries import published_documents
from styrning import permissions
from styrning.forms import Form, LockedForm, ModelForm, ModelMultipleChoiceField, OnceForm
from styrning.models import Organisation
from styrning.queries import organisation_tree

DATUM_FORMAT = "Skriv datumet som ÅÅÅÅ-MM-DD, t.ex. 2025-03-01."


class DateInput(forms.DateInput):
    """A date written as ÅÅÅÅ-MM-DD in a text box. Not the browser's date input: Chromium
    makes that four Tab stops (three parts and the calendar button), which with the four dates
    of the register form put its button 31 presses from the first field. Each form that uses
    it says the format next to the field (`date_hints`)."""

    input_type = "text"

    def __init__(self, **kwargs):
        attrs = {"inputmode": "numeric", "size": 10, "maxlength": 10, "autocomplete": "off"}
        attrs.update(kwargs.pop("attrs", None) or {})
        super().__init__(format="%Y-%m-%d", attrs=attrs, **kwargs)


def date_hints(fields) -> None:
    """Say the format of each date written in a `DateInput` in its help text."""
    for field in fields.values():
        if isinstance(field.widget, DateInput) and DATUM_FORMAT not in str(field.help_text):
            field.help_text = f"{field.help_text} {DATUM_FORMAT}".strip()


# The scope checkboxes, grouped by level, and the quick choices that expand to every active
# organisation of the named kinds.
T = Organisation.Typ
OMFATTNING_GRUPPER = [
    (
        "Kommunen, fullmäktige och kommunstyrelsen",
        {T.KOMMUN, T.KOMMUNFULLMAKTIGE, T.KOMMUNSTYRELSE},
    ),
    ("Nämnder och utskott", {T.NAMND, T.UTSKOTT}),
    ("Bolag och förbund", {T.BOLAGSSTYRELSE, T.FORBUNDSDIREKTION}),
    ("Förvaltningar", {T.FORVALTNING}),
    ("Avdelningar, verksamheter och enheter", {T.AVDELNING, T.VERKSAMHET, T.ENHET}),
]
SNABBVAL = {
    "alla": ("Alla nämnder, förvaltningar och bolag", {T.NAMND, T.FORVALTNING, T.BOLAGSSTYRELSE}),
    "namnder": ("Alla nämnder", {T.NAMND}),
    "forvaltningar": ("Alla förvaltningar", {T.FORVALTNING}),
    "bolag": ("Alla bolag", {T.BOLAGSSTYRELSE}),
}


def tree_choices(walked: list[tuple[Organisation, int]], empty_label=None) -> list:
    """Organisations in tree order, each indented by its depth below the shallowest one shown
    (no-break spaces)."""
    choices = [("", empty_label)] if empty_label is not None else []
    top = min((depth for _org, depth in walked), default=0)
    return choices + [
        (org.pk, "\u00a0\u00a0\u00a0" * (depth - top) + org.namn) for org, depth in walked
    ]


def _active_tree() -> list[tuple[Organisation, int]]:
    """The active organisations in tree order with their depth: one query."""
    return list(organisation_tree().subset(lambda org: org.aktiv_till is None).walk())


# Why the owner and the adopting body must agree (services.check_adopter), shown next to both.
FASTSTALLD_AV_HJALP = (
    "Fyll i beslutet (organ och datum) om dokumentet redan är antaget. Organet är dokumentets "
    "ägare eller ett organ över ägaren (t.ex. kommunfullmäktige för en nämnds program), och "
    "du kan bara registrera beslut av organ vars dokument du hanterar."
)
AGARE_HJALP = (
    "Det organ eller den enhet som dokumentet hör till. Fastställt av måste vara ägaren eller "
    "ett organ över ägaren."
)


class VersionForm(ModelForm):
    """The header, the content and (optionally) the decision of one version."""

    dokumentansvarig = forms.ModelChoiceField(
        label="Dokumentansvarig",
        queryset=get_user_model().objects.filter(is_active=True).order_by("first_name"),
        required=False,
    )
    giltighet_snabbval = forms.MultipleChoiceField(
        label="Snabbval för vad dokumentet gäller för",
        choices=[(key, label) for key, (label, _types) in SNABBVAL.items()],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Väljer alla aktiva organisationer av slaget, utöver dem du kryssar i nedan.",
    )

    class Meta:
        model = Dokumentversion
        fields = [
            "titel",
            "text",
            "fil",
            "faststalld_av",
            "beslutsdatum",
            "paragraf",
            "diarienummer",
            "reviderad_datum",
            "revideringsansvarig",
            "uppfoljningsansvarig",
            "giltighet_snabbval",
            "giltighetsomrade",
            "giltig_fran",
            "giltig_till",
            "dokumentansvarig",
            "sekretess",
            "sekretess_paragraf",
        ]
        widgets = {
            "beslutsdatum": DateInput(),
            "reviderad_datum": DateInput(),
            "giltig_fran": DateInput(),
            "giltig_till": DateInput(),
            "text": forms.Textarea(attrs={"rows": 16}),
            "giltighetsomrade": forms.CheckboxSelectMultiple,
        }
        # Django's own multiple choice sends ids no row can have to the database (a 500).
        field_classes = {"giltighetsomrade": ModelMultipleChoiceField}
        help_texts = {
            "fil": "PDF, DOCX eller ODT.",
            "faststalld_av": FASTSTALLD_AV_HJALP,
        }

    def __init__(self, *args, dokument: Dokument | None = None, user=None, **kwargs):
        """`user`: the one registering, whose right to register the decision is checked."""
        self.dokument = dokument
        self.user = user
        super().__init__(*args, **kwargs)
        organisationer = Organisation.objects.filter(aktiv_till__isnull=True)
        self.walked = _active_tree()
        adopter = self.fields["faststalld_av"]
        adopter.queryset = organisationer
        adopter.choices = tree_choices(self.walked, adopter.empty_label)
        scope = self.fields["giltighetsomrade"]
        scope.queryset = organisationer
        # Grouped by level on the page (omfattning_grupper): names in tree order, no indent.
        scope.choices = [(org.pk, org.namn) for org, _depth in self.walked]
        scope.help_text = "Kryssa i organisationerna, eller använd snabbvalen ovan."
        self.fields["fil"].widget = forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.odt"})
        self.fil_text = ""
        date_hints(self.fields)

    def get_typ(self) -> Dokumenttyp | None:
        return self.dokument.typ if self.dokument else None

    def get_agare(self) -> Organisation | None:
        return self.dokument.agare if self.dokument else None

    def clean_fil(self):
        fil = self.cleaned_data.get("fil")
        if isinstance(fil, UploadedFile):
            self.fil_text = check_upload(fil)
        return fil

    def omfattning_grupper(self) -> list[tuple[str, list]]:
        """The scope checkboxes grouped by level (for nested fieldsets), in tree order."""
        kind = {str(org.pk): org.typ for org, _depth in self.walked}
        options = list(self["giltighetsomrade"])
        groups = []
        for label, types in OMFATTNING_GRUPPER:
            members = [o for o in options if kind.get(str(o.data["value"])) in types]
            if members:
                groups.append((label, members))
        return groups

    def omfattning_sammanfattning(self) -> str:
        """What the scope holds now, for the summary of its closed disclosure: the quick
        choices by name and the number of organisations ticked."""
        quick = dict(self.fields["giltighet_snabbval"].choices)
        parts = [quick[key] for key in self["giltighet_snabbval"].value() or [] if key in quick]
        ticked = len(self["giltighetsomrade"].value() or [])
        if ticked:
            parts.append(f"{ticked} {'organisation' if ticked == 1 else 'organisationer'}")
        return ", ".join(parts) if parts else "inga valda"

    def clean_giltighetsomrade(self):
        """Add the organisations the quick choices stand for to those ticked."""
        chosen = list(self.cleaned_data.get("giltighetsomrade") or [])
        types = set()
        # giltighet_snabbval comes first in the field order, so it is cleaned already.
        for key in self.cleaned_data.get("giltighet_snabbval") or []:
            types |= SNABBVAL.get(key, ("", set()))[1]
        if types:
            have = {org.pk for org in chosen}
            chosen += [
                org for org, _depth in self.walked if org.typ in types and org.pk not in have
            ]
        return chosen

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("sekretess") and not cleaned.get("sekretess_paragraf"):
            self.add_error(
                "sekretess_paragraf", "Ange vilken paragraf i OSL som sekretessen grundar sig på."
            )
        if bool(cleaned.get("faststalld_av")) != bool(cleaned.get("beslutsdatum")):
            missing = "beslutsdatum" if cleaned.get("faststalld_av") else "faststalld_av"
            if missing not in self.errors:  # refused as written: that error says it already
                self.add_error(missing, "Ett beslut behöver både organ och beslutsdatum.")
        typ, agare = self.get_typ(), self.get_agare()
        if typ and agare and cleaned.get("faststalld_av"):
            try:
                services.check_decision(
                    user=self.user, typ=typ, agare=agare, faststalld_av=cleaned["faststalld_av"]
                )
            except ValidationError as error:
                self.add_error(None, error)
        try:
            services.check_header(
                dokument_id=self.dokument.pk if self.dokument else None,
                beslutsdatum=cleaned.get("beslutsdatum"),
                giltig_fran=cleaned.get("giltig_fran"),
                giltig_till=cleaned.get("giltig_till"),
                diarienummer=cleaned.get("diarienummer") or "",
                user=self.user,
            )
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned

    def version_data(self) -> dict:
        return {key: self.cleaned_data[key] for key in services.VERSION_FIELDS}

    def uploaded_file(self):
        fil = self.cleaned_data.get("fil")
        return fil if isinstance(fil, UploadedFile) else None


class RevideraForm(VersionForm):
    """A revision: a new version, with the number of the latest version when the form was
    opened, so that a revision based on an older version is refused (see services)."""

    senaste_version = forms.IntegerField(
        label="Senaste version",
        widget=forms.HiddenInput,
        error_messages={
            "required": "Formuläret saknar uppgift om vilken version det utgår från. "
            "Öppna sidan igen.",
            "invalid": "Formuläret saknar uppgift om vilken version det utgår från. "
            "Öppna sidan igen.",
        },
    )

    def __init__(self, *args, senaste: Dokumentversion | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["senaste_version"].initial = senaste.versionsnummer if senaste else 0


class UtkastForm(LockedForm, VersionForm):
    """Change a draft in place; carries the draft's change token (`styrning.locking`). A
    registration that was never published may also have its owner corrected."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.dokument is not None and self.dokument.status == Dokument.Status.UTKAST:
            editable = permissions.document_editor_ids(self.user) | {self.dokument.agare_id}
            field = forms.ModelChoiceField(
                label="Ägare",
                queryset=Organisation.objects.filter(pk__in=editable),
                initial=self.dokument.agare_id,
                # Left out (an older form): the owner stays as it is.
                required=False,
                help_text=AGARE_HJALP + " Kan rättas tills dokumentet har publicerats.",
            )
            field.choices = tree_choices(
                [(org, depth) for org, depth in self.walked if org.pk in editable],
                field.empty_label,
            )
            self.fields["agare"] = field
            self.order_fields(["agare"])

    def get_agare(self):
        return self.cleaned_data.get("agare") or super().get_agare()


class RegistreraForm(OnceForm, VersionForm):
    """Register a new document in one form: type, owner, header, upload and decision. Its
    one-time key answers a second POST with the document the first made."""

    typ = forms.ModelChoiceField(label="Dokumenttyp", queryset=Dokumenttyp.objects.all())
    agare = forms.ModelChoiceField(
        label="Ägare", queryset=Organisation.objects.none(), help_text=AGARE_HJALP
    )
    # Named by number, not chosen from a list of every document in force (8,500 at a large
    # municipality): one a line.
    overordnade = forms.CharField(
        label="Konkretiserar (överordnade dokument)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "De gällande överordnade dokument som det här dokumentet konkretiserar, ett per rad: "
            "diarienummer (t.ex. KS 2025/39), nummer i författningssamlingen (t.ex. KFS 2026:3) "
            "eller adress (t.ex. /dokument/12/)."
        ),
    )

    field_order = ["typ", "agare", "titel", "overordnade"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        editable = permissions.document_editor_ids(user)
        agare = self.fields["agare"]
        agare.queryset = Organisation.objects.filter(pk__in=editable)
        agare.choices = tree_choices(
            [(org, depth) for org, depth in self.walked if org.pk in editable], agare.empty_label
        )
        self.order_fields(self.field_order)

    def clean_overordnade(self) -> list[Dokument]:
        lines = [line.strip() for line in self.cleaned_data["overordnade"].splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > OVERORDNADE_MAX:
            raise ValidationError(
                f"Ange högst {OVERORDNADE_MAX} överordnade dokument (ett per rad).", code="max"
            )
        in_force = published_documents().filter(status=Dokument.Status.GALLANDE)
        found, errors = [], []
        for number, line in enumerate(lines, start=1):
            try:
                dokument = find_document(in_force, line, vad="gällande publicerat dokument")
            except ValidationError as error:
                errors.extend(f"Rad {number}: {message}" for message in error.messages)
            else:
                if dokument not in found:
                    found.append(dokument)
        if errors:
            raise ValidationError(errors)
        return found

    def get_typ(self):
        return self.cleaned_data.get("typ")

    def get_agare(self):
        return self.cleaned_data.get("agare")

    def clean(self):
        cleaned = super().clean()
        typ = cleaned.get("typ")
        for hogre in cleaned.get("overordnade") or []:
            if typ and hogre.typ.rang < typ.rang:
                self.add_error(
                    "overordnade",
                    f"{hogre} är en {hogre.typ.namn.lower()} och har lägre rang än en "
                    f"{typ.namn.lower()}; ett dokument kan bara konkretisera dokument av samma "
                    "eller högre rang.",
                )
        return cleaned


class FaststallForm(Form):
    faststalld_av = forms.ModelChoiceField(
        label="Fastställt av",
        queryset=Organisation.objects.filter(aktiv_till__isnull=True),
        help_text=(
            "Dokumentets ägare eller ett organ över ägaren; du kan bara registrera beslut av "
            "organ vars dokument du hanterar."
        ),
    )
    beslutsdatum = forms.DateField(label="Beslutsdatum", widget=DateInput())
    paragraf = forms.CharField(label="Paragraf", max_length=20, required=False)
    diarienummer = forms.CharField(label="Diarienummer", max_length=50, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["faststalld_av"]
        field.choices = tree_choices(_active_tree(), field.empty_label)
        date_hints(self.fields)


class PubliceraForm(Form):
    bekrafta = forms.BooleanField(
        label=(
            "Jag har kontrollerat uppgifterna som ser ut som personnummer och de får publiceras"
        ),
        required=False,
    )

    def __init__(self, *args, version: Dokumentversion, **kwargs):
        super().__init__(*args, **kwargs)
        # A version whose validity has already ended makes the document expired the moment it
        # is published: most often a mistyped date. The publisher must say it is meant.
        if version.ar_utgangen:
            slut = f"{version.giltig_till:%Y-%m-%d}"
            self.fields["bekrafta_utgangen"] = forms.BooleanField(
                label=(
                    f"Jag vet att versionen bara gällde till och med {slut} och vill publicera "
                    "den ändå: dokumentet visas då som utgånget"
                ),
                error_messages={
                    "required": (
                        f"Versionen gällde bara till och med {slut}. Bekräfta att den ska "
                        "publiceras ändå, eller avbryt och revidera dokumentet med rätt "
                        "giltighetstid."
                    )
                },
            )


class GranskningForm(OnceForm, ModelForm):
    """Record a review; its one-time key answers a second POST with the review the first
    made."""

    class Meta:
        model = Granskning
        fields = ["datum", "utfall", "kommentar", "nasta"]
        widgets = {"datum": DateInput(), "nasta": DateInput()}
        help_texts = {"nasta": "Lämna tomt för att räkna fram datumet ur dokumenttypens regel."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        date_hints(self.fields)


class GranskningsdatumForm(LockedForm):
    """The review due date; carries the document's change token (`styrning.locking`), so a
    date set meanwhile by somebody else is not overwritten."""

    datum = forms.DateField(
        label="Nästa aktualitetsprövning",
        required=False,
        widget=DateInput(),
        help_text="Lämna tomt för att följa dokumenttypens regel.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        date_hints(self.fields)


class UpphavForm(Form):
    datum = forms.DateField(label="Beslutsdatum", widget=DateInput())
    beslut = forms.CharField(
        label="Beslut", max_length=200, help_text="Organ, datum och paragraf, t.ex. KF § 45."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        date_hints(self.fields)


class MakuleraForm(Form):
    orsak = forms.CharField(
        label="Skäl",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "Varför registreringen makuleras, t.ex. att den registrerades två gånger eller för "
            "fel nämnd. Skälet sparas i loggen över åtgärder."
        ),
        error_messages={"required": "Ange varför registreringen makuleras."},
    )


_DOKUMENT_ADRESS = re.compile(r"(?:.*/dokument/)?(\d+)/?")
MAX_ID = 2**63 - 1  # a larger number is no primary key (and an error on PostgreSQL)
OVERORDNADE_MAX = 20


class LankForm(Form):
    """A link to another published document, named by its case number, its number in the
    statute book or its number in the register (the address /dokument/<nummer>/): a text field,
    not a list of every published document (10,000 at a large municipality)."""

    typ = forms.ChoiceField(label="Typ av länk", choices=Dokumentlank.Typ.choices)
    till = forms.CharField(
        label="Dokument",
        max_length=200,
        help_text=(
            "Skriv dokumentets diarienummer (t.ex. KS 2025/39), dess nummer i "
            "författningssamlingen (t.ex. KFS 2026:3) eller dess adress (t.ex. /dokument/12/)."
        ),
        error_messages={"required": "Ange vilket dokument länken går till."},
    )

    def __init__(self, *args, dokument: Dokument, **kwargs):
        super().__init__(*args, **kwargs)
        self.dokument = dokument

    def clean_till(self) -> Dokument:
        return find_document(
            published_documents().exclude(pk=self.dokument.pk),
            self.cleaned_data["till"].strip(),
            vad="annat publicerat dokument",
        )


def find_document(queryset, text: str, *, vad: str) -> Dokument:
    """The one document of `queryset` that `text` names by its case number, its number in the
    statute book or its address (/dokument/<nummer>/, or the number alone); a Swedish error
    when none or more than one does (`vad` says what was looked for)."""
    by_number = Q(kfs_nummer__iexact=text) | Q(
        pk__in=Diarienummer.objects.alias(lagre=Lower("nummer"))
        .filter(lagre=text.lower(), ledigt=False)
        .values("dokument_id")
    )
    if address := _DOKUMENT_ADRESS.fullmatch(text):
        number = int(address.group(1))
        if number <= MAX_ID:
            by_number |= Q(pk=number)
    found = list(queryset.filter(by_number)[:2])
    if not found:
        raise ValidationError(
            f"Inget {vad} har diarienumret, numret eller adressen "
            f"”{text}”. Kontrollera numret, eller sök fram dokumentet i listan över "
            "styrdokument och kopiera dess adress.",
            code="saknas",
        )
    if len(found) > 1:
        raise ValidationError(
            f"Flera dokument matchar ”{text}”: {found[0]} och {found[1]}. Skriv "
            "dokumentets adress (t.ex. /dokument/12/) i stället.",
            code="flera",
        )
    return found[0]
