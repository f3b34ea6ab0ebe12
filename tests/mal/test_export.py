"""Open data: numbers are written exactly, with a decimal point and without an exponent."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.mal.factories import VardeFactory

pytestmark = pytest.mark.django_db


def test_export_writes_stored_numbers_without_trailing_zeros_or_exponent(client, chain):
    VardeFactory(indikator=chain["indikator"], ar=2024, totalt=Decimal(90), kvinnor=Decimal("92.5"))

    values = client.get(reverse("mal:export", args=["varden", "json"])).json()["varden"]
    indicators = client.get(reverse("mal:export", args=["indikatorer", "json"])).json()

    assert [(v["totalt"], v["kvinnor"], v["man"]) for v in values] == [("90", "92.5", None)]
    assert indicators["indikatorer"][0]["malvarden"] == {"2025": "90"}
