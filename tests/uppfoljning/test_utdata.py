"""The reports as HTML and PDF: the one content template renders every part of a content
dict; the PDF (PDF/A-3a) has its cover, table of contents, running headers and page numbers;
a frozen version's PDF is stored by a background task and served as stored."""

import copy
import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from pypdf import PdfReader

from tests.uppfoljning.factories import RapportFactory, RapportperiodFactory, RapporttypFactory
from uppfoljning import utdata
from uppfoljning.innehall import checksum
from uppfoljning.models import Rapport, Rapportperiod, Rapportversion


def exempel_innehall() -> dict:
    """A hand-written content dict (schema 1) with every part, amounts in kronor."""
    return copy.deepcopy(EXEMPEL)


EXEMPEL = {
    "schema": 1,
    "rapport": {
        "id": 1,
        "typ": 1,
        "typ_kod": "arsredovisning",
        "typ_namn": "Årsredovisning",
        "beloppsenhet": "tkr",
        "organisation": {
            "id": 1,
            "namn": "Barn- och utbildningsnämnden",
            "kod": "BUN",
            "typ": "namnd",
        },
        "period": "2025",
        "period_label": "2025",
        "ackumulerad_label": "helår 2025",
        "riktpunkt": "100.0",
        "status": "antagen",
        "version": 1,
    },
    "ekonomi": {
        "rader": [
            {
                "organisation_id": 11,
                "kod": "FSK",
                "namn": "Förskoleverksamheten",
                "budget_ar": "300000000.00",
                "budget_hittills": "300000000.00",
                "utfall_hittills": "306500000.00",
                "utfall_hittills_fg": "290000000.00",
                "prognos": "306500000.00",
                "foregaende_prognos": "304000000.00",
                "avvikelse": "-6500000.00",
                "forbrukat_procent": "102.2",
            },
            {
                "organisation_id": 12,
                "kod": "GRU",
                "namn": "Grundskolan",
                "budget_ar": "500000000.00",
                "budget_hittills": "500000000.00",
                "utfall_hittills": "495250000.00",
                "utfall_hittills_fg": "480000000.00",
                "prognos": "495250000.00",
                "foregaende_prognos": "",
                "avvikelse": "4750000.00",
                "forbrukat_procent": "99.1",
            },
            {
                "organisation_id": 13,
                "kod": "GYM",
                "namn": "Gymnasieskolan",
                "budget_ar": "200000000.00",
                "budget_hittills": "200000000.00",
                "utfall_hittills": "198250000.00",
                "utfall_hittills_fg": "190000000.00",
                "prognos": "198250000.00",
                "foregaende_prognos": "",
                "avvikelse": "1750000.00",
                "forbrukat_procent": "99.1",
            },
        ],
        "total": {
            "budget_ar": "1000000000.00",
            "budget_hittills": "1000000000.00",
            "utfall_hittills": "1000000000.00",
            "utfall_hittills_fg": "960000000.00",
            "prognos": "1000000000.00",
            "foregaende_prognos": "",
            "avvikelse": "0.00",
            "forbrukat_procent": "100.0",
        },
        "prognos_motivering": "Fler barn i förskolan än budgeterat under hösten.",
        "prognos_forslag": "1000000000.00",
    },
    "mal": [
        {
            "id": 101,
            "nummer": "1.1",
            "titel": "Alla barn ska ha en trygg förskola",
            "malomrade": "Barn och unga",
            "forslag": "uppfyllt",
            "forslag_label": "Uppfyllt",
            "utfall": "uppfyllt",
            "utfall_label": "Uppfyllt",
            "analys": "Nio av tio vårdnadshavare säger att barnen känner sig trygga.",
            "indikatorer": [
                {
                    "id": 7,
                    "namn": "Andel trygga barn",
                    "enhet": "%",
                    "varde": "91",
                    "malvarde": "90",
                }
            ],
        },
        {
            "id": 102,
            "nummer": "1.2",
            "titel": "Fler elever ska nå målen i alla ämnen",
            "malomrade": "Barn och unga",
            "forslag": "delvis",
            "forslag_label": "Delvis uppfyllt",
            "utfall": "ej_uppfyllt",
            "utfall_label": "Ej uppfyllt",
            "analys": "Andelen sjönk i årskurs 9.",
            "indikatorer": [],
        },
        {
            "id": 103,
            "nummer": "2.1",
            "titel": "Skolans lokaler ska räcka till",
            "malomrade": "Hållbar kommun",
            "forslag": "",
            "forslag_label": "",
            "utfall": "",
            "utfall_label": "",
            "analys": "",
            "indikatorer": [],
        },
    ],
    "uppdrag": [
        {
            "id": 31,
            "titel": "Utred en ny skola i Norrby",
            "status": "pagar",
            "status_label": "Pågår",
            "kommentar": "Förstudien är klar.",
        }
    ],
    "avsnitt": [
        {
            "kod": "handelser",
            "rubrik": "Viktiga händelser",
            "slag": "text",
            "obligatorisk": True,
            "text": "Den nya förskolan Solrosen öppnade i augusti.",
            "klar": True,
        },
        {
            "kod": "framtid",
            "rubrik": "Framtid",
            "slag": "text",
            "obligatorisk": False,
            "text": "",
            "klar": False,
        },
        {
            "kod": "resultatrakning",
            "rubrik": "Resultaträkning",
            "slag": "fil",
            "obligatorisk": True,
            "text": "",
            "klar": True,
        },
    ],
    "atgarder": [
        {
            "id": 41,
            "beskrivning": "Färre vikarier i förskolan",
            "ansvarig": "Förskolechefen",
            "datum": "2026-03-31",
            "effekt_kronor": "2500000.00",
            "indikator": "",
            "effekt_varde": "",
            "status": "planerad",
            "status_label": "Planerad",
        }
    ],
    "atgardsuppfoljning": [
        {
            "atgard_id": 40,
            "beskrivning": "Samordna skolskjutsarna",
            "status": "klar",
            "status_label": "Genomförd",
            "kommentar": "Klart i juni.",
        }
    ],
    "delar": [
        {
            "rapport_id": 77,
            "organisation": {"id": 5, "namn": "Barn- och utbildningsförvaltningen"},
            "status": "godkand",
            "status_label": "Godkänd",
            "version": 2,
            "prognos": "1000000000.00",
            "avvikelse": "0.00",
        }
    ],
    "bilagor": [
        {
            "kod": "resultatrakning",
            "rubrik": "Resultaträkning",
            "filnamn": "",
            "tabell": {
                "rubriker": ["Post", "2025", "2024"],
                "rader": [["Verksamhetens intäkter", "120 000", "115 000"]],
            },
        },
        {
            "kod": "kassaflode",
            "rubrik": "Kassaflödesanalys",
            "filnamn": "kassaflode.pdf",
            "tabell": None,
        },
    ],
    "balanskrav": {
        "arets_resultat": "45000000.00",
        "realisationsvinster": "2000000.00",
        "realisationsforluster_undantag": "0.00",
        "orealiserade_vardepapper": "0.00",
        "resultatutjamningsreserv": "0.00",
        "balanskravsresultat": "43000000.00",
        "prognos": False,
        "kommentar": "Balanskravet är uppfyllt.",
    },
}


