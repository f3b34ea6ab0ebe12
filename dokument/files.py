"""Checks of uploaded files: the content must be what the name says, within the size limit,
and a PDF must be readable (its text is extracted for search)."""

import io
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from pypdf import PdfReader

TILLATNA = {".pdf": "PDF", ".docx": "Word (DOCX)", ".odt": "OpenDocument-text (ODT)"}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


def _content_kind(head: bytes, data_file) -> str | None:
    """What the bytes are: '.pdf', '.docx', '.odt' or None."""
    if head.startswith(b"%PDF-"):
        return ".pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            data_file.seek(0)
            with zipfile.ZipFile(data_file) as archive:
                names = set(archive.namelist())
                if "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
                    return ".odt"
                if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
                    return ".docx"
        except zipfile.BadZipFile:
            return None
    return None


def extract_pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join((page.extract_text() or "") for page in reader.pages).strip()


def check_upload(uploaded) -> str:
    """Validate an uploaded file and return the text extracted from it ("" unless a PDF).

    Raises ValidationError with a Swedish message when the type is not allowed, the content
    does not match the name, the file is too large, or a PDF cannot be read.
    """
    limit = settings.MAX_UPLOAD_SIZE
    if uploaded.size > limit:
        raise ValidationError(
            f"Filen är för stor ({filesizeformat(uploaded.size)}). "
            f"Största tillåtna storlek är {filesizeformat(limit)}.",
            code="for_stor",
        )
    extension = _extension(uploaded.name)
    if extension not in TILLATNA:
        raise ValidationError(
            "Filtypen stöds inte. Ladda upp en PDF-, DOCX- eller ODT-fil.", code="filtyp"
        )
    uploaded.seek(0)
    head = uploaded.read(8)
    kind = _content_kind(head, uploaded)
    uploaded.seek(0)
    if kind != extension:
        raise ValidationError(
            f"Filen heter {uploaded.name} men innehållet är inte {TILLATNA[extension]}.",
            code="fel_innehall",
        )
    if kind != ".pdf":
        return ""
    try:
        text = extract_pdf_text(uploaded.read())
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds on broken files
        raise ValidationError(
            "PDF-filen är skadad och kan inte läsas. Spara om den och försök igen.",
            code="skadad_pdf",
        ) from exc
    finally:
        uploaded.seek(0)
    return text
