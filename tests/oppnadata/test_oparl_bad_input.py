"""Bad input to /oparl/: parameters of the wrong type, out of range, given twice or unknown get a
400 with a JSON body in Swedish naming the parameter, never a 500, and change nothing."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dokument.models import Dokumentversion
from tests.dokument.factories import DokumentFactory, published

LISTS = ["/oparl/papers/", "/oparl/organizations/", "/oparl/legislativeterms/", "/oparl/people/"]


@pytest.fixture
def paper(org):
    return published(DokumentFactory(agare=org["bun"]), titel="Riktlinjer för skolskjuts")


@pytest.mark.django_db
@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    ("query", "parameter", "says"),
    [
        ("page=abc", "page", "heltal"),
        ("page=0", "page", "heltal"),
        ("page=-1", "page", "heltal"),
        ("page=1.5", "page", "heltal"),
        ("page=999999", "page", "Sidan 999999 finns inte: listan har en sida."),
        ("page=" + "9" * 30, "page", "finns inte"),
        ("page=" + "9" * 5000, "page", "heltal"),
        ("limit=0", "limit", "från 1 till 100"),
        ("limit=101", "limit", "från 1 till 100"),
        ("limit=tio", "limit", "från 1 till 100"),
        ("modified_since=notadate", "modified_since", "ISO 8601"),
        ("modified_since=2025-02-30", "modified_since", "ISO 8601"),
        ("modified_since=2025-13-01T00:00:00", "modified_since", "ISO 8601"),
        ("modified_since=10000-01-01", "modified_since", "ISO 8601"),
        ("modified_since=0001-01-01T00:00:00%2B14:00", "modified_since", "utanför"),
        ("modified_until=a%00b", "modified_until", "Parametern modified_until: Null-tecken"),
        ("created_since=%E2%80%AEevil", "created_since", "ISO 8601"),
        ("created_since=1200-01-01", "created_since", "mellan år 1850 och 2200"),
        (
            "modified_since=2026-01-02T00:00:00Z&modified_until=2026-01-01T00:00:00Z",
            "modified_until",
            "före modified_since",
        ),
        ("page=1&page=2", "page", "bara anges en gång"),
        ("sida=2", "sida", "finns inte"),
        ("format=json", "format", "finns inte"),
    ],
)
def test_bad_list_parameter_is_a_swedish_400(client, paper, path, query, parameter, says):
    response = client.get(f"{path}?{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert list(body["parametrar"]) == [parameter]
    assert says in body["parametrar"][parameter]
    assert body["fel"].startswith("Felaktiga parametrar: ")


@pytest.mark.django_db
def test_several_bad_parameters_are_all_named(client, paper):
    body = client.get("/oparl/papers/?page=x&limit=0&modified_since=igår").json()
    assert sorted(body["parametrar"]) == ["limit", "modified_since", "page"]


@pytest.mark.django_db
def test_a_parameter_to_a_single_object_is_a_400(client, paper):
    response = client.get(f"/oparl/paper/{paper.dokument_id}/1/?page=2")
    assert response.status_code == 400
    assert response.json()["parametrar"] == {
        "page": "Parametern page finns inte: ett enskilt objekt tar inga."
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value",
    ["2026-01-01", "2026-01-01T00:00:00", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00 01:00"],
)
def test_times_in_the_forms_clients_send_are_read(client, paper, value):
    """A date, a time without an offset (Stockholm's), with Z, and with a `+` that arrived
    unencoded as a space."""
    response = client.get("/oparl/papers/", {"modified_until": value})
    assert response.status_code == 200


@pytest.mark.django_db
def test_writes_are_not_allowed(client, paper):
    before = list(Dokumentversion.objects.values_list("pk", "status", "titel"))
    for method in (client.post, client.put, client.delete):
        assert method("/oparl/papers/").status_code == 405
    assert list(Dokumentversion.objects.values_list("pk", "status", "titel")) == before


_VALUES = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.datetimes().map(lambda d: d.isoformat()),
)


@pytest.mark.django_db
def test_no_parameter_value_makes_a_server_error(client, paper):
    @settings(
        max_examples=150,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        st.sampled_from(["/oparl/papers/", "/oparl/organizations/"]),
        st.dictionaries(
            st.sampled_from(
                ["page", "limit", "modified_since", "modified_until", "created_since", "x"]
            ),
            _VALUES,
            max_size=3,
        ),
    )
    def check(path, params):
        response = client.get(path, params)
        assert response.status_code in (200, 400), (path, params, response.status_code)
        assert response["Content-Type"] == "application/json; charset=utf-8"

    check()
