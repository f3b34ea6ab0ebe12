"""Compilation upwards: the parts a report compiles, read from their frozen versions, and the
summed economy against hand-computed figures."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from styrning.models import Organisation
from styrning.periods import Periodtyp
from styrning.queries import tree_per_request
from tests.factories import OrganisationFactory
from tests.uppfoljning.factories import (
    RapportFactory,
    RapportperiodFactory,
    RapporttypFactory,
    RapportversionFactory,
)
from uppfoljning import ekonomi as ekonomi_module
from uppfoljning import kalender, sammanstallning
from uppfoljning.models import Ekonomirad, Prognos, Rapport
from uppfoljning.rapportering import delar_klara, rapport_innehall

S = Rapport.Status


def ekonomi_total(budget_ar, utfall, prognos, avvikelse):
    return {
        "budget_ar": budget_ar,
        "budget_hittills": "",
        "utfall_hittills": utfall,
        "utfall_hittills_fg": "",
        "prognos": prognos,
        "foregaende_prognos": "",
        "avvikelse": avvikelse,
        "forbrukat_procent": "",
    }


def innehall(total, mal=(), uppdrag=(), atgarder=()):
    return {
        "schema": 1,
        "ekonomi": {"rader": [], "total": total},
        "mal": list(mal),
        "uppdrag": list(uppdrag),
        "atgarder": list(atgarder),
    }


def goal(pk, omrade, utfall="", forslag="", analys=""):
    return {
        "id": pk,
        "nummer": f"{pk}.1",
        "titel": f"Mål {pk}",
        "malomrade": omrade,
        "forslag": forslag,
        "utfall": utfall,
        "analys": analys,
        "indikatorer": [],
    }


@pytest.fixture
def manad(db):
    return RapporttypFactory(kod="manad", namn="Månadsuppföljning")


@pytest.fixture
def period_mars(manad):
    return RapportperiodFactory(rapporttyp=manad, ar=2026, periodnummer=3)


@pytest.fixture
def compiled(org, period_mars):
    """BUF's March report and its two units' reports, both submitted with frozen versions."""
    buf = RapportFactory(rapportperiod=period_mars, organisation=org["buf"])
    sol = RapportFactory(rapportperiod=period_mars, organisation=org["solrosen"], status=S.INLAMNAD)
    bla = RapportFactory(
        rapportperiod=period_mars, organisation=org["blaklockan"], status=S.GODKAND
    )
    RapportversionFactory(
        rapport=sol,
        innehall=innehall(
            ekonomi_total("1200000.00", "310000.00", "1250000.00", "-50000.00"),
            mal=[
                goal(1, "Lärande", utfall="uppfyllt", analys="Fler barn läser."),
                goal(2, "Lärande", forslag="delvis"),
                goal(3, "Trygghet", utfall="ej_uppfyllt", analys="Personalbrist."),
            ],
            uppdrag=[{"id": 7, "titel": "Utred", "status": "pagar", "status_label": "Pågår"}],
            atgarder=[{"id": 4, "beskrivning": "Färre vikarier", "ansvarig": "Eva"}],
        ),
    )
    RapportversionFactory(
        rapport=bla,
        innehall=innehall(
            ekonomi_total("800000.00", "190000.50", "790000.00", "10000.00"),
            mal=[goal(5, "Lärande", utfall="uppfyllt")],
        ),
    )
    return {"buf": buf, "sol": sol, "bla": bla}


def test_delar_lists_the_units_from_their_frozen_versions(org, compiled):
    parts = sammanstallning.delar(compiled["buf"])

    # In the tree's order (ordning, name).
    assert [p["organisation"]["kod"] for p in parts] == ["BLA", "SOL"]
    assert [p["version"] for p in parts] == [1, 1]
    assert [p["inlamnad"] for p in parts] == [True, True]
    assert parts[0]["status_label"] == "Godkänd"
    sol = parts[1]["sammanfattning"]
    assert sol["ekonomi"]["prognos"] == "1250000.00"
    assert sol["malstatus"] == [
        {
            "malomrade": "Lärande",
            "antal": [
                {"status": "uppfyllt", "label": "Uppfyllt", "antal": 1},
                {"status": "delvis", "label": "Delvis uppfyllt", "antal": 1},
                {"status": "ej_uppfyllt", "label": "Ej uppfyllt", "antal": 0},
                {"status": "ej_bedomt", "label": "Ej bedömt", "antal": 0},
            ],
            "totalt": 2,
        },
        {
            "malomrade": "Trygghet",
            "antal": [
                {"status": "uppfyllt", "label": "Uppfyllt", "antal": 0},
                {"status": "delvis", "label": "Delvis uppfyllt", "antal": 0},
                {"status": "ej_uppfyllt", "label": "Ej uppfyllt", "antal": 1},
                {"status": "ej_bedomt", "label": "Ej bedömt", "antal": 0},
            ],
            "totalt": 1,
        },
    ]
    assert [a["analys"] for a in sol["analyser"]] == ["Fler barn läser.", "Personalbrist."]
    assert sol["atgarder"] == [{"id": 4, "beskrivning": "Färre vikarier", "ansvarig": "Eva"}]
    assert sol["uppdrag"] == [{"status": "pagar", "label": "Pågår", "antal": 1}]


def test_summerad_ekonomi_against_hand_computed_figures(org, compiled):
    ekonomi = sammanstallning.summerad_ekonomi(compiled["buf"])

    assert [(r["kod"], r["budget_ar"], r["prognos"]) for r in ekonomi["rader"]] == [
        ("BLA", "800000.00", "790000.00"),
        ("SOL", "1200000.00", "1250000.00"),
    ]
    # 1 200 000 + 800 000; 310 000 + 190 000,50; 1 250 000 + 790 000; −50 000 + 10 000.
    assert ekonomi["total"]["budget_ar"] == "2000000.00"
    assert ekonomi["total"]["utfall_hittills"] == "500000.50"
    assert ekonomi["total"]["prognos"] == "2040000.00"
    assert ekonomi["total"]["avvikelse"] == "-40000.00"
    # 500 000,50 / 2 000 000 = 25,0 %; Solrosen 310 000 / 1 200 000 = 25,8 %.
    assert ekonomi["total"]["forbrukat_procent"] == "25.0"
    assert ekonomi["rader"][1]["forbrukat_procent"] == "25.8"
    assert ekonomi["total"]["budget_hittills"] == ""


def test_malstatus_per_omrade_counts_all_parts_together(org, compiled):
    table = sammanstallning.malstatus_per_omrade(sammanstallning.delar(compiled["buf"]))

    assert [(a["malomrade"], [c["antal"] for c in a["antal"]], a["totalt"]) for a in table] == [
        ("Lärande", [2, 1, 0, 0], 3),
        ("Trygghet", [0, 0, 1, 0], 1),
    ]


def test_parts_are_read_from_the_latest_frozen_version_not_live_data(org, compiled):
    RapportversionFactory(
        rapport=compiled["sol"],
        nummer=2,
        innehall=innehall(ekonomi_total("1200000.00", "320000.00", "1300000.00", "-100000.00")),
    )
    # Live data changed after submission: not what the compilation reads.
    Prognos.objects.create(
        organisation=org["solrosen"],
        ar=2026,
        periodtyp=Periodtyp.MANAD,
        periodnummer=3,
        arsprognos="9999999",
    )

    parts = sammanstallning.delar(compiled["buf"])

    assert parts[1]["version"] == 2
    assert parts[1]["sammanfattning"]["ekonomi"]["prognos"] == "1300000.00"
    assert sammanstallning.summerad_ekonomi(compiled["buf"])["total"]["prognos"] == "2090000.00"


def test_a_part_not_submitted_is_listed_as_missing(org, compiled):
    compiled["bla"].status = S.UTKAST  # reopened: its old version is not what is compiled
    compiled["bla"].save()

    parts = sammanstallning.delar(compiled["buf"])
    ekonomi = sammanstallning.summerad_ekonomi(compiled["buf"], parts)

    assert [(p["organisation"]["kod"], p["inlamnad"]) for p in parts] == [
        ("BLA", False),
        ("SOL", True),
    ]
    assert parts[0]["sammanfattning"] is None
    assert ekonomi["rader"][0]["budget_ar"] == ""
    assert ekonomi["total"]["budget_ar"] == "1200000.00"


def test_only_the_nearest_reporting_organisations_are_compiled(org, compiled, period_mars):
    """A nämnd's report compiles its förvaltning's, not the units below the förvaltning; a
    unit's report of another month or of another organisation is not a part."""
    bun = RapportFactory(rapportperiod=period_mars, organisation=org["bun"])
    RapportFactory(rapportperiod=period_mars, organisation=org["hemtjanst"], status=S.INLAMNAD)
    april = RapportperiodFactory(rapporttyp=period_mars.rapporttyp, ar=2026, periodnummer=4)
    RapportFactory(rapportperiod=april, organisation=org["forskola"])

    assert [p["organisation"]["kod"] for p in sammanstallning.delar(bun)] == ["BUF"]
    assert [p["organisation"]["kod"] for p in sammanstallning.delar(compiled["buf"])] == [
        "BLA",
        "SOL",
    ]


