"""The one search at /sok/: documents, goals and adopted reports in one ranked list, on both
databases, never anything the public may not read."""

import importlib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dokument.models import Dokument, Dokumenttyp, Dokumentversion
from dokument.queries import published_documents
from dokument.search import search_documents, uses_hunspell
from insyn import sok
from mal.models import Mal
from tests.factories import OrganisationFactory
from tests.mal.factories import MalFactory
from tests.uppfoljning.test_utdata import exempel_innehall, frys, rapport_for
from uppfoljning.models import Rapport, Rapportversion

SOK = "/sok/"
_HIT = re.compile(r'<span class="tag">(Dokument|Mål|Rapport)</span> <a href="([^"]+)">')


@pytest.fixture
def policy(db):
    return Dokumenttyp.objects.create(
        namn="Policy", namn_plural="Policyer", rang=60, antas_av_typer=["kommunfullmaktige"]
    )


@pytest.fixture
def make_document(org, policy):
    """A document whose version 1 has the title and text; published and current unless
    `status` says otherwise."""

    def make(titel, text="", status=Dokumentversion.Status.PUBLICERAD):
        published = status == Dokumentversion.Status.PUBLICERAD
        dokument = Dokument.objects.create(
            typ=policy,
            agare=org["kf"],
            status=Dokument.Status.GALLANDE if published else Dokument.Status.UTKAST,
        )
        Dokumentversion.objects.create(
            dokument=dokument,
            versionsnummer=1,
            status=status,
            ar_aktuell=published,
            titel=titel,
            text=text,
            faststalld_av=org["kf"],
        )
        return dokument

    return make


@pytest.fixture
def make_goal(org):
    def make(titel, beskrivning="", status=Mal.Status.ANTAGET):
        return MalFactory(titel=titel, beskrivning=beskrivning, agare=org["kf"], status=status)

    return make


@pytest.fixture
def make_report(org):
    """A report of its own organisation whose first section holds `text`, frozen as `slag`
    (an adopted report by default)."""

    def make(text, *, status=Rapport.Status.ANTAGEN, slag=Rapportversion.Slag.ANTAGEN):
        organisation = OrganisationFactory(overordnad=org["kf"])
        rapport = rapport_for(organisation, status=status, antagen_av=org["kf"])
        if slag is not None:
            innehall = exempel_innehall()
            innehall["avsnitt"][0]["text"] = text
            frys(rapport, innehall, slag=slag)
        return rapport

    return make


def hits(client, q, **params) -> list[tuple[str, str]]:
    """The hits of a search as (kind, link), in the page's order."""
    response = client.get(SOK, {"q": q, **params})
    assert response.status_code == 200
    return _HIT.findall(response.content.decode())


def doc_link(dokument) -> tuple[str, str]:
    return ("Dokument", f"/dokument/{dokument.pk}/")


def goal_link(mal) -> tuple[str, str]:
    return ("Mål", f"/mal/{mal.pk}/")


def report_link(rapport) -> tuple[str, str]:
    return ("Rapport", f"/uppfoljning/rapporter/{rapport.pk}/las/")


# --- Each kind, and its words --------------------------------------------------------------------


def test_each_kind_is_found_by_a_word_in_its_text(client, make_document, make_goal, make_report):
    dokument = make_document("Riktlinje", text="Om stadsbibliotekets öppettider.")
    mal = make_goal("Ett mål", beskrivning="Alla ska nå simhallen inom en kvart.")
    rapport = make_report("Badhuset renoverades under våren.")

    assert hits(client, "stadsbibliotekets") == [doc_link(dokument)]
    assert hits(client, "simhallen") == [goal_link(mal)]
    assert hits(client, "badhuset") == [report_link(rapport)]


def test_a_hit_shows_its_kind_title_and_marked_context(client, make_goal):
    make_goal("Trygg skolväg", beskrivning="Fler barn ska cykla till skolan på säkra cykelbanor.")

    html = client.get(SOK, {"q": "cykelbanor"}).content.decode()

    assert '<span class="tag">Mål</span> <a href="/mal/' in html
    assert "Trygg skolväg</a>" in html
    assert "på säkra <mark>cykelbanor</mark>" in html
    assert "1 träff<" in html


def test_stemming_finds_every_kind(client, make_document, make_goal, make_report):
    dokument = make_document("Riktlinje", text="Varje skola har en plan.")
    mal = make_goal("Ett mål", beskrivning="Varje skola ska ha ett bibliotek.")
    rapport = make_report("Två skola fick nya lokaler.")
    make_goal("Annat mål", beskrivning="Om vägar och broar.")

    found = hits(client, "skolor")

    assert sorted(found) == sorted([doc_link(dokument), goal_link(mal), report_link(rapport)])


