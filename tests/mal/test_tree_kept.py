"""The goal tree's shape and statuses kept by the process between requests (mal.queries):
read again when a goal, a link or an organisation changes, per reading (what the reader may
see), and never kept from inside a transaction."""

import pytest
from django.urls import reverse

from mal import queries
from mal.models import Mal
from tests.mal.factories import MalFactory, MalomradeFactory

URL = reverse("mal:trad") + "?period=2025"


@pytest.fixture
def shapes_read(monkeypatch):
    monkeypatch.setattr(queries, "_kept_trees", queries.OrderedDict())
    calls = []
    real = queries.tree_shape
    monkeypatch.setattr(queries, "tree_shape", lambda visible: calls.append(1) or real(visible))
    return calls


@pytest.fixture
def area(period):
    return MalomradeFactory(mandatperiod=period, namn="Utbildning")


def _goal(org, period, area, titel, **kwargs):
    return MalFactory(
        agare=org,
        titel=titel,
        status=kwargs.pop("status", Mal.Status.ANTAGET),
        mandatperiod=period,
        malomrade=area,
        **kwargs,
    )


@pytest.mark.django_db(transaction=True)
def test_the_shape_is_read_once_and_again_after_a_change(
    client, org, period, area, fortroendevald_bun, shapes_read
):
    _goal(org["kf"], period, area, "Trygg uppväxt")
    client.force_login(fortroendevald_bun)

    first = client.get(URL)
    second = client.get(URL)
    _goal(org["kf"], period, area, "Hållbar stad")
    third = client.get(URL)

    assert [r.status_code for r in (first, second, third)] == [200, 200, 200]
    assert len(shapes_read) == 2
    assert "Hållbar stad" not in second.content.decode()
    assert "Hållbar stad" in third.content.decode()


@pytest.mark.django_db(transaction=True)
def test_each_reading_has_its_own_shape(client, org, period, area, fortroendevald_bun, shapes_read):
    _goal(org["bun"], period, area, "Utkast till nämndmål", status=Mal.Status.UTKAST)
    client.force_login(fortroendevald_bun)
    signed_in = client.get(URL)
    client.logout()

    anonymous = client.get(URL)

    assert "Utkast till nämndmål" in signed_in.content.decode()
    assert "Utkast till nämndmål" not in anonymous.content.decode()
    assert len(shapes_read) == 2


@pytest.mark.django_db
def test_nothing_is_kept_from_inside_a_transaction(
    client, org, period, area, fortroendevald_bun, shapes_read
):
    _goal(org["kf"], period, area, "Trygg uppväxt")
    client.force_login(fortroendevald_bun)

    client.get(URL)
    client.get(URL)

    assert (len(shapes_read), len(queries._kept_trees)) == (2, 0)