def test_ks_delarsrapport_compiles_the_tertial_reports_ending_the_same_day(org):
    """The delårsrapport per August compiles the nämnder's tertial reports per August (T2),
    which lie beside KS in the tree, not below it."""
    tertial = RapporttypFactory(
        kod="tertial",
        namn="Tertialuppföljning",
        periodtyp=Periodtyp.TERTIAL,
        periodnummer=[1, 2],
        rapporterande_nivaer=[Organisation.Typ.NAMND, Organisation.Typ.FORVALTNING],
    )
    delar_typ = RapporttypFactory(
        kod="delar",
        namn="Delårsrapport",
        periodnummer=[8],
        sammanstaller=tertial,
        antas_av=Organisation.Typ.KOMMUNFULLMAKTIGE,
    )
    t2 = RapportperiodFactory(
        rapporttyp=tertial, periodtyp=Periodtyp.TERTIAL, periodnummer=2, ar=2026
    )
    t1 = RapportperiodFactory(
        rapporttyp=tertial, periodtyp=Periodtyp.TERTIAL, periodnummer=1, ar=2026
    )
    augusti = RapportperiodFactory(
        rapporttyp=delar_typ, periodnummer=8, sista_dag=datetime.date(2026, 10, 1)
    )
    ks_rapport = RapportFactory(rapportperiod=augusti, organisation=org["ks"])
    for kod in ("bun", "sn", "buf"):
        RapportFactory(rapportperiod=t2, organisation=org[kod], status=S.INLAMNAD)
    RapportFactory(rapportperiod=t1, organisation=org["bun"], status=S.INLAMNAD)

    parts = sammanstallning.delar(ks_rapport)

    assert [(p["organisation"]["kod"], p["period_label"]) for p in parts] == [
        ("BUN", "per augusti 2026"),
        ("SN", "per augusti 2026"),
    ]
    # Submitted, but no frozen version (made before the versions existed): not at hand.
    assert [p["inlamnad"] for p in parts] == [False, False]


