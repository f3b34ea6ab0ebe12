"""The chef's report: its content read live from the goal chain and the report's own rows,
in a fixed number of queries; how much of it is ready; the writes through the goal chain's
services and their refusals."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mal.models import Bedomning, Indikator, Mal, Uppdrag, Uppdragskommentar, Utfall, Varde
from styrning import locking
from styrning.actionlog import Handling
from styrning.models import Handelse
from styrning.periods import Periodtyp
from tests.factories import BudgetarFactory, MandatperiodFactory
from tests.mal.factories import (
    BedomningFactory,
    IndikatorFactory,
    MalFactory,
    MalvardeFactory,
    UppdragFactory,
    VardeFactory,
)
from tests.uppfoljning.factories import RapportFactory, RapportperiodFactory, RapporttypFactory
from uppfoljning import innehall, rapportering
from uppfoljning.models import (
    Atgard,
    Atgardsuppfoljning,
    Avsnittstext,
    Ekonomirad,
    Prognos,
    Rapport,
    Rapportperiod,
)

pytestmark = pytest.mark.django_db


def avsnitt(n: int) -> list[dict]:
    return [
        {
            "kod": f"avsnitt-{i}",
            "rubrik": f"Avsnitt {i}",
            "slag": "text",
            "obligatorisk": i == 0,
            "hjalptext": "",
        }
        for i in range(n)
    ]


def bygg_rapport(org, n: int = 1, status=Rapport.Status.UTKAST, enhet="solrosen") -> Rapport:
    """A tertial report per april 2026 of a unit (Solrosen) with `n` of everything: goals (each
    with an indicator, its target and value; every goal assessed but the last), assignments
    (each with the period's comment), sections, actions, and an earlier report's open
    actions."""
    sol, bun = org[enhet], org["bun"]
    mandat = MandatperiodFactory(start_ar=2023, slut_ar=2026)
    typ = RapporttypFactory(
        namn=f"Tertialuppföljning {enhet}",
        kod=f"tertial-{enhet}",
        periodtyp=Periodtyp.TERTIAL,
        periodnummer=[1, 2],
        avsnitt=avsnitt(n),
    )
    rapport = RapportFactory(
        rapportperiod=RapportperiodFactory(
            rapporttyp=typ,
            ar=2026,
            periodtyp=Periodtyp.TERTIAL,
            periodnummer=1,
            sista_dag=datetime.date(2026, 5, 15),
        ),
        organisation=sol,
        status=status,
    )
    tidigare = RapportFactory(
        rapportperiod=RapportperiodFactory(
            rapporttyp=typ,
            ar=2025,
            periodtyp=Periodtyp.TERTIAL,
            periodnummer=2,
            sista_dag=datetime.date(2025, 9, 15),
        ),
        organisation=sol,
        status=Rapport.Status.GODKAND,
    )
    budget = BudgetarFactory(ar=2026, mandatperiod=mandat)
    for i in range(n):
        mal = MalFactory(agare=sol, mandatperiod=mandat, titel=f"Mål {i}", ordning=i)
        ind = IndikatorFactory(mal=mal, namn=f"Indikator {i}", enhet="%")
        MalvardeFactory(indikator=ind, ar=2026, varde=Decimal(90))
        VardeFactory(
            indikator=ind, ar=2026, periodtyp=Periodtyp.TERTIAL, periodnummer=1, totalt=Decimal(92)
        )
        if i < n - 1 or n == 1:
            BedomningFactory(
                mal=mal,
                ar=2026,
                periodtyp=Periodtyp.TERTIAL,
                periodnummer=1,
                utfall=Utfall.UPPFYLLT,
                analys=f"Analys {i}",
            )
        uppdrag = UppdragFactory(
            givet_av=bun, givet_till=sol, budgetar=budget, titel=f"Uppdrag {i}"
        )
        Uppdragskommentar.objects.create(
            uppdrag=uppdrag,
            ar=2026,
            periodtyp=Periodtyp.TERTIAL,
            periodnummer=1,
            status=Uppdrag.Status.PAGAR,
            kommentar=f"Pågår {i}",
        )
        Avsnittstext.objects.create(rapport=rapport, kod=f"avsnitt-{i}", text=f"Text {i}")
        Atgard.objects.create(
            rapport=rapport,
            beskrivning=f"Åtgärd {i}",
            ansvarig="Rektor",
            datum=datetime.date(2026, 6, 30),
            effekt_kronor=Decimal("150000.50"),
        )
        Atgard.objects.create(
            rapport=tidigare,
            beskrivning=f"Tidigare åtgärd {i}",
            ansvarig="Rektor",
            datum=datetime.date(2025, 12, 31),
        )
    Atgard.objects.create(
        rapport=tidigare,
        beskrivning="Redan genomförd",
        ansvarig="Rektor",
        datum=datetime.date(2025, 10, 1),
        status=Atgard.Status.KLAR,
    )
    return rapport


def _content(rapport):
    return rapportering.rapport_innehall(rapportering.rapporter().get(pk=rapport.pk))


# --- Content -------------------------------------------------------------------------------------


def test_innehall_has_the_schema_and_the_report_heading(org):
    rapport = bygg_rapport(org)

    data = _content(rapport)

    assert set(data) == {
        "schema",
        "rapport",
        "ekonomi",
        "mal",
        "uppdrag",
        "avsnitt",
        "atgarder",
        "atgardsuppfoljning",
        "delar",
        "bilagor",
        "balanskrav",
    }
    assert data["schema"] == innehall.SCHEMA
    assert data["rapport"]["typ_namn"] == "Tertialuppföljning solrosen"
    assert data["rapport"]["organisation"]["namn"] == "Solrosens förskola"
    assert data["rapport"]["period"] == "2026T1"
    assert data["rapport"]["ackumulerad_label"] == "per april 2026"
    assert data["rapport"]["riktpunkt"] == "33.3"
    assert data["rapport"]["status"] == "utkast"
    assert data["ekonomi"]["rader"] == []  # no budget or outcome booked
    assert data["balanskrav"] is None
    assert data["bilagor"] == []
    # the checksum of the live content is stable (the JSON has only plain values)
    assert innehall.checksum(data) == innehall.checksum(_content(rapport))


def test_innehall_reads_goals_assessments_values_and_targets(org):
    rapport = bygg_rapport(org)

    [mal] = _content(rapport)["mal"]

    assert mal["titel"] == "Mål 0"
    assert mal["utfall"] == "uppfyllt"
    assert mal["utfall_label"] == "Uppfyllt"
    assert mal["analys"] == "Analys 0"
    # the stored roll-up of the period: 92 against a target of 90, higher is better
    assert mal["forslag"] == "uppfyllt"
    assert mal["indikatorer"] == [
        {
            "id": mal["indikatorer"][0]["id"],
            "namn": "Indikator 0",
            "enhet": "%",
            "varde": "92",
            "malvarde": "90",
        }
    ]


def test_innehall_leaves_out_other_organisations_drafts_and_other_years(org):
    rapport = bygg_rapport(org)
    mandat = MandatperiodFactory(start_ar=2023, slut_ar=2026)
    MalFactory(agare=org["blaklockan"], mandatperiod=mandat, titel="Annan enhet")
    MalFactory(agare=org["solrosen"], mandatperiod=mandat, titel="Utkast", status="utkast")
    MalFactory(
        agare=org["solrosen"],
        mandatperiod=None,
        budgetar=BudgetarFactory(ar=2025),
        titel="Förra året",
    )

    titles = [m["titel"] for m in _content(rapport)["mal"]]

    assert titles == ["Mål 0"]


def test_innehall_month_reads_the_suggestion_of_its_tertial(org):
    rapport = bygg_rapport(org)
    manad = RapportFactory(
        rapportperiod=RapportperiodFactory(ar=2026, periodtyp=Periodtyp.MANAD, periodnummer=3),
        organisation=org["solrosen"],
    )

    [mal] = _content(manad)["mal"]

    assert rapportering.forslagsperiod(manad.period).kod == "2026T1"
    assert mal["forslag"] == "uppfyllt"  # T1's stored suggestion
    assert mal["utfall"] == "ej_bedomt"  # no assessment for March itself
    assert _content(rapport)["mal"][0]["utfall"] == "uppfyllt"


def test_innehall_assignments_sections_actions_and_follow_up(org):
    rapport = bygg_rapport(org)
    tidigare = Atgard.objects.get(beskrivning="Tidigare åtgärd 0")
    Atgardsuppfoljning.objects.create(
        atgard=tidigare, rapport=rapport, status=Atgard.Status.PAGAENDE, kommentar="På gång"
    )

    data = _content(rapport)

    assert [(u["titel"], u["status"], u["kommentar"]) for u in data["uppdrag"]] == [
        ("Uppdrag 0", "pagar", "Pågår 0")
    ]
    assert data["avsnitt"] == [
        {
            "kod": "avsnitt-0",
            "rubrik": "Avsnitt 0",
            "slag": "text",
            "obligatorisk": True,
            "text": "Text 0",
            "klar": False,
        }
    ]
    [atgard] = data["atgarder"]
    assert atgard["beskrivning"] == "Åtgärd 0"
    assert atgard["effekt_kronor"] == "150000.5"
    assert atgard["datum"] == "2026-06-30"
    assert atgard["status_label"] == "Planerad"
    # the earlier report's open action, with this report's follow-up; the done one is not
    assert data["atgardsuppfoljning"] == [
        {
            "atgard_id": tidigare.pk,
            "beskrivning": "Tidigare åtgärd 0",
            "status": "pagaende",
            "status_label": "Pågående",
            "kommentar": "På gång",
        }
    ]


def test_innehall_costs_the_same_for_one_and_many(org):
    one = bygg_rapport(org, n=1)
    many = bygg_rapport(org, n=12, enhet="blaklockan")

    with CaptureQueriesContext(connection) as small:
        small_data = _content(one)
    with CaptureQueriesContext(connection) as large:
        large_data = _content(many)

    assert len(small_data["mal"]) == 1
    assert len(large_data["mal"]) == 12
    assert len(large_data["uppdrag"]) == 12
    assert len(large_data["avsnitt"]) == 12
    assert len(large_data["atgarder"]) == 12
    assert len(large_data["atgardsuppfoljning"]) == 12
    assert len(large.captured_queries) == len(small.captured_queries)


# --- How much is ready ---------------------------------------------------------------------------


def test_andel_klar_counts_sections_goals_forecast_and_follow_up(org):
    rapport = rapportering.rapporter().get(pk=bygg_rapport(org).pk)
    # a section not ready, a goal assessed, an earlier action not followed up
    assert rapportering.delar_klara(rapport) == (1, 3)
    assert rapportering.beraknad_andel_klar(rapport) == 33

    Ekonomirad.objects.create(
        organisation=org["solrosen"], kontogrupp="Personal", ar=2026, manad=1, budget=100
    )
    assert rapportering.delar_klara(rapport) == (1, 4)  # the forecast is now due

    Prognos.objects.create(
        organisation=org["solrosen"], ar=2026, periodtyp="tertial", periodnummer=1, arsprognos=1
    )
    Avsnittstext.objects.filter(rapport=rapport).update(klar=True)
    Atgardsuppfoljning.objects.create(
        atgard=Atgard.objects.get(beskrivning="Tidigare åtgärd 0"),
        rapport=rapport,
        status=Atgard.Status.KLAR,
    )
    assert rapportering.beraknad_andel_klar(rapport) == 100


def test_andel_klar_is_not_100_until_everything_is_done(org):
    rapport = rapportering.rapporter().get(pk=bygg_rapport(org, n=3).pk)
    Avsnittstext.objects.filter(rapport=rapport).update(klar=True)
    Atgardsuppfoljning.objects.bulk_create(
        Atgardsuppfoljning(atgard=a, rapport=rapport, status=Atgard.Status.KLAR)
        for a in Atgard.objects.filter(beskrivning__startswith="Tidigare")
    )

    # 3 sections + 2 of 3 goals assessed + 3 follow-ups: 8 of 9
    assert rapportering.delar_klara(rapport) == (8, 9)
    assert rapportering.beraknad_andel_klar(rapport) == 88


# --- Writes through the goal chain ---------------------------------------------------------------


@pytest.fixture
def tertial(org):
    return rapportering.rapporter().get(pk=bygg_rapport(org, status=Rapport.Status.EJ_PABORJAD).pk)


def test_bedom_on_the_report_is_the_assessment_the_goal_page_shows(tertial, chef_solrosen, client):
    mal = Mal.objects.get(titel="Mål 0")
    bedomning = Bedomning.objects.get(mal=mal)

    rapportering.bedom(
        rapport=tertial,
        mal=mal,
        utfall=Utfall.DELVIS,
        analys="Sjukfrånvaron steg i mars.",
        andringsmarke=locking.token(bedomning),
        user=chef_solrosen,
    )

    bedomning.refresh_from_db()
    assert (bedomning.utfall, bedomning.analys) == (Utfall.DELVIS, "Sjukfrånvaron steg i mars.")
    assert bedomning.period.kod == "2026T1"
    client.force_login(chef_solrosen)
    page = client.get(mal.get_absolute_url()).content.decode()
    assert "Sjukfrånvaron steg i mars." in page
    assert _content(tertial)["mal"][0]["utfall"] == "delvis"
    assert Handelse.objects.filter(handling=Handling.BEDOMD, objekt_id=mal.pk).count() == 1


def test_first_save_starts_the_report_and_stores_the_share_ready(tertial, chef_solrosen):
    rapportering.spara_avsnitt(
        rapport=tertial,
        kod="avsnitt-0",
        text="Ny text",
        klar=True,
        andringsmarke=locking.token(Avsnittstext.objects.get(rapport=tertial)),
        user=chef_solrosen,
    )

    tertial.refresh_from_db()
    assert tertial.status == Rapport.Status.UTKAST
    assert tertial.andel_klar == 66  # section + goal of section, goal, earlier action
    assert Handelse.objects.filter(handling=Handling.AVSNITT_SPARAT).count() == 1


def _mark_the_section_ready(rapport, user):
    section = Avsnittstext.objects.get(rapport=rapport)
    rapportering.spara_avsnitt(
        rapport=rapport,
        kod="avsnitt-0",
        text="Ny text",
        klar=True,
        andringsmarke=locking.token(section),
        user=user,
    )


def test_a_batch_of_writes_counts_the_share_ready_once_at_its_end(tertial, chef_solrosen):
    with rapportering.en_omrakning():
        _mark_the_section_ready(tertial, chef_solrosen)
        stored_within = Rapport.objects.values_list("status", "andel_klar").get(pk=tertial.pk)
    stored_after = Rapport.objects.values_list("status", "andel_klar").get(pk=tertial.pk)

    assert stored_within == (Rapport.Status.EJ_PABORJAD, 0)  # as before the batch
    assert stored_after == (Rapport.Status.UTKAST, 66)  # as one write alone stores it


def test_a_batch_that_fails_counts_nothing(tertial, chef_solrosen):
    with pytest.raises(RuntimeError), rapportering.en_omrakning():
        _mark_the_section_ready(tertial, chef_solrosen)
        raise RuntimeError("avbrutet")

    assert Rapport.objects.get(pk=tertial.pk).andel_klar == 0


def test_registrera_varde_writes_the_organisations_value_for_the_period(tertial, chef_solrosen):
    ind = Indikator.objects.get(namn="Indikator 0")
    varde = Varde.objects.get(indikator=ind)

    rapportering.registrera_varde(
        rapport=tertial,
        indikator=ind,
        totalt=Decimal("1234.5"),
        andringsmarke=locking.token(varde),
        user=chef_solrosen,
    )

    varde.refresh_from_db()
    assert varde.totalt == Decimal("1234.5")
    assert _content(tertial)["mal"][0]["indikatorer"][0]["varde"] == "1234.5"


def test_kommentera_uppdrag_writes_the_periods_comment(tertial, chef_solrosen):
    uppdrag = Uppdrag.objects.get(titel="Uppdrag 0")
    rad = Uppdragskommentar.objects.get(uppdrag=uppdrag)

    rapportering.kommentera_uppdrag(
        rapport=tertial,
        uppdrag=uppdrag,
        status=Uppdrag.Status.GENOMFORT,
        kommentar="Klart i april.",
        andringsmarke=locking.token(rad),
        user=chef_solrosen,
    )

    uppdrag.refresh_from_db()
    assert uppdrag.status == Uppdrag.Status.GENOMFORT
    assert _content(tertial)["uppdrag"][0]["kommentar"] == "Klart i april."


def test_spara_atgard_creates_and_refuses_an_action_without_text(tertial, chef_solrosen):
    ind = Indikator.objects.get(namn="Indikator 0")
    atgard = rapportering.spara_atgard(
        rapport=tertial,
        beskrivning="Fler vikarier",
        ansvarig="Rektor",
        datum=datetime.date(2026, 9, 1),
        indikator=ind,
        effekt_varde=Decimal(3),
        user=chef_solrosen,
    )
    assert (atgard.rapport_id, atgard.effekt_varde) == (tertial.pk, Decimal(3))

    with pytest.raises(ValidationError) as exc:
        rapportering.spara_atgard(
            rapport=tertial,
            beskrivning="  ",
            ansvarig="Rektor",
            datum=datetime.date(2026, 9, 1),
            user=chef_solrosen,
        )
    assert "beskrivning" in exc.value.message_dict
    assert Atgard.objects.filter(rapport=tertial).count() == 2  # the built one and the new


def test_folj_upp_atgard_records_the_state_and_moves_the_action(tertial, chef_solrosen):
    tidigare = Atgard.objects.get(beskrivning="Tidigare åtgärd 0")

    rapportering.folj_upp_atgard(
        rapport=tertial,
        atgard=tidigare,
        status=Atgard.Status.KLAR,
        kommentar="Genomförd i mars.",
        user=chef_solrosen,
    )

    tidigare.refresh_from_db()
    assert tidigare.status == Atgard.Status.KLAR
    # still listed in this report, with its follow-up; no longer open for the next
    assert _content(tertial)["atgardsuppfoljning"][0]["kommentar"] == "Genomförd i mars."
    tertial.refresh_from_db()
    assert tertial.andel_klar == 66


def test_folj_upp_refuses_an_action_of_this_report(tertial, chef_solrosen):
    own = Atgard.objects.get(beskrivning="Åtgärd 0")
    with pytest.raises(ValidationError):
        rapportering.folj_upp_atgard(
            rapport=tertial, atgard=own, status="klar", kommentar="", user=chef_solrosen
        )
    assert not Atgardsuppfoljning.objects.exists()


@pytest.mark.parametrize("status", [Rapport.Status.INLAMNAD, Rapport.Status.GODKAND])
def test_every_write_is_refused_when_the_report_is_submitted(org, chef_solrosen, status):
    rapport = bygg_rapport(org, status=status)
    mal = Mal.objects.get(titel="Mål 0")

    with pytest.raises(ValidationError) as exc:
        rapportering.bedom(
            rapport=rapport, mal=mal, utfall="delvis", analys="x", user=chef_solrosen
        )

    assert exc.value.messages == ["Rapporten är inlämnad; öppna den igen för att ändra."]
    assert Bedomning.objects.get(mal=mal).utfall == Utfall.UPPFYLLT


def test_writes_are_refused_when_the_period_is_closed(tertial, chef_solrosen):
    Rapportperiod.objects.filter(pk=tertial.rapportperiod_id).update(stangd=True)

    with pytest.raises(ValidationError, match="stängd"):
        rapportering.spara_avsnitt(
            rapport=tertial, kod="avsnitt-0", text="x", klar=False, user=chef_solrosen
        )
    assert Avsnittstext.objects.get(rapport=tertial).text == "Text 0"


def test_writes_are_refused_for_one_who_may_not_report(
    tertial, chef_blaklockan, fortroendevald_bun
):
    for user in (chef_blaklockan, fortroendevald_bun):
        with pytest.raises(ValidationError, match="Du får inte rapportera"):
            rapportering.spara_atgard(
                rapport=tertial,
                beskrivning="Åtgärd",
                ansvarig="Någon",
                datum=datetime.date(2026, 9, 1),
                user=user,
            )
    assert Atgard.objects.filter(rapport=tertial).count() == 1


def test_a_stale_section_save_is_refused_with_who_saved_and_nothing_is_overwritten(
    tertial, chef_solrosen, controller
):
    shown = locking.token(Avsnittstext.objects.get(rapport=tertial))
    rapportering.spara_avsnitt(
        rapport=tertial,
        kod="avsnitt-0",
        text="Controllerns text",
        klar=False,
        andringsmarke=shown,
        user=controller,
    )

    with pytest.raises(locking.Konflikt) as exc:
        rapportering.spara_avsnitt(
            rapport=tertial,
            kod="avsnitt-0",
            text="Chefens text",
            klar=False,
            andringsmarke=shown,
            user=chef_solrosen,
        )

    assert exc.value.messages[0].startswith(f"Ändrat av {controller} kl. ")
    assert Avsnittstext.objects.get(rapport=tertial).text == "Controllerns text"


@pytest.fixture
def ks_rapporter(org):
    """KS' delårsrapport per augusti 2026 (a kind with the law's requirements) and a monthly
    report of KS per augusti (none), with two goals of KF (one for god ekonomisk hushållning),
    one of KS and one of a nämnd, in force in 2026."""
    mandat = MandatperiodFactory(start_ar=2023, slut_ar=2026)
    kf_ekonomi = MalFactory(agare=org["kf"], mandatperiod=mandat, titel="Ekonomi i balans")
    kf_trygg = MalFactory(agare=org["kf"], mandatperiod=mandat, titel="Trygga invånare")
    MalFactory(agare=org["kf"], mandatperiod=mandat, titel="Utkast", status="utkast")
    MalFactory(agare=org["ks"], mandatperiod=mandat, titel="Service i tid")
    MalFactory(agare=org["bun"], mandatperiod=mandat, titel="Nämndens mål")
    rapporter = {}
    for kod, lagkrav in (("delarsrapport", "delarsrapport"), ("manad", "")):
        typ = RapporttypFactory(kod=kod, namn=kod, periodnummer=[8], lagkrav=lagkrav)
        rapporter[kod] = rapportering.rapporter().get(
            pk=RapportFactory(
                rapportperiod=RapportperiodFactory(rapporttyp=typ, ar=2026, periodnummer=8),
                organisation=org["ks"],
            ).pk
        )
    return {**rapporter, "kf_ekonomi": kf_ekonomi, "kf_trygg": kf_trygg}


def test_a_report_with_the_laws_requirements_gathers_kfs_goals_first(org, ks_rapporter):
    """The law asks the delårsrapport and the årsredovisning for the assessment of KF's goals
    and those for god ekonomisk hushållning: KS' report to KF gathers KF's adopted goals of the
    year besides its own; KS' other reports only its own."""
    delar = [m["titel"] for m in _content(ks_rapporter["delarsrapport"])["mal"]]
    manad = [m["titel"] for m in _content(ks_rapporter["manad"])["mal"]]

    assert delar == ["Ekonomi i balans", "Trygga invånare", "Service i tid"]
    assert manad == ["Service i tid"]


