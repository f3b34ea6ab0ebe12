"""The PDF of a document record: PDF/A-3a, the page's header on the cover, footer, sanitised
body, access; a published version's PDF stored once on publication and served from the file."""

import datetime
import io
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.http import http_date
from pypdf import PdfReader

from dokument import services
from dokument.models import Dokument, Dokumenttyp, Dokumentversion
from dokument.pdf import render_document_html, render_document_pdf
from dokument.tasks import render_version_pdf
from styrning.models import Organisation

SCRIPT_BODY = (
    "## Syfte\n\nSkolorna ska följa planen.\n\n"
    "<script>document.title = 'kapad'</script>\n\n"
    '<img src="http://example.com/spion.png" onerror="alert(1)">\n\nSista stycket.'
)
IMMEDIATE_TASKS = {
    "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": []}
}


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
def lagrad(publicerad):
    """A published version whose PDF the background task has rendered and stored."""
    render_version_pdf.call(publicerad.pk)
    publicerad.refresh_from_db()
    return publicerad


@pytest.fixture
def utkast(org, riktlinje):
    return _version(org, riktlinje, status=Dokumentversion.Status.UTKAST)


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


class _HeaderRows(HTMLParser):
    """The (label, value) pairs of the first `dl.dokument-header`, as plain text."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self._depth = 0  # inside the header's dl
        self._cell = None
        self._done = False

    def handle_starttag(self, tag, attrs):
        if self._done:
            return
        if tag == "dl" and "dokument-header" in (dict(attrs).get("class") or ""):
            self._depth = 1
        elif self._depth and tag == "dt":
            self.rows.append(["", ""])
            self._cell = 0
        elif self._depth and tag == "dd":
            self._cell = 1

    def handle_endtag(self, tag):
        if self._depth and tag == "dl":
            self._depth, self._done = 0, True

    def handle_data(self, data):
        if self._depth and self._cell is not None and self.rows:
            self.rows[-1][self._cell] += data


def _header_rows(html: str) -> list[tuple[str, str]]:
    parser = _HeaderRows()
    parser.feed(html)
    return [(" ".join(k.split()), " ".join(v.split())) for k, v in parser.rows]


# --- The PDF itself -----------------------------------------------------------------------------


def test_pdf_claims_pdf_a_3a_in_its_xmp_metadata(publicerad):
    reader = PdfReader(io.BytesIO(render_document_pdf(publicerad)))

    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()

    assert re.findall(r'pdfaid:part="(\d)"', xmp) == ["3"]
    assert re.findall(r'pdfaid:conformance="(\w)"', xmp) == ["A"]
    assert reader.metadata.title == "Riktlinje för skolplaner"


def test_pdf_metadata_names_the_municipality_and_the_time_of_publication(publicerad, settings):
    settings.KOMMUN_NAMN = "Ådalens kommun"
    publicerad.publicerad_tid = datetime.datetime(2025, 3, 20, 9, 30, tzinfo=datetime.UTC)
    publicerad.save(update_fields=["publicerad_tid"])

    metadata = PdfReader(io.BytesIO(render_document_pdf(publicerad))).metadata

    assert (metadata.author, metadata.creation_date) == (
        "Ådalens kommun",
        datetime.datetime(2025, 3, 20, 9, 30, tzinfo=datetime.UTC),
    )


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
        "Datum 2025-03-12, § 45",
        "Diarienummer BUN 2025/39",
        "Reviderad den 2025-03-01",
        "För revidering ansvarar Förvaltningschefen",
        "Dokumentet gäller från 2025-04-01",
        "Dokumentet gäller till och med 2028-12-31",
        "Författningssamling KFS 2026:3",
    ]:
        assert expected in cover, expected
    assert "Skolorna ska följa planen." not in cover


def test_page_and_pdf_show_the_same_header_values(client, publicerad, fortroendevald_bun):
    fortroendevald_bun.first_name, fortroendevald_bun.last_name = "Åsa", "Öberg"
    fortroendevald_bun.save()
    publicerad.dokumentansvarig = fortroendevald_bun
    publicerad.publicerad_tid = datetime.datetime(2025, 3, 20, 9, 30, tzinfo=datetime.UTC)
    publicerad.save(update_fields=["dokumentansvarig", "publicerad_tid"])

    page = _header_rows(
        client.get(reverse("dokument:detalj", args=[publicerad.dokument_id])).content.decode()
    )
    pdf_html = _header_rows(render_document_html(publicerad))
    cover = " ".join(
        PdfReader(io.BytesIO(render_document_pdf(publicerad))).pages[0].extract_text().split()
    )

    # The PDF has the version's header; the page has it too, and around it the document's
    # state today (status, reviews), which a stored PDF must not freeze.
    assert pdf_html == [row for row in page if row in pdf_html]
    assert [label for label, _value in page if (label, _value) not in pdf_html] == [
        "Status",
        "Senast prövad",
        "Nästa aktualitetsprövning",
    ]
    assert dict(pdf_html)["Dokumentansvarig"] == "Åsa Öberg"
    assert dict(pdf_html)["Version"] == "1, publicerad 2025-03-20"
    for label, value in pdf_html:
        assert f"{label} {value}" in cover, label


def test_scope_not_recorded_reads_ej_angivet_on_the_page_and_in_the_pdf(client, publicerad):
    publicerad.giltighetsomrade.clear()

    page = client.get(reverse("dokument:detalj", args=[publicerad.dokument_id]))
    cover = PdfReader(io.BytesIO(render_document_pdf(publicerad))).pages[0].extract_text()

    assert page.content.decode().count("<dt>Dokumentet gäller för</dt><dd>Ej angivet</dd>") == 1
    assert "Dokumentet gäller för Ej angivet" in cover


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


def test_pdf_of_a_document_with_chapters_has_a_table_of_contents(publicerad):
    publicerad.text = "## Syfte\n\nText.\n\n## Ansvar\n\nText.\n\n## Uppföljning\n\nText."
    publicerad.save(update_fields=["text"])

    pages = [p.extract_text() for p in PdfReader(io.BytesIO(render_document_pdf(publicerad))).pages]

    toc = [line for line in pages[1].splitlines() if re.search(r"\.{3,}", line)]
    assert [re.sub(r"\s*\.{3,}\s*", " … ", line).strip() for line in toc] == [
        "Syfte … 3",
        "Ansvar … 3",
        "Uppföljning … 3",
    ]
    assert "Uppföljning" in pages[2]


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


def test_pdf_embeds_an_uploaded_pdf_file_as_attachment(publicerad):
    from django.core.files.base import ContentFile
    from pypdf import PdfWriter

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


# A programme registered from a file: its text as the extraction gives it, one paragraph a line.
FILE_TEXT = (
    "Riktlinje för skolplaner\n"
    "1 Syfte\n"
    "Skolorna ska ha en plan för det systematiska kvalitetsarbetet.\n"
    "2 Ansvar\n"
    "Rektor ansvarar för planen och nämnden följer upp den.\n"
    "• Planen revideras varje år.\n"
    "• <script>alert('kapad')</script> står kvar som text."
)


def _from_file(version, text=FILE_TEXT, name="BUN-2025-39.pdf"):
    from django.core.files.base import ContentFile

    from tests.dokument.filefixtures import minimal_pdf

    version.fil.save(name, ContentFile(minimal_pdf()), save=False)
    version.text, version.fil_text = "", text
    version.save(update_fields=["fil", "text", "fil_text"])
    return version


def test_pdf_of_a_version_registered_from_a_file_carries_its_text_after_the_header(publicerad):
    _from_file(publicerad)

    pages = [
        " ".join(p.extract_text().split())
        for p in PdfReader(io.BytesIO(render_document_pdf(publicerad))).pages
    ]

    # Cover, table of contents (the file's two numbered headings are chapters), the text.
    assert len(pages) == 3
    assert "Rektor ansvarar" not in pages[0]
    assert re.findall(r"(\d Syfte|\d Ansvar) \.+ (\d)", pages[1]) == [
        ("1 Syfte", "3"),
        ("2 Ansvar", "3"),
    ]
    text = pages[2]
    assert "finns i filen" not in text
    assert text.index("Texten är hämtad ur den bifogade filen BUN-2025-39.pdf.") < text.index(
        "1 Syfte Skolorna ska ha en plan för det systematiska kvalitetsarbetet. 2 Ansvar Rektor "
        "ansvarar för planen och nämnden följer upp den. Planen revideras varje år. "
        "<script>alert('kapad')</script> står kvar som text."
    )
    assert "Originalet är filen, som är bifogad i den här PDF-filen." in text


def test_pdf_file_text_is_escaped_and_structured_as_on_the_page(publicerad):
    _from_file(publicerad)

    html = render_document_html(publicerad)
    body = html[html.index('<main class="print-innehall">') :]

    assert "<script" not in html
    assert "&lt;script&gt;alert(&#x27;kapad&#x27;)&lt;/script&gt; står kvar som text." in body
    assert re.findall(r"<(h\d)[^>]*>([^<]*)</h\d>", body) == [("h2", "1 Syfte"), ("h2", "2 Ansvar")]
    assert "<ul><li>Planen revideras varje år.</li>" in body


def test_pdf_carries_a_long_file_text_only_so_far_and_says_so(publicerad, monkeypatch):
    import dokument.pdf

    monkeypatch.setattr(dokument.pdf, "MAX_FILE_TEXT_CHARS", 100)
    _from_file(publicerad, name="program.docx")

    html = render_document_html(publicerad)

    assert "Skolorna ska ha en plan" in html
    assert "Rektor ansvarar" not in html
    assert (
        "Texten ur filen är längre än vad den här PDF:en tar med och slutar här. Hela texten "
        "finns i originalfilen program.docx, som kan laddas ner från dokumentets sida."
    ) in " ".join(html.split())


# --- Stored on publication ----------------------------------------------------------------------


def test_publishing_stores_the_pdf_once_the_publication_is_committed(
    make_dokument, administrator, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE_TASKS
    # Registered with its decision: an adopted version, ready to publish.
    version = make_dokument(publish=False, titel="Riktlinje för skolplaner").versioner.get()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.publicera_version(user=administrator, version=version)
        before_commit = Dokumentversion.objects.get(pk=version.pk).pdf.name

    version.refresh_from_db()
    assert (before_commit, len(callbacks)) == ("", 1)
    assert re.fullmatch(
        r"dokument/pdf/\d{4}/riktlinje-for-skolplaner-version-1\.pdf", version.pdf.name
    )
    with version.pdf.open("rb") as f:
        assert "Riktlinje för skolplaner" in _pdf_text(f.read())


@pytest.mark.django_db(transaction=True)  # the worker manages its own connections
def test_the_database_worker_stores_the_pdf_of_a_published_version(make_dokument, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    dokument = make_dokument(titel="Riktlinje för skolplaner")
    queued = Dokumentversion.objects.get(dokument=dokument).pdf.name

    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--interval", "0", stdout=io.StringIO()
    )

    version = Dokumentversion.objects.get(dokument=dokument)
    assert queued == ""
    with version.pdf.open("rb") as f:
        assert "Riktlinje för skolplaner" in _pdf_text(f.read())


def test_storing_the_pdf_is_idempotent(publicerad):
    first = render_version_pdf.call(publicerad.pk)
    name = Dokumentversion.objects.get(pk=publicerad.pk).pdf.name

    second = render_version_pdf.call(publicerad.pk)

    assert (first, second) == (True, False)
    assert Dokumentversion.objects.get(pk=publicerad.pk).pdf.name == name


def test_storing_the_pdf_is_not_a_change_of_the_record(publicerad):
    history = publicerad.history.count()

    render_version_pdf.call(publicerad.pk)

    assert publicerad.history.count() == history


def test_a_draft_gets_no_stored_pdf(utkast):
    stored = render_version_pdf.call(utkast.pk)

    assert (stored, Dokumentversion.objects.get(pk=utkast.pk).pdf.name) == (False, "")


def test_dokument_pdf_command_renders_the_missing_pdfs_and_dry_run_changes_nothing(
    publicerad, utkast
):
    dry = io.StringIO()
    call_command("dokument_pdf", "--dry-run", stdout=dry)
    after_dry_run = Dokumentversion.objects.get(pk=publicerad.pk).pdf.name
    out = io.StringIO()
    call_command("dokument_pdf", stdout=out)
    again = io.StringIO()
    call_command("dokument_pdf", stdout=again)

    assert after_dry_run == ""
    assert dry.getvalue().splitlines() == [
        f"Saknar PDF: Riktlinje för skolplaner (version 1), dokument {publicerad.dokument_id}",
        "1 publicerade versioner saknar PDF. Inget skapades.",
    ]
    assert out.getvalue().splitlines() == [
        f"Skapade PDF: Riktlinje för skolplaner (version 1), dokument {publicerad.dokument_id}",
        "1 PDF:er skapade.",
    ]
    assert again.getvalue().splitlines() == ["0 PDF:er skapade."]
    assert Dokumentversion.objects.get(pk=utkast.pk).pdf.name == ""


def test_dokument_pdf_command_with_filtext_renders_again_the_pdfs_of_file_only_versions(lagrad):
    # A version whose content is its file, with a PDF stored before the PDF carried that text.
    old = lagrad.pdf.name
    _from_file(lagrad)
    label = f"Riktlinje för skolplaner (version 1), dokument {lagrad.dokument_id}"
    dry, out, plain = io.StringIO(), io.StringIO(), io.StringIO()

    call_command("dokument_pdf", "--filtext", "--dry-run", stdout=dry)
    unchanged = Dokumentversion.objects.get(pk=lagrad.pk).pdf.name
    call_command("dokument_pdf", "--filtext", stdout=out)
    call_command("dokument_pdf", stdout=plain)

    lagrad.refresh_from_db()
    assert unchanged == old
    assert dry.getvalue().splitlines() == [
        f"Skapas om: {label}",
        "0 publicerade versioner saknar PDF. Inget skapades.",
        "1 PDF:er med text ur en fil skulle skapas om. Inget ändrades.",
    ]
    assert out.getvalue().splitlines() == [f"Skapade PDF: {label}", "1 PDF:er skapade."]
    assert plain.getvalue().splitlines() == ["0 PDF:er skapade."]
    assert (lagrad.pdf.name != old, lagrad.pdf.storage.exists(old)) == (True, False)
    with lagrad.pdf.open("rb") as f:
        assert "Rektor ansvarar för planen" in _pdf_text(f.read())


def test_dokument_pdf_command_renders_a_pdf_whose_file_is_lost(lagrad):
    lagrad.pdf.storage.delete(lagrad.pdf.name)

    call_command("dokument_pdf", stdout=io.StringIO())

    lagrad.refresh_from_db()
    assert lagrad.pdf.storage.exists(lagrad.pdf.name)


# --- Views --------------------------------------------------------------------------------------


def test_pdf_view_published_document_is_public(client, lagrad):
    response = client.get(reverse("dokument:pdf", args=[lagrad.dokument_id]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="riktlinje-for-skolplaner-version-1.pdf"'
    )
    assert "Riktlinje för skolplaner" in _pdf_text(_content(response))


def test_pdf_view_serves_the_stored_file_with_etag_and_last_modified(client, lagrad):
    with lagrad.pdf.open("rb") as f:
        stored = f.read()
    modified = lagrad.pdf.storage.get_modified_time(lagrad.pdf.name).timestamp()

    response = client.get(reverse("dokument:pdf", args=[lagrad.dokument_id]))

    assert _content(response) == stored
    assert response["Last-Modified"] == http_date(modified)
    assert re.fullmatch(r'"[0-9a-f]{32}"', response["ETag"])


def test_pdf_view_answers_304_to_a_reader_who_has_the_stored_file(client, lagrad):
    url = reverse("dokument:version_pdf", args=[lagrad.dokument_id, 1])
    first = client.get(url)

    by_etag = client.get(url, headers={"if-none-match": first["ETag"]})
    by_date = client.get(url, headers={"if-modified-since": first["Last-Modified"]})

    assert (by_etag.status_code, by_etag.content, by_etag["ETag"]) == (304, b"", first["ETag"])
    assert by_date.status_code == 304


def test_stored_pdf_costs_an_anonymous_reader_one_query_and_no_page_cache_look_up(
    client, lagrad, django_assert_num_queries, monkeypatch
):
    from django.core.cache import caches

    url = reverse("dokument:pdf", args=[lagrad.dokument_id])
    looked_up = []
    backend = caches["default"]
    real = backend.get_many
    monkeypatch.setattr(backend, "get_many", lambda *a, **k: looked_up.append(a) or real(*a, **k))

    with django_assert_num_queries(1):
        response = client.get(url)
        content = _content(response)

    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert response["Cache-Control"] == "public, max-age=60"
    assert "Riktlinje för skolplaner" in _pdf_text(content)
    assert looked_up == []


def test_pdf_view_a_published_version_not_yet_rendered_says_pdf_en_skapas(client, publicerad):
    response = client.get(reverse("dokument:pdf", args=[publicerad.dokument_id]))

    html = response.content.decode()
    assert (response.status_code, response["Retry-After"]) == (202, "30")
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert re.findall(r"<h1>(.*?)</h1>", html) == ["PDF:en skapas"]
    assert f'<a href="/dokument/{publicerad.dokument_id}/">Tillbaka till dokumentet</a>' in html
    assert Dokumentversion.objects.get(pk=publicerad.pk).pdf.name == ""


def test_document_page_says_pdf_en_skapas_until_the_pdf_is_stored(client, publicerad):
    url = reverse("dokument:detalj", args=[publicerad.dokument_id])
    pdf_url = reverse("dokument:pdf", args=[publicerad.dokument_id])

    before = client.get(url).content.decode()
    render_version_pdf.call(publicerad.pk)
    after = client.get(url).content.decode()

    assert (before.count("PDF:en skapas"), before.count(f'href="{pdf_url}"')) == (1, 0)
    assert (after.count("PDF:en skapas"), after.count(f'href="{pdf_url}"')) == (0, 1)


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


def test_draft_pdf_is_rendered_in_the_request_and_follows_changes(client, utkast, sekreterare_bun):
    client.force_login(sekreterare_bun)
    url = reverse("dokument:pdf", args=[utkast.dokument_id])
    first = client.get(url)
    utkast.text = "Ny lydelse om förskolan."
    utkast.save(update_fields=["text"])

    changed = client.get(url)

    assert "Ny lydelse om förskolan." not in _pdf_text(first.content)
    assert "Ny lydelse om förskolan." in _pdf_text(changed.content)
    assert first["ETag"] != changed["ETag"]
    assert changed["Cache-Control"] == "private, no-cache, no-store"
    assert Dokumentversion.objects.get(pk=utkast.pk).pdf.name == ""


def test_draft_pdf_unchanged_is_not_sent_again_to_a_reader_who_has_it(
    client, utkast, sekreterare_bun
):
    client.force_login(sekreterare_bun)
    url = reverse("dokument:pdf", args=[utkast.dokument_id])
    first = client.get(url)

    again = client.get(url, headers={"if-none-match": first["ETag"]})

    assert (again.status_code, again.content, again["ETag"]) == (304, b"", first["ETag"])


def test_version_pdf_view_shows_a_published_version_to_anonymous(client, lagrad):
    url = reverse("dokument:version_pdf", args=[lagrad.dokument_id, 1])

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