# --- Helpers ------------------------------------------------------------------------------------

DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend", "QUEUES": []}}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def frys(rapport, innehall=None, *, nummer=1, slag=Rapportversion.Slag.INLAMNAD, anledning=""):
    """A frozen version holding a hand-written content dict (as the workflow freezes one)."""
    innehall = exempel_innehall() if innehall is None else innehall
    return Rapportversion.objects.create(
        rapport=rapport,
        nummer=nummer,
        slag=slag,
        innehall=innehall,
        kontrollsumma=checksum(innehall),
        skapad=timezone.make_aware(datetime.datetime(2026, 2, 20, 10, 0)),
        anledning=anledning,
    )


def rapport_for(organisation, *, status, typ_namn="Årsredovisning", ar=2025, **fields):
    typ = RapporttypFactory(
        namn=typ_namn,
        kod=slugify(typ_namn)[:40],
        lagkrav="arsredovisning" if typ_namn == "Årsredovisning" else "",
    )
    period = Rapportperiod.objects.filter(rapporttyp=typ, ar=ar).first() or RapportperiodFactory(
        rapporttyp=typ,
        ar=ar,
        periodtyp="ar",
        periodnummer=0,
        sista_dag=datetime.date(ar + 1, 3, 31),
    )
    return RapportFactory(rapportperiod=period, organisation=organisation, status=status, **fields)


