"""The reporting calendar: deadlines from the rules, the delårsrapport rule, generation of
periods and reports, deadline changes, choices of organisations."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from styrning import locking
from styrning.models import Handelse, Organisation
from styrning.periods import Period, Periodtyp
from tests.factories import OrganisationFactory
from tests.uppfoljning.factories import RapporttypFactory
from uppfoljning import kalender
from uppfoljning.models import Rapport, Rapporteringsval, Rapportperiod, Rapporttyp

D = datetime.date
FORE = Rapporttyp.Helgregel.FORE
EFTER = Rapporttyp.Helgregel.EFTER


def typ(**kwargs):
    """An unsaved kind with a deadline rule (frist needs no database)."""
    defaults = {"frist_manader": 1, "frist_dag": 10, "helgregel": FORE}
    return Rapporttyp(**(defaults | kwargs))


def manad(ar, nummer):
    return Period(ar, Periodtyp.MANAD, nummer)


def test_frist_is_the_day_in_the_month_after_the_period():
    assert kalender.frist(typ(), manad(2026, 2)) == D(2026, 3, 10)


def test_frist_on_a_sunday_moves_to_the_friday_before_or_the_monday_after():
    # 10 May 2026 is a Sunday.
    assert kalender.frist(typ(), manad(2026, 4)) == D(2026, 5, 8)
    assert kalender.frist(typ(helgregel=EFTER), manad(2026, 4)) == D(2026, 5, 11)


def test_frist_on_kristi_himmelsfard_moves_off_the_holiday():
    # Kristi himmelsfärdsdag 2026 is Thursday 14 May.
    assert kalender.frist(typ(frist_dag=14), manad(2026, 4)) == D(2026, 5, 13)
    assert kalender.frist(typ(frist_dag=14, helgregel=EFTER), manad(2026, 4)) == D(2026, 5, 15)


def test_frist_on_midsommarafton_counts_it_as_a_non_workday():
    # Midsommarafton 2026 is Friday 19 June, midsommardagen Saturday 20 June.
    assert kalender.frist(typ(frist_dag=19), manad(2026, 5)) == D(2026, 6, 18)
    assert kalender.frist(typ(frist_dag=19, helgregel=EFTER), manad(2026, 5)) == D(2026, 6, 22)


def test_frist_after_december_moves_past_new_year_and_trettondagen():
    # Period December 2026, day 31 of the same month (0 months): nyårsafton is no workday.
    assert kalender.frist(typ(frist_manader=0, frist_dag=31), manad(2026, 12)) == D(2026, 12, 30)
    # Day 6 January 2027 is trettondedag jul (Wednesday): after it is 7 January.
    regel = typ(frist_dag=6, helgregel=EFTER)
    assert kalender.frist(regel, manad(2026, 12)) == D(2027, 1, 7)


def test_frist_dag_31_is_the_last_day_of_february():
    assert kalender.frist(typ(frist_dag=31), manad(2028, 1)) == D(2028, 2, 29)
    # 28 February 2026 is a Saturday: the Friday before.
    assert kalender.frist(typ(frist_dag=31), manad(2026, 1)) == D(2026, 2, 27)


def test_frist_of_a_year_and_of_a_tertial():
    assert kalender.frist(typ(frist_manader=3, frist_dag=15), Period.year(2026)) == D(2027, 3, 15)
    tertial = Period(2026, Periodtyp.TERTIAL, 1)
    assert kalender.frist(typ(frist_dag=15), tertial) == D(2026, 5, 15)


def test_the_ten_day_kind_skips_january_june_and_december():
    tiodagars = next(t for t in kalender._boras() if t["kod"] == "tiodagars")
    rapporttyp = Rapporttyp(**{k: v for k, v in tiodagars.items() if k != "kod"})
    perioder = kalender.perioder_for(rapporttyp, 2026)
    assert [p.nummer for p in perioder] == [2, 3, 4, 5, 7, 8, 9, 10, 11]
    assert [kalender.frist(rapporttyp, p) for p in perioder][:2] == [D(2026, 3, 10), D(2026, 4, 10)]


def test_perioder_for_a_year_kind_is_the_year():
    assert kalender.perioder_for(typ(periodtyp=Periodtyp.AR), 2026) == [Period.year(2026)]


def test_delarsrapport_period_outside_half_to_two_thirds_is_refused():
    delars = typ(lagkrav=Rapporttyp.Lagkrav.DELARSRAPPORT, periodtyp=Periodtyp.MANAD)
    delars.periodnummer = [4]
    with pytest.raises(ValidationError) as error:
        kalender.perioder_for(delars, 2026)
    assert "hälften till två tredjedelar" in error.value.messages[0]
    delars.periodnummer = [9]
    with pytest.raises(ValidationError):
        kalender.perioder_for(delars, 2026)
    delars.periodnummer = [6, 8]
    assert [p.nummer for p in kalender.perioder_for(delars, 2026)] == [6, 8]
    delars.periodtyp, delars.periodnummer = Periodtyp.TERTIAL, [2]
    assert kalender.perioder_for(delars, 2026) == [Period(2026, Periodtyp.TERTIAL, 2)]


def test_delarsrapport_deadline_later_than_two_months_is_flagged_not_refused():
    delars = typ(lagkrav=Rapporttyp.Lagkrav.DELARSRAPPORT)
    augusti = manad(2026, 8)
    assert kalender.delarsvarning(delars, augusti, D(2026, 10, 30)) == ""
    varning = kalender.delarsvarning(delars, augusti, D(2026, 11, 2))
    assert "mer än två månader" in varning
    assert "2026-10-31" in varning
    # Other kinds are never flagged.
    assert kalender.delarsvarning(typ(), augusti, D(2027, 1, 1)) == ""


@pytest.mark.django_db
def test_boras_rapporttyper_is_idempotent_and_keeps_the_controllers_changes():
    forsta = kalender.boras_rapporttyper()
    assert [t.kod for t in forsta] == [
        "tiodagars",
        "manad",
        "tertial",
        "delarsrapport",
        "arsrapport",
        "arsredovisning",
    ]
    Rapporttyp.objects.filter(kod="manad").update(frist_dag=12)
    andra = kalender.boras_rapporttyper()
    assert [t.pk for t in andra] == [t.pk for t in forsta]
    assert Rapporttyp.objects.count() == 6
    assert Rapporttyp.objects.get(kod="manad").frist_dag == 12
    delars = Rapporttyp.objects.get(kod="delarsrapport")
    assert delars.sammanstaller.kod == "tertial"
    assert delars.antas_av == Organisation.Typ.KOMMUNFULLMAKTIGE
    assert {a["kod"] for a in delars.avsnitt} >= {
        "resultatrakning",
        "balansrakning",
        "maluppfyllelse_kf",
        "god_ekonomisk_hushallning",
        "balanskrav",
    }
    ar = Rapporttyp.objects.get(kod="arsredovisning")
    assert {"kassaflodesanalys", "driftredovisning", "investeringsredovisning"} <= {
        a["kod"] for a in ar.avsnitt
    }
    # KS compiles the nämnder's and bolagens årsrapporter, which each nämnd adopts itself
    # (a bolag's årsredovisning goes to its general meeting) after KS' controllers approved it.
    assert ar.sammanstaller.kod == "arsrapport"
    arsrapport = ar.sammanstaller
    assert (arsrapport.periodtyp, arsrapport.rapporterande_nivaer, arsrapport.antas_av) == (
        "ar",
        [Organisation.Typ.NAMND, Organisation.Typ.BOLAGSSTYRELSE],
        Organisation.Typ.NAMND,
    )
    assert arsrapport.granskas is True
    assert arsrapport.lagkrav == ""
    assert kalender.frist(arsrapport, Period.year(2025)) == D(2026, 2, 13)  # 15th a Sunday


@pytest.mark.django_db
def test_boras_rapporttyper_sets_what_the_arsredovisning_compiles_in_an_older_database():
    """A database made before the årsrapport existed: the årsredovisning compiled its own
    kind. A second call adds the kind and sets it, as it does for the delårsrapport."""
    kalender.boras_rapporttyper()
    Rapporttyp.objects.filter(kod="arsredovisning").update(sammanstaller=None)
    Rapporttyp.objects.filter(kod="arsrapport").delete()

    kalender.boras_rapporttyper()

    assert Rapporttyp.objects.get(kod="arsredovisning").sammanstaller.kod == "arsrapport"


@pytest.mark.django_db
def test_skapa_perioder_makes_periods_and_a_report_per_organisation_on_the_levels(org, controller):
    stangd = OrganisationFactory(
        typ=Organisation.Typ.ENHET, overordnad=org["sof"], aktiv_till=D(2025, 12, 31)
    )
    rapporttyp = RapporttypFactory(
        periodnummer=[2, 3],
        rapporterande_nivaer=[Organisation.Typ.FORVALTNING, Organisation.Typ.ENHET],
    )
    perioder = kalender.skapa_perioder(rapporttyp=rapporttyp, ar=2026, user=controller)
    assert [(p.periodnummer, p.sista_dag, p.beraknad_sista_dag) for p in perioder] == [
        (2, D(2026, 3, 10), D(2026, 3, 10)),
        (3, D(2026, 4, 10), D(2026, 4, 10)),
    ]
    organisationer = {"klf", "buf", "sof", "solrosen", "blaklockan", "hemtjanst"}
    for period in perioder:
        assert set(
            Rapport.objects.filter(rapportperiod=period).values_list("organisation_id", flat=True)
        ) == {org[n].pk for n in organisationer}
    assert not Rapport.objects.filter(organisation=stangd).exists()
    assert set(Rapport.objects.values_list("status", flat=True)) == {Rapport.Status.EJ_PABORJAD}
    handelse = Handelse.objects.get(handling=Handelse.Handling.RAPPORTPERIODER_SKAPADE)
    assert handelse.data == {"ar": 2026, "perioder": 2, "rapporter": 12}


@pytest.mark.django_db
def test_skapa_perioder_is_idempotent_and_keeps_a_changed_deadline(org, controller):
    rapporttyp = RapporttypFactory(periodnummer=[2, 3])
    forsta = kalender.skapa_perioder(rapporttyp=rapporttyp, ar=2026, user=controller)
    kalender.andra_frist(
        rapportperiod=forsta[0],
        sista_dag=D(2026, 3, 12),
        justering="Nämnden sammanträder senare.",
        user=controller,
    )
    antal = Rapport.objects.count()
    andra = kalender.skapa_perioder(rapporttyp=rapporttyp, ar=2026, user=controller)
    assert [p.pk for p in andra] == [p.pk for p in forsta]
    assert Rapport.objects.count() == antal
    assert Rapportperiod.objects.get(pk=forsta[0].pk).sista_dag == D(2026, 3, 12)
    assert Handelse.objects.filter(handling=Handelse.Handling.RAPPORTPERIODER_SKAPADE).count() == 1


@pytest.mark.django_db
def test_skapa_perioder_of_chosen_organisations_makes_reports_only_for_them(org, controller):
    tiodagars = next(t for t in kalender.boras_rapporttyper() if t.kod == "tiodagars")
    Rapporteringsval.objects.create(rapporttyp=tiodagars, organisation=org["buf"], ar=2026)
    Rapporteringsval.objects.create(rapporttyp=tiodagars, organisation=org["sof"], ar=2025)
    perioder = kalender.skapa_perioder(rapporttyp=tiodagars, ar=2026, user=controller)
    assert len(perioder) == 9
    assert set(Rapport.objects.values_list("organisation_id", flat=True)) == {org["buf"].pk}
    assert Rapport.objects.count() == 9


@pytest.mark.django_db
def test_skapa_perioder_refuses_a_delarsrapport_outside_the_law(org, controller):
    rapporttyp = RapporttypFactory(lagkrav=Rapporttyp.Lagkrav.DELARSRAPPORT, periodnummer=[4])
    with pytest.raises(ValidationError):
        kalender.skapa_perioder(rapporttyp=rapporttyp, ar=2026, user=controller)
    assert not Rapportperiod.objects.exists()


@pytest.mark.django_db
def test_andra_frist_requires_a_reason_and_moves_off_a_holiday(org, controller):
    rapporttyp = RapporttypFactory(periodnummer=[4])
    (period,) = kalender.skapa_perioder(rapporttyp=rapporttyp, ar=2026, user=controller)
    with pytest.raises(ValidationError) as error:
        kalender.andra_frist(
            rapportperiod=period, sista_dag=D(2026, 5, 12), justering=" ", user=controller
        )
    assert error.value.message_dict == {"justering": ["Ange skälet till att fristen ändras."]}
    andrad = kalender.andra_frist(
        rapportperiod=period,
        sista_dag=D(2026, 5, 14),
        justering="Senare nämndmöte.",
        user=controller,
        andringsmarke=locking.token(period),
    )
    assert (andrad.sista_dag, andrad.beraknad_sista_dag) == (D(2026, 5, 13), D(2026, 5, 8))
    assert andrad.justering == "Senare nämndmöte."
    handelse = Handelse.objects.get(handling=Handelse.Handling.FRIST_ANDRAD)
    assert handelse.data["till"] == "2026-05-13"


@pytest.mark.django_db
def test_andra_frist_refuses_a_stale_form(org, controller):
    rapporttyp = RapporttypFactory(periodnummer=[4])
    (period,) = kalender.skapa_perioder(rapporttyp=rapporttyp, ar=2026, user=controller)
    gammal = locking.token(period)
    kalender.andra_frist(
        rapportperiod=period,
        sista_dag=D(2026, 5, 12),
        justering="Ett",
        user=controller,
        andringsmarke=gammal,
    )
    with pytest.raises(locking.Konflikt):
        kalender.andra_frist(
            rapportperiod=period,
            sista_dag=D(2026, 5, 20),
            justering="Två",
            user=controller,
            andringsmarke=gammal,
        )
    assert Rapportperiod.objects.get(pk=period.pk).sista_dag == D(2026, 5, 12)


@pytest.mark.django_db
def test_valj_organisationer_adds_reports_and_refuses_removing_a_started_one(org, controller):
    tiodagars = next(t for t in kalender.boras_rapporttyper() if t.kod == "tiodagars")
    kalender.valj_organisationer(
        rapporttyp=tiodagars, ar=2026, organisationer=[org["buf"]], user=controller
    )
    kalender.skapa_perioder(rapporttyp=tiodagars, ar=2026, user=controller)
    resultat = kalender.valj_organisationer(
        rapporttyp=tiodagars, ar=2026, organisationer=[org["buf"], org["sof"]], user=controller
    )
    assert resultat == {"tillagda": [org["sof"].pk], "borttagna": []}
    assert Rapport.objects.filter(organisation=org["sof"]).count() == 9
    Rapport.objects.filter(organisation=org["buf"]).update(status=Rapport.Status.UTKAST)
    with pytest.raises(ValidationError) as error:
        kalender.valj_organisationer(
            rapporttyp=tiodagars, ar=2026, organisationer=[org["sof"]], user=controller
        )
    assert error.value.messages == [
        "Rapporteringen är redan påbörjad och kan inte tas bort för: "
        "Barn- och utbildningsförvaltningen."
    ]
    kalender.valj_organisationer(
        rapporttyp=tiodagars, ar=2026, organisationer=[org["buf"]], user=controller
    )
    assert not Rapport.objects.filter(organisation=org["sof"]).exists()
    assert list(Rapporteringsval.objects.values_list("organisation_id", flat=True)) == [
        org["buf"].pk
    ]


@pytest.mark.django_db
def test_stang_period_closes_and_logs(org, controller):
    (period,) = kalender.skapa_perioder(
        rapporttyp=RapporttypFactory(periodnummer=[4]), ar=2026, user=controller
    )
    kalender.stang_period(rapportperiod=period, user=controller)
    assert Rapportperiod.objects.get(pk=period.pk).stangd is True
    assert Handelse.objects.filter(handling=Handelse.Handling.RAPPORTPERIOD_STANGD).count() == 1


@pytest.mark.django_db
def test_ar_sen_on_the_deadlines_boundary(org):
    """A report is late the day after its deadline, judged in Swedish time."""
    from django.utils import timezone

    from tests.uppfoljning.factories import RapportFactory
    from uppfoljning.arbetsflode import ar_sen

    rapport = RapportFactory(organisation=org["solrosen"])  # deadline 2026-04-10
    assert ar_sen(rapport, D(2026, 4, 10)) is False
    assert ar_sen(rapport, D(2026, 4, 11)) is True
    rapport.status = Rapport.Status.INLAMNAD
    rapport.inlamnad = timezone.make_aware(datetime.datetime(2026, 4, 10, 23, 30))
    assert ar_sen(rapport, D(2026, 5, 1)) is False
    rapport.inlamnad = timezone.make_aware(datetime.datetime(2026, 4, 11, 8, 0))
    assert ar_sen(rapport, D(2026, 5, 1)) is True


# The controller's pages ----------------------------------------------------------------------


def _typ_data(**overrides):
    data = {
        "namn": "Månadsrapport",
        "kod": "manadsrapport",
        "beskrivning": "",
        "periodtyp": "manad",
        "periodnummer": "2, 3, 4",
        "rapporterande_nivaer": ["forvaltning", "enhet"],
        "avsnitt": "handelser | Viktiga händelser | text | obligatorisk\n"
        "framtid | Framtid | text | frivillig | Vad väntar?",
        "frist_manader": "1",
        "frist_dag": "10",
        "helgregel": "fore",
        "avvikelsegrans": "−0,5",
        "beloppsenhet": "tkr",
        "granskas": "on",
        "antas_av": "",
        "sammanstaller": "",
        "lagkrav": "",
        "ordning": "0",
        "aktiv": "on",
        "andringsmarke": "",
    }
    return data | overrides


@pytest.mark.django_db
def test_controller_creates_a_kind_with_sections_one_a_line(client, controller):
    client.force_login(controller)
    assert client.get("/uppfoljning/kalender/typ/ny/").status_code == 200
    response = client.post("/uppfoljning/kalender/typ/ny/", _typ_data())
    assert response.status_code == 302
    rapporttyp = Rapporttyp.objects.get(kod="manadsrapport")
    assert rapporttyp.periodnummer == [2, 3, 4]
    assert str(rapporttyp.avvikelsegrans) == "-0.50"
    assert rapporttyp.avsnitt == [
        {
            "kod": "handelser",
            "rubrik": "Viktiga händelser",
            "slag": "text",
            "obligatorisk": True,
            "hjalptext": "",
        },
        {
            "kod": "framtid",
            "rubrik": "Framtid",
            "slag": "text",
            "obligatorisk": False,
            "hjalptext": "Vad väntar?",
        },
    ]
    assert Handelse.objects.filter(handling=Handelse.Handling.RAPPORTTYP_SPARAD).count() == 1
    # The edit form shows the sections as they were written.
    page = client.get(f"/uppfoljning/kalender/typ/{rapporttyp.pk}/").content.decode()
    assert "handelser | Viktiga händelser | text | obligatorisk" in page


@pytest.mark.django_db
def test_kind_form_names_each_bad_section_line(client, controller):
    client.force_login(controller)
    response = client.post(
        "/uppfoljning/kalender/typ/ny/",
        _typ_data(
            avsnitt="handelser | Viktiga händelser\nHändelser! | Rubrik | bild | kanske\n"
            "handelser | Igen\nbara-kod"
        ),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["avsnitt"] == [
        "Rad 2: koden ”Händelser!” får bara ha små bokstäver a–z, siffror, - och _ "
        "(högst 40 tecken).",
        "Rad 2: okänt slag ”bild” (text, fil, tabell eller balanskrav).",
        "Rad 2: skriv ”obligatorisk” eller ”frivillig”, inte ”kanske”.",
        "Rad 3: koden ”handelser” finns redan på en rad ovanför.",
        "Rad 4: skriv minst kod och rubrik, åtskilda med |.",
    ]
    assert "aria-describedby" in response.content.decode()
    assert not Rapporttyp.objects.exists()


@pytest.mark.django_db
def test_kind_form_refuses_a_delarsrapport_period_outside_the_law(client, controller):
    client.force_login(controller)
    response = client.post(
        "/uppfoljning/kalender/typ/ny/",
        _typ_data(lagkrav="delarsrapport", periodnummer="4"),
    )
    assert response.status_code == 400
    assert "hälften till två tredjedelar" in response.context["form"].errors["periodnummer"][0]


@pytest.mark.django_db
def test_kind_form_refuses_a_stale_edit(client, controller):
    rapporttyp = RapporttypFactory(kod="manadsrapport")
    gammal = locking.token(rapporttyp)
    client.force_login(controller)
    url = f"/uppfoljning/kalender/typ/{rapporttyp.pk}/"
    assert client.post(url, _typ_data(namn="Först", andringsmarke=gammal)).status_code == 302
    response = client.post(url, _typ_data(namn="Sedan", andringsmarke=gammal))
    assert response.status_code == 400
    assert "sedan du öppnade sidan" in response.content.decode()
    assert Rapporttyp.objects.get(pk=rapporttyp.pk).namn == "Först"


@pytest.mark.django_db
def test_year_page_previews_then_generates_and_adjusts_a_deadline(client, org, controller):
    rapporttyp = RapporttypFactory(periodnummer=[4, 5])
    client.force_login(controller)
    url = f"/uppfoljning/kalender/typ/{rapporttyp.pk}/2026/"
    preview = client.get(url)
    assert [(r["period"].nummer, r["sista_dag"]) for r in preview.context["forslag"]] == [
        (4, D(2026, 5, 8)),
        (5, D(2026, 6, 10)),
    ]
    assert client.post(url + "skapa/").status_code == 302
    page = client.get(url)
    rader = page.context["rader"]
    assert [r["period"].antal_rapporter for r in rader] == [6, 6]
    april = rader[0]["period"]
    token = rader[0]["form"].initial["andringsmarke"]
    assert token == locking.token(april)
    response = client.post(
        f"/uppfoljning/kalender/period/{april.pk}/frist/",
        {
            f"p{april.pk}-sista_dag": "2026-05-14",
            f"p{april.pk}-justering": "Nämnden sammanträder senare.",
            f"p{april.pk}-andringsmarke": token,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{url}#period-{april.pk}"
    april.refresh_from_db()
    assert (april.sista_dag, april.justering) == (D(2026, 5, 13), "Nämnden sammanträder senare.")
    # Without a reason: refused on its field, the date kept.
    response = client.post(
        f"/uppfoljning/kalender/period/{april.pk}/frist/",
        {f"p{april.pk}-sista_dag": "2026-05-20", f"p{april.pk}-justering": ""},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["justering"] == ["Detta fält måste fyllas i."]
    assert client.post(f"/uppfoljning/kalender/period/{april.pk}/stang/", {"stangd": "1"})
    april.refresh_from_db()
    assert april.stangd is True


@pytest.mark.django_db
def test_year_page_shows_the_delarsrapport_warning(client, org, controller):
    rapporttyp = RapporttypFactory(
        lagkrav=Rapporttyp.Lagkrav.DELARSRAPPORT,
        periodnummer=[8],
        frist_manader=3,
        frist_dag=15,
        rapporterande_nivaer=[Organisation.Typ.KOMMUNSTYRELSE],
    )
    client.force_login(controller)
    response = client.get(f"/uppfoljning/kalender/typ/{rapporttyp.pk}/2026/")
    assert "mer än två månader" in response.content.decode()


@pytest.mark.django_db
def test_choosing_organisations_grouped_by_parent_and_filtered(client, org, controller):
    tiodagars = next(t for t in kalender.boras_rapporttyper() if t.kod == "tiodagars")
    client.force_login(controller)
    url = f"/uppfoljning/kalender/typ/{tiodagars.pk}/2026/organisationer/"
    page = client.get(url)
    grupper = [
        (g["overordnad"].kod, [r["org"].kod for r in g["organisationer"]])
        for g in page.context["grupper"]
    ]
    assert sorted(grupper) == [("BUN", ["BUF"]), ("KS", ["KLF"]), ("SN", ["SOF"])]
    assert client.post(url, {"organisationer": [org["buf"].pk, org["sof"].pk]}).status_code == 302
    filtrerad = f"{url}?under={org['sn'].pk}"
    page = client.get(filtrerad)
    assert [r["org"].kod for g in page.context["grupper"] for r in g["organisationer"]] == ["SOF"]
    # Unticking the one shown keeps the choices outside the filter.
    assert client.post(filtrerad, {}).status_code == 302
    assert list(Rapporteringsval.objects.values_list("organisation__kod", flat=True)) == ["BUF"]


@pytest.mark.django_db
def test_choosing_organisations_refuses_removing_a_started_report_by_name(client, org, controller):
    tiodagars = next(t for t in kalender.boras_rapporttyper() if t.kod == "tiodagars")
    kalender.valj_organisationer(
        rapporttyp=tiodagars, ar=2026, organisationer=[org["buf"]], user=controller
    )
    kalender.skapa_perioder(rapporttyp=tiodagars, ar=2026, user=controller)
    Rapport.objects.filter(organisation=org["buf"]).update(andel_klar=20)
    client.force_login(controller)
    response = client.post(f"/uppfoljning/kalender/typ/{tiodagars.pk}/2026/organisationer/", {})
    assert response.status_code == 400
    assert "Barn- och utbildningsförvaltningen" in response.content.decode()
    assert Rapporteringsval.objects.count() == 1


KALENDER_SIDOR = [
    "/uppfoljning/kalender/",
    "/uppfoljning/kalender/typ/ny/",
    "/uppfoljning/kalender/typ/{typ}/",
    "/uppfoljning/kalender/typ/{typ}/2026/",
    "/uppfoljning/kalender/typ/{typ}/2026/organisationer/",
    "/uppfoljning/kalender/period/{period}/frist/",
]


@pytest.fixture
def kalender_urls(org, controller):
    rapporttyp = RapporttypFactory(periodnummer=[4], endast_valda=True)
    (period,) = kalender.skapa_perioder(rapporttyp=rapporttyp, ar=2026, user=controller)
    return [u.format(typ=rapporttyp.pk, period=period.pk) for u in KALENDER_SIDOR]


@pytest.mark.django_db
def test_calendar_pages_controller_ok(client, controller, kalender_urls):
    client.force_login(controller)
    assert [client.get(u).status_code for u in kalender_urls] == [200] * len(kalender_urls)


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ["chef_solrosen", "fortroendevald_bun", "utomstaende"])
def test_calendar_pages_forbidden_to_others(client, kalender_urls, actor, request):
    client.force_login(request.getfixturevalue(actor))
    assert [client.get(u).status_code for u in kalender_urls] == [403] * len(kalender_urls)
    period_url = kalender_urls[-1].removesuffix("frist/")
    assert client.post(period_url + "stang/", {"stangd": "1"}).status_code == 403
    assert client.post(kalender_urls[3] + "skapa/").status_code == 403


@pytest.mark.django_db
def test_calendar_pages_send_anonymous_to_login(client, kalender_urls):
    for url in kalender_urls:
        response = client.get(url)
        assert (response.status_code, response["Location"].split("?")[0]) == (
            302,
            "/konto/logga-in/",
        )


@pytest.mark.django_db
def test_calendar_page_of_a_missing_kind_is_404(client, controller):
    client.force_login(controller)
    assert client.get("/uppfoljning/kalender/typ/99999/2026/").status_code == 404
