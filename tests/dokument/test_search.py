"""Document search: one Swedish full-text search on PostgreSQL (Hunspell) and SQLite (FTS5 with
Snowball). More in test_search_svenska.py."""

import importlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dokument.models import Dokument, Dokumenttyp, Dokumentversion
from dokument.queries import published_documents
from dokument.search import (
    first_match_in_context,
    marked_to_html,
    search_documents,
    uses_hunspell,
)

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL full-text search"
)
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite FTS5 index")


@pytest.fixture
def policy(db):
    return Dokumenttyp.objects.create(
        namn="Policy", namn_plural="Policyer", rang=60, antas_av_typer=["kommunfullmaktige"]
    )


@pytest.fixture
def make_document(org, policy):
    """A published document whose current version has the given title and texts."""

    def make(titel, text="", fil_text="", status=Dokumentversion.Status.PUBLICERAD):
        dokument = Dokument.objects.create(
            typ=policy,
            agare=org["kf"],
            status=Dokument.Status.GALLANDE
            if status == Dokumentversion.Status.PUBLICERAD
            else Dokument.Status.UTKAST,
        )
        Dokumentversion.objects.create(
            dokument=dokument,
            versionsnummer=1,
            status=status,
            ar_aktuell=status == Dokumentversion.Status.PUBLICERAD,
            titel=titel,
            text=text,
            fil_text=fil_text,
        )
        return dokument

    return make


def _found(q):
    return [d.pk for d in search_documents(published_documents(), q)]


# --- Swedish inflections, on both databases ---------------------------------------------------

# (the form in the document, the form searched for). PostgreSQL's plain `swedish` stemmer
# misses most of these; the Hunspell dictionary brings definite, plural and compound forms
# to a common lexeme. On SQLite, Snowball's stems of the word and of the word without a
# definite ending, and prefix queries on them, do the same.
INFLECTION_PAIRS = [
    # definite forms
    ("styrdokumentet", "styrdokument"),
    ("skolan", "skola"),
    ("förskolan", "förskola"),
    ("policyn", "policy"),
    ("beslutet", "beslut"),
    ("reglementet", "reglemente"),
    ("programmet", "program"),
    ("ledningssystemet", "ledningssystem"),
    ("arbetsmiljön", "arbetsmiljö"),
    ("biblioteket", "bibliotek"),
    ("strategin", "strategi"),
    ("vattnet", "vatten"),
    ("utskottet", "utskott"),
    ("ansvaret", "ansvar"),
    ("elevhälsan", "elevhälsa"),
    # plural forms
    ("föräldrarna", "förälder"),
    ("nämnderna", "nämnd"),
    ("riktlinjerna", "riktlinje"),
    ("taxorna", "taxa"),
    ("förvaltningarna", "förvaltning"),
    ("avgifterna", "avgift"),
    # compounds: a part of the word finds it
    ("skolplanen", "plan"),
    ("miljöplanen", "miljö"),
    ("ekonomistyrningen", "styrning"),
    ("styrdokumenten", "dokument"),
    ("personalpolicyn", "policy"),
    # the other way round: the base form in the document, an inflected form searched for
    ("styrdokument", "styrdokumentet"),
    ("skola", "skolan"),
]


@pytest.mark.postgres
@on_postgresql
def test_search_configuration_uses_the_hunspell_dictionary(db):
    assert uses_hunspell() is True


@pytest.mark.parametrize(("stored", "searched"), INFLECTION_PAIRS)
def test_search_finds_inflected_forms(make_document, stored, searched):
    if connection.vendor == "postgresql" and not uses_hunspell():
        pytest.skip("the server lacks the Swedish Hunspell dictionary")
    wanted = make_document("Riktlinje", text=f"Här står ordet {stored} mitt i en mening.")
    make_document("Annat", text="Här står något helt annat om trafik.")

    assert _found(searched) == [wanted.pk]


