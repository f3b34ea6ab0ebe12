"""The organisation list in pages of the tree's walk: a large municipality has 1,500 units."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from styrning.views import ORGANISATION_PER_PAGE
from tests.factories import OrganisationFactory


def _get(client, url):
    cache.clear()  # each request reads the database (the anonymous page cache is not tested here)
    return client.get(url)


@pytest.mark.django_db
def test_organisation_list_is_paged_and_a_later_page_says_where_it_continues(client, org):
    OrganisationFactory.create_batch(150, overordnad=org["forskola"])
    url = reverse("organisation_lista")

    first = _get(client, url)
    second = _get(client, url + "?sida=2")

    html = second.content.decode()
    assert (first.context["count"], len(first.context["page"].object_list)) == (
        162,
        ORGANISATION_PER_PAGE,
    )
    assert len(second.context["page"].object_list) == 62
    assert [o.pk for o in second.context["fortsattning"]][-1] == org["forskola"].pk
    assert "Fortsättning under: " in html
    assert '<li aria-current="page">Sida 2 av 2</li>' in html
    assert 'href="?sida=1" rel="prev"' in html
    assert "162 organ och enheter, 101–162 visas." in html


@pytest.mark.django_db
def test_organisation_list_pages_keep_the_dissolved_bodies_choice(client, org):
    OrganisationFactory.create_batch(150, overordnad=org["forskola"])

    response = _get(client, reverse("organisation_lista") + "?visa=alla")

    assert 'href="?visa=alla&amp;sida=2" rel="next"' in response.content.decode()


@pytest.mark.django_db
def test_organisation_list_page_costs_one_query_and_a_bounded_size(
    client, org, django_assert_num_queries
):
    url = reverse("organisation_lista") + "?sida=2"
    OrganisationFactory.create_batch(150, overordnad=org["forskola"])
    cache.clear()
    with django_assert_num_queries(1):
        few = client.get(url)
    OrganisationFactory.create_batch(1500, overordnad=org["forskola"])

    cache.clear()
    with django_assert_num_queries(1):
        many = client.get(url)

    # The same hundred rows; the page grows only by the longer names of the later rows.
    assert len(many.context["page"].object_list) == len(few.context["page"].object_list) + 38
    assert len(many.content) < 2 * len(few.content)
