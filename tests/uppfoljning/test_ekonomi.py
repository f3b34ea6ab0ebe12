"""The economy table of a report: figures against hand-computed numbers, the previous
forecast, the deviation's sign, the riktpunkt, the units, and its cost in queries."""

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from styrning.models import Organisation
from styrning.periods import Periodtyp
from tests.factories import OrganisationFactory
from tests.uppfoljning.factories import RapportFactory, RapportperiodFactory
from uppfoljning import ekonomi
from uppfoljning.models import Ekonomirad, Prognos, Rapport

T = Organisation.Typ
NBSP = "\u00a0"


def rader(org, ar, *, budget, utfall, manader=range(1, 13), kontogrupp="Personalkostnader"):
    for manad in manader:
        Ekonomirad.objects.create(
            organisation=org,
            kontogrupp=kontogrupp,
            ar=ar,
            manad=manad,
            budget=budget,
            utfall=utfall if manad <= 4 or ar < 2026 else 0,
        )


def prognos(org, manad, belopp, motivering=""):
    return Prognos.objects.create(
        organisation=org,
        ar=2026,
        periodtyp=Periodtyp.MANAD,
        periodnummer=manad,
        arsprognos=belopp,
        motivering=motivering,
    )


@pytest.fixture
def forvaltning(org):
    """BUF with two verksamheter: Förskolan (economy on its unit Solrosen) and Grundskolan
    (economy on itself). Figures for 2026 per April and 2025."""
    grundskolan = OrganisationFactory(
        kod="GR", namn="Grundskoleverksamheten", typ=T.VERKSAMHET, overordnad=org["buf"]
    )
    # Förskolan: 100 000 a month budget, 110 000 outcome Jan–Apr; 90 000 a month in 2025.
    rader(org["solrosen"], 2026, budget=100_000, utfall=110_000)
    rader(org["solrosen"], 2025, budget=95_000, utfall=90_000)
    # Two account groups on Grundskolan: 30 000 + 20 000 budget, 25 000 + 15 000 outcome.
    rader(grundskolan, 2026, budget=30_000, utfall=25_000)
    rader(grundskolan, 2026, budget=20_000, utfall=15_000, kontogrupp="Lokalkostnader")
    # Outside the subtree and another year: not counted.
    rader(org["hemtjanst"], 2026, budget=1_000_000, utfall=1_000_000)
    rader(org["solrosen"], 2024, budget=1, utfall=1)
    period = RapportperiodFactory(ar=2026, periodnummer=4, sista_dag=datetime.date(2026, 5, 10))
    rapport = RapportFactory(rapportperiod=period, organisation=org["buf"])
    return {"rapport": rapport, "grundskolan": grundskolan, **org}


def test_rows_per_verksamhet_against_hand_computed_figures(forvaltning):
    prognos(forvaltning["forskola"], 2, 1_250_000)
    prognos(forvaltning["forskola"], 3, 1_280_000)
    prognos(forvaltning["forskola"], 4, 1_320_000)
    prognos(forvaltning["grundskolan"], 4, 500_000)

    result = ekonomi.ekonomi_for_rapport(forvaltning["rapport"])

    forskola, grundskola = result["rader"]
    assert (forskola["kod"], grundskola["kod"]) == ("FSK", "GR")
    assert forskola["budget_ar"] == "1200000.00"
    assert forskola["budget_hittills"] == "400000.00"
    assert forskola["utfall_hittills"] == "440000.00"
    assert forskola["utfall_hittills_fg"] == "360000.00"
    assert forskola["prognos"] == "1320000.00"
    assert forskola["foregaende_prognos"] == "1280000.00"
    assert forskola["avvikelse"] == "-120000.00"
    assert forskola["forbrukat_procent"] == "36.7"
    assert grundskola["budget_ar"] == "600000.00"
    assert grundskola["budget_hittills"] == "200000.00"
    assert grundskola["utfall_hittills"] == "160000.00"
    assert grundskola["utfall_hittills_fg"] == "0.00"
    assert grundskola["avvikelse"] == "100000.00"
    assert grundskola["foregaende_prognos"] == ""
    assert grundskola["forbrukat_procent"] == "26.7"
    total = result["total"]
    assert total["budget_ar"] == "1800000.00"
    assert total["utfall_hittills"] == "600000.00"
    assert total["prognos"] == "1820000.00"  # the rows' sum: BUF has no forecast of its own
    assert total["avvikelse"] == "-20000.00"
    assert total["foregaende_prognos"] == ""  # Grundskolan had none before
    assert total["forbrukat_procent"] == "33.3"
    assert result["riktpunkt"] == "33.3"
    assert result["ackumulerad_label"] == "per april 2026"


