"""Reading a document: the text of an attached file shown as readable, escaped HTML on the
document and version pages (dokument.filtext); an expired document owes no review; publishing
a version whose validity has ended asks for confirmation; "Dokumentet gäller för" in full
names; "utgånget" agrees with "dokumentet"."""

import datetime
import io
import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dokument import services
from dokument.files import check_upload, extract_office_text, extract_pdf_text
from dokument.filtext import render_file_text
from dokument.models import Dokument, Dokumentversion
from dokument.queries import granskning_for_user
from tests.dokument.conftest import header
from tests.dokument.filefixtures import docx

PARAGRAPH = (
    "Kommunfullmäktige beslutar om mål och riktlinjer för verksamheten. Nämnderna ansvarar "
    "för att målen bryts ned i den egna verksamheten och att uppföljningen sker enligt den "
    "tidplan som kommunstyrelsen fastställer varje år."
)

# A programme as a municipality writes it: a title, numbered headings at two levels, running
# text over many lines, a bulleted list, a signature, and a running header and footer on each
# of its two pages.
PROGRAM_HTML = f"""<html lang="sv"><head><style>
@page {{ size: A4; margin: 2.5cm;
  @top-right {{ content: "Program för styrdokument"; }}
  @bottom-center {{ content: "Sida " counter(page) " av " counter(pages); }} }}
body {{ font-family: serif; font-size: 11pt; }} ul {{ list-style: none; padding-left: 1em; }}
</style></head><body>
<h1>Program för styrdokument</h1>
<h2>1 Inledning</h2>
<p>{PARAGRAPH} {PARAGRAPH}</p>
<p>{PARAGRAPH} Det gäller även skol- och förskoleverksamheten.</p>
<h2>2 Styrdokumentens roll</h2>
<h3>2.1 Vision och strategi</h3>
<p>Styrdokumenten ska vara:</p>
<ul><li>• enkla och tydliga,</li>
<li>• få till antalet, och inte längre än att de går att läsa i ett svep av den som ska
följa dem,</li>
<li>• tidsbestämda.</li></ul>
<h3>2.2 Ansvar</h3>
<p>{PARAGRAPH} {PARAGRAPH} {PARAGRAPH} {PARAGRAPH} {PARAGRAPH} {PARAGRAPH} {PARAGRAPH}</p>
<h2>3 Uppföljning</h2>
<p>{PARAGRAPH} {PARAGRAPH}</p>
<p>Anna Andersson<br>Kommundirektör</p>
</body></html>"""


@pytest.fixture(scope="module")
def program_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string=PROGRAM_HTML).write_pdf()


class _Blocks(HTMLParser):
    """The blocks of a piece of HTML as (tag, text): headings, paragraphs and list items."""

    BLOCKS = {"h2", "h3", "h4", "h5", "h6", "p", "li"}

    def __init__(self):
        super().__init__()
        self.blocks: list[tuple[str, str]] = []
        self._open: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self._open = tag
            self.blocks.append((tag, ""))
        elif tag in ("ul", "ol"):
            self.blocks.append((tag + dict(attrs).get("start", ""), ""))

    def handle_endtag(self, tag):
        if tag == self._open:
            self._open = None

    def handle_data(self, data):
        if self._open:
            tag, text = self.blocks[-1]
            self.blocks[-1] = (tag, text + data)


def blocks(html: str) -> list[tuple[str, str]]:
    parser = _Blocks()
    parser.feed(str(html))
    return [(tag, " ".join(text.split())) for tag, text in parser.blocks]


