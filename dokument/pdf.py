"""The PDF of a document record, made by the one renderer (`styrning.pdf`, PDF/A-3a).

The cover holds the version's header (the same partial as the page, `dokument/_header.html`),
the sanitised text body follows; a version registered from a file has the text extracted from
the file instead (`dokument.filtext`, as on the page), and an uploaded PDF is attached as the
original. A published version's PDF is rendered once, in the background
when it is published (`dokument.tasks.render_version_pdf`), and stored on the version: a request
serves the stored file. A draft changes, so its PDF is rendered in the request.
"""

import hashlib
import logging
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from dokument.cache_scopes import dokument_scope
from dokument.filtext import render_file_text
from dokument.markdown import render_markdown
from dokument.models import Dokumentversion
from styrning import pagecache
from styrning.pdf import Bilaga, chapters, render_html, write_pdf

logger = logging.getLogger(__name__)

TEMPLATE = "dokument/pdf/dokument.html"


def _attaches_file(version) -> bool:
    return bool(version.fil) and version.fil.name.lower().endswith(".pdf")


def pdf_filename(version) -> str:
    """The file name a reader gets: the title and the version number."""
    return f"{slugify(version.titel)[:80] or 'dokument'}-version-{version.versionsnummer}.pdf"


# The most of a file's extracted text the PDF carries: about 50 pages, which WeasyPrint renders
# in some ten seconds (the extraction keeps up to 2,000,000 characters, some 700 pages and
# minutes of rendering). The whole text is in the original file.
MAX_FILE_TEXT_CHARS = 150_000


def _body(version) -> tuple[str, bool, bool]:
    """The version's text as HTML; whether it is the text extracted from its file (a version
    registered from a file has no text of its own); whether that text was cut to
    MAX_FILE_TEXT_CHARS, at a line's end. The file's headings start at h2, so they are the
    PDF's chapters."""
    if version.text.strip() or not version.fil_text.strip():
        return render_markdown(version.text), False, False
    text = version.fil_text
    cut = len(text) > MAX_FILE_TEXT_CHARS
    if cut:
        text = text[: text.rfind("\n", 0, MAX_FILE_TEXT_CHARS) + 1 or MAX_FILE_TEXT_CHARS]
    return render_file_text(text, filename=version.fil.name, top_level=2), True, cut


def document_pdf_context(version) -> dict:
    dokument = version.dokument
    site = settings.SITE_URL.rstrip("/")
    html, fran_fil, kortad = _body(version)
    body, kapitel = chapters(html)
    version_url = site + version.get_absolute_url()
    return {
        "version": version,
        "dokument": dokument,
        "body": body,
        "kapitel": kapitel,
        "fran_fil": fran_fil,
        "fil_text_kortad": kortad,
        "permanent_url": site + dokument.get_absolute_url(),
        "version_label": f"Version {version.versionsnummer} · {version_url}",
        "fil_namn": version.fil_namn,
        "fil_bifogad": _attaches_file(version),
    }


def _created(version):
    # The record's own time, not the time of rendering: the same version gives the same PDF.
    return timezone.localtime(version.publicerad_tid or version.skapad)


def render_document_html(version) -> str:
    """The HTML that WeasyPrint turns into the PDF (sanitised body; no scripts)."""
    return render_html(
        TEMPLATE, document_pdf_context(version), title=version.titel, created=_created(version)
    )


def _original(version) -> list[Bilaga]:
    """An uploaded PDF file, embedded so that the archived record holds the original too."""
    if not _attaches_file(version):
        return []
    try:
        with version.fil.open("rb") as f:
            data = f.read()
    except OSError:
        logger.warning("Originalfilen %s saknas för %s", version.fil.name, version)
        return []
    if not data:
        return []
    return [Bilaga(filnamn=Path(version.fil.name).name, data=data, beskrivning="Originalfilen")]


def render_document_pdf(version, html: str | None = None) -> bytes:
    """The PDF/A-3a of one version of a document."""
    return write_pdf(
        html if html is not None else render_document_html(version),
        identifier=f"styrning-{version.dokument_id}-{version.versionsnummer}",
        attachments=_original(version),
    )


def content_etag(html: str) -> str:
    """An entity tag for a PDF rendered in the request: a digest of the HTML it is made from
    (which names the attached file), so any change to the version, its header or the templates
    gives a new one."""
    return hashlib.sha256(html.encode()).hexdigest()[:32]


# --- The stored PDF of a published version ------------------------------------------------------


def has_stored_pdf(version) -> bool:
    return bool(version.pdf) and version.pdf.storage.exists(version.pdf.name)


def versions_without_pdf() -> list[Dokumentversion]:
    """The published versions whose PDF is not stored (published before PDFs were stored, a
    task that failed, or a file lost from the storage), oldest first."""
    published: QuerySet[Dokumentversion] = Dokumentversion.objects.filter(
        status=Dokumentversion.Status.PUBLICERAD
    ).order_by("publicerad_tid", "pk")
    return [v for v in published if not has_stored_pdf(v)]


def versions_with_file_text_only() -> list[Dokumentversion]:
    """The published versions with a stored PDF whose content is the text of their file, oldest
    first. A PDF stored before the PDF carried that text holds only the header:
    `manage.py dokument_pdf --filtext` renders these again."""
    published: QuerySet[Dokumentversion] = (
        Dokumentversion.objects.filter(status=Dokumentversion.Status.PUBLICERAD, text="")
        .exclude(fil_text="")
        .exclude(pdf="")
        .order_by("publicerad_tid", "pk")
    )
    return [v for v in published if has_stored_pdf(v)]


def _published(version_id: int) -> Dokumentversion | None:
    return (
        Dokumentversion.objects.select_related("dokument__typ", "faststalld_av", "dokumentansvarig")
        .prefetch_related("giltighetsomrade")
        .filter(pk=version_id, status=Dokumentversion.Status.PUBLICERAD)
        .first()
    )


def replace_version_pdf(version_id: int) -> bool:
    """Render a published version's PDF again and put it in the place of the stored one, whose
    file is then removed. Returns whether a PDF was stored."""
    version = _published(version_id)
    if version is None:
        return False
    old = version.pdf.name if has_stored_pdf(version) else ""
    if not _store(version, render_document_pdf(version)):
        return False
    if old:
        version.pdf.storage.delete(old)
    return True


def store_version_pdf(version_id: int) -> bool:
    """Render a published version's PDF and store it on the version. Idempotent: a version
    that already has its file, or is not published, is left as it is. Returns whether a PDF
    was stored.

    The version is not locked while it renders (a large attachment takes a while): the file is
    written first, and the field is set only if no one else stored one meanwhile."""
    version = _published(version_id)
    if version is None or has_stored_pdf(version):
        return False
    return _store(version, render_document_pdf(version))


def _store(version: Dokumentversion, data: bytes) -> bool:
    """Save the rendering and set it as the version's PDF, unless the PDF was changed since the
    version was read (then the new file is removed again)."""
    field = version.pdf.field
    name = field.storage.save(
        field.generate_filename(version, pdf_filename(version)), ContentFile(data)
    )
    # An update, not save(): storing the rendering is not a change of the record (no history
    # row, no new lock token), and it must not overwrite a file stored meanwhile.
    stored = Dokumentversion.objects.filter(pk=version.pk, pdf=version.pdf.name or "").update(
        pdf=name
    )
    if not stored:
        field.storage.delete(name)
        return False
    # The document's pages link the PDF now instead of "PDF:en skapas" (styrning.pagecache).
    pagecache.invalidate({dokument_scope(version.dokument_id)})
    return True