def test_ks_assesses_kfs_goal_in_its_report_through_the_goal_chain(org, ks_rapporter, controller):
    rapport = ks_rapporter["delarsrapport"]

    rapportering.bedom(
        rapport=rapport,
        mal=ks_rapporter["kf_ekonomi"],
        utfall=Utfall.DELVIS,
        analys="Resultatet når inte två procent av skatteintäkterna.",
        user=controller,
    )

    bedomning = Bedomning.objects.get(mal=ks_rapporter["kf_ekonomi"])
    assert (bedomning.period.kod, bedomning.utfall) == ("2026M08", Utfall.DELVIS)
    [ekonomi] = [m for m in _content(rapport)["mal"] if m["titel"] == "Ekonomi i balans"]
    assert (ekonomi["utfall"], ekonomi["analys"]) == (
        "delvis",
        "Resultatet når inte två procent av skatteintäkterna.",
    )
    assert rapportering.delar_klara(rapport)[0] == 1  # one of the three goals assessed
    with pytest.raises(ValidationError, match="följs inte upp i rapporten"):
        rapportering.bedom(
            rapport=ks_rapporter["manad"],
            mal=ks_rapporter["kf_trygg"],
            utfall=Utfall.DELVIS,
            analys="Inte KS' mål i månadsrapporten.",
            user=controller,
        )
    assert not Bedomning.objects.filter(mal=ks_rapporter["kf_trygg"]).exists()


def test_ks_assesses_kfs_goal_from_the_report_page(client, org, ks_rapporter, controller):
    """The report page's form for a KF goal in KS' delårsrapport saves (it is one of the goals
    the report follows up); the same goal posted to KS' monthly report is not found there."""
    mal = ks_rapporter["kf_ekonomi"]
    client.force_login(controller)
    data = {
        f"mal-{mal.pk}-utfall": "delvis",
        f"mal-{mal.pk}-analys": "Resultatet når inte två procent.",
        f"mal-{mal.pk}-andringsmarke": "",
    }

    other = client.post(
        reverse("uppfoljning:rapport_bedomning", args=[ks_rapporter["manad"].pk, mal.pk]), data
    )
    answer = client.post(
        reverse("uppfoljning:rapport_bedomning", args=[ks_rapporter["delarsrapport"].pk, mal.pk]),
        data,
    )

    assert (other.status_code, answer.status_code) == (404, 302)
    assert Bedomning.objects.get(mal=mal).analys == "Resultatet når inte två procent."