def test_compounds_are_found_in_every_kind(client, make_document, make_goal, make_report):
    dokument = make_document("Riktlinje", text="Här finns skolplanen.")
    mal = make_goal("Ett mål", beskrivning="Skolplanen ska följas.")
    rapport = make_report("Skolplanen reviderades.")

    for q in ("plan", "skola"):
        found = hits(client, q)
        assert sorted(found) == sorted(
            [doc_link(dokument), goal_link(mal), report_link(rapport)]
        ), q


def test_every_word_of_the_query_must_be_found(client, make_goal):
    both = make_goal("Ett mål", beskrivning="Trafiken vid skolan ska bli lugnare.")
    make_goal("Annat mål", beskrivning="Trafiken i centrum.")

    assert hits(client, "trafik skola") == [goal_link(both)]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's Hunspell dictionary")
def test_hunspell_inflections_reach_goals_and_reports(client, make_goal, make_report):
    if not uses_hunspell():
        pytest.skip("the server lacks the Swedish Hunspell dictionary")
    mal = make_goal("Ett mål", beskrivning="Föräldrarna ska känna sig delaktiga.")
    rapport = make_report("Föräldrarna svarade på enkäten.")

    assert sorted(hits(client, "förälder")) == sorted([goal_link(mal), report_link(rapport)])


# --- Never what is not public ------------------------------------------------------------------


def test_drafts_and_unadopted_material_are_never_found(
    client, org, make_document, make_goal, make_report
):
    # Published counterparts with the shared word "kontrollord", so the search is shown to work.
    published = make_document("Publicerad", text="kontrollord")
    adopted_goal = make_goal("Antaget", beskrivning="kontrollord")
    adopted_report = make_report("kontrollord")
    # A published document whose new draft version holds a unique word.
    dokument = make_document("Publicerad med utkast", text="Ingenting särskilt.")
    Dokumentversion.objects.create(
        dokument=dokument,
        versionsnummer=2,
        status=Dokumentversion.Status.UTKAST,
        titel="Utkast",
        text="zebrafinkar kontrollord",
    )
    make_document("Bara utkast", text="kolibrier kontrollord", status=Dokumentversion.Status.UTKAST)
    make_goal("Målutkast", beskrivning="pelikaner kontrollord", status=Mal.Status.UTKAST)
    make_report("flamingor kontrollord", status=Rapport.Status.UTKAST, slag=None)
    make_report(
        "flamingor kontrollord",
        status=Rapport.Status.INLAMNAD,
        slag=Rapportversion.Slag.INLAMNAD,
    )
    make_report(
        "flamingor kontrollord", status=Rapport.Status.GODKAND, slag=Rapportversion.Slag.INLAMNAD
    )
    # Said adopted, but only its submitted version frozen.
    make_report(
        "flamingor kontrollord", status=Rapport.Status.ANTAGEN, slag=Rapportversion.Slag.INLAMNAD
    )

    for word in ("zebrafinkar", "kolibrier", "pelikaner", "flamingor"):
        assert hits(client, word) == [], word
    assert sorted(hits(client, "kontrollord")) == sorted(
        [doc_link(published), goal_link(adopted_goal), report_link(adopted_report)]
    )


def test_a_report_is_searched_in_its_latest_adopted_version(client, make_report):
    rapport = make_report("Den första versionen nämner ekorrar.")
    innehall = exempel_innehall()
    innehall["avsnitt"][0]["text"] = "Den rättade versionen nämner igelkottar."
    frys(rapport, innehall, nummer=2, slag=Rapportversion.Slag.ANTAGEN)
    # A later submitted version (the report reopened) is not public.
    innehall["avsnitt"][0]["text"] = "Ett nytt utkast nämner grävlingar."
    frys(rapport, innehall, nummer=3, slag=Rapportversion.Slag.INLAMNAD)

    assert hits(client, "igelkottar") == [report_link(rapport)]
    assert hits(client, "ekorrar") == []
    assert hits(client, "grävlingar") == []


# --- Ranking --------------------------------------------------------------------------------------


def test_a_title_hit_comes_before_a_body_hit_of_another_kind(
    client, make_document, make_goal, make_report
):
    in_body = make_document("Riktlinje", text="Om cykelparkering vid stationen.")
    in_title = make_goal("Mer cykelparkering", beskrivning="Vid alla skolor.")
    in_report = make_report("Cykelparkering byggdes vid två skolor.")
    doc_in_title = make_document("Cykelparkering vid stationen", text="Om ställ och tak.")
    goal_in_body = make_goal("Hållbart resande", beskrivning="Bättre cykelparkering.")

    found = hits(client, "cykelparkering")

    titles, bodies = found[:2], found[2:]
    assert sorted(titles) == sorted([goal_link(in_title), doc_link(doc_in_title)])
    assert sorted(bodies) == sorted(
        [doc_link(in_body), report_link(in_report), goal_link(goal_in_body)]
    )


