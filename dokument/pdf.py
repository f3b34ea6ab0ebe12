"""The PDF of a document record (WeasyPrint), PDF/A-3b for archiving.

The header is the cover page, the sanitised text body follows, and every page has a footer
with the permanent URL, the version and the page number. Rendering is offline: fonts come from
static/fonts, and the URL fetcher refuses everything that is not a file inside static/, so a
body can never make the server fetch something from the network.
"""

import hashlib
import logging
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from weasyprint import HTML, Attachment
from weasyprint.urls import URLFetcher

from dokument.markdown import render_markdown

STATIC_DIR = Path(settings.BASE_DIR) / "static"
FONTS_DIR = STATIC_DIR / "fonts"
PDF_VARIANT = "pdf/a-3b"
PDF_CACHE_SECONDS = 24 * 60 * 60

# WeasyPrint logs every rendering step at INFO; only its warnings belong in the server log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class LocalFileFetcher(URLFetcher):
    """Fetch only `file:` URLs inside static/ (fonts); refuse everything else."""

    def __init__(self):
        super().__init__(allowed_protocols={"file"}, allow_redirects=False)

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme != "file":
            raise ValueError(f"Bara lokala filer får hämtas till PDF:en, inte {url}")
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(STATIC_DIR.resolve()):
            raise ValueError(f"Filen ligger utanför static/: {url}")
        return super().fetch(path.as_uri(), headers)


def _header_rows(version) -> list[tuple[str, str]]:
    """The Borås header, as (label, value) pairs in the order a reader expects."""
    dokument = version.dokument

    def day(value) -> str:
        return formats.date_format(value, "j F Y") if value else "–"

    beslut = " ".join(p for p in [day(version.beslutsdatum), version.paragraf] if p != "–")
    ansvarig = version.dokumentansvarig
    rows = [
        ("Dokumenttyp", dokument.typ.namn),
        ("Fastställt av", version.faststalld_av.namn if version.faststalld_av_id else "–"),
        ("Datum och paragraf", beslut or "–"),
        ("Diarienummer", version.diarienummer or "–"),
        ("Reviderad den", day(version.reviderad_datum)),
        ("För revidering ansvarar", version.revideringsansvarig or "–"),
        ("För uppföljning och tidplan ansvarar", version.uppfoljningsansvarig or "–"),
        (
            "Dokumentet gäller för",
            ", ".join(o.namn for o in version.giltighetsomrade.all()) or "Ej angivet",
        ),
        ("Dokumentet gäller från", day(version.giltig_fran)),
        (
            "Dokumentet gäller till och med",
            day(version.giltig_till) if version.giltig_till else "Tills vidare",
        ),
        (
            "Dokumentansvarig",
            str(ansvarig) if ansvarig else "–",
        ),
    ]
    if dokument.kfs_nummer:
        rows.append(("Nummer i författningssamlingen", dokument.kfs_nummer))
    return rows


def _attaches_file(version) -> bool:
    return bool(version.fil) and version.fil.name.lower().endswith(".pdf")


def document_pdf_context(version) -> dict:
    dokument = version.dokument
    site = settings.SITE_URL.rstrip("/")
    return {
        "version": version,
        "dokument": dokument,
        "kommun_namn": settings.KOMMUN_NAMN,
        "header_rows": _header_rows(version),
        "body": render_markdown(version.text),
        "permanent_url": site + dokument.get_absolute_url(),
        "version_url": site + version.get_absolute_url(),
        "fonts_url": FONTS_DIR.resolve().as_uri() + "/",
        "fil_namn": Path(version.fil.name).name if version.fil else "",
        "fil_bifogad": _attaches_file(version),
        # The record's own time, not the time of rendering: the same version always gives
        # the same PDF (and the same cache key in `document_pdf`).
        "skapad": timezone.localtime(version.publicerad_tid or version.skapad),
    }


def render_document_html(version) -> str:
    """The HTML that WeasyPrint turns into the PDF (sanitised body; no scripts)."""
    with translation.override("sv"):
        return render_to_string("dokument/pdf/dokument.html", document_pdf_context(version))


def render_document_pdf(version, html: str | None = None) -> bytes:
    """The PDF/A-3b of one version of a document. An uploaded PDF file is embedded as an
    attachment (PDF/A-3 allows it), so the archived record holds the original too."""
    fetcher = LocalFileFetcher()
    attachments = []
    if _attaches_file(version):
        try:
            with version.fil.open("rb") as f:
                data = f.read()
        except OSError:
            data = None
        if data:
            attachments.append(
                Attachment(
                    string=data,
                    name=Path(version.fil.name).name,
                    description="Originalfilen",
                    relationship="Source",
                    url_fetcher=fetcher,
                )
            )
    document = HTML(
        string=html if html is not None else render_document_html(version),
        base_url=STATIC_DIR.resolve().as_uri() + "/",
        url_fetcher=fetcher,
    )
    return document.write_pdf(
        pdf_variant=PDF_VARIANT,
        attachments=attachments or None,
        pdf_tags=True,  # a tagged PDF: structure and reading order for screen readers
        pdf_identifier=f"styrning-{version.dokument_id}-{version.versionsnummer}".encode(),
    )


def document_pdf(version) -> bytes:
    """`render_document_pdf`, cached by content: the key is a hash of the HTML the PDF is
    made from (which names the attached file), so any change to the version, its header or
    the templates gives a new PDF, and an unchanged one is rendered once per cache lifetime."""
    html = render_document_html(version)
    key = "dokument-pdf:" + hashlib.sha256(html.encode()).hexdigest()
    data = cache.get(key)
    if data is None:
        data = render_document_pdf(version, html)
        cache.set(key, data, PDF_CACHE_SECONDS)
    return data
