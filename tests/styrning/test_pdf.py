"""The one PDF renderer (styrning.pdf): PDF/A-3a with its metadata, the print base (cover,
running header and footer, page numbers, table of contents), attachments, offline fetching."""

import datetime
import io
import re

import pytest
from django.utils.safestring import mark_safe
from pypdf import PdfReader

from styrning.pdf import FONTS_DIR, Bilaga, Kapitel, LocalFileFetcher, chapters, render_pdf

PARAGRAPH = (
    "<p>" + "Nämnden följer upp planen varje tertial och rapporterar till fullmäktige. " * 30
)
REPORT = (
    "{% extends 'print/base.html' %}"
    "{% block innehall %}{{ body }}<img src='http://example.com/spion.png' alt=''>{% endblock %}"
)
SHORT = mark_safe("<p>Kort.</p>")
CREATED = datetime.datetime(2025, 5, 4, 8, 15, tzinfo=datetime.UTC)


@pytest.fixture
def report_template(settings):
    """A report of a later app in one template: it extends the print base and fills only the
    content."""
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [
        {
            **engine,
            "APP_DIRS": False,
            "OPTIONS": {
                **engine["OPTIONS"],
                "loaders": [
                    ("django.template.loaders.locmem.Loader", {"test/rapport.html": REPORT}),
                    "django.template.loaders.filesystem.Loader",
                    "django.template.loaders.app_directories.Loader",
                ],
            },
        }
    ]
    return "test/rapport.html"


def _render(template, body=SHORT, **kwargs) -> PdfReader:
    context = {
        "body": body,
        "permanent_url": "https://styrning.kommun.example/uppfoljning/7/",
        "version_label": "Version 2 · fastställd 2025-05-04",
        **kwargs.pop("context", {}),
    }
    data = render_pdf(
        template,
        context,
        title="Årsredovisning 2025",
        identifier="styrning-test-7",
        created=CREATED,
        **kwargs,
    )
    return PdfReader(io.BytesIO(data))


def _chapters(*names: str):
    return chapters("".join(f"<h2>{name}</h2>{PARAGRAPH}" for name in names))


def test_pdf_is_pdf_a_3a_with_title_author_creation_date_and_language(report_template, settings):
    settings.KOMMUN_NAMN = "Ådalens kommun"

    reader = _render(report_template)

    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.findall(r'pdfaid:part="(\d)"', xmp) == ["3"]
    assert re.findall(r'pdfaid:conformance="(\w)"', xmp) == ["A"]
    assert (reader.metadata.title, reader.metadata.author, reader.metadata.creation_date) == (
        "Årsredovisning 2025",
        "Ådalens kommun",
        CREATED,
    )
    assert (root["/MarkInfo"]["/Marked"], root["/Lang"]) == (True, "sv")
    assert "/StructTreeRoot" in root


def test_pdf_language_follows_the_lang_argument(report_template):
    root = _render(report_template, lang="en").trailer["/Root"]

    assert root["/Lang"] == "en"


def test_cover_running_header_and_footer_with_page_numbers(report_template, settings):
    settings.KOMMUN_NAMN = "Ådalens kommun"

    pages = [page.extract_text() for page in _render(report_template).pages]

    assert len(pages) == 2
    assert pages[0].splitlines()[:2] == ["Ådalens kommun", "Årsredovisning 2025"]
    # The running header carries the title on every page after the cover, not on the cover.
    assert [text.count("Årsredovisning 2025") for text in pages] == [1, 1]
    assert "Kort." in pages[1]
    for number, text in enumerate(pages, start=1):
        assert "Permanent adress: https://styrning.kommun.example/uppfoljning/7/" in text
        assert "Version 2 · fastställd 2025-05-04" in text
        assert f"Sida {number} av 2" in text


def test_table_of_contents_gives_the_page_of_each_chapter(report_template):
    body, kapitel = _chapters("Inledning", "Ekonomi", "Verksamhet", "Framtid")

    pages = [
        p.extract_text() for p in _render(report_template, body, context={"kapitel": kapitel}).pages
    ]

    toc = [
        re.sub(r"\s*\.{3,}\s*", " ", line).strip()
        for line in pages[1].splitlines()
        if re.search(r"\.{3,}", line)
    ]
    listed = [line.rsplit(" ", 1) for line in toc]
    assert [name for name, _page in listed] == ["Inledning", "Ekonomi", "Verksamhet", "Framtid"]
    for name, page in listed:
        assert name in [line.strip() for line in pages[int(page) - 1].splitlines()], name
    assert len({page for _name, page in listed}) > 1  # the chapters span more than one page


def test_no_table_of_contents_for_a_single_chapter(report_template):
    body, kapitel = _chapters("Inledning")

    pages = [
        p.extract_text() for p in _render(report_template, body, context={"kapitel": kapitel}).pages
    ]

    assert "Innehåll" not in "\n".join(pages)
    assert len(pages) == 2


def test_chapters_anchor_each_h2_and_list_its_text():
    html, kapitel = chapters('<h2>Syfte <em>och</em> mål</h2><p>x</p><h2 id="gammal">Ansvar</h2>')

    assert html == (
        '<h2 id="kapitel-1">Syfte <em>och</em> mål</h2><p>x</p><h2 id="kapitel-2">Ansvar</h2>'
    )
    assert kapitel == [Kapitel("kapitel-1", "Syfte och mål"), Kapitel("kapitel-2", "Ansvar")]


def test_attachments_are_embedded_with_their_description(report_template):
    reader = _render(
        report_template,
        attachments=[
            Bilaga(filnamn="underlag.csv", data=b"ar;varde\n2025;3\n", beskrivning="Underlag")
        ],
    )

    assert reader.attachments == {"underlag.csv": [b"ar;varde\n2025;3\n"]}


def test_fetcher_refuses_network_and_files_outside_static():
    fetcher = LocalFileFetcher()

    with pytest.raises(ValueError):
        fetcher.fetch("http://example.com/spion.png")
    with pytest.raises(ValueError):
        fetcher.fetch("https://example.com/typsnitt.ttf")
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")


def test_fetcher_reads_the_shipped_fonts():
    response = LocalFileFetcher().fetch((FONTS_DIR / "DejaVuSans.ttf").resolve().as_uri())

    assert response.read(4) == b"\x00\x01\x00\x00"
    response.close()


def test_fonts_embedded_are_the_shipped_ones(report_template):
    reader = _render(report_template)

    fonts = {
        font.get_object()["/BaseFont"].split("+", 1)[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    # The print base's own families (static/fonts), never a font of the machine's.
    assert fonts == {"Styrning-Sans", "Styrning-Sans-Bold"}


def test_an_address_on_the_network_in_the_content_is_never_fetched(report_template, caplog):
    _render(report_template)

    assert [r.getMessage() for r in caplog.records if "spion.png" in r.getMessage()] == [
        "Failed to load image at 'http://example.com/spion.png': ValueError: "
        "Bara lokala filer får hämtas till PDF:en, inte http://example.com/spion.png"
    ]
