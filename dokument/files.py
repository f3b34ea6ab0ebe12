"""Checks of uploaded files: the content must be what the name says, within the size limit,
and a PDF must be readable and carry no code. The text of PDF, DOCX and ODT files is extracted
for search and for the personnummer scan before publication.

An upload is read within fixed bounds, so that a small file cannot cost a worker its memory
or minutes (a zip bomb): a DOCX or ODT may unpack to at most MAX_MEMBER_SIZE per part and
MAX_UNPACKED_SIZE in all, no part packed tighter than MAX_RATIO, with at most MAX_MEMBERS
parts; its XML parts are streamed in chunks and parsed incrementally, and an XML part with a
document type declaration (where entity expansion would live) is refused. The extracted text
is kept to MAX_TEXT_CHARS; what is cut is still scanned for personnummer, and the numbers found
there are named in the note that ends the kept text, so the scan before publication sees them.
"""

import io
import re
import struct
import zipfile
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from dokument.personnummer import find_personnummer

TILLATNA = {".pdf": "PDF", ".docx": "Word (DOCX)", ".odt": "OpenDocument-text (ODT)"}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"

MB = 1024 * 1024
MAX_MEMBERS = 2000
MAX_MEMBER_SIZE = 50 * MB
MAX_UNPACKED_SIZE = 200 * MB
MAX_RATIO = 100
# Below this size a part's ratio does not matter: it cannot cost much however tight it is.
RATIO_FLOOR = 1 * MB
CHUNK_SIZE = 64 * 1024
MAX_TEXT_CHARS = 2_000_000
# Personnummer named from the part of the text that was cut; more need no more scanning, as
# one is enough to make the publisher confirm.
MAX_HIDDEN_NUMBERS = 20
MAX_PDF_PAGES = 2000
# Objects of a PDF looked at when searching it for code; a real document has far fewer.
MAX_PDF_OBJECTS = 500_000


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


def _skadad(name: str) -> ValidationError:
    return ValidationError(
        f"Filen {name} är skadad och kan inte läsas. Spara om den och försök igen.",
        code="skadad_fil",
    )


def _zip_member_count(data_file) -> int:
    """The number of parts a zip file declares, read from its end record before the directory
    is loaded (a directory of a million parts would itself cost memory)."""
    data_file.seek(0, io.SEEK_END)
    size = data_file.tell()
    tail_size = min(size, 22 + 65535)
    data_file.seek(size - tail_size)
    tail = data_file.read(tail_size)
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or len(tail) - end < 22:
        raise zipfile.BadZipFile("no end of central directory")
    return struct.unpack("<H", tail[end + 10 : end + 12])[0]


def _check_member_count(data_file, name: str) -> None:
    try:
        count = _zip_member_count(data_file)
    except zipfile.BadZipFile:
        return  # not a zip file after all: the content check says so
    finally:
        data_file.seek(0)
    if count > MAX_MEMBERS:
        raise ValidationError(
            f"Filen {name} består av fler än {MAX_MEMBERS} delar och tas inte emot.",
            code="for_manga_delar",
        )


def _content_kind(head: bytes, data_file) -> str | None:
    """What the bytes are: '.pdf', '.docx', '.odt' or None."""
    if head.startswith(b"%PDF-"):
        return ".pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            data_file.seek(0)
            with zipfile.ZipFile(data_file) as archive:
                names = set(archive.namelist())
                if "mimetype" in names:
                    with archive.open("mimetype") as member:
                        if member.read(len(ODT_MIMETYPE) + 2).strip() == ODT_MIMETYPE:
                            return ".odt"
                if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
                    return ".docx"
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError):
            return None
    return None


