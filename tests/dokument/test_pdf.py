"""The PDF of a document record: PDF/A-3b, header cover, footer, sanitised body, access."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from dokument.models import Dokument, Dokumenttyp, Dokumentversion
from dokument.pdf import (
    LocalFileFetcher,
    _header_rows,
    render_document_html,
    render_document_pdf,
)
from styrning.models import Organisation

SCRIPT_BODY = (
    "## Syfte\n\nSkolorna ska följa planen.\n\n"
    "<script>document.title = 'kapad'</script>\n\n"
    '<img src="http://example.com/spion.png" onerror="alert(1)">\n\nSista stycket.'
)


@pytest.fixture
def riktlinje(db):
    return Dokumenttyp.objects.create(
        namn="Riktlinje",
        namn_plural="Riktlinjer",
        rang=50,
        antas_av_typer=[Organisation.Typ.NAMND],
    )


def _version(org, typ, *, status, nummer=1, dokument=None, text=SCRIPT_BODY):
    published = status == Dokumentversion.Status.PUBLICERAD
    if dokument is None:
        dokument = Dokument.objects.create(
            typ=typ,
            agare=org["bun"],
            status=Dokument.Status.GALLANDE if published else Dokument.Status.UTKAST,
            kfs_nummer="KFS 2026:3" if published else "",
            kfs_ar=2026 if published else None,
            kfs_lopnummer=3 if published else None,
        )
    version = Dokumentversion.objects.create(
        dokument=dokument,
        versionsnummer=nummer,
        status=status,
        ar_aktuell=published,
        titel="Riktlinje för skolplaner",
        text=text,
        faststalld_av=org["bun"],
        beslutsdatum=datetime.date(2025, 3, 12),
        paragraf="§ 45",
        diarienummer="BUN 2025/39",
        reviderad_datum=datetime.date(2025, 3, 1),
        revideringsansvarig="Förvaltningschefen",
        uppfoljningsansvarig="Barn- och utbildningsförvaltningen",
        giltig_fran=datetime.date(2025, 4, 1),
        giltig_till=datetime.date(2028, 12, 31),
    )
    version.giltighetsomrade.set([org["bun"], org["buf"]])
    return version


@pytest.fixture
def publicerad(org, riktlinje):
    return _version(org, riktlinje, status=Dokumentversion.Status.PUBLICERAD)


@pytest.fixture
def utkast(org, riktlinje):
    return _version(org, riktlinje, status=Dokumentversion.Status.UTKAST)


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_pdf_claims_pdf_a_3b_in_its_xmp_metadata(publicerad):
    reader = PdfReader(io.BytesIO(render_document_pdf(publicerad)))

    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()

    assert re.findall(r'pdfaid:part="(\d)"', xmp) == ["3"]
    assert re.findall(r'pdfaid:conformance="(\w)"', xmp) == ["B"]
    assert reader.metadata.title == "Riktlinje för skolplaner"


def test_pdf_is_tagged_and_in_swedish_for_screen_readers(publicerad):
    root = PdfReader(io.BytesIO(render_document_pdf(publicerad))).trailer["/Root"]

    assert (root["/MarkInfo"]["/Marked"], root["/Lang"]) == (True, "sv")
    assert "/StructTreeRoot" in root


def test_pdf_has_the_header_as_cover_page(publicerad):
    reader = PdfReader(io.BytesIO(render_document_pdf(publicerad)))

    cover = reader.pages[0].extract_text()

    for expected in [
        "Riktlinje för skolplaner",
        "Fastställt av Barn- och utbildningsnämnden",
        "Datum och paragraf 12 mars 2025 § 45",
        "Diarienummer BUN 2025/39",
        "Reviderad den 1 mars 2025",
        "För revidering ansvarar Förvaltningschefen",
        "Dokumentet gäller från 1 april 2025",
        "Dokumentet gäller till och med 31 december 2028",
        "Nummer i författningssamlingen KFS 2026:3",
    ]:
        assert expected in cover, expected
    assert "Skolorna ska följa planen." not in cover


def test_pdf_footer_has_permanent_url_version_and_page_numbers(publicerad, settings):
    settings.SITE_URL = "https://styrning.kommun.example"
    reader = PdfReader(io.BytesIO(render_document_pdf(publicerad)))
    pages = [page.extract_text() for page in reader.pages]
    permanent = f"https://styrning.kommun.example/dokument/{publicerad.dokument_id}/"

    assert len(pages) == 2
    for number, text in enumerate(pages, start=1):
        assert f"Permanent adress: {permanent}" in text
        assert f"Version 1 · {permanent}version/1/" in text
        assert f"Sida {number} av 2" in text


def test_pdf_body_is_sanitised_no_script_reaches_weasyprint(publicerad):
    html = render_document_html(publicerad)

    assert "<script" not in html
    assert "onerror" not in html
    assert "<img" not in html
    assert "Skolorna ska följa planen." in html


def test_pdf_text_is_extractable_and_holds_no_script_code(publicerad):
    text = _pdf_text(render_document_pdf(publicerad))

    assert "Skolorna ska följa planen." in text
    assert "Sista stycket." in text
    assert "kapad" not in text
    assert "<script" not in text
    assert "alert" not in text


def test_pdf_fetcher_refuses_network_and_files_outside_static():
    fetcher = LocalFileFetcher()

    with pytest.raises(ValueError):
        fetcher.fetch("http://example.com/spion.png")
    with pytest.raises(ValueError):
        fetcher.fetch("https://example.com/typsnitt.ttf")
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")


def test_pdf_fetcher_reads_the_shipped_fonts():
    from dokument.pdf import FONTS_DIR

    response = LocalFileFetcher().fetch((FONTS_DIR / "DejaVuSans.ttf").resolve().as_uri())

    assert response.read(4) == b"\x00\x01\x00\x00"
    response.close()


# --- Views --------------------------------------------------------------------------------------


def test_pdf_view_published_document_is_public(client, publicerad):
    response = client.get(reverse("dokument:pdf", args=[publicerad.dokument_id]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="riktlinje-for-skolplaner-version-1.pdf"'
    )
    assert "Riktlinje för skolplaner" in _pdf_text(response.content)


def test_pdf_view_draft_is_hidden_from_anonymous(client, utkast):
    response = client.get(reverse("dokument:pdf", args=[utkast.dokument_id]))

    assert response.status_code == 404


@pytest.mark.parametrize("outsider", ["utomstaende", "sekreterare_sn"])
def test_pdf_view_draft_is_hidden_from_outsiders(client, utkast, request, outsider):
    client.force_login(request.getfixturevalue(outsider))

    response = client.get(reverse("dokument:pdf", args=[utkast.dokument_id]))

    assert response.status_code == 404


@pytest.mark.parametrize("insider", ["sekreterare_bun", "fortroendevald_bun"])
def test_pdf_view_draft_is_shown_to_the_editor_and_readers_of_the_body(
    client, utkast, request, insider
):
    client.force_login(request.getfixturevalue(insider))

    response = client.get(reverse("dokument:pdf", args=[utkast.dokument_id]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_version_pdf_view_shows_a_published_version_to_anonymous(client, publicerad):
    url = reverse("dokument:version_pdf", args=[publicerad.dokument_id, 1])

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_version_pdf_view_hides_a_draft_revision_from_anonymous_and_outsiders(
    client, org, riktlinje, publicerad, sekreterare_sn
):
    _version(
        org,
        riktlinje,
        status=Dokumentversion.Status.UTKAST,
        nummer=2,
        dokument=publicerad.dokument,
    )
    url = reverse("dokument:version_pdf", args=[publicerad.dokument_id, 2])

    anonymous = client.get(url)
    client.force_login(sekreterare_sn)
    outsider = client.get(url)

    assert (anonymous.status_code, outsider.status_code) == (404, 404)


def test_version_pdf_view_shows_a_draft_revision_to_the_editor(
    client, org, riktlinje, publicerad, sekreterare_bun
):
    _version(
        org,
        riktlinje,
        status=Dokumentversion.Status.UTKAST,
        nummer=2,
        dokument=publicerad.dokument,
    )
    client.force_login(sekreterare_bun)

    response = client.get(reverse("dokument:version_pdf", args=[publicerad.dokument_id, 2]))

    assert response.status_code == 200
    assert "Version 2 · Utkast" in _pdf_text(response.content)


def test_version_pdf_view_unknown_version_is_404(client, publicerad):
    response = client.get(reverse("dokument:version_pdf", args=[publicerad.dokument_id, 9]))

    assert response.status_code == 404


def test_pdf_embeds_an_uploaded_pdf_file_as_attachment(publicerad, settings, tmp_path):
    from django.core.files.base import ContentFile
    from pypdf import PdfWriter

    settings.MEDIA_ROOT = tmp_path
    original = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(original)
    publicerad.fil.save("BUN-2025-39.pdf", ContentFile(original.getvalue()))

    reader = PdfReader(io.BytesIO(render_document_pdf(publicerad)))

    assert list(reader.attachments) == ["BUN-2025-39.pdf"]
    assert reader.attachments["BUN-2025-39.pdf"] == [original.getvalue()]
    assert "Originalfil: BUN-2025-39.pdf (bifogad i den här PDF-filen)" in (
        reader.pages[0].extract_text()
    )


def test_pdf_is_cached_by_content_and_follows_changes(publicerad):
    import hashlib

    from django.core.cache import cache

    from dokument.pdf import document_pdf

    cache.clear()
    first = document_pdf(publicerad)
    key = "dokument-pdf:" + hashlib.sha256(render_document_html(publicerad).encode()).hexdigest()
    publicerad.text = "Ny lydelse om förskolan."
    publicerad.save(update_fields=["text"])
    changed = document_pdf(publicerad)

    assert cache.get(key) == first
    assert "Ny lydelse om förskolan." in _pdf_text(changed)
    assert "Ny lydelse om förskolan." not in _pdf_text(first)


def test_scope_not_recorded_reads_ej_angivet_on_the_page_and_in_the_pdf(client, publicerad):
    publicerad.giltighetsomrade.clear()

    page = client.get(reverse("dokument:detalj", args=[publicerad.dokument_id]))
    rows = dict(_header_rows(publicerad))

    assert page.content.decode().count("<dt>Dokumentet gäller för</dt><dd>Ej angivet</dd>") == 1
    assert rows["Dokumentet gäller för"] == "Ej angivet"