def _units(org, period, n):
    """n units below Förskolan with submitted reports and frozen versions."""
    for i in range(n):
        unit = OrganisationFactory(
            kod=f"U{i}", namn=f"Enhet {i}", typ=Organisation.Typ.ENHET, overordnad=org["forskola"]
        )
        part = RapportFactory(rapportperiod=period, organisation=unit, status=S.INLAMNAD)
        RapportversionFactory(
            rapport=part, innehall=innehall(ekonomi_total("100.00", "25.00", "100.00", "0.00"))
        )
        RapportversionFactory(
            rapport=part,
            nummer=2,
            innehall=innehall(ekonomi_total("100.00", "30.00", "100.00", "0.00")),
        )


@pytest.mark.parametrize("n", [1, 12])
def test_delar_reads_a_bounded_number_of_queries(org, period_mars, n):
    buf = RapportFactory(rapportperiod=period_mars, organisation=org["buf"])
    _units(org, period_mars, n)
    buf = Rapport.objects.select_related("rapportperiod__rapporttyp", "organisation").get(pk=buf.pk)

    with CaptureQueriesContext(connection) as queries:
        ekonomi = sammanstallning.summerad_ekonomi(buf)

    # The tree, the reports compiled, their latest frozen versions.
    assert len(queries) == 3
    assert ekonomi["total"]["utfall_hittills"] == f"{30 * n}.00"