class _Text:
    """Extracted text, one paragraph a line, kept to MAX_TEXT_CHARS. Lines past the cut are
    still scanned for personnummer; the note that ends the text names what was found."""

    def __init__(self):
        self.lines: list[str] = []
        self.size = 0
        self.cut = False
        self.hidden: dict[str, None] = {}
        self.unseen: dict[str, None] = {}

    def scan_only(self, line: str) -> None:
        """Text that is in the file but not in what it shows (a tracked deletion, the file's
        properties): not kept, but a personnummer in it is named in the closing note, since
        whoever opens the published file can read it."""
        if line.strip() and len(self.unseen) <= MAX_HIDDEN_NUMBERS:
            self.unseen.update(dict.fromkeys(f.text for f in find_personnummer(line)))

    def add(self, line: str) -> None:
        if not line.strip():
            return
        room = MAX_TEXT_CHARS - self.size
        if self.cut or len(line) > room:
            if not self.cut and room > 0:
                self.lines.append(line[:room])
            self.cut = True
            if len(self.hidden) <= MAX_HIDDEN_NUMBERS:
                self.hidden.update(dict.fromkeys(f.text for f in find_personnummer(line)))
            return
        self.lines.append(line)
        self.size += len(line) + 1

    @property
    def done(self) -> bool:
        """Nothing more to learn from the rest of the file."""
        return self.cut and len(self.hidden) > MAX_HIDDEN_NUMBERS

    def value(self) -> str:
        text = "\n".join(self.lines).strip()
        if self.unseen:
            numbers = list(self.unseen)[:MAX_HIDDEN_NUMBERS]
            text += (
                "\n\n[Personnummer i filens dolda text (spårade ändringar eller "
                f"dokumentegenskaper): {', '.join(numbers)}.]"
            )
        if not self.cut:
            return text
        note = (
            f"[Texten ur filen är längre än {MAX_TEXT_CHARS:,} tecken och har kortats här."
        ).replace(",", "\u00a0")
        if self.hidden:
            numbers = list(self.hidden)[:MAX_HIDDEN_NUMBERS]
            note += " Personnummer i den kortade delen: " + ", ".join(numbers)
            note += " med flera." if len(self.hidden) > MAX_HIDDEN_NUMBERS else "."
        return f"{text}\n\n{note}]"


# --- PDF -----------------------------------------------------------------------------------

# What a PDF may not carry, as the refusal names it.
_PDF_JAVASCRIPT = "JavaScript"
_PDF_LAUNCH = "en åtgärd som startar ett program (/Launch)"
_PDF_AUTOMATIC = "åtgärder som körs automatiskt (/AA)"
_PDF_EMBEDDED = "inbäddade filer"
_PDF_XFA = "ett XFA-formulär"


# Keys that point back up or into the structure tree (a tagged PDF's large mirror of its
# pages): everything that can act is reached from the pages and the catalog without them.
_PDF_BACKWARDS = {"/Parent", "/P", "/StructTreeRoot", "/ParentTree"}


def _pdf_code(reader: PdfReader) -> str | None:
    """What code the PDF carries, or None: JavaScript anywhere (an /OpenAction, a link, a form
    field, the /JavaScript name tree), /Launch actions, additional actions (/AA), embedded
    files and XFA forms. The object graph is walked from the catalog, streams as dictionaries
    only (their data is not decoded)."""
    catalog = reader.trailer["/Root"]
    seen: set[tuple[int, int]] = set()
    pending = [catalog]
    visited = 0
    while pending:
        obj = pending.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            raise ValueError("too many objects")
        if isinstance(obj, DictionaryObject):
            keys = set(obj.keys())
            action = obj.get("/S")
            if isinstance(action, IndirectObject):
                action = action.get_object()
            if "/JS" in keys or action == "/JavaScript":
                return _PDF_JAVASCRIPT
            if action == "/Launch":
                return _PDF_LAUNCH
            if "/AA" in keys:
                return _PDF_AUTOMATIC
            if "/EmbeddedFiles" in keys or "/EF" in keys or obj.get("/Type") == "/EmbeddedFile":
                return _PDF_EMBEDDED
            if "/XFA" in keys:
                return _PDF_XFA
            names = obj.get("/Names")
            if obj is catalog and isinstance(names, DictionaryObject) and "/JavaScript" in names:
                return _PDF_JAVASCRIPT
            pending.extend(value for name, value in obj.items() if name not in _PDF_BACKWARDS)
        elif isinstance(obj, ArrayObject):
            pending.extend(obj)
    return None


def _pdf_text(reader: PdfReader) -> str:
    text = _Text()
    for page in reader.pages:
        if text.done:
            break
        text.add((page.extract_text() or "").strip())
    return text.value()


def extract_pdf_text(data: bytes) -> str:
    """The text of a PDF, page by page, kept to MAX_TEXT_CHARS (for files made by the system
    itself; uploads go through check_upload)."""
    return _pdf_text(PdfReader(io.BytesIO(data)))


