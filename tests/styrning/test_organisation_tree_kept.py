"""The organisation tree kept by the process between requests (styrning.queries): read from
the database once per organisation generation, dropped at once when an organisation changes,
and never kept from inside a transaction (it may hold what is rolled back)."""

import pytest
from django.db import transaction
from django.urls import reverse

from styrning import queries
from styrning.queries import organisation_tree, tree_per_request
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _nothing_kept(monkeypatch):
    monkeypatch.setattr(queries, "_kept", None)


def test_a_second_request_reads_the_kept_tree_without_a_query(
    client, org, django_assert_num_queries
):
    url = reverse("organisation_detalj", args=[org["bun"].pk])
    with django_assert_num_queries(1):
        first = client.get(url)

    with django_assert_num_queries(0):
        second = client.get(url)

    assert (first.status_code, second.status_code) == (200, 200)
    assert second.content == first.content


def test_an_organisation_saved_shows_in_the_next_request(client, org):
    url = reverse("organisation_detalj", args=[org["bun"].pk])
    client.get(url)

    org["bun"].namn = "Utbildningsnämnden"
    org["bun"].save()
    OrganisationFactory(namn="Kulturskolan", overordnad=org["bun"])
    response = client.get(url)

    html = response.content.decode()
    assert "Utbildningsnämnden" in html
    assert "Kulturskolan" in html


def test_a_deleted_organisation_is_gone_from_the_next_request(client, org):
    extra = OrganisationFactory(namn="Tillfälliga nämnden", overordnad=org["kf"])
    url = reverse("organisation_detalj", args=[extra.pk])
    client.get(url)

    extra.delete()
    response = client.get(url)

    assert response.status_code == 404


def test_a_tree_read_inside_a_transaction_is_not_kept(org):
    with pytest.raises(RuntimeError), transaction.atomic():
        OrganisationFactory(namn="Nämnden som aldrig blev", overordnad=org["kf"])
        with tree_per_request():
            inside = organisation_tree()
        raise RuntimeError("rullas tillbaka")

    with tree_per_request():
        after = organisation_tree()

    assert "Nämnden som aldrig blev" in {o.namn for o in inside.nodes.values()}
    assert "Nämnden som aldrig blev" not in {o.namn for o in after.nodes.values()}
    assert queries._kept is not None and queries._kept[1] is after


def test_outside_a_request_the_tree_is_loaded_anew(org, django_assert_num_queries):
    with tree_per_request():
        organisation_tree()

    with django_assert_num_queries(1):
        organisation_tree()