def _section(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


# --- The text of a file as HTML -----------------------------------------------------------------


def test_pdf_text_becomes_paragraphs_headings_and_a_list(program_pdf):
    html = render_file_text(extract_pdf_text(program_pdf), filename="program.pdf")

    assert blocks(html) == [
        ("p", "Program för styrdokument"),
        ("h3", "1 Inledning"),
        ("p", f"{PARAGRAPH} {PARAGRAPH}"),
        ("p", f"{PARAGRAPH} Det gäller även skol- och förskoleverksamheten."),
        ("h3", "2 Styrdokumentens roll"),
        ("h4", "2.1 Vision och strategi"),
        ("p", "Styrdokumenten ska vara:"),
        ("ul", ""),
        ("li", "enkla och tydliga,"),
        (
            "li",
            "få till antalet, och inte längre än att de går att läsa i ett svep av den som ska "
            "följa dem,",
        ),
        ("li", "tidsbestämda."),
        ("h4", "2.2 Ansvar"),
        # The page ends inside this paragraph: the sentence is whole, the running header and
        # footer follow it.
        ("p", " ".join([PARAGRAPH] * 7)),
        ("p", "Program för styrdokument"),
        ("p", "Sida 1 av 2"),
        ("h3", "3 Uppföljning"),
        ("p", f"{PARAGRAPH} {PARAGRAPH}"),
        ("p", "Anna Andersson"),
        ("p", "Kommundirektör"),
        ("p", "Program för styrdokument"),
        ("p", "Sida 2 av 2"),
    ]


def test_office_text_is_one_paragraph_a_line():
    text = extract_office_text(
        io.BytesIO(
            docx(
                "Riktlinje för skolskjuts",
                "Syfte",
                "Eleverna ska ha en trygg och säker skolväg, och kommunen ska erbjuda skolskjuts "
                "där vägen är för lång eller för farlig.",
                "Rätten prövas av nämnden.",
            )
        ),
        ".docx",
        "riktlinje.docx",
    )

    assert blocks(render_file_text(text, filename="riktlinje.docx")) == [
        ("p", "Riktlinje för skolskjuts"),
        ("h3", "Syfte"),
        (
            "p",
            "Eleverna ska ha en trygg och säker skolväg, och kommunen ska erbjuda skolskjuts där "
            "vägen är för lång eller för farlig.",
        ),
        ("p", "Rätten prövas av nämnden."),
    ]


def test_nothing_in_the_file_text_is_rendered_as_html():
    text = (
        "<h2 onclick=\"alert('rubrik')\">Inte en rubrik</h2>\n"
        "<script>alert('kapad')</script>\n"
        "• <img src=x onerror=alert(1)>\n"
        "Tom & Jerry <b>fet</b> &amp; klar."
    )

    html = str(render_file_text(text, filename="fil.docx"))

    assert "<script" not in html
    assert "<img" not in html
    assert "<b>" not in html
    assert 'onclick="' not in html
    assert blocks(html) == [
        ("p", "<h2 onclick=\"alert('rubrik')\">Inte en rubrik</h2>"),
        ("p", "<script>alert('kapad')</script>"),
        ("ul", ""),
        ("li", "<img src=x onerror=alert(1)>"),
        ("p", "Tom & Jerry <b>fet</b> &amp; klar."),
    ]


def test_numbered_lines_in_order_are_a_list_and_a_lone_number_is_not():
    text = (
        "Nämnden ska:\n1. besluta om mål,\n2. följa upp dem,\n3. rapportera till fullmäktige.\n"
        "5. Det här stycket är ensamt med sin siffra och ingen lista.\n"
        "Punkterna nedan fortsätter en lista:\n7) sjunde punkten\n8) åttonde punkten"
    )

    assert blocks(render_file_text(text, filename="fil.odt")) == [
        ("p", "Nämnden ska:"),
        ("ol", ""),
        ("li", "besluta om mål,"),
        ("li", "följa upp dem,"),
        ("li", "rapportera till fullmäktige."),
        ("p", "5. Det här stycket är ensamt med sin siffra och ingen lista."),
        ("p", "Punkterna nedan fortsätter en lista:"),
        ("ol7", ""),
        ("li", "sjunde punkten"),
        ("li", "åttonde punkten"),
    ]


def test_short_lines_in_a_row_are_paragraphs_not_headings():
    # Unmarked list items or table cells: when a short line is not clearly alone before
    # running text, it stays a paragraph.
    text = "Ansvar\nKommunstyrelsen\nNämnderna\nBolagen\nAlla ansvarar för sin del av arbetet."

    assert blocks(render_file_text(text, filename="fil.docx")) == [
        ("p", "Ansvar"),
        ("p", "Kommunstyrelsen"),
        ("p", "Nämnderna"),
        ("p", "Bolagen"),
        ("p", "Alla ansvarar för sin del av arbetet."),
    ]


def test_lines_with_digits_or_closing_punctuation_are_not_headings():
    text = (
        "Antagen av kommunfullmäktige 2016-05-12\nTexten börjar här.\n"
        "Detta gäller:\nAlla nämnder ska följa riktlinjen."
    )

    assert [tag for tag, _ in blocks(render_file_text(text, filename="fil.docx"))] == ["p"] * 4


def test_heading_levels_follow_the_section_numbers_without_skipping_a_level():
    text = "1 Inledning\n1.1.1 Bakgrund\nText om bakgrunden.\n2 Ansvar\nText om ansvaret."

    assert blocks(render_file_text(text, filename="fil.docx", top_level=2)) == [
        ("h2", "1 Inledning"),
        ("h3", "1.1.1 Bakgrund"),
        ("p", "Text om bakgrunden."),
        ("h2", "2 Ansvar"),
        ("p", "Text om ansvaret."),
    ]


def test_a_word_broken_at_the_end_of_a_pdf_line_keeps_its_hyphen_and_a_coordination_its_space():
    line = "Nämnden ansvarar för att verksamheten följs upp och att resultaten redovisas för verk-"
    text = f"{line}\nsamhetens ägare, och för att skol-\noch förskoleverksamheten planeras."

    assert blocks(render_file_text(text, filename="fil.pdf")) == [
        (
            "p",
            f"{line}samhetens ägare, och för att skol- och förskoleverksamheten planeras.",
        )
    ]


def test_the_extraction_notes_the_truncation_and_keeps_the_hidden_numbers_to_the_scan():
    text = (
        "Första stycket.\n\n"
        "[Personnummer i filens dolda text (spårade ändringar eller dokumentegenskaper): "
        "811218-9876.]\n\n"
        "[Texten ur filen är längre än 2 000 000 tecken och har kortats här.]"
    )

    html = str(render_file_text(text, filename="fil.docx"))

    assert blocks(html) == [
        ("p", "Första stycket."),
        ("p", "Texten ur filen är längre än 2 000 000 tecken och har kortats här."),
    ]
    assert '<p class="muted">Texten ur filen' in html
    assert "811218" not in html


# --- The document and version pages --------------------------------------------------------------


@pytest.fixture
def from_pdf(org, typer, administrator, program_pdf):
    """A programme registered from a PDF, with no text of its own, adopted and published."""

    def make(publish=True):
        upload = SimpleUploadedFile("program.pdf", program_pdf, content_type="application/pdf")
        fil_text = check_upload(upload)
        upload.seek(0)
        dokument = services.registrera_dokument(
            user=administrator,
            typ=typer["Riktlinje"],
            agare=org["bun"],
            data=header(
                titel="Program för styrdokument",
                text="",
                faststalld_av=org["bun"],
                beslutsdatum=datetime.date(2024, 3, 1),
            ),
            fil=upload,
            fil_text=fil_text,
        )
        if publish:
            services.publicera_version(
                user=administrator, version=dokument.versioner.get(), bekraftat_personnummer=True
            )
        dokument.refresh_from_db()
        return dokument

    return make


def _content(response) -> str:
    html = response.content.decode()
    return _section(html, '<h2 id="text-rubrik">Innehåll</h2>', "</section>")


@pytest.mark.parametrize("page", ["detalj", "version"])
def test_page_of_a_document_registered_from_a_pdf_shows_the_text_of_the_file(
    client, from_pdf, page
):
    dokument = from_pdf()
    args = [dokument.pk] if page == "detalj" else [dokument.pk, 1]

    content = _content(client.get(reverse(f"dokument:{page}", args=args)))

    assert "finns i den bifogade filen" not in content
    assert [b for b in blocks(content) if b[0].startswith("h")] == [
        ("h2", "Innehåll"),
        ("h3", "1 Inledning"),
        ("h3", "2 Styrdokumentens roll"),
        ("h4", "2.1 Vision och strategi"),
        ("h4", "2.2 Ansvar"),
        ("h3", "3 Uppföljning"),
    ]
    assert ("li", "tidsbestämda.") in blocks(content)
    assert ("p", f"{PARAGRAPH} Det gäller även skol- och förskoleverksamheten.") in blocks(content)
    assert blocks(content)[1] == (
        "p",
        "Texten nedan är hämtad ur den bifogade filen program.pdf så att den kan läsas här. "
        "Rubriker, stycken och listor är återskapade ur texten och kan avvika från filen; bilder "
        "och tabellernas uppställning kommer inte med. Originalet är filen: ladda ner "
        "program.pdf.",
    )
    assert f'href="{reverse("dokument:fil", args=[dokument.pk, 1])}" download' in content


def test_a_version_with_a_text_of_its_own_shows_that_text_not_the_file_text(client, from_pdf):
    dokument = from_pdf()
    Dokumentversion.objects.filter(dokument=dokument).update(text="## Eget\n\nEgen text.")

    content = _content(client.get(reverse("dokument:detalj", args=[dokument.pk])))

    assert blocks(content) == [("h2", "Innehåll"), ("h2", "Eget"), ("p", "Egen text.")]


def test_a_file_that_gave_no_text_says_so_and_links_the_file(client, from_pdf):
    dokument = from_pdf()
    Dokumentversion.objects.filter(dokument=dokument).update(fil_text="")

    content = _content(client.get(reverse("dokument:detalj", args=[dokument.pk])))

    assert blocks(content)[1] == (
        "p",
        "Innehållet finns i den bifogade filen. Texten gick inte att läsa ur filen (den kan till "
        "exempel vara en inskannad bild): ladda ner program.pdf.",
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [("sekreterare_bun", 200), ("fortroendevald_bun", 200), ("sekreterare_sn", 404), (None, 404)],
)
def test_the_file_text_of_an_unpublished_version_is_shown_only_to_those_who_may_read_it(
    client, from_pdf, request, who, status
):
    dokument = from_pdf(publish=False)
    if who:
        client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("dokument:version", args=[dokument.pk, 1]))

    assert response.status_code == status
    assert ("Det gäller även skol- och förskoleverksamheten." in response.content.decode()) == (
        status == 200
    )