def test_documents_come_in_the_document_search_order(client, make_document, make_goal):
    for titel, text in [
        ("Lokalplan", "Om lokaler för lokalerna och lokal."),
        ("Riktlinje för lokaler", "Text."),
        ("Annat", "Ett ord om lokalen."),
        ("Lokalförsörjning", "Lokalerna räcker."),
    ]:
        make_document(titel, text=text)
    make_goal("Lokaler", beskrivning="Lokalerna ska räcka.")

    found = [link for kind, link in hits(client, "lokal") if kind == "Dokument"]

    expected = [f"/dokument/{d.pk}/" for d in search_documents(published_documents(), "lokal")]
    assert len(expected) == 4
    assert found == expected


# --- The kind filter, empty and hostile queries, pages -----------------------------------------


def test_the_kind_filter_shows_only_the_kinds_chosen(client, make_document, make_goal, make_report):
    dokument = make_document("Riktlinje", text="Om ekologisk mat.")
    mal = make_goal("Ett mål", beskrivning="Mer ekologisk mat.")
    rapport = make_report("Andelen ekologisk mat steg.")

    assert hits(client, "ekologisk", slag="mal") == [goal_link(mal)]
    assert sorted(hits(client, "ekologisk", slag=["dokument", "rapport"])) == sorted(
        [doc_link(dokument), report_link(rapport)]
    )
    assert len(hits(client, "ekologisk")) == 3


def test_an_empty_query_asks_for_words_and_finds_nothing(client, make_goal):
    make_goal("Ett mål", beskrivning="Något.")

    for params in ({}, {"q": ""}, {"q": "   "}, {"q": '" " ()'}):
        response = client.get(SOK, params)
        assert response.status_code == 200
        assert _HIT.findall(response.content.decode()) == []
    assert "Skriv ett eller flera ord" in client.get(SOK).content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "skola " * 1000}, "Sökningen får vara högst 200 tecken"),
        ({"q": "skola\x00"}, "Null-tecken är inte tillåtna"),
        ({"q": "skola\x01"}, "otillåtet tecken"),
        ({"q": "skola\u202e"}, "otillåtet tecken"),
        ({"q": "skola", "slag": "hemligt"}, "Välj bland dokument, mål och rapporter"),
    ],
)
def test_a_hostile_query_gets_a_clear_answer(client, make_goal, params, message):
    make_goal("Skola", beskrivning="Skola.")

    response = client.get(SOK, params)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert _HIT.findall(response.content.decode()) == []


@pytest.mark.parametrize(
    "q",
    [
        "skola & | ! : * ( ) < > ' \\",
        "'skola':* | '<loks':*",
        "a" * 200,
        "ä" * 199,
        "skol- och förskoleverksamhet",
        "NEAR(skola plan) OR titel:skola",
        "12345 2025-01-01 § 34",
    ],
)
def test_odd_queries_are_searched_without_an_error(client, make_document, make_goal, q):
    make_document("Skolplan", text="Skola och förskoleverksamhet.")
    make_goal("Skola", beskrivning="Skola.")

    response = client.get(SOK, {"q": q})

    assert response.status_code == 200


def test_hits_are_paginated(client, make_goal):
    for n in range(sok_per_page() + 5):
        make_goal(f"Mål {n}", beskrivning="Om strandskydd.")

    first = client.get(SOK, {"q": "strandskydd"}).content.decode()
    second = client.get(SOK, {"q": "strandskydd", "sida": "2"}).content.decode()

    assert len(_HIT.findall(first)) == sok_per_page()
    assert len(_HIT.findall(second)) == 5
    assert set(_HIT.findall(first)).isdisjoint(_HIT.findall(second))
    assert f"{sok_per_page() + 5} träffar" in first
    assert "?q=strandskydd&amp;sida=2" in first


def sok_per_page() -> int:
    from insyn.views_sok import PER_PAGE

    return PER_PAGE


@pytest.mark.parametrize("each", [1, 6])
def test_search_runs_a_fixed_number_of_queries(client, make_document, make_goal, make_report, each):
    for n in range(each):
        make_document(f"Riktlinje {n}", text="Om vattenskydd.")
        make_goal(f"Mål {n}", beskrivning="Om vattenskydd.")
        make_report(f"Vattenskydd {n}.")

    with CaptureQueriesContext(connection) as queries:
        response = client.get(SOK, {"q": "vattenskydd"})

    assert response.status_code == 200
    assert len(_HIT.findall(response.content.decode())) == min(3 * each, sok_per_page())
    # Three ranked lists, then the page: documents (and their current versions), goals, reports
    # (a kind not on the page is not asked for: fewer queries, never more).
    assert len(queries) == 7, [q["sql"][:120] for q in queries.captured_queries]


