"""Every page of the goal chain costs what it shows (issue 9): the goal tree shows one level, a
goal page its own goal, the chain up and one level down, an organ page that organ's goals. Five
times as many goals below what a page shows cost it no query and no goal in its HTML."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mal import rollup
from mal.models import Indikator, Mal, Malvarde, Varde
from mal.queries import TREE_PAGE_SIZE
from tests.mal.factories import MalFactory, MalomradeFactory

pytestmark = pytest.mark.django_db

Link = Mal.overordnade.through

# What a page may grow by when the goals below it grow fivefold: the digits of its counts.
SLACK = 40


def _goals(owner, period, area, parents, count, tag) -> list[Mal]:
    """`count` adopted goals of `owner`, spread over `parents`, each with an indicator that has
    a target and a value for 2025 that meets it (so more goals below change no status)."""
    goals = Mal.objects.bulk_create(
        Mal(
            titel=f"Mål {tag} {n:04d}",
            agare=owner,
            typ=Mal.Typ.VERKSAMHETSMAL,
            status=Mal.Status.ANTAGET,
            mandatperiod=period,
            malomrade=area,
        )
        for n in range(count)
    )
    Link.objects.bulk_create(
        Link(from_mal=g, to_mal=parents[i % len(parents)]) for i, g in enumerate(goals) if parents
    )
    indicators = Indikator.objects.bulk_create(
        Indikator(mal=g, matt_for=owner, namn=f"Indikator {tag} {n:04d}", enhet="%")
        for n, g in enumerate(goals)
    )
    Malvarde.objects.bulk_create(Malvarde(indikator=i, ar=2025, varde=80) for i in indicators)
    Varde.objects.bulk_create(
        Varde(indikator=i, organisation=owner, ar=2025, totalt=Decimal(90)) for i in indicators
    )
    return goals


@pytest.fixture
def chain_of_three(org, period):
    """Two KF goals, four BUN goals under them, and `grow(n)` adds n unit goals under the BUN
    goals (the third level, below what the tree's top and the KF goal's pages show)."""
    area = MalomradeFactory(mandatperiod=period, namn="Utbildning")
    kf = _goals(org["kf"], period, area, [], 2, "KF")
    bun = _goals(org["bun"], period, area, kf, 4, "BUN")

    def grow(n):
        _goals(org["solrosen"], period, area, bun, n, f"SOL{Mal.objects.count()}")
        rollup.rebuild()  # after a bulk load, as `manage.py mal_rollup`

    return {"kf": kf, "bun": bun, "area": area, "grow": grow}


def _measure(client, url) -> tuple[int, int, str]:
    ContentType.objects.clear_cache()  # read once per process: count it every time
    cache.clear()  # rendered, not served from the page cache (bulk loads tell it nothing)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    return len(queries), len(html), html


def _sizes_and_counts(client, chain_of_three, url):
    chain_of_three["grow"](8)
    small = _measure(client, url)
    chain_of_three["grow"](32)  # 40 goals below: five times as many
    large = _measure(client, url)
    return small, large


@pytest.mark.parametrize("user", [None, "controller"])
def test_tree_top_costs_the_same_whatever_lies_below_it(client, request, chain_of_three, user):
    if user:
        client.force_login(request.getfixturevalue(user))
    url = reverse("mal:trad") + "?period=2025"

    small, large = _sizes_and_counts(client, chain_of_three, url)

    assert small[0] == large[0]
    assert 0 <= large[1] - small[1] <= SLACK
    assert (large[2].count("Mål KF"), large[2].count("Mål BUN"), large[2].count("Mål SOL")) == (
        2 * 2,  # the card's link and the hidden text of its link to the level below
        0,
        0,
    )


def test_tree_top_query_count_is_pinned(client, chain_of_three):
    chain_of_three["grow"](8)

    # the organisation tree, budget years, goal areas, the tree's shape (goals, links), the
    # stored statuses, the shown goals with their links, indicators, targets, values,
    # assessments and stored results, the vision
    assert _measure(client, reverse("mal:trad") + "?period=2025")[0] == 14


def test_tree_level_under_a_goal_costs_the_same_whatever_lies_below_it(client, chain_of_three):
    kf = chain_of_three["kf"][0]
    url = reverse("mal:trad") + f"?period=2025&under={kf.pk}"

    small, large = _sizes_and_counts(client, chain_of_three, url)

    assert small[0] == large[0]
    assert 0 <= large[1] - small[1] <= SLACK
    # the two BUN goals under the first KF goal, each with a link to the level below it
    assert (large[2].count('class="goal-card__title"'), large[2].count("Mål SOL")) == (2, 0)


def test_goal_page_costs_the_same_whatever_lies_below_its_contributing_goals(
    client, chain_of_three, controller
):
    client.force_login(controller)
    url = chain_of_three["kf"][0].get_absolute_url()

    small, large = _sizes_and_counts(client, chain_of_three, url)

    assert small[0] == large[0]
    assert 0 <= large[1] - small[1] <= SLACK
    assert large[2].count("Mål SOL") == 0


def test_organ_page_costs_the_same_whatever_lies_below_its_goals(client, chain_of_three, org):
    url = reverse("mal:organ", args=[org["bun"].pk]) + "?period=2025"

    small, large = _sizes_and_counts(client, chain_of_three, url)

    assert small[0] == large[0]
    assert 0 <= large[1] - small[1] <= SLACK


def test_organ_page_without_goals_reads_no_goal_chain(
    client, chain_of_three, org, django_assert_num_queries
):
    chain_of_three["grow"](40)
    url = reverse("mal:organ", args=[org["ks"].pk]) + "?period=2025"
    ContentType.objects.clear_cache()

    # the organisation tree, the organ's own goals (none) and its assignments: no goals, so
    # nothing of a chain (links, indicators, targets, values, assessments, stored results)
    with django_assert_num_queries(3):
        response = client.get(url)

    assert list(response.context["goals"]) == []


def test_a_level_of_many_goals_is_paginated_and_the_links_keep_the_filters(
    client, chain_of_three, org, period
):
    kf = chain_of_three["kf"][0]
    area = chain_of_three["area"]
    _goals(org["sn"], period, area, [kf], TREE_PAGE_SIZE + 5, "SN")
    chain_of_three["grow"](4)
    url = reverse("mal:trad") + f"?period=2025&malomrade={area.pk}&under={kf.pk}"

    first = client.get(url)
    second = client.get(url + "&sida=2")

    sizes = [len(r.context["groups"][0]["items"]) for r in (first, second)]
    # the two BUN goals sort before the SN goals (by their titles)
    assert sizes == [TREE_PAGE_SIZE, 2 + 5]
    html = first.content.decode()
    assert f'href="?period=2025&amp;malomrade={area.pk}&amp;under={kf.pk}&amp;sida=2"' in html
    bun = chain_of_three["bun"][0]
    assert f'href="/mal/?period=2025&amp;malomrade={area.pk}&amp;under={bun.pk}"' in html


def test_tree_level_has_a_breadcrumb_from_the_top_down(client, chain, org):
    url = reverse("mal:trad") + f"?period=2025&under={chain['bun'].pk}"

    response = client.get(url)

    html = response.content.decode()
    assert response.context["path"] == [{"pk": chain["kf"].pk, "titel": chain["kf"].titel}]
    kf_link = f'<a href="/mal/?period=2025&amp;under={chain["kf"].pk}">Alla barn ska nå målen</a>'
    assert f"<li>{kf_link}</li>" in html
    assert '<li aria-current="page">Fler elever klarar kraven</li>' in html
    assert [item["r"].mal for item in response.context["groups"][0]["items"]] == [chain["solrosen"]]


def test_tree_level_of_a_goal_the_reader_may_not_see_is_404(client, chain, org, period):
    draft = MalFactory(agare=org["solrosen"], mandatperiod=period, status=Mal.Status.UTKAST)
    url = reverse("mal:trad") + "?period=2025&under="

    statuses = [client.get(url + value).status_code for value in (str(draft.pk), "x", "9" * 30)]

    assert statuses == [404, 404, 404]


def test_tree_level_of_a_goal_outside_the_period_says_so(client, chain, org, period):
    url = reverse("mal:trad") + f"?period=2030&under={chain['kf'].pk}"

    response = client.get(url)

    assert response.status_code == 200
    assert response.context["groups"] == []
    assert "Målet gäller inte 2030." in response.content.decode()