# --- An expired document ------------------------------------------------------------------------


def _header(response) -> dict[str, str]:
    html = _section(response.content.decode(), '<dl class="facts dokument-header">', "</dl>")
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", html, flags=re.S)
    return {dt: " ".join(re.sub(r"<[^>]+>", "", dd).split()) for dt, dd in pairs}


@pytest.fixture
def utgangen(make_dokument):
    # Decided in 2020: by the type's rule its review was due long ago; valid only to 2021.
    return make_dokument(
        titel="Gammal riktlinje",
        beslutsdatum=datetime.date(2020, 1, 15),
        giltig_fran=datetime.date(2020, 2, 1),
        giltig_till=datetime.date(2021, 12, 31),
    )


def test_an_expired_document_owes_no_review_and_says_it_is_utganget(client, utgangen):
    response = client.get(reverse("dokument:detalj", args=[utgangen.pk]))

    rows = _header(response)
    assert (rows["Status"], rows["Nästa aktualitetsprövning"]) == (
        "Utgånget",
        "Ingen, dokumentet är utgånget",
    )
    assert "Försenad" not in response.content.decode()


def test_a_document_in_force_with_its_review_date_passed_is_still_overdue(client, make_dokument):
    dokument = make_dokument(beslutsdatum=datetime.date(2020, 1, 15))

    rows = _header(client.get(reverse("dokument:detalj", args=[dokument.pk])))

    assert rows["Status"] == "Gällande"
    assert rows["Nästa aktualitetsprövning"].endswith("Försenad")


