"""Forms of the compilation page: an attachment (a file or an imported table) for one of the
law's parts, the balanskrav block, and the adopting body's decision.

An attached file must be a PDF, XLSX, ODS or CSV file within the size limit, its content what
its name says (a PDF also carries no code: `dokument.files`' check); each refusal names the
file. A table is CSV, pasted or uploaded, read into {"rubriker": [...], "rader": [[...]]}.
"""

import csv
import io
import zipfile

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from dokument import files as dokument_files
from styrning.forms import DecimalField, Form, LockedForm

TILLATNA = {
    ".pdf": "PDF",
    ".xlsx": "Excel-arbetsbok (XLSX)",
    ".ods": "OpenDocument-kalkylblad (ODS)",
    ".csv": "CSV-fil",
}
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# An attachment of the report's law parts: a statement or an account, never a large archive.
MAX_BILAGA = 20 * 1024 * 1024
MAX_RADER = 2000
MAX_KOLUMNER = 40
MAX_CELL = 500


def max_storlek() -> int:
    return min(settings.MAX_UPLOAD_SIZE, MAX_BILAGA)


def _kalkylblad(uploaded) -> str | None:
    """'.xlsx', '.ods' or None: what the zip file's parts say it is."""
    try:
        uploaded.seek(0)
        with zipfile.ZipFile(uploaded) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    if member.read(len(ODS_MIMETYPE) + 2).strip() == ODS_MIMETYPE:
                        return ".ods"
            if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
                return ".xlsx"
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError):
        return None
    finally:
        uploaded.seek(0)
    return None


def _text_av(data: bytes, name: str) -> str:
    if b"\x00" in data:
        raise ValidationError(
            f"Filen {name} är inte en textfil (CSV) och tas inte emot.", code="fel_innehall"
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(f"Filen {name} kan inte läsas som text.", code="fel_innehall")


def kontrollera_fil(uploaded) -> None:
    """Refuse, naming the file, a file of the wrong type or size or whose content is not what
    its name says."""
    name = uploaded.name
    limit = max_storlek()
    if uploaded.size > limit:
        raise ValidationError(
            f"Filen {name} är för stor ({filesizeformat(uploaded.size)}). Största tillåtna "
            f"storlek är {filesizeformat(limit)}.",
            code="for_stor",
        )
    extension = dokument_files._extension(name)
    if extension not in TILLATNA:
        raise ValidationError(
            f"Filen {name} har en filtyp som inte tas emot här. Bifoga en PDF-, XLSX-, ODS- "
            "eller CSV-fil.",
            code="filtyp",
        )
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if extension == ".pdf":
        if not head.startswith(b"%PDF-"):
            raise _fel_innehall(name, extension)
        try:
            dokument_files._check_pdf(uploaded)
        finally:
            uploaded.seek(0)
    elif extension in (".xlsx", ".ods"):
        if not head.startswith(b"PK\x03\x04"):
            raise _fel_innehall(name, extension)
        dokument_files._check_member_count(uploaded, name)
        if _kalkylblad(uploaded) != extension:
            raise _fel_innehall(name, extension)
    else:
        _text_av(uploaded.read(64 * 1024), name)
        uploaded.seek(0)


def _fel_innehall(name: str, extension: str) -> ValidationError:
    return ValidationError(
        f"Filen heter {name} men innehållet är inte {TILLATNA[extension]}.", code="fel_innehall"
    )


def las_tabell(text: str, name: str = "tabellen") -> dict:
    """A CSV table (separated by semicolon, comma or tab; the first line the headings) as
    {"rubriker": [...], "rader": [[...]]}. Refused with a Swedish message naming the line."""
    text = text.strip("\ufeff\r\n")
    if not text.strip():
        raise ValidationError(f"{name[:1].upper()}{name[1:]} är tom.", code="tom")
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
        dialect.delimiter = ";" if ";" in sample else ","
    rows = [row for row in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in row)]
    if len(rows) < 2:
        raise ValidationError(
            f"{name[:1].upper()}{name[1:]} behöver en rubrikrad och minst en rad.", code="tom"
        )
    if len(rows) - 1 > MAX_RADER:
        raise ValidationError(f"Tabellen har fler än {MAX_RADER} rader.", code="for_stor")
    width = len(rows[0])
    if width > MAX_KOLUMNER:
        raise ValidationError(f"Tabellen har fler än {MAX_KOLUMNER} kolumner.", code="for_stor")
    for number, row in enumerate(rows, start=1):
        if len(row) > width:
            raise ValidationError(
                f"Rad {number} har {len(row)} kolumner men rubrikraden {width}.", code="kolumner"
            )
        if any(len(cell) > MAX_CELL for cell in row):
            raise ValidationError(
                f"Rad {number} har en cell längre än {MAX_CELL} tecken.", code="for_lang"
            )
    padded = [[c.strip() for c in row] + [""] * (width - len(row)) for row in rows]
    return {"rubriker": padded[0], "rader": padded[1:]}


