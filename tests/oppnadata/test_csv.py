"""CSV downloads of the public lists: the same rows as the filtered list (every page of it),
Swedish Excel's format, cells that cannot run as formulas, a bounded number of queries, and
no draft ever."""

import csv
import datetime
import io

import pytest

from dokument.models import Dokument, Dokumentlank
from mal.models import Mal, Uppdrag, Uppdragskommentar, Utfall
from styrning.models import Organisation
from tests.dokument.factories import (
    DokumentFactory,
    DokumenttypFactory,
    DokumentversionFactory,
    published,
)
from tests.factories import MandatperiodFactory, OrganisationFactory
from tests.mal.factories import BedomningFactory, MalFactory, UppdragFactory
from tests.uppfoljning.test_publik import antagen_rapport
from tests.uppfoljning.test_utdata import frys, rapport_for
from uppfoljning.models import Rapport

LISTA = "/dokument/"
CSV_DOKUMENT = "/dokument/export/dokument.csv"
CSV_KFS = "/dokument/export/forfattningssamling.csv"
CSV_ORG = "/organisation/export/organisationer.csv"
CSV_RAPPORTER = "/uppfoljning/export/rapporter.csv"
CSV_UPPDRAG = "/mal/uppdrag/export/uppdrag.csv"
CSV_JAMFORELSE = "/mal/jamforelse/export/maluppfyllelse.csv"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def rows(response) -> list[dict]:
    """The file's rows as dicts under its headers; the byte order mark checked and removed."""
    text = body(response)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def pk_of(row: dict) -> int:
    """A document's id from its permanent address (…/dokument/<id>/version/<n>/)."""
    return int(row["Permanent adress"].split("/dokument/")[1].split("/")[0])


def dokument(agare, titel, *, typ=None, beslutsdatum=datetime.date(2024, 3, 1), **fields):
    dok = DokumentFactory(agare=agare, typ=typ or DokumenttypFactory(namn="Riktlinje"), **fields)
    published(dok, titel=titel, beslutsdatum=beslutsdatum)
    return dok


def everything_listed(client, params: dict) -> list[int]:
    """The ids of the list page's rows over all its pages, in order."""
    response = client.get(LISTA, params)
    assert response.status_code == 200
    return [d.pk for d in response.context["page"].paginator.object_list]


# --- Documents ----------------------------------------------------------------------------------


@pytest.fixture
def many_documents(org):
    """30 published documents (more than a page of the list's 25) of two types and two bodies,
    over three years, a few about school transport."""
    policy = DokumenttypFactory(namn="Policy")
    for n in range(30):
        dokument(
            org["bun"] if n % 2 else org["kf"],
            f"{'Riktlinjer för skolskjuts' if n % 5 == 0 else 'Plan för lokaler'} del {n:02d}",
            typ=policy if n % 3 == 0 else None,
            beslutsdatum=datetime.date(2022 + n % 3, 1 + n % 12, 1),
        )
    return policy


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sortering": "nyast"},
        {"typ": "policy"},
        {"organ": "bun", "ar": "2023"},
        {"q": "skolskjuts"},
        {"q": "lokaler", "sortering": "titel", "sida": "2"},
    ],
)
def test_document_csv_holds_the_filtered_lists_rows_on_every_page(
    client, org, many_documents, params
):
    params = {
        **params,
        **({"typ": many_documents.pk} if "typ" in params else {}),
        **({"organ": org["bun"].pk} if "organ" in params else {}),
    }
    expected = everything_listed(client, params)

    response = client.get(CSV_DOKUMENT, params)

    assert response.status_code == 200
    assert [pk_of(row) for row in rows(response)] == expected
    assert len(expected) > 0


def test_document_csv_is_swedish_excels_format_with_a_file_name(client, org):
    dok = dokument(org["bun"], "Riktlinjer för skolskjuts")
    version = dok.aktuell_version
    version.diarienummer = "BUN 2024/12"
    version.save(update_fields=["diarienummer"])

    response = client.get(CSV_DOKUMENT)
    text = body(client.get(CSV_DOKUMENT))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="styrdokument-{datetime.date.today().isoformat()}.csv"'
    )
    assert text.splitlines()[0] == (
        "\ufeffTitel;Dokumenttyp;Fastställt av;Beslutsdatum;Paragraf;Diarienummer;Status;"
        "Gäller från;Gäller till;Författningsnummer;Version;Permanent adress"
    )
    assert text.splitlines()[1] == (
        "Riktlinjer för skolskjuts;Riktlinje;Barn- och utbildningsnämnden;2024-03-01;§ 12;"
        f"BUN 2024/12;Gällande;;;;1;http://testserver/dokument/{dok.pk}/version/1/"
    )


