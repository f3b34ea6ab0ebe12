"""The one definition of the events subscriptions and feeds follow (`insyn.handelser`): which
acts count, how a selection picks them, the half-open interval, the query string, the lines."""

import datetime

import pytest
from django.http import QueryDict
from django.utils import timezone

from dokument import services
from insyn import handelser
from insyn.handelser import Urval
from styrning.actionlog import Handling, log_action
from tests.dokument.conftest import header
from tests.uppfoljning.test_publik import antagen_rapport


def _rubriker(urval, **kwargs) -> list[str]:
    return [handelser.rubrik(h) for h in handelser.handelser(urval, **kwargs)]


def _revise(dokument, user, org, *, titel, text="Ny text.", publish=True):
    latest = dokument.versioner.order_by("-versionsnummer").first().versionsnummer
    version = services.revidera_dokument(
        user=user,
        dokument=dokument,
        data=header(
            titel=titel,
            text=text,
            faststalld_av=org["bun"],
            beslutsdatum=datetime.date(2025, 1, 1),
            paragraf="§ 3",
        ),
        senaste_version=latest,
    )
    if publish:
        services.publicera_version(user=user, version=version, bekraftat_personnummer=True)
    return version


def test_new_revised_repealed_and_reviewed_documents_count(make_dokument, administrator, org):
    dokument = make_dokument(titel="Riktlinjer för skolskjuts")
    _revise(dokument, administrator, org, titel="Riktlinjer för skolskjuts, reviderade")
    services.registrera_granskning(
        user=administrator,
        dokument=dokument,
        datum=timezone.localdate(),
        utfall="aktuell",
    )
    services.upphav_dokument(
        user=administrator, dokument=dokument, datum=timezone.localdate(), beslut="BUN § 9"
    )

    assert _rubriker(Urval()) == [
        "Upphävt: Riktlinjer för skolskjuts, reviderade",
        "Prövat: Riktlinjer för skolskjuts, reviderade",
        "Reviderat: Riktlinjer för skolskjuts, reviderade (version 2)",
        "Nytt: Riktlinjer för skolskjuts (version 1)",
    ]


def test_drafts_typo_fixes_and_unpublished_adoptions_do_not_count(
    make_dokument, administrator, org
):
    utkast = make_dokument(titel="Utkast med hemligt ord", publish=False)
    dokument = make_dokument(titel="Publicerad riktlinje")
    _revise(dokument, administrator, org, titel="Nästa version", publish=False)
    services.andra_utkast(
        user=administrator,
        version=utkast.versioner.get(),
        data=header(
            titel="Nästa version, stavfel rättat",
            faststalld_av=org["bun"],
            beslutsdatum=datetime.date(2025, 1, 1),
            paragraf="§ 3",
        ),
    )

    assert _rubriker(Urval()) == ["Nytt: Publicerad riktlinje (version 1)"]
    counted = {"publicerad", "upphavd", "ersatt", "provad", "rapport_antagen"}
    assert set(handelser.RAKNADE) == counted


def test_selection_by_body_type_scope_words_and_single_document(make_dokument, org, typer):
    policy = make_dokument(typ="Policy", agare="kf", titel="Policy för inköp")
    riktlinje = make_dokument(
        typ="Riktlinje", agare="bun", titel="Riktlinjer för skolskjuts", text="Busskort och taxi."
    )
    riktlinje.versioner.get().giltighetsomrade.set([org["buf"]])

    assert _rubriker(Urval(organ=org["kf"].pk)) == ["Nytt: Policy för inköp (version 1)"]
    assert _rubriker(Urval(typ=typer["Riktlinje"].pk)) == [
        "Nytt: Riktlinjer för skolskjuts (version 1)"
    ]
    assert _rubriker(Urval(omrade=org["buf"].pk)) == ["Nytt: Riktlinjer för skolskjuts (version 1)"]
    assert _rubriker(Urval(q="busskort")) == ["Nytt: Riktlinjer för skolskjuts (version 1)"]
    assert _rubriker(Urval(dokument=policy.pk)) == ["Nytt: Policy för inköp (version 1)"]
    assert _rubriker(Urval(organ=org["kf"].pk, typ=typer["Riktlinje"].pk)) == []