def test_ks_own_report_of_the_namnders_kind_compiles_only_its_forvaltning(org):
    """KS reporting a tertial report like a nämnd compiles KLF's, not the other nämnder's."""
    tertial = RapporttypFactory(
        kod="tertial",
        namn="Tertialuppföljning",
        periodtyp=Periodtyp.TERTIAL,
        periodnummer=[1, 2],
        antas_av=Organisation.Typ.KOMMUNSTYRELSE,
    )
    t1 = RapportperiodFactory(
        rapporttyp=tertial, periodtyp=Periodtyp.TERTIAL, periodnummer=1, ar=2026
    )
    ks = RapportFactory(rapportperiod=t1, organisation=org["ks"])
    for kod in ("klf", "bun", "sn"):
        RapportFactory(rapportperiod=t1, organisation=org[kod], status=S.INLAMNAD)

    assert [p["organisation"]["kod"] for p in sammanstallning.delar(ks)] == ["KLF"]


@pytest.fixture
def kommunens_delarsrapport(org):
    """KS's delårsrapport per August 2026 compiling the nämnder's tertial reports per August:
    BUN's and SN's submitted with frozen totals; KS's own economy booked on KLF (below KS),
    with KS's own forecast; economy booked on BUF is BUN's, not counted twice."""
    tertial = RapporttypFactory(
        kod="tertial",
        namn="Tertialuppföljning",
        periodtyp=Periodtyp.TERTIAL,
        periodnummer=[1, 2],
        rapporterande_nivaer=[Organisation.Typ.NAMND],
    )
    typ = RapporttypFactory(
        kod="delarsrapport",
        namn="Delårsrapport",
        periodnummer=[8],
        sammanstaller=tertial,
        antas_av=Organisation.Typ.KOMMUNFULLMAKTIGE,
        lagkrav="delarsrapport",
    )
    t2 = RapportperiodFactory(
        rapporttyp=tertial, periodtyp=Periodtyp.TERTIAL, periodnummer=2, ar=2026
    )
    augusti = RapportperiodFactory(
        rapporttyp=typ, periodnummer=8, sista_dag=datetime.date(2026, 10, 1)
    )
    for kod, total in (
        ("bun", ekonomi_total("3000000.00", "2100000.00", "3100000.00", "-100000.00")),
        ("sn", ekonomi_total("2000000.00", "1300000.00", "1950000.00", "50000.00")),
    ):
        part = RapportFactory(rapportperiod=t2, organisation=org[kod], status=S.GODKAND)
        RapportversionFactory(rapport=part, innehall=innehall(total))
    for manad in range(1, 13):
        # KLF: 50 000 a month budget, 40 000 outcome Jan–Aug; BUF: the nämnd's own economy.
        for kod, budget, utfall in (("klf", 50_000, 40_000), ("buf", 999_000, 999_000)):
            Ekonomirad.objects.create(
                organisation=org[kod],
                kontogrupp="Personalkostnader",
                ar=2026,
                manad=manad,
                budget=budget,
                utfall=utfall if manad <= 8 else 0,
            )
    Prognos.objects.create(
        organisation=org["ks"],
        ar=2026,
        periodtyp=Periodtyp.MANAD,
        periodnummer=8,
        arsprognos="580000",
        motivering="Vakanser på kansliet.",
    )
    ks = RapportFactory(rapportperiod=augusti, organisation=org["ks"], status=S.UTKAST)
    return Rapport.objects.select_related("rapportperiod__rapporttyp", "organisation").get(pk=ks.pk)