def test_search_module_caps_each_kind(monkeypatch, make_goal):
    monkeypatch.setattr(sok, "CANDIDATES", 3)
    for n in range(5):
        make_goal(f"Mål {n}", beskrivning="Om dagvatten.")

    resultat = sok.search("dagvatten")

    assert len(resultat) == 3
    assert resultat.fler_an is True


def test_the_header_search_box_on_every_page_leads_here(client, db):
    html = client.get("/dokument/").content.decode()

    form = re.search(
        r'<form class="site-search" role="search" method="get" action="([^"]+)">(.*?)</form>',
        html,
        re.S,
    )
    assert form and form.group(1) == SOK
    assert '<label for="sidsok-q"' in form.group(2)
    assert '<input id="sidsok-q" type="search" name="q"' in form.group(2)


def test_no_hit_offers_the_nearest_words_of_the_documents(client, make_document):
    make_document("Riktlinje", text="Om medborgarkontraktet.")

    html = client.get(SOK, {"q": "medborgarkontrackt"}).content.decode()

    assert "gav ingen träff" in html
    assert "Sök på ”medborgarkontraktet”" in html


# --- The stored vectors (PostgreSQL) -------------------------------------------------------------


def _migration(name: str):
    return importlib.import_module(name)


def test_the_report_migration_reads_the_texts_the_module_names():
    """uppfoljning 0002 copies `REPORT_TEXT_PATHS` as jsonpaths: the two lists must agree."""
    copied = _migration("uppfoljning.migrations.0002_sokvektor").REPORT_TEXT_PATHS
    steps = [
        ".".join("[*]" if step == "*" else f'"{step}"' for step in path)
        for path in sok.REPORT_TEXT_PATHS
    ]
    assert copied == ["$." + path.replace(".[*]", "[*]") for path in steps]


def _document_vector(titel: str, text: str):
    """The vector a document version with this title and text stores (dokument 0005)."""
    vector_sql = _migration("dokument.migrations.0005_sok_svenska").VECTOR_SQL
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ({vector_sql})::text FROM (SELECT %s::text AS titel, "
            "''::text AS diarienummer, %s::text AS text, ''::text AS fil_text) AS v",
            [titel, text],
        )
        return cursor.fetchone()[0]


def _stored_vector(table: str, pk: int):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT sokvektor::text FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's stored vectors")
def test_stored_goal_and_report_vectors_are_built_as_a_document_versions(make_goal, make_report):
    mal = make_goal(
        "Trygga barn- och ungdomsnämnden",
        beskrivning="Skolplanen följs. Föräldrarna ska känna sig delaktiga i förskolan.",
    )
    Mal.objects.filter(pk=mal.pk).update(
        nummer="1.2", krav_uppfyllt="Enkäten visar 80 %.", uppfoljning="Årligen, i delårsrapporten."
    )
    mal.refresh_from_db()
    rapport = make_report("Vård- och omsorgsnämnden renoverade badhuset.")
    antagen = rapport.versioner.get(slag=Rapportversion.Slag.ANTAGEN)
    inlamnad = frys(rapport, exempel_innehall(), slag=Rapportversion.Slag.INLAMNAD)

    goal_vector = _stored_vector("mal_mal", mal.pk)
    assert "'<nalploks'" in goal_vector  # the end of a compound is there at all
    assert goal_vector == _document_vector(
        f"{mal.titel} {mal.nummer}",
        f"{mal.beskrivning} {mal.krav_uppfyllt} {mal.uppfoljning}",
    )
    snapshot = antagen.innehall["rapport"]
    assert _stored_vector("uppfoljning_rapportversion", antagen.pk) == _document_vector(
        f"{snapshot['typ_namn']} {snapshot['organisation']['namn']}",
        sok.report_text(antagen.innehall),
    )
    # The public never sees a submitted version: it is not indexed.
    assert _stored_vector("uppfoljning_rapportversion", inlamnad.pk) is None


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's stored vectors")
def test_a_changed_goal_is_found_by_its_new_words_at_once(client, make_goal):
    mal = make_goal("Ett mål", beskrivning="Fler ska cykla till jobbet.")
    assert hits(client, "cykla") == [goal_link(mal)]

    mal.beskrivning = "Fler ska åka kollektivt till jobbet."
    mal.save()

    assert hits(client, "kollektivt") == [goal_link(mal)]
    assert hits(client, "cykla") == []


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's stored vectors")
def test_the_stored_vectors_have_gin_indexes(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexdef FROM pg_indexes WHERE indexname IN "
            "('mal_sokindex', 'uppfoljning_sokindex') ORDER BY tablename"
        )
        found = cursor.fetchall()
    assert [table for table, _ in found] == ["mal_mal", "uppfoljning_rapportversion"]
    assert all("USING gin (sokvektor)" in definition for _, definition in found)
