"""The follow-up's demo data: what the issue promises is there after `manage.py demo`, and a
second run adds nothing. The demo is loaded once for the module (a minute on a loaded machine)
inside a transaction that is rolled back when the module's tests are done."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from mal.demo import load_mal
from mal.models import Mal
from styrning.demo import load_organisation
from styrning.models import Handelse, Organisation
from styrning.permissions import can_report
from styrning.queries import organisation_tree
from uppfoljning.arbetsflode import inlamnad_sent
from uppfoljning.demo import load_uppfoljning
from uppfoljning.innehall import checksum
from uppfoljning.models import (
    AretSomGick,
    Ekonomirad,
    Rapport,
    Rapporteringsval,
    Rapportperiod,
    Rapportversion,
)
from uppfoljning.utdata import aret_som_gick_context

H = Handelse.Handling
FOLLOW_UP_ACTS = [
    H.AVSNITT_SPARAT,
    H.PROGNOS_SPARAD,
    H.RAPPORT_INLAMNAD,
    H.RAPPORT_GODKAND,
    H.RAPPORT_ANTAGEN,
]


def _quiet(_):
    return None


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_organisation(_quiet)
        load_mal(_quiet)
        started = timezone.now()
        load_uppfoljning(_quiet)
        yield started
        transaction.set_rollback(True)


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Rapportperiod, Rapport, Rapportversion, Ekonomirad, Rapporteringsval)
    }


def test_demo_has_the_periods_of_2024_to_2026_with_deadlines(demo, db):
    months = Rapportperiod.objects.filter(rapporttyp__kod="manad")

    by_year = {ar: months.filter(ar=ar).count() for ar in (2024, 2025, 2026)}
    november = months.get(ar=2026, periodnummer=11)

    assert by_year == {2024: 9, 2025: 9, 2026: 9}
    assert november.sista_dag == datetime.date(2026, 12, 10)
    assert Rapportperiod.objects.filter(sista_dag__isnull=True).count() == 0
    assert list(
        Rapportperiod.objects.filter(rapporttyp__kod="arsredovisning").values_list("ar", flat=True)
    ) == [2025, 2024]
    assert sorted(
        Rapporteringsval.objects.filter(ar=2026, rapporttyp__kod="tiodagars").values_list(
            "organisation__kod", flat=True
        )
    ) == ["BUF", "SOF"]


def _net(kod: str, ar: int, field: str, months: int = 12) -> Decimal:
    tree = organisation_tree()
    ids = tree.descendant_ids(Organisation.objects.get(kod=kod).pk)
    return Ekonomirad.objects.filter(organisation_id__in=ids, ar=ar, manad__lte=months).aggregate(
        s=Sum(field)
    )["s"]


def test_demo_economy_has_municipal_magnitudes_and_a_deficit_in_2026(demo, db):
    buf_budget = _net("BUF", 2025, "budget")
    unit_budget = _net("BUF-FSK-01", 2025, "budget")
    sof_ahead = _net("SOF", 2026, "utfall", 11) - _net("SOF", 2026, "budget", 11)
    buf_ahead = _net("BUF", 2026, "utfall", 11) - _net("BUF", 2026, "budget", 11)
    july = Ekonomirad.objects.filter(
        organisation__kod="BUF-FSK-01", ar=2025, kontogrupp="Personalkostnader"
    )

    assert 500_000_000 < buf_budget < 1_500_000_000
    assert 5_000_000 < unit_budget < 30_000_000
    assert sof_ahead > Decimal("0.01") * _net("SOF", 2026, "budget", 11)
    assert buf_ahead < 0
    assert july.get(manad=7).utfall < Decimal("0.8") * july.get(manad=6).utfall
    assert Ekonomirad.objects.filter(ar=2026, manad=12).exclude(utfall=0).count() == 0


def _rapport(typ: str, kod: str, ar: int, nummer: int = 0) -> Rapport:
    return Rapport.objects.select_related("rapportperiod").get(
        rapportperiod__rapporttyp__kod=typ,
        organisation__kod=kod,
        rapportperiod__ar=ar,
        rapportperiod__periodnummer=nummer,
    )


def test_demo_kf_adopted_the_delarsrapport_and_arsredovisning_2025_frozen(demo, db):
    delar = _rapport("delarsrapport", "KS", 2025, 8)
    ars = _rapport("arsredovisning", "KS", 2025)
    frozen = Rapportversion.objects.filter(rapport__in=[delar, ars])

    assert (ars.status, ars.beslutsdatum, ars.paragraf, ars.diarienummer) == (
        Rapport.Status.ANTAGEN,
        datetime.date(2026, 4, 23),
        "§ 48",
        "KS 2026/87",
    )
    assert (delar.status, delar.antagen_av.kod, delar.diarienummer) == (
        Rapport.Status.ANTAGEN,
        "KF",
        "KS 2025/412",
    )
    assert [v.kontrollsumma == checksum(v.innehall) for v in frozen] == [True] * frozen.count()
    assert sorted(ars.versioner.values_list("nummer", "slag")) == [(1, "antagen"), (1, "inlamnad")]
    assert ars.balanskrav.balanskravsresultat == Decimal("49400000")
    assert sorted(ars.bilagor.values_list("kod", flat=True)) == [
        "balansrakning",
        "driftredovisning",
        "investeringsredovisning",
        "kassaflodesanalys",
        "resultatrakning",
    ]


def test_demo_delarsrapport_was_reopened_after_adoption_with_a_reason(demo, db):
    delar = _rapport("delarsrapport", "KS", 2025, 8)
    versions = list(delar.versioner.order_by("nummer", "slag").values_list("nummer", "slag"))
    second = delar.versioner.get(nummer=2, slag="inlamnad")
    reopened = Handelse.objects.get(
        handling=Handelse.Handling.RAPPORT_ATEROPPNAD, objekt_id=delar.pk
    )

    assert versions == [(1, "antagen"), (1, "inlamnad"), (2, "antagen"), (2, "inlamnad")]
    assert second.anledning.startswith("Revisorerna har påpekat")
    assert reopened.data["anledning"] == second.anledning
    assert (delar.beslutsdatum, delar.paragraf) == (datetime.date(2025, 11, 20), "§ 152")


def test_demo_has_a_report_sent_back_and_resubmitted(demo, db):
    rapport = _rapport("manad", "BUF-FSK-01", 2026, 9)
    versions = list(rapport.versioner.order_by("nummer").values_list("nummer", "slag"))
    sent_back = Handelse.objects.get(
        handling=Handelse.Handling.RAPPORT_ATERSKICKAD, objekt_id=rapport.pk
    )

    assert versions == [(1, "inlamnad"), (2, "inlamnad")]
    assert rapport.status == Rapport.Status.GODKAND
    assert "sjukfrånvaron" in sent_back.data["kommentar"]
    assert rapport.aterskickad_kommentar == sent_back.data["kommentar"]


def test_demo_most_reports_are_on_time_and_a_few_late(demo, db):
    submitted = list(
        Rapport.objects.filter(inlamnad__isnull=False, version=1).select_related("rapportperiod")
    )
    late = [r for r in submitted if inlamnad_sent(r)]
    late_acts = Handelse.objects.filter(
        handling=Handelse.Handling.RAPPORT_INLAMNAD, data__sen=True
    ).count()

    assert len(submitted) > 60
    assert 3 <= len(late) <= len(submitted) // 10
    assert late_acts >= len(late)


def test_demo_chef_has_an_open_report_for_november_2026(demo, db):
    chef = get_user_model().objects.get(username="chef")
    rapport = _rapport("manad", "BUF-FSK-01", 2026, 11)

    assert rapport.status == Rapport.Status.UTKAST
    assert rapport.rapportperiod.sista_dag == datetime.date(2026, 12, 10)
    assert 0 < rapport.andel_klar < 100
    assert rapport.versioner.count() == 0
    assert can_report(chef, rapport.organisation_id)


def test_demo_aret_som_gick_2025_is_published_on_the_arsredovisning(demo, db):
    aret = AretSomGick.objects.get(ar=2025)

    assert aret.publicerad is True
    assert aret.arsredovisning == _rapport("arsredovisning", "KS", 2025)
    assert sum(i["belopp"] for i in aret.inkomster) == 4_695_000_000


def test_demo_dates_the_acts_when_people_would_have_done_them(demo, db):
    ours = Handelse.objects.filter(handling__in=FOLLOW_UP_ACTS)
    versions = Rapportversion.objects.select_related("rapport__rapportperiod")

    assert ours.count() > 500
    assert ours.filter(tid__gte=demo).count() == 0
    assert [v for v in versions if v.skapad.date() <= v.rapport.period.slut] == []


def test_demo_second_run_adds_nothing(demo, db):
    first = _counts()

    load_uppfoljning(_quiet)

    assert _counts() == first


def _adopted(rapport: Rapport) -> dict:
    return rapport.versioner.filter(slag="antagen").order_by("-nummer").first().innehall


def test_demo_municipal_reports_show_the_whole_municipalitys_economy(demo, db):
    """KS' delårsrapport and årsredovisning: KS' own row first, then one row per nämnd and
    bolag compiled (their frozen totals), summed; not KS' own economy alone."""
    for rapport in (
        _rapport("delarsrapport", "KS", 2025, 8),
        _rapport("arsredovisning", "KS", 2025),
    ):
        innehall = _adopted(rapport)
        rader = innehall["ekonomi"]["rader"]
        delar = [d["organisation"]["kod"] for d in innehall["delar"]]

        assert [r["kod"] for r in rader] == ["KS", *delar]
        assert {"BUN", "SN", "KFN", "TN", "MBN", "ABO"} <= set(delar)
        assert rader[0]["prognos"] != ""
        assert Decimal(innehall["ekonomi"]["total"]["budget_ar"]) == sum(
            Decimal(r["budget_ar"]) for r in rader
        )
        assert Decimal(innehall["ekonomi"]["total"]["budget_ar"]) > 10 * Decimal(
            rader[0]["budget_ar"]
        )