def test_document_csv_neutralises_cells_a_spreadsheet_would_run(client, org):
    dokument(org["bun"], '=HYPERLINK("http://example.com/?"&A1;"Klicka")')
    dokument(org["bun"], "@SUM(A1:A9)")
    dokument(org["bun"], "-2+3")

    titles = sorted(row["Titel"] for row in rows(client.get(CSV_DOKUMENT)))

    assert titles == ["'-2+3", '\'=HYPERLINK("http://example.com/?"&A1;"Klicka")', "'@SUM(A1:A9)"]


@pytest.mark.parametrize("who", [None, "utomstaende", "sekreterare_bun"])
def test_document_csv_never_holds_a_draft(client, org, request, who):
    if who:
        client.force_login(request.getfixturevalue(who))
    shown = dokument(org["bun"], "Riktlinjer för skolskjuts")
    DokumentversionFactory(dokument=shown, versionsnummer=2, titel="Utkastordet Blåvalsgrotta")
    never = DokumentFactory(agare=org["bun"])
    DokumentversionFactory(dokument=never, titel="Utkast om Gröngylingsbacken")

    text = body(client.get(CSV_DOKUMENT))
    searched = body(client.get(CSV_DOKUMENT, {"q": "Gröngylingsbacken"}))

    assert [pk_of(row) for row in rows(client.get(CSV_DOKUMENT))] == [shown.pk]
    assert "Blåvalsgrotta" not in text
    assert "Gröngylingsbacken" not in text + searched


@pytest.mark.parametrize("many", [1, 40])
def test_document_csv_query_count_is_the_same_for_one_and_many(
    client, org, many, django_assert_num_queries
):
    for n in range(many):
        dokument(org["bun"], f"Riktlinjer {n}")

    # the document rows with their current version, type and body joined: one query
    with django_assert_num_queries(1):
        found = rows(client.get(CSV_DOKUMENT))

    assert len(found) == many


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"ar": "tjugo"}, "Beslutsår: Ange beslutsåret som ett årtal"),
        ({"typ": "99999999"}, "Dokumenttyp: Välj ett giltigt alternativ"),
        ({"q": "x" * 201}, "Sök: Sökningen får vara högst 200 tecken"),
        ({"status": "hemlig"}, "Status: Välj ett giltigt alternativ"),
    ],
)
def test_document_csv_refuses_a_bad_filter_with_a_swedish_400(client, org, params, message):
    dokument(org["bun"], "Riktlinjer för skolskjuts")

    response = client.get(CSV_DOKUMENT, params)

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("Filtret kunde inte användas, så ingen fil skapades:\n")
    assert message in text


def test_document_list_links_its_csv_with_its_filters_but_not_its_page(client, org):
    dokument(org["bun"], "Riktlinjer för skolskjuts")

    html = client.get(LISTA, {"q": "skolskjuts", "sortering": "nyast", "sida": "1"}).content

    assert (
        f'<a class="csv-lank" href="{CSV_DOKUMENT}?q=skolskjuts&amp;sortering=nyast" download>'
        "Ladda ner som CSV</a>"
    ) in html.decode()


# --- The statute book ---------------------------------------------------------------------------


