"""The log of acts: every service of the goal chain that changes state writes one act, with who,
the object, the organisation and what changed; a refused act writes nothing. Only an adopted
goal's adoption is public."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from mal import services
from mal.kpi_import import import_kpi
from mal.models import Aktivitet, Indikator, Mal, Uppdrag
from mal.queries import goal_history
from styrning.models import Handelse
from styrning.periods import Period
from tests.mal.factories import UppdragFactory

pytestmark = pytest.mark.django_db

H = Handelse.Handling


def _acts() -> list[tuple]:
    return [
        (a.handling, a.anvandare, a.objekt, a.organisation, a.data, a.publik)
        for a in Handelse.objects.order_by("id")
    ]


def _renamed(mal, **changes):
    goal = Mal.objects.get(pk=mal.pk)
    for name, value in changes.items():
        setattr(goal, name, value)
    return goal


def test_saving_a_draft_goal_is_an_internal_act(chain, org, period, sekreterare_bun):
    goal = services.spara_mal(
        mal=Mal(titel="Nytt utkast", agare=org["bun"], typ="namndmal", mandatperiod=period),
        overordnade=[chain["kf"]],
        dokument=[],
        user=sekreterare_bun,
    )

    assert _acts() == [
        (
            H.MAL_SPARAT,
            sekreterare_bun,
            goal,
            org["bun"],
            {"ny": True, "status": "utkast", "falt": []},
            False,
        )
    ]


def test_adopting_a_draft_goal_is_the_one_public_act(chain, org, period, sekreterare_bun):
    draft = Mal.objects.create(
        titel="Utkast", agare=org["bun"], typ="namndmal", mandatperiod=period, status="utkast"
    )

    services.spara_mal(
        mal=_renamed(draft, status=Mal.Status.ANTAGET),
        overordnade=[],
        dokument=[],
        user=sekreterare_bun,
    )

    assert _acts() == [
        (
            H.MAL_ANTAGET,
            sekreterare_bun,
            draft,
            org["bun"],
            {"ny": False, "status": "antaget", "falt": ["status"]},
            True,
        )
    ]


def test_changing_an_adopted_goal_names_the_fields_and_is_internal(chain, org, controller):
    other = Mal.objects.create(
        titel="Annat", agare=org["kf"], typ="strategiskt", mandatperiod=chain["kf"].mandatperiod
    )

    services.spara_mal(
        mal=_renamed(chain["bun"], titel="Nytt namn"),
        overordnade=[other],
        dokument=[],
        user=controller,
    )

    assert _acts() == [
        (
            H.MAL_SPARAT,
            controller,
            chain["bun"],
            org["bun"],
            {"ny": False, "status": "antaget", "falt": ["titel", "overordnade"]},
            False,
        )
    ]


def test_assessment_value_and_target_are_acts_on_the_goal(chain, org, chef_solrosen, controller):
    goal, ind = chain["solrosen"], chain["indikator"]

    services.bedom_mal(
        mal=goal, period=Period.year(2025), utfall="delvis", analys="Nästan.", user=chef_solrosen
    )
    services.registrera_varde(
        indikator=ind,
        organisation=org["solrosen"],
        period=Period.parse("2025T2"),
        totalt=Decimal("88.50"),
        kvinnor=Decimal(90),
        man=Decimal(87),
        preliminar=True,
        user=chef_solrosen,
    )
    services.satt_malvarde(indikator=ind, ar=2026, varde=Decimal("92.0"), user=controller)

    assert _acts() == [
        (
            H.BEDOMD,
            chef_solrosen,
            goal,
            org["solrosen"],
            {"period": "2025", "utfall": "delvis"},
            False,
        ),
        (
            H.VARDE_REGISTRERAT,
            chef_solrosen,
            goal,
            org["solrosen"],
            {
                "indikator": ind.pk,
                "period": "2025T2",
                "totalt": "88.5",
                "kvinnor": "90",
                "man": "87",
                "preliminar": True,
                "ny": True,
            },
            False,
        ),
        (
            H.MALVARDE_SATT,
            controller,
            goal,
            org["solrosen"],
            {"indikator": ind.pk, "ar": 2026, "varde": "92"},
            False,
        ),
    ]


def test_goal_history_shows_the_acts_on_the_goal(chain, org, chef_solrosen):
    goal = chain["solrosen"]
    services.bedom_mal(
        mal=goal, period=Period.year(2025), utfall="delvis", analys="Nästan.", user=chef_solrosen
    )
    services.registrera_varde(
        indikator=chain["indikator"],
        organisation=org["solrosen"],
        period=Period.year(2025),
        totalt=Decimal(88),
        user=chef_solrosen,
    )

    acts = [
        (h.vad, h.vem, h.objekt) for h in goal_history(goal) if not h.falt and h.vad != "Skapad"
    ]

    assert acts == [
        ("Värde registrerat", str(chef_solrosen), str(goal)),
        ("Bedömd", str(chef_solrosen), str(goal)),
    ]


def test_indicator_and_activity_are_acts_on_their_goal(chain, org, sekreterare_bun, chef_solrosen):
    ind = services.spara_indikator(
        indikator=Indikator(mal=chain["bun"], matt_for=org["bun"], namn="Meritvärde", enhet="p"),
        user=sekreterare_bun,
    )
    ind.enhet = "poäng"
    services.spara_indikator(indikator=ind, user=sekreterare_bun)
    aktivitet = services.spara_aktivitet(
        aktivitet=Aktivitet(mal=chain["solrosen"], titel="Trygghetsvandring"), user=chef_solrosen
    )

    assert _acts() == [
        (
            H.INDIKATOR_SPARAD,
            sekreterare_bun,
            chain["bun"],
            org["bun"],
            {"indikator": ind.pk, "namn": "Meritvärde", "ny": True, "falt": []},
            False,
        ),
        (
            H.INDIKATOR_SPARAD,
            sekreterare_bun,
            chain["bun"],
            org["bun"],
            {"indikator": ind.pk, "namn": "Meritvärde", "ny": False, "falt": ["enhet"]},
            False,
        ),
        (
            H.AKTIVITET_SPARAD,
            chef_solrosen,
            chain["solrosen"],
            org["solrosen"],
            {
                "aktivitet": aktivitet.pk,
                "titel": "Trygghetsvandring",
                "status": "planerad",
                "ny": True,
                "falt": [],
            },
            False,
        ),
    ]


def test_giving_and_commenting_an_assignment_are_acts_of_the_giver_and_the_receiver(
    org, sekreterare_bun, chef_solrosen
):
    budgetar = UppdragFactory(givet_av=org["kf"], givet_till=org["bun"]).budgetar
    uppdrag = services.ge_uppdrag(
        uppdrag=Uppdrag(
            titel="Öka utevistelsen",
            givet_av=org["bun"],
            givet_till=org["solrosen"],
            budgetar=budgetar,
        ),
        user=sekreterare_bun,
    )
    services.kommentera_uppdrag(
        uppdrag=uppdrag,
        period=Period.parse("2025T2"),
        status="pagar",
        kommentar="Vi har börjat.",
        user=chef_solrosen,
    )

    assert _acts() == [
        (
            H.UPPDRAG_GIVET,
            sekreterare_bun,
            uppdrag,
            org["bun"],
            {"givet_till": org["solrosen"].pk, "budgetar": 2025, "mal": None},
            False,
        ),
        (
            H.UPPDRAG_KOMMENTERAT,
            chef_solrosen,
            uppdrag,
            org["solrosen"],
            {"period": "2025T2", "status": "pagar"},
            False,
        ),
    ]


def test_a_refused_act_is_not_logged(chain, org, chef_solrosen):
    with pytest.raises(ValidationError):
        services.bedom_mal(
            mal=chain["solrosen"],
            period=Period.year(2025),
            utfall="uppfyllt",
            analys="",
            user=chef_solrosen,
        )
    with pytest.raises(ValidationError):
        services.registrera_varde(
            indikator=chain["indikator"],
            organisation=org["solrosen"],
            period=Period.year(2019),
            totalt=Decimal(1),
            user=chef_solrosen,
        )

    assert Handelse.objects.count() == 0


KOLADA = """[
  {"kpi": "N01951", "municipality": "2299", "period": 2024, "gender": "T", "value": 60000},
  {"kpi": "N01951", "municipality": "2299", "period": 2025, "gender": "T", "value": 60500},
  {"kpi": "N01951", "municipality": "2299", "period": 2025, "gender": "K", "value": null}
]"""


@pytest.fixture
def kpi(org, period):
    org["kommun"].kod = "2299"
    org["kommun"].save()
    return Indikator.objects.create(
        mal=Mal.objects.create(
            titel="Fler invånare", agare=org["kf"], typ="strategiskt", mandatperiod=period
        ),
        matt_for=org["kommun"],
        namn="Invånare totalt",
        enhet="antal",
        kalla=Indikator.Kalla.KOLADA,
        kpi_id="N01951",
    )


def test_kolada_import_is_one_act_with_its_counts_and_a_rerun_or_dry_run_logs_nothing(
    kpi, org, controller
):
    import_kpi(text=KOLADA, dry_run=True, user=controller)
    import_kpi(text=KOLADA, user=controller)
    import_kpi(text=KOLADA, user=controller)

    assert _acts() == [
        (
            H.VARDEN_IMPORTERADE,
            controller,
            org["kommun"],
            org["kommun"],
            {
                "kalla": "kolada",
                "skapade": 2,
                "andrade": 0,
                "oforandrade": 0,
                "overhoppade": 1,
                "nyckeltal": ["N01951"],
                "organisationer": ["2299"],
                "perioder": ["2024", "2025"],
            },
            False,
        )
    ]