def test_demo_namnderna_adopted_their_arsrapporter_before_ks_compiled_them(demo, db):
    ars = _rapport("arsredovisning", "KS", 2025)
    arsrapporter = Rapport.objects.filter(
        rapportperiod__rapporttyp__kod="arsrapport", rapportperiod__ar=2025
    ).select_related("organisation", "antagen_av")
    delar = _adopted(ars)["delar"]

    assert len(delar) == arsrapporter.count() == 8
    assert [d["inlamnad"] and d["godkand"] for d in delar] == [True] * 8
    for rapport in arsrapporter:
        if rapport.organisation.typ == Organisation.Typ.NAMND:
            # adopted by the nämnd itself, before KS submitted the årsredovisning
            assert rapport.status == Rapport.Status.ANTAGEN
            assert rapport.antagen_av == rapport.organisation
            assert rapport.beslutsdatum < timezone.localdate(ars.inlamnad)
        else:
            # a bolag's årsredovisning goes to its general meeting, outside the system
            assert rapport.status == Rapport.Status.GODKAND


def test_demo_aret_som_gick_shares_the_hundred_kronor_between_the_namnder(demo, db):
    context = aret_som_gick_context(AretSomGick.objects.get(ar=2025))
    hundra = {h["namn"]: h["kronor"] for h in context["hundra"]}

    assert sum(hundra.values()) == 100
    assert {"Kommunstyrelsen", "Barn- och utbildningsnämnden", "Socialnämnden"} <= set(hundra)
    assert hundra["Kommunstyrelsen"] < 20


