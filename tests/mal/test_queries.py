import datetime
from decimal import Decimal

from mal.models import Mal, Utfall
from mal.queries import load_chain
from styrning.periods import Period
from tests.mal.factories import BedomningFactory, IndikatorFactory, MalvardeFactory, VardeFactory

Y2025 = Period.year(2025)
TODAY = datetime.date(2026, 6, 1)


def test_rollup_goes_from_units_up_to_kf_in_one_pass(chain, controller):
    VardeFactory(indikator=chain["indikator"], ar=2025, totalt=Decimal(95))

    results = load_chain(controller, [Y2025], today=TODAY).rollup(Y2025)

    assert results[chain["solrosen"].pk].status == Utfall.UPPFYLLT
    assert results[chain["bun"].pk].suggestion.explanation == "1 av 1 delmål uppfyllda → uppfyllt"
    assert results[chain["kf"].pk].status == Utfall.UPPFYLLT


def test_assessment_counts_over_the_suggestion_and_feeds_the_goal_above(chain, controller):
    VardeFactory(indikator=chain["indikator"], ar=2025, totalt=Decimal(95))
    BedomningFactory(mal=chain["solrosen"], ar=2025, utfall=Utfall.DELVIS)

    results = load_chain(controller, [Y2025], today=TODAY).rollup(Y2025)

    sol = results[chain["solrosen"].pk]
    assert (sol.status, sol.suggestion.status, sol.differs) == (
        Utfall.DELVIS,
        Utfall.UPPFYLLT,
        True,
    )
    assert results[chain["bun"].pk].status == Utfall.DELVIS


def test_missing_values_are_shown_as_missing_up_the_chain(chain, controller):
    results = load_chain(controller, [Y2025], today=TODAY).rollup(Y2025)

    assert results[chain["solrosen"].pk].status == "saknas"
    assert results[chain["kf"].pk].status == "saknas"


def test_public_does_not_see_preliminary_or_draft(chain, org, period):
    VardeFactory(indikator=chain["indikator"], ar=2025, totalt=Decimal(95), preliminar=True)
    draft = Mal.objects.create(
        titel="Utkast", agare=org["bun"], typ=Mal.Typ.NAMNDMAL, mandatperiod=period
    )

    loaded = load_chain(None, [Y2025], today=TODAY)

    assert draft.pk not in loaded.goals
    assert loaded.rollup(Y2025)[chain["solrosen"].pk].indicators[0].value is None


def test_lower_is_better_indicator_under_target_is_met(org, period, controller):
    ind = IndikatorFactory(
        mal__agare=org["sn"], mal__mandatperiod=period, riktning="lagre", enhet="dagar"
    )
    MalvardeFactory(indikator=ind, ar=2025, varde=Decimal(60))
    VardeFactory(indikator=ind, ar=2025, totalt=Decimal(52))

    result = load_chain(controller, [Y2025], today=TODAY).rollup(Y2025)[ind.mal_id]

    assert (result.indicators[0].result, result.status) == (Utfall.UPPFYLLT, Utfall.UPPFYLLT)


def test_goal_of_another_budget_year_does_not_count_for_the_year(chain, org, controller):
    from tests.factories import BudgetarFactory
    from tests.mal.factories import MalFactory

    next_year = MalFactory(
        agare=org["blaklockan"], mandatperiod=None, budgetar=BudgetarFactory(ar=2026)
    )
    next_year.overordnade.add(chain["bun"])
    VardeFactory(indikator=chain["indikator"], ar=2025, totalt=Decimal(95))
    goals = Mal.objects.select_related("agare", "budgetar", "mandatperiod", "malomrade")

    results = load_chain(controller, [Y2025], goals=goals, today=TODAY).rollup(Y2025)

    assert results[chain["bun"].pk].suggestion.explanation == "1 av 1 delmål uppfyllda → uppfyllt"


def test_related_goals_walk_only_the_goals_own_chain_in_one_query(
    chain, org, period, django_assert_num_queries
):
    from mal.queries import related_goal_ids
    from tests.mal.factories import MalFactory

    sibling = MalFactory(agare=org["blaklockan"], mandatperiod=period)
    sibling.overordnade.add(chain["bun"])
    other_kf = MalFactory(agare=org["kf"], mandatperiod=period)
    MalFactory(agare=org["sn"], mandatperiod=period).overordnade.add(other_kf)

    with django_assert_num_queries(1):
        above, below = related_goal_ids(chain["solrosen"].pk)
    bun_above, bun_below = related_goal_ids(chain["bun"].pk)

    assert (above, below) == ([chain["bun"].pk, chain["kf"].pk], set())
    assert (bun_above, bun_below) == ([chain["kf"].pk], {chain["solrosen"].pk, sibling.pk})


def test_related_goals_stop_at_a_cycle_that_slipped_into_the_links(chain):
    from mal.queries import related_goal_ids

    Mal.overordnade.through.objects.create(from_mal=chain["kf"], to_mal=chain["solrosen"])

    above, below = related_goal_ids(chain["bun"].pk)

    assert (above, below) == (
        [chain["kf"].pk, chain["solrosen"].pk],
        {chain["solrosen"].pk, chain["kf"].pk},
    )