@pytest.mark.postgres
@on_postgresql
def test_plain_swedish_stemmer_misses_what_the_search_finds(db):
    """The reason for the dictionary: most pairs do not meet through `swedish` alone."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM unnest(%s::text[], %s::text[]) AS p(a, b) "
            "WHERE to_tsvector('swedish', p.a) @@ plainto_tsquery('swedish', p.b)",
            [[a for a, _ in INFLECTION_PAIRS], [b for _, b in INFLECTION_PAIRS]],
        )
        plain_matches = cursor.fetchone()[0]

    assert plain_matches <= len(INFLECTION_PAIRS) // 2


def test_search_ranks_title_before_body_before_file_text(make_document):
    in_file = make_document("Riktlinje C", text="Om vägar.", fil_text="Kapitel om skolan.")
    in_body = make_document("Riktlinje B", text="Om skolan och om vägar.")
    in_title = make_document("Skolans riktlinje", text="Om vägar.")

    assert _found("skola") == [in_title.pk, in_body.pk, in_file.pk]


def test_search_requires_every_word(make_document):
    both = make_document("Plan", text="Förskolan och budgeten.")
    make_document("Plan", text="Bara förskolan.")

    assert _found("förskola budget") == [both.pk]


@pytest.mark.postgres
@on_postgresql
def test_search_snippet_highlights_the_matched_words(make_document):
    make_document("Plan", text="Alla barn i förskolan ska trivas och lära sig.")

    [result] = search_documents(published_documents(), "förskola")

    assert result.sok_utdrag == "Alla barn i <mark>förskolan</mark> ska trivas och lära sig"


@pytest.mark.postgres
@on_postgresql
def test_search_snippet_escapes_markup_in_the_body(make_document):
    make_document(
        "Plan",
        text='Skolan <script>alert("x")</script> & <b onclick="steal()">fet</b> text.',
    )

    [result] = search_documents(published_documents(), "skola")

    assert "<script" not in result.sok_utdrag
    assert "onclick" not in result.sok_utdrag
    assert result.sok_utdrag == "<mark>Skolan</mark> alert(&quot;x&quot;) &amp; fet text"


@pytest.mark.postgres
@on_postgresql
def test_stored_vector_has_a_gin_index(make_document):
    make_document("Plan", text="Förskolan.")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM dokument_dokumentversion "
            "WHERE sokvektor @@ plainto_tsquery('styrning_sv', 'förskola')"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Bitmap Index Scan on dokument_sokindex" in plan


def test_index_follows_changes_without_any_service_call(make_document):
    dokument = make_document("Plan", text="Om vägar.")
    Dokumentversion.objects.filter(dokument=dokument).update(text="Om förskolorna.")

    assert _found("förskola") == [dokument.pk]
    assert _found("väg") == []


# --- Both databases --------------------------------------------------------------------------


def test_search_skips_drafts(make_document):
    make_document("Skolplan", status=Dokumentversion.Status.UTKAST)
    published = make_document("Skolplan")

    assert _found("skolplan") == [published.pk]


def test_search_with_empty_query_returns_the_queryset_unchanged(make_document):
    make_document("Skolplan")
    queryset = published_documents()

    assert search_documents(queryset, "  ") is queryset


def test_snippet_around_the_first_match_is_escaped_and_highlighted():
    text = "Inledning. <script>alert(1)</script> Skolan & förskolan."

    html = marked_to_html(first_match_in_context("skolan", ["", text, "Titel"]))

    assert html == (
        "Inledning. &lt;script&gt;alert(1)&lt;/script&gt; <mark>Skolan</mark> &amp; förskolan."
    )


def test_snippet_is_cut_to_whole_words_around_the_match():
    text = "ord " * 50 + "skolan " + "ord " * 50

    html = marked_to_html(first_match_in_context("skolan", [text]))

    assert html == "… " + "ord " * 20 + "<mark>skolan</mark> " + " ".join(["ord"] * 20) + " …"


def test_snippet_marks_the_whole_word_the_match_is_in():
    html = marked_to_html(first_match_in_context("skola", ["Rutin för förskolans mat."]))

    assert html == "Rutin för <mark>förskolans</mark> mat."


def test_search_finds_the_case_number(make_document):
    wanted = make_document("Plan")
    Dokumentversion.objects.filter(dokument=wanted).update(diarienummer="KS 2021/1137")
    other = make_document("Plan")
    Dokumentversion.objects.filter(dokument=other).update(diarienummer="KS 2021/1138")

    assert _found("KS 2021/1137") == [wanted.pk]


# --- SQLite: the FTS5 index ------------------------------------------------------------------


def test_search_finds_words_in_title_body_and_file_text_best_first(make_document):
    """ "Bästa träff först" is the relevance, not the title (which sorted these the other way
    round before the index)."""
    by_file = make_document("Policy", fil_text="Bilaga: skolplan 2026.")
    by_body = make_document("Riktlinje", text="Gäller varje skolplan i kommunen.")
    by_title = make_document("Skolplan för Ådalen")
    make_document("Taxa", text="Avgifter för vatten.")

    assert _found("skolplan") == [by_title.pk, by_body.pk, by_file.pk]


def test_search_words_are_case_insensitive(make_document):
    both = make_document("Skolplan", text="Med budget.")
    make_document("Skolplan", text="Utan pengar.")

    assert _found("skolplan BUDGET") == [both.pk]


@on_sqlite
def test_sqlite_snippet_marks_the_inflected_form_that_was_found(make_document):
    make_document("Plan", text="Här står inget. Medborgarkontraktet gäller alla invånare.")

    [result] = search_documents(published_documents(), "medborgarkontrakt")

    assert result.sok_utdrag == (
        "Här står inget. <mark>Medborgarkontraktet</mark> gäller alla invånare."
    )


@on_sqlite
def test_sqlite_snippet_is_highlighted_and_escaped(make_document):
    make_document("Plan", text='Inledning <script>alert("x")</script> om skolplan här.')

    [result] = search_documents(published_documents(), "Skolplan")

    assert result.sok_utdrag == (
        "Inledning &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; om <mark>skolplan</mark> här."
    )


# --- The search results page -------------------------------------------------------------------


def test_search_results_page_shows_the_snippet(client, make_document):
    make_document("Plan för skolan", text="Alla skolor ska ha en plan.")

    response = client.get(reverse("dokument:lista"), {"q": "plan"})

    assert response.status_code == 200
    assert "<mark>plan</mark>" in response.content.decode()


def test_search_results_page_runs_the_same_queries_for_1_and_500_documents(client, make_document):
    def queries_for_search():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("dokument:lista"), {"q": "skolplan"})
        assert response.status_code == 200
        return len(captured), response.content.decode().count("<mark>")

    make_document("Skolplan 0", text="Om skolplanen.")
    with_one = queries_for_search()
    for i in range(1, 500):
        make_document(f"Skolplan {i}", text="Om skolplanen.")
    with_many = queries_for_search()

    assert with_many[0] == with_one[0]
    assert (with_one[1], with_many[1]) == (1, 25)


@pytest.mark.postgres
@on_postgresql
def test_configuration_falls_back_to_swedish_without_the_dictionary_files(db):
    with connection.schema_editor() as editor:
        migration = importlib.import_module("dokument.migrations.0003_sokning")
        has_ispell = migration.create_search_configuration(
            editor, config="styrning_sv_prov", dictionary="sv_saknas", dict_file="finns_inte"
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_tsvector('styrning_sv_prov', 'Skolorna'), "
            "to_tsvector('swedish', 'Skolorna'), "
            "(SELECT count(*) FROM pg_ts_dict WHERE dictname = 'sv_saknas')"
        )
        fallback, plain, dictionaries = cursor.fetchone()

    assert has_ispell is False
    assert (fallback, dictionaries) == (plain, 0)