def test_review_is_overdue_only_for_a_document_in_force(utgangen, make_dokument, administrator):
    upphavd = make_dokument(beslutsdatum=datetime.date(2020, 1, 15))
    services.upphav_dokument(
        user=administrator, dokument=upphavd, datum=datetime.date(2025, 1, 1), beslut="BUN § 1"
    )
    upphavd.refresh_from_db()
    gallande = make_dokument(beslutsdatum=datetime.date(2020, 1, 15))

    assert [d.granskning_forsenad for d in (utgangen, upphavd, gallande)] == [False, False, True]
    assert [d.pk for d in granskning_for_user(administrator)["forsenade"]] == [gallande.pk]


def test_utganget_agrees_with_dokumentet_in_the_list_and_its_filter(client, utgangen):
    response = client.get(reverse("dokument:lista"))

    html = response.content.decode()
    assert '<span class="status status--utgangen">Utgånget</span>' in html
    assert "Utgången" not in html


# --- Publishing a version whose validity has ended ------------------------------------------------


@pytest.fixture
def adopted_expired(make_dokument):
    """An adopted, unpublished version whose validity ended in 2021."""
    return make_dokument(
        publish=False,
        titel="Riktlinje som redan har gått ut",
        giltig_fran=datetime.date(2020, 2, 1),
        giltig_till=datetime.date(2021, 12, 31),
    )