def test_ks_municipal_report_economy_is_the_whole_municipality(org, kommunens_delarsrapport):
    """KS's delårsrapport shows the municipality's economy: KS's own row (its subtree, live,
    with its own forecast), then one row per nämnd from its frozen tertial report, and the
    sum; the report's content (what is frozen, shown and published) carries the same."""
    ks = kommunens_delarsrapport

    ekonomi = sammanstallning.summerad_ekonomi(ks)

    assert [
        (r["kod"], r["budget_ar"], r["utfall_hittills"], r["prognos"]) for r in ekonomi["rader"]
    ] == [
        # 12 × 50 000; 8 × 40 000; KS's own forecast.
        ("KS", "600000.00", "320000.00", "580000.00"),
        ("BUN", "3000000.00", "2100000.00", "3100000.00"),
        ("SN", "2000000.00", "1300000.00", "1950000.00"),
    ]
    # 600 000 + 3 000 000 + 2 000 000; 320 000 + 2 100 000 + 1 300 000;
    # 580 000 + 3 100 000 + 1 950 000; 20 000 − 100 000 + 50 000.
    assert ekonomi["total"]["budget_ar"] == "5600000.00"
    assert ekonomi["total"]["utfall_hittills"] == "3720000.00"
    assert ekonomi["total"]["prognos"] == "5630000.00"
    assert ekonomi["total"]["avvikelse"] == "-30000.00"
    # 3 720 000 / 5 600 000 = 66,4 %.
    assert ekonomi["total"]["forbrukat_procent"] == "66.4"
    assert ekonomi["prognos_motivering"] == "Vakanser på kansliet."
    # The proposal for the one forecast KS gives here, its own: 320 000 / 8 × 12.
    assert ekonomi["total"]["forslag"] == "480000.00"
    assert ekonomi_module.ekonomi_for_rapport(ks) == ekonomi
    assert rapport_innehall(ks)["ekonomi"] == ekonomi
    with tree_per_request():
        assert ekonomi_module.prognos_organisation_ids(ks, ekonomi) == [org["ks"].pk]


def test_ks_municipal_report_counts_its_own_forecast_as_a_part(org, kommunens_delarsrapport):
    ks = kommunens_delarsrapport
    done, total = delar_klara(ks)

    Prognos.objects.filter(organisation=org["ks"]).delete()

    assert delar_klara(ks) == (done - 1, total)


@pytest.mark.parametrize("n", [1, 12])
def test_municipal_economy_reads_a_bounded_number_of_queries(org, kommunens_delarsrapport, n):
    t2 = Rapport.objects.get(organisation=org["bun"]).rapportperiod
    for i in range(n):
        namnd = OrganisationFactory(
            kod=f"N{i}", namn=f"Nämnd {i}", typ=Organisation.Typ.NAMND, overordnad=org["kf"]
        )
        part = RapportFactory(rapportperiod=t2, organisation=namnd, status=S.INLAMNAD)
        RapportversionFactory(
            rapport=part, innehall=innehall(ekonomi_total("100.00", "25.00", "100.00", "0.00"))
        )

    with tree_per_request(), CaptureQueriesContext(connection) as queries:
        ekonomi = sammanstallning.summerad_ekonomi(kommunens_delarsrapport)

    # The kind compiled (the tertial), the tree, the reports compiled, their latest frozen
    # versions; KS's own economy: the aggregate over its subtree, its forecasts.
    assert len(queries) == 6
    assert len(ekonomi["rader"]) == 3 + n


def test_ks_arsredovisning_compiles_the_namnders_arsrapporter(org, controller):
    """Borås' kinds: the årsredovisning compiles the nämnder's and bolagens årsrapporter of the
    year (not its own kind), each adopted by its own nämnd."""
    typer = {t.kod: t for t in kalender.boras_rapporttyper()}
    for kod in ("arsrapport", "arsredovisning"):
        kalender.skapa_perioder(rapporttyp=typer[kod], ar=2025, user=controller)
    ars = Rapport.objects.get(rapportperiod__rapporttyp__kod="arsredovisning")
    bun = Rapport.objects.get(rapportperiod__rapporttyp__kod="arsrapport", organisation=org["bun"])

    assert ars.organisation == org["ks"]
    assert [p["organisation"]["kod"] for p in sammanstallning.delar(ars)] == ["BUN", "SN"]
    assert sammanstallning.antagande_organ(bun) == org["bun"]
    assert sammanstallning.saknade_delar(ars)[1:3] == [
        "inlämnad rapport från Barn- och utbildningsnämnden (ej påbörjad)",
        "inlämnad rapport från Socialnämnden (ej påbörjad)",
    ]