def test_statute_book_csv_lists_rules_in_force_then_repealed_by_number(client, org):
    kfs = DokumenttypFactory(namn="Reglemente", forfattningssamling=True)
    old = dokument(org["kf"], "Gammal taxa", typ=kfs, kfs_nummer="2020:1", kfs_ar=2020)
    old.kfs_lopnummer = 1
    old.status = Dokument.Status.ERSATT
    old.upphavd_datum = datetime.date(2024, 5, 1)
    old.upphavd_beslut = "KF § 40"
    old.save()
    second = dokument(org["kf"], "Reglemente för KS", typ=kfs, kfs_nummer="2024:2", kfs_ar=2024)
    first = dokument(org["kf"], "Taxa för bygglov", typ=kfs, kfs_nummer="2024:1", kfs_ar=2024)
    for dok, nummer in [(first, 1), (second, 2)]:
        dok.kfs_lopnummer = nummer
        dok.save(update_fields=["kfs_lopnummer"])
    Dokumentlank.objects.create(fran=first, till=old, typ=Dokumentlank.Typ.ERSATTER)
    dokument(org["kf"], "Policy utan nummer")  # not in the statute book
    draft = DokumentFactory(agare=org["kf"], typ=kfs, kfs_nummer="2024:3", kfs_ar=2024)
    DokumentversionFactory(dokument=draft, titel="Utkast till taxa Rödhakeskogen")

    response = client.get(CSV_KFS)
    found = rows(response)

    assert [(r["Nummer"], r["Titel"], r["Status"]) for r in found] == [
        ("2024:1", "Taxa för bygglov", "Gällande"),
        ("2024:2", "Reglemente för KS", "Gällande"),
        ("2020:1", "Gammal taxa", "Ersatt"),
    ]
    assert found[2]["Upphävd eller ersatt den"] == "2024-05-01"
    assert found[2]["Beslut om upphävande"] == "KF § 40"
    assert found[2]["Upphävd eller ersatt av"] == "Ersätter av: Taxa för bygglov (2024:1)"
    assert found[0]["Beslut (aktuell version)"] == "Kommunfullmäktige 2024-03-01 § 12"
    assert "Rödhakeskogen" not in body(client.get(CSV_KFS))


@pytest.mark.parametrize("many", [1, 12])
def test_statute_book_csv_query_count_is_the_same_for_one_and_many(
    client, org, many, django_assert_num_queries
):
    kfs = DokumenttypFactory(namn="Reglemente", forfattningssamling=True)
    for n in range(2 * many):  # as many in force as repealed
        dok = dokument(org["kf"], f"Taxa {n}", typ=kfs, kfs_nummer=f"2024:{n + 1}", kfs_ar=2024)
        dok.kfs_lopnummer = n + 1
        if n % 2:
            dok.status = Dokument.Status.UPPHAVD
        dok.save()

    # per part (in force, repealed): the rules, their current versions, their links with what
    # replaced them, and their published versions
    with django_assert_num_queries(8):
        found = rows(client.get(CSV_KFS))

    assert len(found) == 2 * many


# --- The organisation ---------------------------------------------------------------------------


def test_organisation_csv_holds_the_lists_rows_with_and_without_the_ceased(client, org):
    OrganisationFactory(
        kod="GML",
        namn="Gamla nämnden",
        typ=Organisation.Typ.NAMND,
        overordnad=org["kf"],
        aktiv_till=datetime.date(2020, 12, 31),
    )

    for params in ({}, {"visa": "alla"}):
        page = client.get("/organisation/", params)
        listed = [row["org"].namn for row in page.context["page"].paginator.object_list]
        found = rows(client.get(CSV_ORG, params))

        assert [r["Namn"] for r in found] == listed
        assert ("Gamla nämnden" in listed) == bool(params)
    bun = next(r for r in found if r["Kod"] == "BUN")
    assert bun == {
        "Namn": "Barn- och utbildningsnämnden",
        "Typ": org["bun"].get_typ_display(),
        "Kod": "BUN",
        "Förkortning": "BUN",
        "Nivå": "3",
        "Överordnad": "Kommunfullmäktige",
        "Aktiv från": "",
        "Aktiv till": "",
        "Adress": f"http://testserver/organisation/{org['bun'].pk}/",
    }


@pytest.mark.parametrize("many", [1, 20])
def test_organisation_csv_query_count_is_the_same_for_one_and_many(
    client, db, many, django_assert_num_queries
):
    top = OrganisationFactory(kod="K", namn="Kommunen", typ=Organisation.Typ.KOMMUN)
    for n in range(many - 1):
        OrganisationFactory(kod=f"E{n}", typ=Organisation.Typ.ENHET, overordnad=top)
    client.get("/organisation/")  # the tree is kept by the process from here

    # the organisation scope's generation in the cache (the tree itself is kept)
    with django_assert_num_queries(1):
        found = rows(client.get(CSV_ORG))

    assert len(found) == many