def pdf_pages(data: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages]


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- The content template -----------------------------------------------------------------------


def test_content_template_renders_every_part_with_ids_for_the_table_of_contents(db):
    html = utdata.render_content(exempel_innehall(), extra={"utskrift": True})
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())

    assert re.findall(r'<h2 id="([^"]+)">', html) == [
        "r-ekonomi",
        "r-mal",
        "r-uppdrag",
        "r-avsnitt-handelser",
        "r-avsnitt-framtid",
        "r-atgarder",
        "r-atgardsuppfoljning",
        "r-delar",
        "r-bilagor",
        "r-balanskrav",
    ]
    assert re.findall(r'<h3 id="(r-mal-\d+)">', html) == ["r-mal-101", "r-mal-102", "r-mal-103"]
    for expected in [
        # economy in tkr, the previous forecast in brackets, the deviation in words too
        "Förskoleverksamheten 300 000 300 000 306 500 290 000 306 500 (304 000) −6 500 "
        "underskott 102,2 %",
        "Totalt 1 000 000 1 000 000 1 000 000 960 000 1 000 000 0 i balans 100,0 %",
        "Riktpunkt helår 2025: 100,0 % av året har gått.",
        "Fler barn i förskolan än budgeterat under hösten.",
        # goals: status by text and shape, analysis, indicators
        "Bedömning ● Uppfyllt",
        "Bedömning ✕ Ej uppfyllt Systemets förslag ◐ Delvis uppfyllt",
        "Bedömning ○ Ej bedömt",
        "Nio av tio vårdnadshavare säger att barnen känner sig trygga.",
        "Andel trygga barn 91 90 %",
        "Utred en ny skola i Norrby Pågår Förstudien är klar.",
        "Den nya förskolan Solrosen öppnade i augusti.",
        "Framtid Inget skrivet.",
        "Färre vikarier i förskolan Förskolechefen 2026-03-31 2 500 tkr Planerad",
        "Samordna skolskjutsarna Genomförd Klart i juni.",
        "Barn- och utbildningsförvaltningen Godkänd 2 1 000 000 0",
        "Verksamhetens intäkter 120 000 115 000",
        "Bifogad fil: kassaflode.pdf.",
        "Årets resultat 45 000",
        "Balanskravsresultat 43 000",
        "Balanskravet är uppfyllt.",
    ]:
        assert expected in text, expected
    # a section of files is shown among the law's parts, not as an empty text
    assert text.count("Resultaträkning") == 2  # its heading and its table's caption


def test_content_template_draws_the_charts_with_text_alternatives(db):
    html = utdata.render_content(exempel_innehall()).replace("\xa0", " ")

    titles = re.findall(r'<title id="r-[a-z]+-titel">([^<]+)</title>', html)
    assert titles == ["Budget och årsprognos per verksamhet", "Målens bedömning"]
    assert (
        "Antal mål per bedömning: uppfyllt 1, delvis uppfyllt 0, ej uppfyllt 1, ej bedömt 1."
        in html
    )
    assert "Budget 300 000 tkr" in html and "Prognos 306 500 tkr" in html
    # the description is said once: the chart is described by its visible caption
    assert html.count("Antal mål per bedömning") == 1
    assert 'aria-describedby="r-malstatus-desc"' in html
    assert '<figcaption id="r-malstatus-desc">' in html


@pytest.mark.parametrize(
    ("enhet", "expected"), [("kr", "306 500 000"), ("tkr", "306 500"), ("mnkr", "306,5")]
)
def test_amounts_are_shown_in_the_kinds_unit(db, enhet, expected):
    innehall = exempel_innehall()
    innehall["rapport"]["beloppsenhet"] = enhet

    rad = utdata.rapport_context(innehall)["ekonomi_rader"][0]

    assert rad["celler"][2].replace("\xa0", " ") == expected


def test_an_empty_content_says_so(db):
    html = utdata.render_content({"schema": 1, "rapport": EXEMPEL["rapport"]})

    assert "Rapporten har inget innehåll ännu." in html
    assert "<h2" not in html