def _check_pdf(uploaded) -> str:
    name = uploaded.name
    try:
        reader = PdfReader(io.BytesIO(uploaded.read()))
        page_count = len(reader.pages)
        code = _pdf_code(reader)
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds on broken files
        raise ValidationError(
            "PDF-filen är skadad och kan inte läsas. Spara om den och försök igen.",
            code="skadad_pdf",
        ) from exc
    if code:
        raise ValidationError(
            f"Filen {name} innehåller {code} och tas inte emot. Spara den som en vanlig PDF "
            "utan skript och bilagor (till exempel med Skriv ut som PDF) och försök igen.",
            code="pdf_med_kod",
        )
    if page_count > MAX_PDF_PAGES:
        raise ValidationError(
            f"Filen {name} har fler än {MAX_PDF_PAGES:,} sidor och tas inte emot.".replace(
                ",", "\u00a0"
            ),
            code="for_manga_sidor",
        )
    try:
        return _pdf_text(reader)
    except Exception as exc:  # noqa: BLE001 - also pypdf's LimitReachedError on a bomb
        raise ValidationError(
            f"Texten i filen {name} kan inte läsas: filen är skadad eller packar upp till mer "
            "än vad som tas emot. Spara om den och försök igen.",
            code="skadad_pdf",
        ) from exc


# --- DOCX and ODT --------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
# The elements that end a paragraph (a line of text), and those that hold a run's text in
# Word and DrawingML (text boxes, shapes, diagrams). In ODT a paragraph's text is its own.
_PARAGRAPHS = {f"{_W}p", f"{_A}p", f"{_TEXT}p", f"{_TEXT}h"}
_RUN_TEXT = {f"{_W}t", f"{_A}t"}
_BREAKS = {
    f"{_W}tab": "\t",
    f"{_W}br": "\n",
    f"{_W}cr": "\n",
    f"{_W}noBreakHyphen": "-",
    f"{_A}br": "\n",
    f"{_TEXT}tab": "\t",
    f"{_TEXT}line-break": "\n",
}
_SPACE = f"{_TEXT}s"
_DELETED = f"{_W}delText"


def _paragraph_text(element, odf: bool) -> str:
    """The text of a paragraph without the paragraphs nested in it (a footnote, a comment, a
    text box: those are lines of their own). In ODT text and tails are content; in Word only
    the run text is (the rest is layout whitespace)."""
    parts = [element.text or ""] if odf and element.tag.startswith(_TEXT) else []
    for child in element:
        if child.tag in _RUN_TEXT:
            parts.append(child.text or "")
        elif child.tag in _BREAKS:
            parts.append(_BREAKS[child.tag])
        elif child.tag == _SPACE:
            parts.append(" " * min(int(child.get(f"{_TEXT}c", "1")), 1000))
        elif child.tag not in _PARAGRAPHS:
            parts.append(_paragraph_text(child, odf))
        if odf and child.tail:
            parts.append(child.tail)
    return "".join(parts)


def _text_parts(names: list[str], kind: str) -> list[str]:
    """Every part of the file that holds text, the body first. DOCX: all XML under word/ (the
    body, headers, footers, footnotes, endnotes, comments, text in drawings and diagrams).
    ODT: content.xml and styles.xml (headers and footers live there), also of embedded
    objects."""
    if kind == ".docx":
        body = "word/document.xml"
        parts = [
            n
            for n in names
            if n.startswith("word/") and n.endswith(".xml") and "/_rels/" not in n and n != body
        ]
    else:
        body = "content.xml"
        parts = [
            n for n in names if n != body and n.rsplit("/", 1)[-1] in ("content.xml", "styles.xml")
        ]
    return [body, *sorted(parts)]


def _hidden_parts(names: list[str], kind: str) -> list[str]:
    """The parts with the file's properties (title, author, comments, custom fields): not
    shown as the document's text, but published with the file."""
    if kind == ".docx":
        return sorted(n for n in names if n.startswith("docProps/") and n.endswith(".xml"))
    return [n for n in names if n.rsplit("/", 1)[-1] == "meta.xml"]


_XML_DECLARATION = re.compile(rb"^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding=[\"']([A-Za-z0-9_.-]+)")


class _Budget:
    """What the file may still unpack, checked as each chunk is read."""

    def __init__(self, name: str):
        self.name = name
        self.total = 0

    def check_directory(self, infos: list[zipfile.ZipInfo]) -> None:
        declared = 0
        for info in infos:
            self.check_member(info, info.file_size)
            declared += info.file_size
        if declared > MAX_UNPACKED_SIZE:
            raise self._too_large()

    def check_member(self, info: zipfile.ZipInfo, unpacked: int) -> None:
        if unpacked > MAX_MEMBER_SIZE:
            raise ValidationError(
                f"En del av filen {self.name} ({info.filename}) packar upp till mer än "
                f"{MAX_MEMBER_SIZE // MB} MB och tas inte emot.",
                code="for_stor_uppackad",
            )
        if unpacked > RATIO_FLOOR and unpacked > MAX_RATIO * max(info.compress_size, 1):
            raise ValidationError(
                f"Filen {self.name} är packad tätare än {MAX_RATIO}:1 ({info.filename}) och "
                "tas inte emot: så packas inte ett vanligt dokument.",
                code="for_hart_packad",
            )

    def take(self, info: zipfile.ZipInfo, read: int, size: int) -> None:
        self.total += size
        self.check_member(info, read)
        if self.total > MAX_UNPACKED_SIZE:
            raise self._too_large()

    def _too_large(self) -> ValidationError:
        return ValidationError(
            f"Filen {self.name} packar upp till mer än {MAX_UNPACKED_SIZE // MB} MB och tas "
            "inte emot.",
            code="for_stor_uppackad",
        )