# --- Adopted follow-up reports ------------------------------------------------------------------


def test_report_csv_holds_the_filtered_lists_rows_and_no_report_not_adopted(client, org):
    antagen_rapport(org["bun"], antagen_av=org["kf"])
    antagen_rapport(org["sn"], antagen_av=org["kf"], ar=2024)
    antagen_rapport(org["buf"], typ_namn="Tertialuppföljning", antagen_av=org["bun"])
    frys(rapport_for(org["sof"], status=Rapport.Status.INLAMNAD))
    rapport_for(org["klf"], status=Rapport.Status.UTKAST)

    for params in ({}, {"organ": org["bun"].pk}, {"ar": 2024}, {"sida": 1}):
        page = client.get("/uppfoljning/", params)
        listed = [r.pk for r in page.context["page"].paginator.object_list]
        found = rows(client.get(CSV_RAPPORTER, params))

        assert [int(r["Adress"].split("/")[-3]) for r in found] == listed
    everything = rows(client.get(CSV_RAPPORTER))
    assert {r["Organisation"] for r in everything} == {
        "Barn- och utbildningsnämnden",
        "Socialnämnden",
        "Barn- och utbildningsförvaltningen",
    }
    bun = next(r for r in everything if r["Organisation"] == "Barn- och utbildningsnämnden")
    assert bun["Rapport"] == "Årsredovisning helår 2025"
    assert bun["Antagen av"] == "Kommunfullmäktige"
    assert bun["Beslutsdatum"] == "2026-04-20"
    assert bun["Status"] == "Antagen"
    assert bun["Pdf"].endswith("/pdf/")


def test_report_csv_refuses_a_bad_year_with_a_swedish_400(client, org):
    response = client.get(CSV_RAPPORTER, {"ar": "tjugo"})

    assert response.status_code == 400
    assert "År: Ange beslutsåret som ett årtal" in response.content.decode()


@pytest.mark.parametrize("many", [1, 6])
def test_report_csv_query_count_is_the_same_for_one_and_many(
    client, org, many, django_assert_num_queries
):
    for n in range(many):
        antagen_rapport(org["bun"], ar=2010 + n, antagen_av=org["kf"])

    # the reports with their kind, period, organisation and adopting body joined
    with django_assert_num_queries(1):
        found = rows(client.get(CSV_RAPPORTER))

    assert len(found) == many


# --- Assignments and the comparison over time ---------------------------------------------------


def test_assignment_csv_holds_the_filtered_list_with_the_latest_comment(client, org):
    goal = MalFactory(agare=org["kf"], titel="Alla barn ska nå målen")
    draft = MalFactory(agare=org["kf"], titel="Hemligt målutkast", status=Mal.Status.UTKAST)
    done = UppdragFactory(givet_av=org["kf"], givet_till=org["bun"], titel="Utred skolskjutsen")
    done.status = Uppdrag.Status.GENOMFORT
    done.mal = goal
    done.save()
    open_one = UppdragFactory(
        givet_av=org["kf"], givet_till=org["sn"], titel="Se över hemtjänsten", mal=draft
    )
    Uppdragskommentar.objects.create(
        uppdrag=open_one, ar=2025, kommentar="Påbörjat.", status="pagar"
    )
    Uppdragskommentar.objects.create(
        uppdrag=open_one, ar=2026, kommentar="Halvvägs.", status="pagar"
    )

    every = rows(client.get(CSV_UPPDRAG))
    finished = rows(client.get(CSV_UPPDRAG, {"status": Uppdrag.Status.GENOMFORT}))

    assert {r["Uppdrag"] for r in every} == {"Utred skolskjutsen", "Se över hemtjänsten"}
    hemtjanst = next(r for r in every if r["Uppdrag"] == "Se över hemtjänsten")
    assert (hemtjanst["Senaste kommentarens period"], hemtjanst["Senaste kommentar"]) == (
        "2026",
        "Halvvägs.",
    )
    assert hemtjanst["Mål"] == ""  # a draft goal's title is not public
    assert hemtjanst["Adress"] == f"http://testserver/mal/uppdrag/{open_one.pk}/"
    assert [(r["Uppdrag"], r["Mål"], r["Status"]) for r in finished] == [
        ("Utred skolskjutsen", "Alla barn ska nå målen", done.get_status_display())
    ]
    refused = client.get(CSV_UPPDRAG, {"status": "kanske"})
    assert refused.status_code == 400
    assert "Status: Välj ett giltigt alternativ." in refused.content.decode()