def test_total_forecast_is_the_organisations_own_when_given(forvaltning):
    prognos(forvaltning["forskola"], 4, 1_320_000)
    prognos(forvaltning["buf"], 3, 1_850_000)
    prognos(forvaltning["buf"], 4, 1_900_000, motivering="Fler barn i förskolan.")

    result = ekonomi.ekonomi_for_rapport(forvaltning["rapport"])

    assert result["total"]["prognos"] == "1900000.00"
    assert result["total"]["foregaende_prognos"] == "1850000.00"
    assert result["total"]["avvikelse"] == "-100000.00"
    assert result["prognos_motivering"] == "Fler barn i förskolan."


def test_forecast_of_a_later_period_is_not_the_previous(forvaltning):
    prognos(forvaltning["forskola"], 5, 2_000_000)

    result = ekonomi.ekonomi_for_rapport(forvaltning["rapport"])

    assert result["rader"][0]["prognos"] == ""
    assert result["rader"][0]["foregaende_prognos"] == ""
    assert result["rader"][0]["avvikelse"] == ""


def test_economy_booked_on_the_forvaltning_itself_is_a_row_of_its_own(forvaltning):
    rader(forvaltning["buf"], 2026, budget=10_000, utfall=10_000, kontogrupp="Övriga kostnader")

    result = ekonomi.ekonomi_for_rapport(forvaltning["rapport"])

    assert [r["kod"] for r in result["rader"]] == ["FSK", "GR", "BUF"]
    assert result["rader"][2]["budget_ar"] == "120000.00"
    assert result["total"]["budget_ar"] == "1920000.00"


def test_unit_without_verksamheter_has_one_row_for_itself(forvaltning):
    rapport = RapportFactory(
        rapportperiod=forvaltning["rapport"].rapportperiod, organisation=forvaltning["solrosen"]
    )
    prognos(forvaltning["solrosen"], 4, 1_150_000)

    result = ekonomi.ekonomi_for_rapport(rapport)

    assert [r["kod"] for r in result["rader"]] == ["SOL"]
    assert result["rader"][0]["prognos"] == "1150000.00"
    assert result["total"]["prognos"] == "1150000.00"
    assert result["total"]["avvikelse"] == "50000.00"


def test_proposal_scales_outcome_to_the_year_or_takes_the_budget_before_any_outcome():
    assert ekonomi.foresla_prognos(
        budget_ar=Decimal(1_200_000), utfall_hittills=Decimal(440_000), manader=4
    ) == Decimal("1320000.00")
    assert ekonomi.foresla_prognos(
        budget_ar=Decimal(1_200_000), utfall_hittills=Decimal(0), manader=4
    ) == Decimal("1200000.00")
    assert ekonomi.forslag_mening(Decimal("12340000"), ekonomi.FORSLAG_REGEL, "tkr") == (
        f"Förslag: 12{NBSP}340{NBSP}tkr (utfallet hittills uppräknat till helår)"
    )


