"""Swedish search on both databases: compounds, hyphenated coordinations, ranking, the help
when nothing is found, and the index kept in step with the services."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dokument import search, services
from dokument.models import Dokumentversion
from dokument.queries import published_documents
from tests.dokument.conftest import header

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL")
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 index")


@pytest.fixture
def doc(make_dokument):
    """A published document (through the services) with the given body."""

    def make(text, titel="Riktlinje"):
        return make_dokument(titel=titel, text=text)

    return make


def _found(q):
    return [d.pk for d in search.search_documents(published_documents(), q)]


# --- Inflections: the example ---------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "searched"),
    [("medborgarkontrakt", "medborgarkontraktet"), ("medborgarkontraktet", "medborgarkontrakt")],
)
def test_definite_and_indefinite_forms_find_each_other(doc, stored, searched):
    wanted = doc(f"Kommunen tecknar ett {stored} med invånarna.")
    doc("Kommunen tecknar avtal om trafik.")

    assert _found(searched) == [wanted.pk]


# --- Hyphenated coordinations ---------------------------------------------------------------------

COORDINATIONS = [
    ("Gäller all skol- och förskoleverksamhet i kommunen.", "skolverksamhet"),
    ("Gäller all skol- och förskoleverksamhet i kommunen.", "förskoleverksamheten"),
    ("Beslutas av barn- och ungdomsnämnden.", "barnnämnden"),
    ("Beslutas av barn- och ungdomsnämnden.", "ungdomsnämnden"),
    ("Beslutas av hälso-, sjukvårds- och omsorgsnämnden.", "sjukvårdsnämnd"),
    ("Beslutas av hälso-, sjukvårds- och omsorgsnämnden.", "hälsonämnden"),
    ("Gäller natur- eller kulturreservat.", "naturreservatet"),
    ("Om idrotts- och fritidsanläggningar.", "idrottsanläggning"),
    ("Om gång- och cykelvägar i centrum.", "gångvägarna"),
]


@pytest.mark.parametrize(("text", "searched"), COORDINATIONS)
def test_a_compound_finds_its_hyphenated_coordination(doc, text, searched):
    wanted = doc(text)
    doc("Om parkering och snöröjning.")

    assert _found(searched) == [wanted.pk]


def test_coordination_expands_every_first_part():
    compounds = search.coordinated_compounds("hälso-, sjukvårds- och omsorgsnämnden")

    assert {"hälsonämnden", "sjukvårdsnämnden"} <= set(compounds)
    assert search.coordinated_compounds("Skolan och förskolan, e-tjänster - och mer") == []


@pytest.mark.postgres
@on_postgresql
def test_postgresql_expands_coordinations_as_python_does(db):
    text = (
        "Skol- och förskoleverksamhet, barn- eller ungdomsnämnden, "
        "hälso-, sjukvårds- samt omsorgsnämnden; gång- och cykelvägar"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT styrning_sv_samordning(%s)", [text])
        (expanded,) = cursor.fetchone()

    assert sorted(expanded.split()) == sorted(search.coordinated_compounds(text))


# --- Compounds a word begins or ends ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "searched"),
    [
        ("Skolplanen gäller i tre år.", "skola"),  # PostgreSQL's Hunspell missed this
        ("Vattenförsörjningen ska tryggas.", "vatten"),
        ("Samverkansavtalet förnyas.", "avtal"),
        ("Renhållningstaxan höjs.", "taxa"),
        ("Kulturnämnden beslutar.", "nämnd"),
    ],
)
def test_a_word_finds_the_compounds_it_begins_or_ends(doc, text, searched):
    wanted = doc(text)
    doc("Om parkering och snöröjning.")

    assert _found(searched) == [wanted.pk]


@pytest.mark.parametrize(
    ("exact_text", "compound_text", "searched"),
    [
        ("Planen för året gäller.", "Skolplanen för året gäller.", "plan"),
        ("Skolan för året gäller.", "Skolplanen för året gäller.", "skola"),
    ],
)
def test_the_word_itself_ranks_above_the_compounds(doc, exact_text, compound_text, searched):
    compound = doc(compound_text)
    exact = doc(exact_text)

    assert _found(searched) == [exact.pk, compound.pk]


@on_sqlite
def test_short_words_find_only_themselves(doc):
    """Within reason: a stem shorter than AFFIX_MIN letters is no beginning or end of a
    compound ("lag" would otherwise find "skollagen" and "underlaget")."""
    own = doc("En lag om skolor.")
    doc("Enligt skollagen och underlaget.")

    assert _found("lag") == [own.pk]


# --- When nothing is found ----------------------------------------------------------------------


def test_no_hit_help_offers_the_nearest_words_as_written(doc):
    doc("Kommunen tecknar ett medborgarkontrakt. Medborgarkontraktet gäller i fyra år.")
    doc("Om medicinsk fotvård.")

    help_ = search.no_hit_help(published_documents(), "medborgarkontrackt")

    assert _found("medborgarkontrackt") == []
    assert help_.fraga == "medborgarkontrackt"
    assert help_.forslag == ["medborgarkontrakt", "medborgarkontraktet"]


def test_no_hit_help_never_offers_words_of_unpublished_versions(
    doc, make_dokument, administrator, org
):
    published = doc("Medborgarkontraktet gäller.")
    make_dokument(text="Medborgarkontrakten hemliga utkast.", publish=False)
    ny = services.revidera_dokument(
        user=administrator,
        dokument=published,
        data=header(
            text="Medborgarkontraktsförslaget är inte beslutat.",
            faststalld_av=org["bun"],
            beslutsdatum=datetime.date(2025, 2, 1),
        ),
    )
    assert ny.status == Dokumentversion.Status.FASTSTALLD

    help_ = search.no_hit_help(published_documents(), "medborgarkontrackt")

    assert help_.forslag == ["medborgarkontraktet"]


def test_list_page_without_hits_suggests_words_and_a_shorter_form(client, doc):
    doc("Medborgarkontraktet gäller i fyra år.")

    response = client.get(reverse("dokument:lista"), {"q": "medborgarkontrackt"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Sökningen på <strong>medborgarkontrackt</strong> gav ingen träff." in page
    assert '<a href="?q=medborgarkontraktet">Sök på ”medborgarkontraktet”</a>' in page
    assert "Pröva en kortare form av ordet" in page


def test_list_page_with_hits_gives_no_advice(client, doc):
    doc("Medborgarkontraktet gäller i fyra år.")

    response = client.get(reverse("dokument:lista"), {"q": "medborgarkontrakt"})

    assert "gav ingen träff" not in response.content.decode()


def test_list_page_without_hits_runs_the_same_queries_for_1_and_30_documents(client, doc):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("dokument:lista"), {"q": "medborgarkontrackt"})
        assert "gav ingen träff" in response.content.decode()
        return len(captured)

    doc("Medborgarkontraktet 0 gäller.")
    with_one = queries()
    for i in range(1, 30):
        doc(f"Medborgarkontraktet {i} gäller, och medborgardialogen {i}.")

    assert queries() == with_one


# --- The index follows the services -------------------------------------------------------------


def test_index_follows_register_publish_and_revise(make_dokument, administrator, org):
    dokument = make_dokument(text="Om trafiksäkerheten vid skolorna.", publish=False)
    assert _found("trafiksäkerhet") == []

    services.publicera_version(
        user=administrator, version=dokument.versioner.get(), bekraftat_personnummer=True
    )
    assert _found("trafiksäkerhet") == [dokument.pk]

    ny = services.revidera_dokument(
        user=administrator,
        dokument=dokument,
        data=header(
            text="Om vinterväghållningen.",
            faststalld_av=org["bun"],
            beslutsdatum=datetime.date(2025, 2, 1),
        ),
    )
    assert (_found("trafiksäkerhet"), _found("vinterväghållning")) == ([dokument.pk], [])

    services.publicera_version(user=administrator, version=ny, bekraftat_personnummer=True)
    assert (_found("trafiksäkerhet"), _found("vinterväghållning")) == ([], [dokument.pk])


def test_index_forgets_a_deleted_version(doc):
    dokument = doc("Om vinterväghållningen.")
    version = dokument.versioner.get()
    Dokumentversion.objects.filter(pk=version.pk).update(ar_aktuell=False)

    assert _found("vinterväghållning") == []


def _sqlite_index_is_sound():
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}) VALUES ('integrity-check')"
        )
        cursor.execute(f"SELECT count(*) FROM {search.FTS_TABLE}_docsize")
        indexed = cursor.fetchone()[0]
    return indexed == Dokumentversion.objects.filter(ar_aktuell=True).count()


@on_sqlite
def test_sqlite_index_stays_sound_through_edits_and_deletes(doc):
    """The index keeps no copy of the text: a row leaves it with the stems recomputed from the
    old row, which must be exactly those it went in with."""
    first = doc("Om vinterväghållningen och skol- och förskoleverksamhet.")
    second = doc("Om snöröjningen.")
    Dokumentversion.objects.filter(dokument=first).update(text="Om sandningen.")
    Dokumentversion.objects.filter(dokument=second).delete()

    assert (_found("sandning"), _found("snöröjning"), _found("vinterväghållning")) == (
        [first.pk],
        [],
        [],
    )
    assert _sqlite_index_is_sound()


@on_sqlite
def test_sqlite_index_is_rebuilt_when_the_stemming_changes(doc):
    dokument = doc("Om vinterväghållningen.")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {search.FTS_FINGERPRINT_TABLE} SET fingeravtryck = 'äldre'")

    assert search.ensure_sqlite_index() is True
    assert _found("vinterväghållning") == [dokument.pk]
    assert _sqlite_index_is_sound()
    assert search.ensure_sqlite_index() is False


@on_sqlite
def test_index_triggers_come_back_after_a_table_rebuild(doc):
    """Django's SQLite schema editor rebuilds a table to alter it, which drops its triggers;
    the post_migrate receiver puts them back and rebuilds the index."""
    dokument = doc("Om vinterväghållningen.")
    with connection.cursor() as cursor:
        for name in search.SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    Dokumentversion.objects.filter(dokument=dokument).update(text="Om snöröjningen.")
    assert _found("snöröjning") == []

    assert search.ensure_sqlite_index() is True
    assert (_found("snöröjning"), _found("vinterväghållning")) == ([dokument.pk], [])
    Dokumentversion.objects.filter(dokument=dokument).update(text="Om sandningen.")
    assert _found("sandning") == [dokument.pk]
    assert search.ensure_sqlite_index() is False