def test_comparison_csv_has_a_column_per_period_as_the_table_shows_it(client, org):
    period = MandatperiodFactory(start_ar=2023, slut_ar=2026)
    goal = MalFactory(agare=org["bun"], titel="Fler elever klarar kraven", mandatperiod=period)
    BedomningFactory(mal=goal, ar=2024, utfall=Utfall.DELVIS)
    MalFactory(agare=org["bun"], titel="Hemligt målutkast", status=Mal.Status.UTKAST)
    params = {"organ": org["bun"].pk, "per": "ar"}

    page = client.get("/mal/jamforelse/", params)
    response = client.get(CSV_JAMFORELSE, params)
    found = rows(response)

    years = [p.label for p in page.context["periods"]]
    text = body(client.get(CSV_JAMFORELSE, params)).removeprefix("\ufeff")
    assert text.splitlines()[0] == ";".join(["Mål", "Nummer", "Ägare", *years, "Adress"])
    assert [r["Mål"] for r in found] == ["Fler elever klarar kraven"]
    assert found[0]["2024"] == "Delvis uppfyllt"
    assert found[0][years[-1]] in ("Underlag saknas", "Ej bedömt")
    refused = client.get(CSV_JAMFORELSE, {"per": "vecka"})
    assert refused.status_code == 400
    assert "Jämför per: Välj ett giltigt alternativ." in refused.content.decode()


# --- Links from the lists -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "params", "link"),
    [
        ("/dokument/forfattningssamling/", {"upphavda_sida": "2"}, CSV_KFS),
        ("/organisation/", {"visa": "alla", "sida": "1"}, f"{CSV_ORG}?visa=alla"),
        ("/uppfoljning/", {"ar": "2025"}, f"{CSV_RAPPORTER}?ar=2025"),
        ("/mal/uppdrag/", {"status": "pagar"}, f"{CSV_UPPDRAG}?status=pagar"),
        ("/mal/jamforelse/", {"per": "tertial"}, f"{CSV_JAMFORELSE}?per=tertial"),
    ],
)
def test_each_list_links_its_csv_with_its_query(client, org, page, params, link):
    html = client.get(page, params).content.decode()

    assert f'<a class="csv-lank" href="{link}" download>Ladda ner som CSV</a>' in html


# --- Hostile input ------------------------------------------------------------------------------

HOSTILE = [
    str(2**64 + 1),
    str(-(2**63) - 1),
    "10000",
    "0001-01-01",
    "a\x00b\x1b[2J",
    "x" * 10_000,
    "\u202eÅäö 𝔘\ufeff",
    ["1", str(2**70)],
    "",
    "-1",
    "1.5",
    "hemlig",
    '"; DROP TABLE dokument; --',
]
FILTERS = {
    CSV_DOKUMENT: ["q", "typ", "organ", "omfattar", "status", "ar", "sortering", "sida"],
    CSV_KFS: ["sida", "upphavda_sida"],
    CSV_ORG: ["visa", "sida"],
    CSV_RAPPORTER: ["organ", "typ", "ar", "sida"],
    CSV_UPPDRAG: ["status", "sida"],
    CSV_JAMFORELSE: ["organ", "per", "ar"],
}


@pytest.mark.parametrize("url", list(FILTERS))
def test_no_hostile_filter_value_breaks_a_download(client, org, url):
    """The hostile-input walk of every page cannot read a streamed file: here every filter of
    every download gets each hostile value and the whole file is read (an error while
    streaming would be a broken download behind a 200)."""
    dokument(org["bun"], "Riktlinjer för skolskjuts")
    antagen_rapport(org["bun"], antagen_av=org["kf"])

    for name in FILTERS[url]:
        for value in HOSTILE:
            response = client.get(url, {name: value})

            assert response.status_code in (200, 400), (name, value)
            if response.status_code == 200:
                assert rows(response) is not None
            else:
                assert "Filtret kunde inte användas" in response.content.decode()