def test_demo_kf_reports_assess_kfs_goals_and_aret_som_gick_agrees(demo, db):
    """KS' delårsrapport and årsredovisning assess KF's goals (god ekonomisk hushållning among
    them) and KS' own, each with an analysis; Året som gick counts the same statuses."""
    kf_goals = set(
        Mal.objects.filter(agare__kod="KF", status=Mal.Status.ANTAGET).values_list("pk", flat=True)
    )
    for rapport in (
        _rapport("delarsrapport", "KS", 2025, 8),
        _rapport("arsredovisning", "KS", 2025),
    ):
        mal = _adopted(rapport)["mal"]

        # KF's goals first, then KS' own
        assert {m["id"] for m in mal[: len(kf_goals)]} == kf_goals
        assert [m["utfall"] for m in mal if m["utfall"] == "ej_bedomt" or not m["analys"]] == []
    context = aret_som_gick_context(AretSomGick.objects.get(ar=2025))
    mal = _adopted(_rapport("arsredovisning", "KS", 2025))["mal"]
    assert context["mal_antal"] == len(mal) == len(kf_goals) + 4
    assert context["mal_uppfyllda"] == sum(m["utfall"] == "uppfyllt" for m in mal)


def test_demo_the_text_on_kfs_goals_says_what_the_assessments_say(demo, db):
    for rapport in (
        _rapport("delarsrapport", "KS", 2025, 8),
        _rapport("arsredovisning", "KS", 2025),
    ):
        innehall = _adopted(rapport)
        kf = set(Mal.objects.filter(agare__kod="KF").values_list("pk", flat=True))
        utfall = [m["utfall"] for m in innehall["mal"] if m["id"] in kf]
        [text] = [a["text"] for a in innehall["avsnitt"] if a["kod"] == "maluppfyllelse_kf"]

        assert text.startswith(f"Av fullmäktiges {len(utfall)} mål bedöms")
        assert (
            f"{utfall.count('uppfyllt')} vara uppfyllda, {utfall.count('delvis')} delvis "
            f"uppfyllda och {utfall.count('ej_uppfyllt')} inte uppfyllda." in text
        )


def test_demo_past_years_hold_the_reports_made_then_not_hundreds_never_started(demo, db):
    """2024–2025: the månadsuppföljning was Solrosen's pilot (the controller's choice of
    organisations per year), and every report of those years was filled in; every KS report
    to KF whose meeting has passed is adopted; Året som gick is 2025's only."""
    past = Rapport.objects.filter(rapportperiod__ar__lte=2025)
    manad = Rapporteringsval.objects.filter(rapporttyp__kod="manad")

    assert past.filter(status=Rapport.Status.EJ_PABORJAD).count() == 0
    assert past.count() > 100  # 106: every kind of 2024–2025, filled in
    assert sorted(manad.filter(ar__lte=2025).values_list("ar", "organisation__kod")) == [
        (2024, "BUF-FSK-01"),
        (2025, "BUF-FSK-01"),
    ]
    assert manad.filter(ar=2026).count() == 15  # those taken into the system during 2026
    assert sorted(
        Rapport.objects.filter(
            rapportperiod__rapporttyp__kod__in=["delarsrapport", "arsredovisning"],
            status=Rapport.Status.ANTAGEN,
        ).values_list("rapportperiod__rapporttyp__kod", "rapportperiod__ar")
    ) == [
        ("arsredovisning", 2024),
        ("arsredovisning", 2025),
        ("delarsrapport", 2024),
        ("delarsrapport", 2025),
        ("delarsrapport", 2026),
    ]
    assert list(AretSomGick.objects.values_list("ar", flat=True)) == [2025]