# --- The PDF ------------------------------------------------------------------------------------


@pytest.fixture
def antagen(org):
    rapport = rapport_for(
        org["bun"],
        status=Rapport.Status.ANTAGEN,
        beslutsdatum=datetime.date(2026, 4, 20),
        paragraf="§ 34",
        diarienummer="KF 2026/12",
        antagen_av=org["kf"],
    )
    frys(rapport, slag=Rapportversion.Slag.INLAMNAD)
    return frys(rapport, slag=Rapportversion.Slag.ANTAGEN)


def test_pdf_has_cover_contents_running_headers_and_page_numbers(antagen):
    pages = pdf_pages(utdata.render_version_pdf(antagen))

    assert len(pages) >= 4
    cover = pages[0]
    for expected in [
        "ÅRSREDOVISNING",  # the kind, in capitals on the cover
        "Barn- och utbildningsnämnden",
        "Helår 2025",
        "Version 1, antagen 2026-02-20",
        "Antagen 2026-04-20, § 34",
        "Antagen av Kommunfullmäktige",
        "Diarienummer KF 2026/12",
    ]:
        assert expected in cover, expected
    # the checksum breaks over two lines on the cover
    assert f"Kontrollsumma(SHA-256){antagen.kontrollsumma}" in cover.replace(" ", "")
    total = len(pages)
    for number, text in enumerate(pages, start=1):
        assert f"Sida {number} av {total}" in text
        if number > 1:
            assert "Årsredovisning helår 2025 · Barn- och utbildningsnämnden Sida" in text
    toc = re.findall(r"([A-ZÅÄÖ][a-zåäö ]+(?: och [a-zåäö]+)?) \.+ (\d+)", pages[1])
    assert [titel for titel, _ in toc] == [
        "Ekonomi",
        "Mål och indikatorer",
        "Uppdrag",
        "Viktiga händelser",
        "Framtid",
        "Åtgärdsplan",
        "Uppföljning av tidigare åtgärder",
        "Sammanställda rapporter",
        "Räkenskaper och bilagor",
        "Balanskravsresultat",
    ]
    # each entry's page number is the page its chapter starts on
    for titel, page in toc:
        assert titel in pages[int(page) - 1], titel


def test_pdf_is_pdf_a_3a_tagged_and_titled(antagen):
    reader = PdfReader(io.BytesIO(utdata.render_version_pdf(antagen)))

    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.findall(r'pdfaid:part="(\d)"', xmp) == ["3"]
    assert re.findall(r'pdfaid:conformance="(\w)"', xmp) == ["A"]
    assert reader.metadata.title == "Årsredovisning helår 2025, Barn- och utbildningsnämnden"
    assert reader.trailer["/Root"]["/Lang"] == "sv"


# --- Stored PDFs and the reading pages ----------------------------------------------------------


def test_storing_a_versions_pdf_is_idempotent_and_not_a_change_of_the_record(antagen):
    first = utdata.render_rapportversion_pdf.call(antagen.pk)
    name = Rapportversion.objects.get(pk=antagen.pk).pdf.name

    second = utdata.render_rapportversion_pdf.call(antagen.pk)

    assert (first, second) == (True, False)
    assert Rapportversion.objects.get(pk=antagen.pk).pdf.name == name
    assert re.fullmatch(
        r"rapporter/\d{4}/arsredovisning-helar-2025-barn-och-[a-z-]+-version-1\.pdf", name
    )


