"""The tree and the goal page read a fixed number of queries: a three-level chain KF → nämnd →
enhet with 10 or with 300 goals, with every filter, costs the same."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mal import rollup
from mal.models import Bedomning, Indikator, Mal, Malvarde, Utfall, Varde
from tests.mal.factories import MalomradeFactory

pytestmark = pytest.mark.django_db

STATUSES = [Utfall.UPPFYLLT, Utfall.DELVIS, Utfall.EJ_UPPFYLLT]


def _three_levels(org, period, area, size: int) -> list[Mal]:
    """`size` more goals: a tenth at KF, three tenths at the nämnder, the rest at the units;
    every goal has an indicator with a target and values, every other one an assessment."""
    kf_count = max(size // 10, 1)
    namnd_count = max(size * 3 // 10, 1)
    enhet_count = size - kf_count - namnd_count
    levels = [
        (kf_count, [org["kf"]]),
        (namnd_count, [org["bun"], org["sn"]]),
        (enhet_count, [org["solrosen"], org["blaklockan"], org["hemtjanst"]]),
    ]
    goals_per_level = []
    for count, owners in levels:
        goals_per_level.append(
            Mal.objects.bulk_create(
                Mal(
                    titel=f"Mål {owners[i % len(owners)].kod} {size}-{i}",
                    agare=owners[i % len(owners)],
                    typ=Mal.Typ.VERKSAMHETSMAL,
                    status=Mal.Status.ANTAGET,
                    mandatperiod=period,
                    malomrade=area if i % 2 else None,
                )
                for i in range(count)
            )
        )
    links = []
    for upper, lower in zip(goals_per_level, goals_per_level[1:], strict=False):
        for i, goal in enumerate(lower):
            links.append(Mal.overordnade.through(from_mal=goal, to_mal=upper[i % len(upper)]))
    Mal.overordnade.through.objects.bulk_create(links)
    goals = [g for level in goals_per_level for g in level]
    indicators = Indikator.objects.bulk_create(
        Indikator(mal=g, matt_for=g.agare, namn=f"Indikator {g.pk}", enhet="%") for g in goals
    )
    Malvarde.objects.bulk_create(
        Malvarde(indikator=ind, ar=2025, varde=Decimal(80)) for ind in indicators
    )
    Varde.objects.bulk_create(
        Varde(indikator=ind, organisation=ind.matt_for, ar=ar, totalt=Decimal(70 + i % 20))
        for i, ind in enumerate(indicators)
        for ar in (2024, 2025)
    )
    Bedomning.objects.bulk_create(
        Bedomning(mal=g, ar=2025, utfall=STATUSES[i % 3], analys="Analys.")
        for i, g in enumerate(goals)
        if i % 2
    )
    rollup.rebuild()  # after a bulk load, as `manage.py mal_rollup`
    return goals


FILTERS = {
    "inga": lambda org, area: "",
    "avvikelser": lambda org, area: "&avvikelser=on",
    "organ": lambda org, area: f"&organ={org['bun'].pk}",
    "status": lambda org, area: "&status=delvis",
    "malomrade": lambda org, area: f"&malomrade={area.pk}",
    "allt": lambda org, area: f"&organ={org['bun'].pk}&malomrade={area.pk}&avvikelser=on",
}


# anonymous: the organisation tree, budget years, goal areas, the tree's shape (goals, links),
# the stored statuses, the shown goals (goals, links, indicators, targets, values, assessments,
# stored results), the vision; signed in: session, user and roles too
TREE_QUERIES = {None: 14, "controller": 17}


def _count(client, url) -> tuple[int, int]:
    ContentType.objects.clear_cache()  # read once per process: count it every time
    cache.clear()  # rendered, not served from the page cache (bulk loads tell it nothing)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return len(queries), response.status_code


@pytest.mark.parametrize("name", sorted(FILTERS))
@pytest.mark.parametrize("user", [None, "controller"])
def test_tree_of_three_levels_costs_the_same_for_10_and_300_goals(
    client, request, org, period, name, user
):
    if user:
        client.force_login(request.getfixturevalue(user))
    area = MalomradeFactory(mandatperiod=period, namn="Utbildning")
    url = reverse("mal:trad") + "?period=2025" + FILTERS[name](org, area)

    _three_levels(org, period, area, 10)
    small = _count(client, url)
    _three_levels(org, period, area, 290)
    large = _count(client, url)

    assert (small, Mal.objects.count()) == (large, 300)
    assert small == (TREE_QUERIES[user], 200)


def test_goal_page_in_a_three_level_chain_costs_the_same_for_10_and_300_goals(
    client, org, period, controller
):
    client.force_login(controller)
    area = MalomradeFactory(mandatperiod=period, namn="Utbildning")
    kf_goal = _three_levels(org, period, area, 10)[0]

    small = _count(client, kf_goal.get_absolute_url())
    more = _three_levels(org, period, area, 290)
    Mal.overordnade.through.objects.bulk_create(  # the new nämnd goals join the KF goal's chain
        Mal.overordnade.through(from_mal=g, to_mal=kf_goal)
        for g in more
        if g.agare_id in (org["bun"].pk, org["sn"].pk)
    )
    rollup.rebuild()
    large = _count(client, kf_goal.get_absolute_url())

    assert (small, Mal.objects.count()) == (large, 300)
    # as in test_views' goal page count, less the two link tables of the change history:
    # bulk-created goals have no history records to read links of
    assert small == (21, 200)