def test_publish_page_warns_that_the_version_has_already_expired(
    client, adopted_expired, sekreterare_bun
):
    client.force_login(sekreterare_bun)

    response = client.get(reverse("dokument:publicera", args=[adopted_expired.pk, 1]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h2>Versionen har redan slutat gälla</h2>" in html
    assert list(response.context["form"].fields) == ["bekrafta", "bekrafta_utgangen"]
    assert (
        '<label for="id_bekrafta_utgangen">Jag vet att versionen bara gällde till och med '
        "2021-12-31 och vill publicera den ändå: dokumentet visas då som utgånget</label>"
    ) in html


def test_publishing_an_expired_version_without_confirmation_is_refused(
    client, adopted_expired, sekreterare_bun
):
    client.force_login(sekreterare_bun)

    response = client.post(reverse("dokument:publicera", args=[adopted_expired.pk, 1]), {})

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "bekrafta_utgangen": [
            "Versionen gällde bara till och med 2021-12-31. Bekräfta att den ska publiceras "
            "ändå, eller avbryt och revidera dokumentet med rätt giltighetstid."
        ]
    }
    assert 'id="id_bekrafta_utgangen_error"' in response.content.decode()
    assert adopted_expired.versioner.get().status == Dokumentversion.Status.FASTSTALLD


def test_publishing_an_expired_version_with_confirmation_says_it_is_utganget(
    client, adopted_expired, sekreterare_bun
):
    client.force_login(sekreterare_bun)

    response = client.post(
        reverse("dokument:publicera", args=[adopted_expired.pk, 1]),
        {"bekrafta_utgangen": "on"},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Version 1 är publicerad. Den gällde till och med 2021-12-31, så dokumentet visas som "
        "utgånget."
    ]
    assert adopted_expired.versioner.get().status == Dokumentversion.Status.PUBLICERAD


def test_publishing_a_version_in_force_asks_no_confirmation(client, make_dokument, sekreterare_bun):
    dokument = make_dokument(publish=False, giltig_till=datetime.date(2200, 1, 1))
    client.force_login(sekreterare_bun)

    page = client.get(reverse("dokument:publicera", args=[dokument.pk, 1]))
    response = client.post(reverse("dokument:publicera", args=[dokument.pk, 1]), {})

    assert list(page.context["form"].fields) == ["bekrafta"]
    assert "slutat gälla" not in page.content.decode()
    assert response.status_code == 302
    assert dokument.versioner.get().status == Dokumentversion.Status.PUBLICERAD


@pytest.mark.parametrize(
    ("who", "status"),
    [("sekreterare_bun", 200), ("fortroendevald_bun", 403), ("sekreterare_sn", 404)],
)
def test_publish_page_of_an_expired_version_to_editor_reader_and_outsider(
    client, adopted_expired, request, who, status
):
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("dokument:publicera", args=[adopted_expired.pk, 1]))

    assert response.status_code == status


