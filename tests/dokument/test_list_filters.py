"""The public list's filters meet values nobody meant: a clear Swedish answer next to the
filter, never a server error."""

import datetime

import pytest
from django.urls import reverse

AR_FEL = "Ange beslutsåret som ett årtal mellan 1850 och 2200, t.ex. 2024."


@pytest.fixture
def two_years(make_dokument):
    make_dokument(titel="Riktlinjer för skolskjuts", beslutsdatum=datetime.date(2023, 3, 1))
    make_dokument(titel="Riktlinjer för måltider", beslutsdatum=datetime.date(2022, 3, 1))


def _titles(response) -> list[str]:
    return [str(d) for d in response.context["page"].object_list]


@pytest.mark.parametrize(
    "ar", ["10000", "99999", "1849", "0", "-1", "2024.5", "1e4", "tjugo", "9" * 30]
)
def test_a_year_no_decision_can_have_is_refused_in_swedish(client, two_years, ar):
    response = client.get(reverse("dokument:lista"), {"ar": ar})

    assert response.status_code == 200
    assert response.context["filter"].form.errors["ar"] == [AR_FEL]
    assert AR_FEL in response.content.decode()
    # The refused filter is not applied: the list is the whole list, as without it.
    assert sorted(_titles(response)) == ["Riktlinjer för måltider", "Riktlinjer för skolskjuts"]


@pytest.mark.parametrize(
    ("ar", "found"),
    [("2022", ["Riktlinjer för måltider"]), ("1850", []), ("2200", []), (" 2023 ", None)],
)
def test_a_year_within_the_bounds_filters(client, two_years, ar, found):
    response = client.get(reverse("dokument:lista"), {"ar": ar})

    assert response.status_code == 200
    assert response.context["filter"].form.errors == {}
    assert _titles(response) == (found if found is not None else ["Riktlinjer för skolskjuts"])


def test_a_control_character_in_the_search_is_refused_in_swedish(client, two_years):
    response = client.get(reverse("dokument:lista"), {"q": "skol\x1bskjuts"})

    assert response.status_code == 200
    assert response.context["filter"].form.errors["q"] == [
        "Texten innehåller ett otillåtet tecken (U+001B). Ta bort det; styrtecken kan inte sparas."
    ]


def test_a_search_longer_than_any_sensible_one_is_refused_in_swedish(client, two_years):
    # One word of 100,000 letters: PostgreSQL refuses a word of over 2,047 bytes in a query.
    response = client.get(reverse("dokument:lista"), {"q": "skol" * 25_000})

    assert response.status_code == 200
    assert response.context["filter"].form.errors["q"] == [
        "Sökningen får vara högst 200 tecken (den har 100000). Sök på några ord ur texten."
    ]
    assert 'maxlength="200"' in response.content.decode()
    assert sorted(_titles(response)) == ["Riktlinjer för måltider", "Riktlinjer för skolskjuts"]
