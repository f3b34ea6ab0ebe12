"""One PDF renderer for the whole system (WeasyPrint): PDF/A-3a, archival and tagged in one.

Every PDF is a template that extends the print base `print/base.html`: a cover, a running
header with the title, a footer with the permanent address, the version and "Sida X av Y",
and a table of contents with page numbers when the content has chapters (see `chapters`).
The metadata (title, author: the municipality, the record's creation date, language) is
written from the same call, so every PDF carries it.

Rendering is offline: fonts come from static/fonts, and the URL fetcher refuses everything that
is not a file inside static/, so no content can make the server fetch something from the
network.
"""

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from weasyprint import HTML, Attachment
from weasyprint.urls import URLFetcher

STATIC_DIR = Path(settings.BASE_DIR) / "static"
FONTS_DIR = STATIC_DIR / "fonts"
# PDF/A-3a: archival (PDF/A), tagged for screen readers (level A) and with room for the
# original file as an embedded attachment (part 3).
PDF_VARIANT = "pdf/a-3a"

# WeasyPrint logs every rendering step at INFO; only its warnings belong in the server log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

_H2 = re.compile(r"<h2(?P<attrs>[^>]*)>(?P<inner>.*?)</h2>", re.S | re.I)


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


@dataclass(frozen=True)
class Kapitel:
    """A chapter of a PDF's content: an `h2` and its anchor, for the table of contents."""

    id: str
    titel: str


@dataclass(frozen=True)
class Bilaga:
    """A file embedded in the PDF (PDF/A-3 allows it), e.g. the original of a document."""

    filnamn: str
    data: bytes
    beskrivning: str = ""
    relation: str = "Source"  # the PDF/A-3 AFRelationship of the file to the PDF


def chapters(html: str) -> tuple[SafeString, list[Kapitel]]:
    """Give every `h2` of safe (already sanitised) HTML an anchor and list the chapters.

    The print base shows a table of contents with page numbers when the list has two or more
    chapters: pass it as `kapitel` in the context and the returned HTML as the content."""
    found: list[Kapitel] = []

    def anchor(match: re.Match) -> str:
        kapitel = Kapitel(id=f"kapitel-{len(found) + 1}", titel=strip_tags(match["inner"]).strip())
        found.append(kapitel)
        attrs = re.sub(r'\s+id="[^"]*"', "", match["attrs"])
        return f'<h2 id="{kapitel.id}"{attrs}>{match["inner"]}</h2>'

    # The input is safe HTML and only an id made here is added to it.
    return mark_safe(_H2.sub(anchor, str(html))), found  # noqa: S308


def render_html(
    template_name: str,
    context: dict,
    *,
    title: str,
    created: datetime | None = None,
    lang: str = "sv",
) -> str:
    """The HTML that WeasyPrint turns into the PDF: the template (which extends the print base)
    with what the print base needs for the metadata and the fonts."""
    with translation.override(lang):
        return render_to_string(
            template_name,
            {
                **context,
                "title": title,
                "created": created,
                "lang": lang,
                "kommun_namn": settings.KOMMUN_NAMN,
                "fonts_url": FONTS_DIR.resolve().as_uri() + "/",
            },
        )


def write_pdf(html: str, *, identifier: str, attachments=()) -> bytes:
    """The PDF/A-3a of HTML made by `render_html`, with its attachments embedded."""
    fetcher = LocalFileFetcher()
    document = HTML(string=html, base_url=STATIC_DIR.resolve().as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf(
        pdf_variant=PDF_VARIANT,
        pdf_tags=True,  # a tagged PDF: structure and reading order for screen readers
        pdf_identifier=identifier.encode(),
        attachments=[
            Attachment(
                string=bilaga.data,
                name=bilaga.filnamn,
                description=bilaga.beskrivning,
                relationship=bilaga.relation,
                url_fetcher=fetcher,
            )
            for bilaga in attachments
        ]
        or None,
    )


def render_pdf(
    template_name: str,
    context: dict,
    *,
    title: str,
    identifier: str,
    created: datetime | None = None,
    attachments=(),
    lang: str = "sv",
) -> bytes:
    """Render a print template to a PDF/A-3a.

    `title` is the PDF's title and running header, `identifier` its stable id (the same record
    gives the same id), `created` the record's own time (not the time of rendering: the same
    record always gives the same PDF), `attachments` the files to embed (`Bilaga`)."""
    html = render_html(template_name, context, title=title, created=created, lang=lang)
    return write_pdf(html, identifier=identifier, attachments=attachments)
