"""Open data: numbers are written exactly, with a decimal point and without an exponent."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from styrning.csvsafe import safe_cell
from tests.mal.factories import MalFactory, VardeFactory

pytestmark = pytest.mark.django_db


def test_export_writes_stored_numbers_without_trailing_zeros_or_exponent(client, chain):
    VardeFactory(indikator=chain["indikator"], ar=2024, totalt=Decimal(90), kvinnor=Decimal("92.5"))

    values = client.get(reverse("mal:export", args=["varden", "json"])).json()["varden"]
    indicators = client.get(reverse("mal:export", args=["indikatorer", "json"])).json()

    assert [(v["totalt"], v["kvinnor"], v["man"]) for v in values] == [("90", "92.5", None)]
    assert indicators["indikatorer"][0]["malvarden"] == {"2025": "90"}


def _csv(client, kind):
    response = client.get(reverse("mal:export", args=[kind, "csv"]))
    text = response.content.decode("utf-8").removeprefix("\ufeff")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_csv_neutralises_text_a_spreadsheet_would_run_as_a_formula(client, period):
    MalFactory(titel='=HYPERLINK("http://x","y")', mandatperiod=period)
    MalFactory(titel="-1+2", mandatperiod=period)
    MalFactory(titel="@SUM(A1)", mandatperiod=period)
    MalFactory(titel="\t=1+1", mandatperiod=period)

    titles = [row["titel"] for row in _csv(client, "mal")]

    assert titles == ['\'=HYPERLINK("http://x","y")', "'-1+2", "'@SUM(A1)", "'\t=1+1"]


def test_csv_keeps_negative_numbers_as_numbers_and_neutralises_a_comment(client, chain):
    VardeFactory(indikator=chain["indikator"], ar=2024, totalt=Decimal(-5), kommentar="+1-1")

    rows = _csv(client, "varden")

    assert [(row["totalt"], row["kommentar"]) for row in rows] == [("-5", "'+1-1")]


def test_safe_cell_leaves_numbers_and_plain_text_alone():
    values = [Decimal("-5"), -2, -2.5, None, True, "-5", "-2.5", "Trygga barn", "5-10 år"]

    assert [safe_cell(v) for v in values] == values