def _read_part(
    archive, info, budget: _Budget, text: _Text, name: str, hidden: bool = False
) -> None:
    """Stream one XML part and add its paragraphs to the text (`hidden`: only scan every
    element's text). Elements are dropped as soon as they end outside a paragraph, so memory
    stays at about one paragraph. Deleted text of tracked changes is scanned, not kept."""
    parser = ElementTree.XMLPullParser(events=("start", "end"))
    stack: list = []
    open_paragraphs = 0
    read = 0
    previous = b""

    def handle_events():
        nonlocal open_paragraphs
        for event, element in parser.read_events():
            if event == "start":
                stack.append(element)
                if element.tag in _PARAGRAPHS:
                    open_paragraphs += 1
                continue
            stack.pop()
            if hidden or element.tag == _DELETED:
                text.scan_only(element.text or "")
            if element.tag in _PARAGRAPHS and not hidden:
                open_paragraphs -= 1
                text.add(_paragraph_text(element, odf=element.tag.startswith(_TEXT)))
            if open_paragraphs == 0 and stack:
                stack[-1].remove(element)

    with archive.open(info) as member:
        while chunk := member.read(CHUNK_SIZE):
            read += len(chunk)
            budget.take(info, read, len(chunk))
            if read == len(chunk):
                # Office XML is UTF-8; any other encoding would hide a declaration from us.
                declared = _XML_DECLARATION.match(chunk)
                encoding = declared.group(1).lower() if declared else b"utf-8"
                if encoding not in (b"utf-8", b"utf8") or chunk.startswith((b"\xff", b"\xfe")):
                    raise _skadad(name)
            # No document type declaration: that is where entities (a billion laughs) live.
            if b"<!DOCTYPE" in previous[-16:] + chunk:
                raise _skadad(name)
            previous = chunk
            parser.feed(chunk)
            handle_events()
            if text.done:
                return
    parser.close()
    handle_events()


def extract_office_text(data_file, kind: str, name: str = "") -> str:
    """The text of a DOCX or ODT file, one paragraph a line, read within the bounds above.
    Raises ValidationError naming the file when it is too large unpacked or packed too tight;
    zipfile.BadZipFile, KeyError or ElementTree.ParseError when it is broken."""
    name = name or getattr(data_file, "name", "") or "utan namn"
    budget = _Budget(name)
    text = _Text()
    _check_member_count(data_file, name)
    data_file.seek(0)
    with zipfile.ZipFile(data_file) as archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ValidationError(
                f"Filen {name} består av fler än {MAX_MEMBERS} delar och tas inte emot.",
                code="for_manga_delar",
            )
        budget.check_directory(infos)
        for part in _text_parts(archive.namelist(), kind):
            if text.done:
                break
            _read_part(archive, archive.getinfo(part), budget, text, name)
        for part in _hidden_parts(archive.namelist(), kind):
            _read_part(archive, archive.getinfo(part), budget, text, name, hidden=True)
    return text.value()


def check_upload(uploaded) -> str:
    """Validate an uploaded file and return the text extracted from it.

    Raises ValidationError with a Swedish message when the type is not allowed, the content
    does not match the name, the file is too large (also unpacked), a PDF carries code, or the
    file cannot be read.
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
    if head.startswith(b"PK\x03\x04"):
        _check_member_count(uploaded, uploaded.name)
    kind = _content_kind(head, uploaded)
    uploaded.seek(0)
    if kind != extension:
        raise ValidationError(
            f"Filen heter {uploaded.name} men innehållet är inte {TILLATNA[extension]}.",
            code="fel_innehall",
        )
    try:
        if kind == ".pdf":
            return _check_pdf(uploaded)
        return extract_office_text(uploaded, kind, uploaded.name)
    except (
        KeyError,
        zipfile.BadZipFile,
        ElementTree.ParseError,
        RuntimeError,
        NotImplementedError,
        ValueError,
        EOFError,
    ) as exc:
        raise _skadad(uploaded.name) from exc
    finally:
        uploaded.seek(0)