def test_stored_pdf_is_served_as_stored_with_etag_and_public_cache(client, antagen):
    utdata.store_version_pdf(antagen.pk)
    antagen.refresh_from_db()
    with antagen.pdf.open("rb") as f:
        stored = f.read()

    response = client.get(reverse("uppfoljning:pdf", args=[antagen.rapport_id]))
    again = client.get(
        reverse("uppfoljning:pdf", args=[antagen.rapport_id]),
        headers={"if-none-match": response["ETag"]},
    )

    assert (response.status_code, response.streaming) == (200, True)
    assert content(response) == stored
    assert response["Content-Type"] == "application/pdf"
    assert "public" in response["Cache-Control"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', response["ETag"])
    assert again.status_code == 304


def test_pdf_being_made_says_so_and_enqueues_the_rendering_once(
    client, antagen, settings, django_capture_on_commit_callbacks
):
    from django.tasks import task_backends

    settings.TASKS = DUMMY_TASKS
    url = reverse("uppfoljning:version_pdf", args=[antagen.rapport_id, 1])

    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        second = client.get(url)

    html = first.content.decode()
    assert (first.status_code, second.status_code, first["Retry-After"]) == (202, 202, "30")
    assert "Pdf:en görs. Ladda om sidan om en stund." in html
    assert f'<a href="{url}">Försök hämta pdf:en igen</a>' in html
    assert "<script" not in html
    results = task_backends["default"].results
    assert [(r.task.name, r.args) for r in results] == [("render_rapportversion_pdf", [antagen.pk])]
    assert Rapportversion.objects.get(pk=antagen.pk).pdf.name == ""


def test_version_page_shows_the_snapshot_its_facts_and_that_the_checksum_holds(client, antagen):
    response = client.get(reverse("uppfoljning:version", args=[antagen.rapport_id, 1]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Kontrollsumma stämmer</span>" in html
    assert antagen.kontrollsumma in html
    assert "Nio av tio vårdnadshavare" in html
    assert re.findall(r"<h1>(.*?)</h1>", html) == [
        "Barn- och utbildningsnämnden: Årsredovisning helår 2025"
    ]


def test_version_page_says_when_the_checksum_does_not_hold(client, antagen):
    changed = exempel_innehall()
    changed["mal"][0]["analys"] = "Ändrad i efterhand."
    Rapportversion.objects.filter(pk=antagen.pk).update(innehall=changed)

    html = client.get(reverse("uppfoljning:version", args=[antagen.rapport_id, 1])).content.decode()

    assert "Kontrollsumma stämmer inte" in html
    assert "Kontrollsumma stämmer</span>" not in html


def test_version_page_shows_the_submitted_version_of_the_same_number_when_asked(
    client, antagen, controller
):
    Rapportversion.objects.filter(rapport=antagen.rapport, slag="inlamnad").update(
        anledning="", innehall={**exempel_innehall(), "mal": []}
    )
    client.force_login(controller)
    url = reverse("uppfoljning:version", args=[antagen.rapport_id, 1])

    adopted = client.get(url).content.decode()
    submitted = client.get(url + "?slag=inlamnad").content.decode()

    assert ("Antagen version 1." in adopted, "Nio av tio" in adopted) == (True, True)
    assert ("Inlämnad version 1." in submitted, "Nio av tio" in submitted) == (True, False)


# --- Who reads what -----------------------------------------------------------------------------


@pytest.fixture
def inlamnad(org):
    rapport = rapport_for(org["buf"], status=Rapport.Status.INLAMNAD, typ_namn="Tertialuppföljning")
    frys(rapport)
    return rapport


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("controller", 200),  # reviews it
        ("fortroendevald_bun", 200),  # it comes to their body
        ("chef_solrosen", 404),  # a unit's chef below: not a reader of the förvaltning's report
        ("sekreterare_sn", 404),
        ("utomstaende", 404),
        (None, 404),  # anonymous: no hint it exists
    ],
)
def test_a_submitted_report_is_read_by_its_readers_only(client, inlamnad, request, who, status):
    if who:
        client.force_login(request.getfixturevalue(who))

    for name, args in [
        ("las", [inlamnad.pk]),
        ("version", [inlamnad.pk, 1]),
        ("version_pdf", [inlamnad.pk, 1]),
    ]:
        response = client.get(reverse(f"uppfoljning:{name}", args=args))
        assert response.status_code == (
            202 if name == "version_pdf" and status == 200 else status
        ), name


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("controller", 200),
        ("chef_solrosen", 200),
        ("fortroendevald_bun", 404),
        ("utomstaende", 404),
        (None, 404),
    ],
)
def test_a_draft_is_read_by_internal_readers_only(client, org, request, who, status):
    rapport = rapport_for(
        org["solrosen"], status=Rapport.Status.ATERSKICKAD, typ_namn="Månadsrapport"
    )
    frys(rapport)
    if who:
        client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("uppfoljning:las", args=[rapport.pk]))

    assert response.status_code == status


