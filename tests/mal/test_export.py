"""Open data: numbers are written exactly, with a decimal point and without an exponent."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from mal.models import Mal, Utfall
from styrning.csvsafe import safe_cell
from tests.factories import MandatperiodFactory
from tests.mal.factories import BedomningFactory, IndikatorFactory, MalFactory, VardeFactory

pytestmark = pytest.mark.django_db


def test_export_writes_stored_numbers_without_trailing_zeros_or_exponent(client, chain):
    VardeFactory(indikator=chain["indikator"], ar=2024, totalt=Decimal(90), kvinnor=Decimal("92.5"))

    values = client.get(reverse("mal:export", args=["varden", "json"])).json()["varden"]
    indicators = client.get(reverse("mal:export", args=["indikatorer", "json"])).json()

    assert [(v["totalt"], v["kvinnor"], v["man"]) for v in values] == [("90", "92.5", None)]
    assert indicators["indikatorer"][0]["malvarden"] == {"2025": "90"}


def _csv(client, kind):
    response = client.get(reverse("mal:export", args=[kind, "csv"]))
    text = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_csv_neutralises_text_a_spreadsheet_would_run_as_a_formula(client, period):
    MalFactory(titel='=HYPERLINK("http://x","y")', mandatperiod=period)
    MalFactory(titel="-1+2", mandatperiod=period)
    MalFactory(titel="@SUM(A1)", mandatperiod=period)
    MalFactory(titel="\t=1+1", mandatperiod=period)

    titles = [row["Titel"] for row in _csv(client, "mal")]

    assert titles == ['\'=HYPERLINK("http://x","y")', "'-1+2", "'@SUM(A1)", "'\t=1+1"]


def test_csv_keeps_negative_numbers_as_numbers_and_neutralises_a_comment(client, chain):
    VardeFactory(indikator=chain["indikator"], ar=2024, totalt=Decimal(-5), kommentar="+1-1")

    rows = _csv(client, "varden")

    assert [(row["Totalt"], row["Kommentar"]) for row in rows] == [("-5", "'+1-1")]


def test_safe_cell_leaves_numbers_and_plain_text_alone():
    values = [Decimal("-5"), -2, -2.5, None, True, "-5", "-2.5", "Trygga barn", "5-10 år"]

    assert [safe_cell(v) for v in values] == values


# The tree's filters ------------------------------------------------------------------------------


def _file(client, kind, query="", fmt="csv"):
    response = client.get(reverse("mal:export", args=[kind, fmt]) + query)
    assert response.status_code == 200, response
    if fmt == "json":
        return response.json()[kind]
    text = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


@pytest.fixture
def wider(org, period, chain):
    """Besides the chain (KF → BUN → Solrosen), a goal of the social board under KF's goal and
    an assessment that Solrosen's goal is not met in 2025."""
    sn_mal = MalFactory(agare=org["sn"], titel="Fler äldre bor tryggt", mandatperiod=period)
    sn_mal.overordnade.add(chain["kf"])
    BedomningFactory(mal=chain["solrosen"], ar=2025, utfall=Utfall.EJ_UPPFYLLT)
    return {**chain, "sn": sn_mal}


def test_the_goal_file_with_a_period_holds_the_tree_in_its_order_with_levels_and_fulfilment(
    client, wider
):
    rows = _file(client, "mal", "?period=2025")

    assert [(r["Titel"], r["Nivå i målträdet"]) for r in rows] == [
        ("Alla barn ska nå målen", "1"),
        ("Fler elever klarar kraven", "2"),
        ("Barnen känner sig trygga", "3"),
        ("Fler äldre bor tryggt", "2"),
    ]
    solrosen = rows[2]
    assert (solrosen["Uppföljningsperiod"], solrosen["Måluppfyllelse"]) == ("2025", "Ej uppfyllt")
    assert solrosen["Avvikelse"] == "ja"
    assert solrosen["Bidrar till (id)"] == str(wider["bun"].pk)
    assert solrosen["Adress"] == f"http://testserver/mal/{wider['solrosen'].pk}/"