class BilagaForm(Form):
    kod = forms.ChoiceField(label="Del")
    fil = forms.FileField(
        label="Fil",
        required=False,
        help_text="PDF, XLSX, ODS eller CSV.",
    )
    tabell = forms.CharField(
        label="Tabell att klistra in",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Kopiera från kalkylprogrammet: en rubrikrad och en rad per post, "
        "avgränsade med semikolon, komma eller tabb.",
    )
    tabellfil = forms.FileField(
        label="…eller tabell som CSV-fil",
        required=False,
        help_text="Importeras som tabell i rapporten.",
    )

    def __init__(self, *args, avsnitt: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kod"].choices = [(a["kod"], a.get("rubrik") or a["kod"]) for a in avsnitt]
        self.fields[
            "fil"
        ].help_text = f"PDF, XLSX, ODS eller CSV, högst {filesizeformat(max_storlek())}."

    def clean_fil(self):
        fil = self.cleaned_data.get("fil")
        if fil:
            kontrollera_fil(fil)
        return fil

    def clean_tabellfil(self):
        fil = self.cleaned_data.get("tabellfil")
        if not fil:
            return None
        if dokument_files._extension(fil.name) != ".csv":
            raise ValidationError(
                f"Filen {fil.name} är inte en CSV-fil. En tabell importeras från CSV.",
                code="filtyp",
            )
        if fil.size > max_storlek():
            raise ValidationError(
                f"Filen {fil.name} är för stor ({filesizeformat(fil.size)}). Största tillåtna "
                f"storlek är {filesizeformat(max_storlek())}.",
                code="for_stor",
            )
        return las_tabell(_text_av(fil.read(), fil.name), f"filen {fil.name}")

    def clean_tabell(self):
        text = self.cleaned_data.get("tabell") or ""
        return las_tabell(text) if text.strip() else None

    def clean(self):
        data = super().clean()
        given = [k for k in ("fil", "tabell", "tabellfil") if data.get(k)]
        if not given and not self.errors:
            raise ValidationError(
                "Välj en fil, klistra in en tabell eller välj en CSV-fil att importera."
            )
        if len(given) > 1:
            raise ValidationError("Bifoga en sak i taget: en fil eller en tabell.")
        return data

    @property
    def tabell_data(self) -> dict | None:
        return self.cleaned_data.get("tabell") or self.cleaned_data.get("tabellfil")


class BalanskravForm(LockedForm):
    arets_resultat = DecimalField(label="Årets resultat (kr)", max_digits=16, decimal_places=2)
    realisationsvinster = DecimalField(
        label="Samtliga realisationsvinster (kr)", max_digits=16, decimal_places=2, required=False
    )
    realisationsforluster_undantag = DecimalField(
        label="Realisationsförluster enligt undantagsmöjlighet (kr)",
        max_digits=16,
        decimal_places=2,
        required=False,
    )
    orealiserade_vardepapper = DecimalField(
        label="Orealiserade förluster och återföringar i värdepapper (kr)",
        max_digits=16,
        decimal_places=2,
        required=False,
    )
    resultatutjamningsreserv = DecimalField(
        label="Reservering till (−) och disposition från (+) resultatutjämningsreserv (kr)",
        max_digits=16,
        decimal_places=2,
        required=False,
    )
    kommentar = forms.CharField(
        label="Kommentar", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AntaForm(Form):
    beslutsdatum = forms.DateField(
        label="Beslutsdatum", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    paragraf = forms.CharField(label="Paragraf", max_length=40, help_text="T.ex. § 112.")
    diarienummer = forms.CharField(
        label="Diarienummer", max_length=60, help_text="Ärendets diarienummer, t.ex. KS 2026-00123."
    )
