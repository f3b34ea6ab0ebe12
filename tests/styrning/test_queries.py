import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from styrning.models import Roll
from styrning.queries import organisation_tree, tree_per_request
from tests.factories import OrganisationFactory, RollFactory, UserFactory


@pytest.mark.django_db
def test_tree_is_loaded_once_per_request_scope(django_assert_num_queries):
    root = OrganisationFactory()
    OrganisationFactory(overordnad=root)

    with tree_per_request(), django_assert_num_queries(1):
        first, second = organisation_tree(), organisation_tree()

    assert first is second
    assert len(first.nodes) == 2


@pytest.mark.django_db
def test_outside_a_request_the_tree_is_never_stale():
    root = OrganisationFactory()
    before = organisation_tree()
    OrganisationFactory(overordnad=root)

    assert (len(before.nodes), len(organisation_tree().nodes)) == (1, 2)


@pytest.mark.django_db
def test_subset_filters_without_a_query_and_lifts_orphans_to_roots(django_assert_num_queries):
    root = OrganisationFactory(namn="Kommunen")
    gone = OrganisationFactory(namn="Nedlagd nämnd", overordnad=root, aktiv_till="2022-12-31")
    OrganisationFactory(namn="Kvar", overordnad=gone)
    tree = organisation_tree()

    with django_assert_num_queries(0):
        active = tree.subset(lambda org: org.aktiv_till is None)

    assert sorted(o.namn for o in active.roots) == ["Kommunen", "Kvar"]


def test_a_page_loads_the_tree_once_for_the_view_and_the_permissions(client, org):
    user = UserFactory()
    RollFactory(anvandare=user, organisation=org["bun"], roll=Roll.Typ.NAMNDSEKRETERARE)
    client.force_login(user)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("organisation_detalj", args=[org["bun"].pk]))

    whole_tree = [
        q["sql"]
        for q in captured.captured_queries
        if 'FROM "styrning_organisation"' in q["sql"] and "WHERE" not in q["sql"]
    ]
    assert response.context["can_view_internal"] is True
    assert len(whole_tree) == 1