def test_the_goal_file_holds_the_goals_the_tree_keeps_marking_those_the_filters_ask_for(
    client, org, wider
):
    by_organ = _file(client, "mal", f"?period=2025&organ={org['bun'].pk}")
    by_status = _file(client, "mal", "?period=2025&status=uppfyllt")
    deviations = _file(client, "mal", "?period=2025&avvikelser=on", fmt="json")
    below_kf = _file(client, "mal", f"?period=2025&under={wider['kf'].pk}")
    tree = client.get(reverse("mal:trad") + f"?period=2025&organ={org['bun'].pk}")

    # BUN's goals and the council's goal they contribute to, as the tree shows them
    assert [(r["Titel"], r["Matchar filtret"]) for r in by_organ] == [
        ("Alla barn ska nå målen", "nej"),
        ("Fler elever klarar kraven", "ja"),
        ("Barnen känner sig trygga", "ja"),
    ]
    assert (tree.context["antal"], tree.context["matchande"]) == (3, 2)
    assert "3 mål (filtrerat: 2 matchar filtret" in tree.content.decode()
    assert by_status == []  # no goal is met
    # Solrosen's goal not met makes the goals it contributes to not met by the roll-up; the
    # social board's goal has no basis and is left out
    not_met = ["Alla barn ska nå målen", "Fler elever klarar kraven", "Barnen känner sig trygga"]
    assert [
        (r["titel"], r["maluppfyllelse"], r["avvikelse"], r["matchar"]) for r in deviations
    ] == [(title, "Ej uppfyllt", True, True) for title in not_met]
    assert [(r["Titel"], r["Nivå i målträdet"], r["Matchar filtret"]) for r in below_kf] == [
        ("Fler elever klarar kraven", "1", ""),
        ("Barnen känner sig trygga", "2", ""),
        ("Fler äldre bor tryggt", "1", ""),
    ]


def test_indicators_and_values_follow_the_goals_of_the_filter(client, org, wider):
    other = IndikatorFactory(mal=wider["sn"], namn="Trygga äldre")
    VardeFactory(indikator=wider["indikator"], ar=2024, totalt=Decimal(88))
    VardeFactory(indikator=other, ar=2024, totalt=Decimal(70))
    query = f"?period=2025&organ={org['solrosen'].pk}"

    indicators = _file(client, "indikatorer", query)
    values = _file(client, "varden", query)
    every_value = _file(client, "varden")

    # the file's goals are Solrosen's and the two above it: the social board's is not
    assert [(r["Namn"], r["Könsuppdelad"]) for r in indicators] == [("Trygga barn", "ja")]
    assert [(r["Indikator (id)"], r["Totalt"]) for r in values] == [
        (str(wider["indikator"].pk), "88")
    ]
    assert len(every_value) == 2


def test_a_period_with_no_goals_gives_a_file_of_headers_only(client, wider, period):
    MandatperiodFactory(start_ar=2019, slut_ar=2022)

    text = client.get(reverse("mal:export", args=["mal", "csv"]) + "?period=2020")

    body = b"".join(text.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].startswith("Id;Nummer;Titel")
    assert len(body.splitlines()) == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?period=2025-T9", "Period: Välj ett giltigt alternativ."),
        ("?period=2025&organ=abc", "Organ eller enhet: Välj ett giltigt alternativ."),
        ("?period=2025&status=kanske", "Måluppfyllelse: Välj ett giltigt alternativ."),
    ],
)
def test_a_filter_the_tree_refuses_is_a_swedish_400_and_no_file(client, wider, query, message):
    response = client.get(reverse("mal:export", args=["mal", "csv"]) + query)

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert message in response.content.decode()


def test_a_filtered_file_never_holds_a_draft(client, org, wider, period):
    MalFactory(
        agare=org["solrosen"], titel="Hemligt utkast", status=Mal.Status.UTKAST, mandatperiod=period
    )

    rows = _file(client, "mal", f"?period=2025&organ={org['solrosen'].pk}")

    assert [r["Titel"] for r in rows] == [
        "Alla barn ska nå målen",
        "Fler elever klarar kraven",
        "Barnen känner sig trygga",
    ]


def test_the_tree_links_its_files_with_its_filters_and_period_but_not_its_page(client, org, wider):
    page = client.get(reverse("mal:trad") + f"?organ={org['bun'].pk}&status=&sida=2&period=2025")

    html = page.content.decode()
    csv_url = reverse("mal:export", args=["mal", "csv"])
    links = re.findall(rf'href="({re.escape(csv_url)}[^"]*)"', html)
    assert links == [f"{csv_url}?organ={org['bun'].pk}&amp;status=&amp;period=2025"]
    assert [
        r["Titel"]
        for r in _file(client, "mal", links[0].removeprefix(csv_url).replace("&amp;", "&"))
    ] == ["Alla barn ska nå målen", "Fler elever klarar kraven", "Barnen känner sig trygga"]