def test_a_reopened_reports_adopted_version_stays_public(client, antagen):
    Rapport.objects.filter(pk=antagen.rapport_id).update(status=Rapport.Status.UTKAST, version=2)

    page = client.get(reverse("uppfoljning:las", args=[antagen.rapport_id]))
    submitted = client.get(
        reverse("uppfoljning:version", args=[antagen.rapport_id, 1]) + "?slag=inlamnad"
    )

    assert page.status_code == 200
    assert "Rapporten har öppnats igen efter antagandet" in page.content.decode()
    assert submitted.status_code == 404


# --- A draft: the live content ------------------------------------------------------------------


@pytest.fixture
def utkast(org):
    from uppfoljning.models import Avsnittstext

    rapport = rapport_for(org["solrosen"], status=Rapport.Status.UTKAST, typ_namn="Månadsrapport")
    Avsnittstext.objects.create(rapport=rapport, kod="handelser", text="Ny gård till våren.")
    return rapport


def test_a_drafts_page_shows_its_live_content(client, utkast, chef_solrosen):
    from uppfoljning.models import Avsnittstext

    client.force_login(chef_solrosen)
    url = reverse("uppfoljning:las", args=[utkast.pk])
    before = client.get(url).content.decode()
    Avsnittstext.objects.filter(rapport=utkast).update(text="Gården blev klar i mars.")

    after = client.get(url).content.decode()

    assert "Utkast (utkast): innehållet som det ser ut nu." in before
    assert ("Ny gård till våren." in before, "Gården blev klar i mars." in after) == (True, True)
    assert f'href="/uppfoljning/rapporter/{utkast.pk}/"' in after  # the chef's own page


def test_a_drafts_pdf_is_rendered_in_the_request_and_kept_private(client, utkast, controller):
    client.force_login(controller)

    response = client.get(reverse("uppfoljning:pdf", args=[utkast.pk]))

    pages = pdf_pages(response.content)
    assert response["Content-Type"] == "application/pdf"
    assert {"private", "no-cache"} <= set(response["Cache-Control"].split(", "))
    assert "Utkast: rapporten är inte inlämnad och kan ändras." in pages[0]
    assert "Ny gård till våren." in " ".join(pages)
    assert not Rapportversion.objects.filter(rapport=utkast).exists()


def test_the_laws_parts_still_missing_are_listed_in_the_contents_and_say_so(
    client, org, controller
):
    """A file or table part without its attachment and a balanskrav block not yet written are
    in the table of contents and the body as "Saknas", so the reader sees what adoption waits
    for, in the page and in the PDF alike."""
    from uppfoljning import rapportering
    from uppfoljning.models import Bilaga

    rapport = rapport_for(org["ks"], status=Rapport.Status.UTKAST)
    rapport.rapportperiod.rapporttyp.avsnitt = [
        {"kod": "resultatrakning", "rubrik": "Resultaträkning", "slag": "tabell"},
        {"kod": "kassaflode", "rubrik": "Kassaflödesanalys", "slag": "fil"},
        {"kod": "balanskrav", "rubrik": "Balanskravsresultat", "slag": "balanskrav"},
    ]
    rapport.rapportperiod.rapporttyp.save(update_fields=["avsnitt"])
    Bilaga.objects.create(
        rapport=rapport,
        kod="resultatrakning",
        tabell={"rubriker": [], "rader": [["Intäkter", "9"]]},
    )

    context = utdata.rapport_context(rapportering.rapport_innehall(rapport))
    client.force_login(controller)
    pages = pdf_pages(client.get(reverse("uppfoljning:pdf", args=[rapport.pk])).content)

    assert [s["rubrik"] for s in context["sektioner"]][-2:] == [
        "Räkenskaper och bilagor",
        "Balanskravsresultat",
    ]
    assert [(b["kod"], bool(b["tabell"] or b["filnamn"])) for b in context["bilagor"]] == [
        ("resultatrakning", True),
        ("kassaflode", False),
    ]
    assert context["balanskrav_saknas"] is True
    body = " ".join(pages[1:])
    assert "Kassaflödesanalys Saknas." in body
    assert "Balanskravsresultat Saknas." in body
