from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from mal import services
from mal.models import Bedomning, Malvarde, Varde
from styrning import locking
from styrning.periods import Period
from tests.factories import BudgetarFactory
from tests.mal.factories import IndikatorFactory, MalFactory


def _link(mal, overordnade, user):
    return services.spara_mal(mal=mal, overordnade=overordnade, dokument=[], user=user)


def test_goal_may_contribute_to_goal_of_same_or_higher_body(chain, org, controller):
    unit_goal = MalFactory(agare=org["blaklockan"])

    _link(unit_goal, [chain["bun"], chain["kf"]], controller)

    assert set(unit_goal.overordnade.all()) == {chain["bun"], chain["kf"]}


def test_goal_may_not_contribute_to_goal_of_lower_body(chain, org, controller):
    kf_goal = MalFactory(agare=org["kf"], titel="Ekonomi i balans")

    with pytest.raises(ValidationError) as exc:
        _link(kf_goal, [chain["solrosen"]], controller)

    assert exc.value.message_dict["overordnade"] == [
        "”Barnen känner sig trygga” hör till Solrosens förskola, som inte ligger på samma nivå "
        "som eller över Kommunfullmäktige. Ett mål kan bara bidra till mål hos samma eller ett "
        "högre organ."
    ]
    assert kf_goal.overordnade.count() == 0


def test_goal_may_not_contribute_to_goal_of_other_branch(chain, org, controller):
    sn_goal = MalFactory(agare=org["sn"])

    with pytest.raises(ValidationError):
        _link(sn_goal, [chain["bun"]], controller)

    assert sn_goal.overordnade.count() == 0


def test_cycle_is_refused(chain, org, controller):
    # Another KF goal under the first, then the first may not be put under it.
    kf_sub = MalFactory(agare=org["kf"], titel="Delmål i KF")
    kf_sub.overordnade.add(chain["kf"])

    with pytest.raises(ValidationError) as exc:
        _link(chain["kf"], [kf_sub], controller)

    assert exc.value.message_dict["overordnade"] == [
        "”Delmål i KF” bidrar redan, direkt eller via andra mål, till ”Alla barn ska nå målen”. "
        "Att låta målet bidra dit skulle bli en cykel."
    ]
    assert chain["kf"].overordnade.count() == 0


def test_goal_cannot_contribute_to_itself(chain, controller):
    with pytest.raises(ValidationError) as exc:
        _link(chain["kf"], [chain["kf"]], controller)

    assert exc.value.message_dict == {"overordnade": ["Ett mål kan inte bidra till sig självt."]}
    assert chain["kf"].overordnade.count() == 0


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
    token = ""
    for total in (Decimal(83), Decimal(84)):
        token = locking.token(
            services.registrera_varde(
                indikator=chain["indikator"],
                organisation=org["solrosen"],
                period=Period.parse("2025T2"),
                totalt=total,
                kvinnor=Decimal(85),
                man=Decimal(81),
                preliminar=True,
                andringsmarke=token,
                user=chef_solrosen,
            )
        )

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


# Who may act: every service checks the role itself --------------------------------------------


def _snapshot() -> dict:
    """Every row and every audit-trail record of the goal chain, and the log of acts."""
    from mal.models import Aktivitet, Indikator, Mal, Uppdrag, Uppdragskommentar
    from styrning.models import Handelse

    models = [Mal, Indikator, Malvarde, Varde, Bedomning, Uppdrag, Uppdragskommentar, Aktivitet]
    rows = {m.__name__: m.objects.count() for m in models}
    rows |= {f"{m.__name__} historik": m.history.count() for m in models}
    rows["händelser"] = Handelse.objects.count()
    return rows


def _renamed(mal, titel):
    from mal.models import Mal

    goal = Mal.objects.get(pk=mal.pk)
    goal.titel = titel
    return goal


def _acts(chain, org, period):
    """Each service with input it would accept from a person with the role."""
    from mal.kpi_import import import_kpi
    from mal.models import Aktivitet, Indikator, Mal, Uppdrag
    from tests.mal.factories import UppdragFactory

    uppdrag = UppdragFactory(givet_av=org["bun"], givet_till=org["solrosen"])
    chain["indikator"].kpi_id = "N01951"
    chain["indikator"].save()
    kolada = (
        '[{"kpi": "N01951", "municipality": "SOL", "period": 2025, "gender": "T", "value": 88}]'
    )
    bun = chain["bun"]
    return {
        "spara_mal (nytt)": lambda user: services.spara_mal(
            mal=Mal(titel="Nytt mål", agare=org["bun"], typ="namndmal", mandatperiod=period),
            overordnade=[chain["kf"]],
            dokument=[],
            user=user,
        ),
        "spara_mal (ändra)": lambda user: services.spara_mal(
            mal=_renamed(bun, "Nytt namn"),
            overordnade=[chain["kf"]],
            dokument=[],
            user=user,
        ),
        "bedom_mal": lambda user: services.bedom_mal(
            mal=chain["solrosen"],
            period=Period.year(2025),
            utfall="uppfyllt",
            analys="Bra.",
            user=user,
        ),
        "registrera_varde": lambda user: services.registrera_varde(
            indikator=chain["indikator"],
            organisation=org["solrosen"],
            period=Period.year(2025),
            totalt=Decimal(88),
            user=user,
        ),
        "satt_malvarde": lambda user: services.satt_malvarde(
            indikator=chain["indikator"], ar=2026, varde=Decimal(92), user=user
        ),
        "spara_indikator": lambda user: services.spara_indikator(
            indikator=Indikator(mal=bun, matt_for=org["bun"], namn="Ny", enhet="%"), user=user
        ),
        "spara_aktivitet": lambda user: services.spara_aktivitet(
            aktivitet=Aktivitet(mal=chain["solrosen"], titel="Trygghetsvandring"), user=user
        ),
        "ge_uppdrag": lambda user: services.ge_uppdrag(
            uppdrag=Uppdrag(
                titel="Utred",
                givet_av=org["bun"],
                givet_till=org["buf"],
                budgetar=uppdrag.budgetar,
            ),
            user=user,
        ),
        "kommentera_uppdrag": lambda user: services.kommentera_uppdrag(
            uppdrag=uppdrag, period=Period.year(2025), status="pagar", kommentar="Ja.", user=user
        ),
        "import_kpi": lambda user: import_kpi(text=kolada, user=user),
    }


