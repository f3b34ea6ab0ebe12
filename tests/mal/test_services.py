from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from mal import services
from mal.models import Bedomning, Malvarde, Varde
from styrning.periods import Period
from tests.factories import BudgetarFactory
from tests.mal.factories import IndikatorFactory, MalFactory


def test_goal_may_contribute_to_goal_of_same_or_higher_body(chain, org, controller):
    unit_goal = MalFactory(agare=org["blaklockan"])

    services.set_overordnade(
        mal=unit_goal, overordnade=[chain["bun"], chain["kf"]], user=controller
    )

    assert set(unit_goal.overordnade.all()) == {chain["bun"], chain["kf"]}


def test_goal_may_not_contribute_to_goal_of_lower_body(chain, org, controller):
    kf_goal = MalFactory(agare=org["kf"], titel="Ekonomi i balans")

    with pytest.raises(ValidationError) as exc:
        services.set_overordnade(mal=kf_goal, overordnade=[chain["solrosen"]], user=controller)

    assert exc.value.message_dict["overordnade"] == [
        "”Barnen känner sig trygga” hör till Solrosens förskola, som inte ligger på samma nivå "
        "som eller över Kommunfullmäktige. Ett mål kan bara bidra till mål hos samma eller ett "
        "högre organ."
    ]
    assert kf_goal.overordnade.count() == 0


def test_goal_may_not_contribute_to_goal_of_other_branch(chain, org, controller):
    sn_goal = MalFactory(agare=org["sn"])

    with pytest.raises(ValidationError):
        services.set_overordnade(mal=sn_goal, overordnade=[chain["bun"]], user=controller)

    assert sn_goal.overordnade.count() == 0


def test_cycle_is_refused(chain, org, controller):
    # Another KF goal under the first, then the first may not be put under it.
    kf_sub = MalFactory(agare=org["kf"], titel="Delmål i KF")
    kf_sub.overordnade.add(chain["kf"])

    with pytest.raises(ValidationError) as exc:
        services.set_overordnade(mal=chain["kf"], overordnade=[kf_sub], user=controller)

    assert exc.value.message_dict["overordnade"] == [
        "”Delmål i KF” bidrar redan, direkt eller via andra mål, till ”Alla barn ska nå målen”. "
        "Att låta målet bidra dit skulle bli en cykel."
    ]
    assert chain["kf"].overordnade.count() == 0


def test_goal_cannot_contribute_to_itself(chain, controller):
    with pytest.raises(ValidationError):
        services.set_overordnade(mal=chain["kf"], overordnade=[chain["kf"]], user=controller)


def test_value_outside_goal_period_is_refused(chain, org, chef_solrosen):
    with pytest.raises(ValidationError) as exc:
        services.registrera_varde(
            indikator=chain["indikator"],
            organisation=org["solrosen"],
            period=Period.parse("2022"),
            totalt=Decimal(80),
            user=chef_solrosen,
        )

    assert exc.value.message_dict["period"] == [
        "Perioden 2022 ligger utanför målets period (mandatperiod 2023–2026): ange en period "
        "2023–2026."
    ]
    assert Varde.objects.count() == 0


def test_value_of_budget_year_goal_must_be_in_that_year(org, chef_solrosen):
    goal = MalFactory(agare=org["solrosen"], mandatperiod=None, budgetar=BudgetarFactory(ar=2026))
    ind = IndikatorFactory(mal=goal)

    with pytest.raises(ValidationError) as exc:
        services.registrera_varde(
            indikator=ind,
            organisation=org["solrosen"],
            period=Period.parse("2025T3"),
            totalt=Decimal(1),
            user=chef_solrosen,
        )

    assert exc.value.message_dict["period"] == [
        "Perioden T3 2025 ligger utanför målets period (budgetår 2026): ange en period 2026."
    ]


def test_share_total_must_lie_between_women_and_men(chain, org, chef_solrosen):
    with pytest.raises(ValidationError) as exc:
        services.registrera_varde(
            indikator=chain["indikator"],
            organisation=org["solrosen"],
            period=Period.parse("2025"),
            totalt=Decimal(80),
            kvinnor=Decimal("82.5"),
            man=Decimal(85),
            user=chef_solrosen,
        )

    assert exc.value.message_dict["totalt"] == [
        "Totalt (80) ligger utanför kvinnors (82,5) och mäns (85) värden; totalen måste ligga "
        "mellan dem."
    ]
    assert Varde.objects.count() == 0


def test_count_split_must_add_up_to_total(org, period, chef_solrosen):
    ind = IndikatorFactory(
        mal=MalFactory(agare=org["solrosen"], mandatperiod=period),
        enhet="antal",
        konsuppdelad=True,
        summerbar=True,
    )

    with pytest.raises(ValidationError) as exc:
        services.registrera_varde(
            indikator=ind,
            organisation=org["solrosen"],
            period=Period.parse("2025"),
            totalt=Decimal(210),
            kvinnor=Decimal(120),
            man=Decimal(95),
            user=chef_solrosen,
        )

    assert exc.value.message_dict["totalt"] == [
        "Kvinnor (120) och män (95) blir 215, inte totalt 210."
    ]
    assert Varde.objects.count() == 0


def test_value_with_consistent_split_is_saved_and_corrected_in_place(chain, org, chef_solrosen):
    version = ""
    for total in (Decimal(83), Decimal(84)):
        version = services.registrera_varde(
            indikator=chain["indikator"],
            organisation=org["solrosen"],
            period=Period.parse("2025T2"),
            totalt=total,
            kvinnor=Decimal(85),
            man=Decimal(81),
            preliminar=True,
            version=version,
            user=chef_solrosen,
        ).version

    varde = Varde.objects.get()
    assert (varde.totalt, varde.period, varde.preliminar) == (
        Decimal(84),
        Period.parse("2025T2"),
        True,
    )


def test_target_outside_goal_period_is_refused(chain, controller):
    with pytest.raises(ValidationError) as exc:
        services.satt_malvarde(
            indikator=chain["indikator"], ar=2030, varde=Decimal(1), user=controller
        )

    assert list(exc.value.message_dict) == ["ar"]
    assert Malvarde.objects.filter(ar=2030).count() == 0


def test_assessment_needs_an_analysis(chain, chef_solrosen):
    with pytest.raises(ValidationError) as exc:
        services.bedom_mal(
            mal=chain["solrosen"],
            period=Period.year(2025),
            utfall="uppfyllt",
            analys=" ",
            user=chef_solrosen,
        )

    assert exc.value.message_dict == {"analys": ["Skriv en analys som förklarar bedömningen."]}
    assert Bedomning.objects.count() == 0


def test_value_for_organisation_outside_the_measured_one_is_refused(chain, org, controller):
    with pytest.raises(ValidationError) as exc:
        services.registrera_varde(
            indikator=chain["indikator"],
            organisation=org["hemtjanst"],
            period=Period.parse("2025"),
            totalt=Decimal(80),
            user=controller,
        )

    assert list(exc.value.message_dict) == ["organisation"]
    assert Varde.objects.count() == 0


def test_database_refuses_a_tertial_numbered_four(chain, org):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Varde.objects.create(
            indikator=chain["indikator"],
            organisation=org["solrosen"],
            ar=2025,
            periodtyp="tertial",
            periodnummer=4,
            totalt=Decimal(1),
        )