@pytest.mark.parametrize(
    ("kronor", "enhet", "text"),
    [
        (Decimal("1234500"), "tkr", f"1{NBSP}235{NBSP}tkr"),
        (Decimal("1234500000"), "mnkr", f"1{NBSP}234,5{NBSP}mnkr"),
        ("-350000.00", "tkr", f"\u2212350{NBSP}tkr"),
        ("1234.40", "kr", f"1{NBSP}234{NBSP}kr"),
        ("", "tkr", "–"),
    ],
)
def test_amounts_in_the_kinds_unit(kronor, enhet, text):
    assert ekonomi.format_belopp(kronor, enhet) == text


def test_table_partial_marks_deficit_by_text_and_shows_previous_forecast(forvaltning):
    prognos(forvaltning["forskola"], 3, 1_280_000)
    prognos(forvaltning["forskola"], 4, 1_320_000)
    prognos(forvaltning["grundskolan"], 4, 500_000)
    data = ekonomi.ekonomi_for_rapport(forvaltning["rapport"])

    html = render_to_string(
        "uppfoljning/ekonomi/_tabell.html", {"ekonomi": data, "beloppsenhet": "tkr"}
    )

    assert "<caption" in html
    assert "Ekonomi per april 2026, nettokostnad i tkr (riktpunkt 33,3" in html
    assert '<th scope="row">Förskoleverksamheten</th>' in html
    assert f'1{NBSP}320 <span class="ekonomi-tabell__not">(1{NBSP}280)</span>' in html
    assert '\u2212120 <span class="ekonomi-tabell__underskott">underskott</span>' in html
    assert f"Årsprognosen visar ett underskott på \u221220{NBSP}tkr mot budget." in html
    assert f"Hittills har 33,3{NBSP}% av årsbudgeten förbrukats, mot riktpunkten 33,3" in html


def _forvaltning_with(count: int):
    forvaltning = OrganisationFactory(kod=f"F{count}", typ=T.FORVALTNING)
    for n in range(count):
        verksamhet = OrganisationFactory(
            kod=f"F{count}-V{n}", typ=T.VERKSAMHET, overordnad=forvaltning
        )
        enhet = OrganisationFactory(kod=f"F{count}-E{n}", typ=T.ENHET, overordnad=verksamhet)
        rader(enhet, 2026, budget=1000, utfall=900)
        rader(enhet, 2025, budget=1000, utfall=900)
        prognos(verksamhet, 4, 12_000)
    period = RapportperiodFactory(ar=2026, periodnummer=4, rapporttyp__kod=f"m{count}")
    rapport = RapportFactory(rapportperiod=period, organisation=forvaltning)
    return Rapport.objects.select_related("organisation", "rapportperiod").get(pk=rapport.pk)


@pytest.mark.parametrize("count", [1, 8])
def test_table_costs_the_same_queries_for_one_or_many_verksamheter(
    db, django_assert_num_queries, count
):
    rapport = _forvaltning_with(count)

    # The organisation tree, the aggregate over the subtree, the forecasts.
    with django_assert_num_queries(3):
        result = ekonomi.ekonomi_for_rapport(rapport)

    assert len(result["rader"]) == count
    assert result["total"]["budget_ar"] == f"{12_000 * count}.00"


def test_organisation_without_economy_has_no_rows(forvaltning):
    rapport = RapportFactory(
        rapportperiod=forvaltning["rapport"].rapportperiod, organisation=forvaltning["klf"]
    )

    result = ekonomi.ekonomi_for_rapport(rapport)
    html = render_to_string(
        "uppfoljning/ekonomi/_tabell.html", {"ekonomi": result, "beloppsenhet": "tkr"}
    )

    assert result["rader"] == []
    assert result["total"]["budget_ar"] == "0.00"
    assert "Det finns inga budget- eller utfallsuppgifter för perioden." in html


@pytest.mark.parametrize(
    ("avvikelse", "ord"),
    [("-120000.00", "underskott"), ("100000.00", "överskott"), ("0.00", "i balans"), ("", "")],
)
def test_deviation_in_a_word(avvikelse, ord):
    from uppfoljning.templatetags.belopp import avvikelse_ord

    assert avvikelse_ord(avvikelse) == ord