SERVICES = [
    "spara_mal (nytt)",
    "spara_mal (ändra)",
    "bedom_mal",
    "registrera_varde",
    "satt_malvarde",
    "spara_indikator",
    "spara_aktivitet",
    "ge_uppdrag",
    "kommentera_uppdrag",
    "import_kpi",
]


@pytest.mark.parametrize("name", SERVICES)
@pytest.mark.parametrize("actor", ["fortroendevald_bun", "utomstaende", "chef_blaklockan"])
def test_service_refuses_a_user_without_the_role_and_writes_nothing(
    request, chain, org, period, name, actor
):
    from django.core.exceptions import PermissionDenied

    act = _acts(chain, org, period)[name]
    user = request.getfixturevalue(actor)
    before = _snapshot()

    with pytest.raises(PermissionDenied):
        act(user)

    assert _snapshot() == before


@pytest.mark.parametrize("name", SERVICES)
def test_service_lets_a_user_with_the_role_act(request, chain, org, period, name, controller):
    act = _acts(chain, org, period)[name]
    before = _snapshot()

    act(controller)

    assert _snapshot()["händelser"] == before["händelser"] + 1


def test_new_owner_of_a_goal_must_stay_above_its_sub_goals(chain, org, controller):
    from mal.models import Mal

    goal = Mal.objects.get(pk=chain["bun"].pk)
    goal.agare = org["blaklockan"]

    with pytest.raises(ValidationError) as exc:
        services.spara_mal(mal=goal, overordnade=[chain["kf"]], dokument=[], user=controller)

    assert exc.value.message_dict == {
        "agare": [
            "Delmålen Barnen känner sig trygga hör till organ som inte ligger under "
            "Blåklockans förskola: flytta dem först."
        ]
    }
    assert Mal.objects.get(pk=goal.pk).agare == org["bun"]


def test_summable_indicator_must_be_split_by_sex(chain, org, controller):
    from mal.models import Indikator

    ind = Indikator(mal=chain["bun"], matt_for=org["bun"], namn="Antal", enhet="antal")
    ind.summerbar = True

    with pytest.raises(ValidationError) as exc:
        services.spara_indikator(indikator=ind, user=controller)

    assert exc.value.message_dict == {
        "summerbar": ["Gäller bara indikatorer som är uppdelade på kön."]
    }
    assert chain["bun"].indikatorer.count() == 0


def test_indicator_is_measured_in_the_goal_owners_line(chain, org, controller):
    from mal.models import Indikator

    ind = Indikator(mal=chain["bun"], matt_for=org["sof"], namn="Fel gren", enhet="%")

    with pytest.raises(ValidationError) as exc:
        services.spara_indikator(indikator=ind, user=controller)

    assert exc.value.message_dict == {
        "matt_for": [
            "Socialförvaltningen ligger varken över eller under Barn- och utbildningsnämnden: "
            "en indikator mäts för målets ägare, en enhet under den eller ett organ över den."
        ]
    }
    assert chain["bun"].indikatorer.count() == 0


def test_changed_goal_saved_over_a_newer_change_is_refused(chain, org, controller, sekreterare_bun):
    from mal.models import Mal

    opened = locking.token(chain["bun"])
    first = Mal.objects.get(pk=chain["bun"].pk)
    first.titel = "Först"
    services.spara_mal(
        mal=first, overordnade=[chain["kf"]], dokument=[], user=controller, andringsmarke=opened
    )
    second = Mal.objects.get(pk=chain["bun"].pk)
    second.titel = "Sedan"

    with pytest.raises(locking.Konflikt) as exc:
        services.spara_mal(
            mal=second,
            overordnade=[chain["kf"]],
            dokument=[],
            user=sekreterare_bun,
            andringsmarke=opened,
        )

    assert exc.value.messages[0].startswith(f"Ändrat av {controller} kl. ")
    assert exc.value.messages[0].endswith(
        "sedan du öppnade sidan. Läs målet som det är nu; sparar du igen ersätter dina "
        "uppgifter ändringen. Ingenting har sparats."
    )
    assert Mal.objects.get(pk=chain["bun"].pk).titel == "Först"
