"""Checks of uploaded files: the content must be what the name says, within the size limit,
and a PDF must be readable. The text of PDF, DOCX and ODT files is extracted for search and for
the personnummer scan before publication."""

import io
import zipfile
from xml.etree import ElementTree

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


# The XML part that holds the text, and the elements that end a paragraph (a line of text).
_TEXT_PARTS = {".docx": "word/document.xml", ".odt": "content.xml"}
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_PARAGRAPHS = {f"{_W}p", f"{_TEXT}p", f"{_TEXT}h"}
_BREAKS = {f"{_W}tab": "\t", f"{_W}br": "\n", f"{_TEXT}tab": "\t", f"{_TEXT}line-break": "\n"}
_SPACE = f"{_TEXT}s"


def _paragraph_text(element) -> str:
    parts = [element.text or ""] if element.tag.startswith(_TEXT) else []
    for child in element:
        if child.tag == f"{_W}t":
            parts.append(child.text or "")
        elif child.tag in _BREAKS:
            parts.append(_BREAKS[child.tag])
        elif child.tag == _SPACE:
            parts.append(" " * int(child.get(f"{_TEXT}c", "1")))
        elif child.tag not in _PARAGRAPHS:
            parts.append(_paragraph_text(child))
        if child.tail and child.tag.startswith(_TEXT):
            parts.append(child.tail)
    return "".join(parts)


def extract_office_text(data_file, kind: str) -> str:
    """The text of a DOCX or ODT file, one paragraph a line (stdlib zipfile and XML)."""
    data_file.seek(0)
    with zipfile.ZipFile(data_file) as archive:
        root = ElementTree.fromstring(archive.read(_TEXT_PARTS[kind]))
    lines = [_paragraph_text(p) for p in root.iter() if p.tag in _PARAGRAPHS]
    return "\n".join(line for line in lines if line.strip()).strip()


def check_upload(uploaded) -> str:
    """Validate an uploaded file and return the text extracted from it.

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
    if kind in _TEXT_PARTS:
        try:
            return extract_office_text(uploaded, kind)
        except (KeyError, zipfile.BadZipFile, ElementTree.ParseError) as exc:
            raise ValidationError(
                f"Filen {uploaded.name} är skadad och kan inte läsas. Spara om den och försök "
                "igen.",
                code="skadad_fil",
            ) from exc
        finally:
            uploaded.seek(0)
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