def test_adopted_reports_by_body(org):
    rapport = antagen_rapport(org["bun"], antagen_av=org["bun"])
    log_action(
        user=None,
        handling=Handling.RAPPORT_ANTAGEN,
        objekt=rapport,
        organisation=rapport.organisation_id,
        data={"organ": org["bun"].pk, "version": 1},
        publik=True,
    )

    [event] = handelser.handelser(Urval(slag="rapporter", organ=org["bun"].pk))
    assert handelser.lank(event) == f"/uppfoljning/rapporter/{rapport.pk}/version/1/"
    assert handelser.rubrik(event).startswith("Antagen rapport: ")
    assert list(handelser.handelser(Urval(slag="rapporter", organ=org["sn"].pk))) == []
    assert list(handelser.handelser(Urval())) == []  # a report is not a document


def test_interval_is_half_open(make_dokument):
    dokument = make_dokument(titel="Riktlinje")
    event = handelser.handelser(Urval()).get()
    t = event.tid

    assert list(handelser.handelser(Urval(), fran=t, till=t + datetime.timedelta(seconds=1))) == [
        event
    ]
    assert list(handelser.handelser(Urval(), fran=t - datetime.timedelta(hours=1), till=t)) == []
    assert dokument.pk == event.objekt_id


def test_lank_is_the_permanent_address_of_the_version(make_dokument):
    dokument = make_dokument()
    event = handelser.handelser(Urval()).get()

    assert handelser.lank(event) == f"/dokument/{dokument.pk}/version/1/"


def test_lines_make_no_queries(make_dokument, django_assert_num_queries):
    for n in range(3):
        make_dokument(titel=f"Riktlinje {n}")
    events = list(handelser.handelser(Urval()))

    with django_assert_num_queries(0):
        lines = [(handelser.rubrik(h), handelser.lank(h)) for h in events]
    assert len(lines) == 3


def test_query_string_round_trip(org, typer, make_dokument):
    dokument = make_dokument()
    urval = Urval(organ=org["kf"].pk, typ=typer["Policy"].pk, omrade=org["bun"].pk, q="skola")

    assert Urval.from_query(QueryDict(mutable=True) | urval.as_query()) == urval
    assert Urval.from_query({"dokument": str(dokument.pk)}) == Urval(dokument=dokument.pk)
    assert Urval().as_query() == {}
    assert Urval(slag="rapporter").as_query() == {"slag": "rapporter"}


def test_from_query_reads_the_document_lists_filters(org):
    query = QueryDict(f"organ={org['kf'].pk}&omfattar={org['bun'].pk}&status=gallande&typ=")

    assert Urval.from_query(query) == Urval(organ=org["kf"].pk, omrade=org["bun"].pk)


@pytest.mark.parametrize(
    "query",
    [
        "organ=abc",
        "organ=-1",
        "organ=1.5",
        "organ=999999",
        "organ=99999999999999999999999999",
        "typ=%00",
        "dokument=999999",
        "slag=annat",
        "slag=rapporter&typ=1",
        "q=" + "a" * 201,
        "q=ord%00",
        "organ=%D9%A3",  # an Arabic-Indic digit is not a number here
    ],
)
def test_from_query_refuses_bad_values(db, query):
    with pytest.raises(ValueError):
        Urval.from_query(QueryDict(query))


def test_a_draft_document_cannot_be_followed(make_dokument):
    utkast = make_dokument(publish=False)

    with pytest.raises(ValueError):
        Urval.from_query({"dokument": str(utkast.pk)})


def test_beskrivning(org, typer, make_dokument):
    dokument = make_dokument(titel="Riktlinjer för skolskjuts")

    assert Urval(organ=org["kf"].pk, typ=typer["Policy"].pk).beskrivning() == (
        "Nya, reviderade och upphävda styrdokument fastställda av Kommunfullmäktige av typen Policy"
    )
    assert Urval().beskrivning() == "Nya, reviderade och upphävda styrdokument"
    assert Urval(dokument=dokument.pk).beskrivning() == (
        "Nya versioner, upphävande och prövningar av Riktlinjer för skolskjuts"
    )
    assert Urval(slag="rapporter", organ=org["bun"].pk).beskrivning() == (
        "Antagna uppföljningsrapporter från Barn- och utbildningsnämnden"
    )