def test_publish_page_sends_anonymous_to_the_login(client, adopted_expired):
    response = client.get(reverse("dokument:publicera", args=[adopted_expired.pk, 1]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- "Dokumentet gäller för" ---------------------------------------------------------------------


def test_scope_names_the_organisations_in_full_not_by_abbreviation(client, org, make_dokument):
    org["buf"].kortnamn = "BUF"
    org["buf"].save()
    org["bun"].kortnamn = "BUN"
    org["bun"].save()
    dokument = make_dokument()
    dokument.aktuell_version.giltighetsomrade.set([org["bun"], org["buf"]])

    rows = _header(client.get(reverse("dokument:detalj", args=[dokument.pk])))

    assert rows["Dokumentet gäller för"] == (
        "Barn- och utbildningsförvaltningen, Barn- och utbildningsnämnden"
    )


@pytest.fixture
def abbreviated(org):
    """The municipality's short names are its abbreviations, as in the demo."""
    for key in ("bun", "buf", "kf"):
        org[key].kortnamn = key.upper()
        org[key].save()
    return org


def test_decisions_name_the_deciding_body_in_full_on_the_document_page_and_in_the_list(
    client, abbreviated, make_dokument
):
    dokument = make_dokument()

    page = client.get(reverse("dokument:detalj", args=[dokument.pk])).content.decode()
    listing = client.get(reverse("dokument:lista")).content.decode()

    versions = _section(page, '<h2 id="versioner-rubrik">', "</table>")
    assert "<td>Barn- och utbildningsnämnden 2024-03-01 § 12</td>" in versions
    assert "<td>Barn- och utbildningsnämnden</td>" in listing
    assert ">BUN<" not in page + listing


def test_comparing_versions_names_the_scope_in_full(
    client, abbreviated, make_dokument, administrator
):
    org = abbreviated
    dokument = make_dokument()
    dokument.aktuell_version.giltighetsomrade.set([org["bun"]])
    ny = services.revidera_dokument(
        user=administrator,
        dokument=dokument,
        data=header(faststalld_av=org["bun"], beslutsdatum=datetime.date(2025, 1, 1)),
        giltighetsomrade=[org["bun"], org["buf"]],
    )
    services.publicera_version(user=administrator, version=ny)

    diff = client.get(reverse("dokument:jamfor", args=[dokument.pk]), {"fran": 1, "till": 2})

    assert [
        (c.old, c.new) for c in diff.context["header"] if c.label == "Dokumentet gäller för"
    ] == [
        (
            "Barn- och utbildningsnämnden",
            "Barn- och utbildningsförvaltningen, Barn- och utbildningsnämnden",
        )
    ]


def test_no_review_reminder_for_an_expired_document(utgangen, make_dokument):
    from dokument.tasks import send_review_reminders
    from tests.factories import UserFactory

    soon = timezone.localdate() + datetime.timedelta(days=20)
    gallande = make_dokument(dokumentansvarig=UserFactory(username="lena"))
    for dokument in (utgangen, gallande):
        Dokumentversion.objects.filter(dokument=dokument).update(
            dokumentansvarig=gallande.aktuell_version.dokumentansvarig
        )
        dokument.granskning_nasta = soon
        dokument.save(update_fields=["granskning_nasta"])

    sent = send_review_reminders.call()

    reminded = Dokument.objects.filter(paminnelse_skickad_for=soon)
    assert (sent, [d.pk for d in reminded]) == (1, [gallande.pk])


def test_a_repealed_document_is_upphavt_on_its_page_and_in_the_refusal_to_revise_it(
    client, make_dokument, administrator
):
    from django.core.exceptions import ValidationError

    dokument = make_dokument()
    services.upphav_dokument(
        user=administrator, dokument=dokument, datum=datetime.date(2025, 1, 1), beslut="BUN § 1"
    )
    dokument.refresh_from_db()

    rows = _header(client.get(reverse("dokument:detalj", args=[dokument.pk])))
    with pytest.raises(ValidationError) as refused:
        services.revidera_dokument(user=administrator, dokument=dokument, data=header())

    assert (rows["Status"], rows["Upphävt den"]) == ("Upphävt", "2025-01-01 (BUN § 1)")
    assert refused.value.messages == ["Dokumentet är upphävt och kan inte revideras."]
