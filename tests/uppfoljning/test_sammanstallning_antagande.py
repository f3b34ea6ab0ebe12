"""Adoption of a compiled report: the parts still missing (named), the decision recorded and
the adopted version frozen, the differences after adoption, and the law's parts
(attachments, balanskrav) saved only while the report is open."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from styrning.models import Handelse, Organisation
from styrning.periods import Periodtyp
from tests.uppfoljning.factories import (
    RapportFactory,
    RapportperiodFactory,
    RapporttypFactory,
    RapportversionFactory,
)
from uppfoljning import sammanstallning
from uppfoljning.models import Avsnittstext, Balanskrav, Bilaga, Rapport, Rapportversion

S = Rapport.Status
DATUM = datetime.date(2026, 10, 20)

AVSNITT_DELAR = [
    {"kod": "fb", "rubrik": "Förvaltningsberättelse", "slag": "text", "obligatorisk": True},
    {"kod": "framtid", "rubrik": "Framtid", "slag": "text", "obligatorisk": False},
    {"kod": "rr", "rubrik": "Resultaträkning", "slag": "fil", "obligatorisk": False},
    {"kod": "br", "rubrik": "Balansräkning", "slag": "tabell", "obligatorisk": False},
    {"kod": "bk", "rubrik": "Balanskravsresultat", "slag": "balanskrav", "obligatorisk": False},
]
TABELL = {"rubriker": ["Post", "Belopp"], "rader": [["Tillgångar", "100"]]}


@pytest.fixture
def delarsrapport(org):
    """KS's delårsrapport per August compiling the nämnder's tertial reports per August: BUN's
    approved and frozen, SN's a draft; none of the law's parts written."""
    tertial = RapporttypFactory(
        kod="tertial",
        namn="Tertialuppföljning",
        periodtyp=Periodtyp.TERTIAL,
        periodnummer=[1, 2],
        rapporterande_nivaer=[Organisation.Typ.NAMND],
        granskas=True,
    )
    typ = RapporttypFactory(
        kod="delarsrapport",
        namn="Delårsrapport",
        periodnummer=[8],
        sammanstaller=tertial,
        antas_av=Organisation.Typ.KOMMUNFULLMAKTIGE,
        lagkrav="delarsrapport",
        avsnitt=AVSNITT_DELAR,
    )
    t2 = RapportperiodFactory(
        rapporttyp=tertial, periodtyp=Periodtyp.TERTIAL, periodnummer=2, ar=2026
    )
    augusti = RapportperiodFactory(
        rapporttyp=typ, periodnummer=8, sista_dag=datetime.date(2026, 10, 1)
    )
    bun = RapportFactory(rapportperiod=t2, organisation=org["bun"], status=S.GODKAND)
    RapportversionFactory(rapport=bun, innehall={"schema": 1, "mal": []})
    sn = RapportFactory(rapportperiod=t2, organisation=org["sn"], status=S.UTKAST)
    ks = RapportFactory(rapportperiod=augusti, organisation=org["ks"], status=S.UTKAST)
    return {"ks": ks, "bun": bun, "sn": sn}


def complete(rapport, sn):
    """Everything adoption needs, written straight (the report is open while it is written)."""
    sn.status = S.GODKAND
    sn.save()
    RapportversionFactory(rapport=sn, innehall={"schema": 1, "mal": []})
    Avsnittstext.objects.create(rapport=rapport, kod="fb", text="Året i korthet.", klar=True)
    Bilaga.objects.create(rapport=rapport, kod="rr", tabell=TABELL)
    Bilaga.objects.create(rapport=rapport, kod="br", tabell=TABELL)
    Balanskrav.objects.create(rapport=rapport, arets_resultat=Decimal("1000"), prognos=True)
    rapport.status = S.INLAMNAD
    rapport.save()


def test_saknade_delar_lists_exactly_what_is_missing(delarsrapport):
    Avsnittstext.objects.create(
        rapport=delarsrapport["ks"], kod="fb", text="Utkast", klar=False
    )  # written, not ready

    assert sammanstallning.saknade_delar(delarsrapport["ks"]) == [
        "rapportens egen inlämning (den är utkast)",
        "inlämnad rapport från Socialnämnden (utkast)",
        "avsnittet ”Förvaltningsberättelse”, skrivet och markerat klart",
        "Resultaträkning (en bifogad fil eller en importerad tabell)",
        "Balansräkning (en bifogad fil eller en importerad tabell)",
        "Balanskravsresultat (balanskravsresultatet som prognos)",
    ]


def test_a_part_of_a_reviewed_kind_must_be_approved(delarsrapport):
    complete(delarsrapport["ks"], delarsrapport["sn"])
    delarsrapport["bun"].status = S.INLAMNAD
    delarsrapport["bun"].save()

    assert sammanstallning.saknade_delar(delarsrapport["ks"]) == [
        "godkänd rapport från Barn- och utbildningsnämnden (inlämnad, inte godkänd)"
    ]


def test_delarsrapport_balanskrav_must_be_a_forecast(delarsrapport):
    complete(delarsrapport["ks"], delarsrapport["sn"])
    Balanskrav.objects.filter(rapport=delarsrapport["ks"]).update(prognos=False)

    assert sammanstallning.saknade_delar(delarsrapport["ks"]) == [
        "Balanskravsresultat (balanskravsresultatet som prognos)"
    ]


def test_anta_is_refused_with_the_missing_parts_and_nothing_changes(delarsrapport, controller):
    ks = delarsrapport["ks"]
    ks.status = S.INLAMNAD
    ks.save()

    with pytest.raises(ValidationError) as error:
        sammanstallning.anta(
            rapport=ks, user=controller, beslutsdatum=DATUM, paragraf="§ 5", diarienummer="KS 1"
        )

    assert error.value.messages == [
        "Rapporten kan inte antas: saknas inlämnad rapport från Socialnämnden (utkast); "
        "avsnittet ”Förvaltningsberättelse”, skrivet och markerat klart; Resultaträkning (en "
        "bifogad fil eller en importerad tabell); Balansräkning (en bifogad fil eller en "
        "importerad tabell); Balanskravsresultat (balanskravsresultatet som prognos)."
    ]
    ks.refresh_from_db()
    assert (ks.status, ks.paragraf) == (S.INLAMNAD, "")
    assert not Rapportversion.objects.filter(rapport=ks, slag="antagen").exists()


def test_anta_records_the_decision_and_freezes_the_adopted_version(delarsrapport, controller, org):
    ks = delarsrapport["ks"]
    complete(ks, delarsrapport["sn"])

    version = sammanstallning.anta(
        rapport=ks, user=controller, beslutsdatum=DATUM, paragraf="§ 112", diarienummer="KS 2026-1"
    )

    ks.refresh_from_db()
    assert (ks.status, ks.beslutsdatum, ks.paragraf, ks.diarienummer, ks.antagen_av) == (
        S.ANTAGEN,
        DATUM,
        "§ 112",
        "KS 2026-1",
        org["kf"],
    )
    assert (version.slag, version.nummer, version.skapad_av) == ("antagen", 1, controller)
    assert version.innehall["rapport"]["status"] == "antagen"
    assert version.innehall["balanskrav"]["balanskravsresultat"] == "1000"
    act = Handelse.objects.get(handling=Handelse.Handling.RAPPORT_ANTAGEN)
    assert (act.data["paragraf"], act.data["kontrollsumma"], act.publik) == (
        "§ 112",
        version.kontrollsumma,
        True,
    )
    with pytest.raises(ValidationError, match="antogs redan"):
        sammanstallning.anta(
            rapport=ks, user=controller, beslutsdatum=DATUM, paragraf="§ 113", diarienummer="X"
        )


def test_anta_only_by_a_controller_or_the_adopting_bodys_secretary(
    delarsrapport, sekreterare_bun, fortroendevald_bun, chef_solrosen
):
    ks = delarsrapport["ks"]
    complete(ks, delarsrapport["sn"])

    for user in (sekreterare_bun, fortroendevald_bun, chef_solrosen):
        with pytest.raises(PermissionDenied):
            sammanstallning.anta(
                rapport=ks, user=user, beslutsdatum=DATUM, paragraf="§ 1", diarienummer="KS 1"
            )
    ks.refresh_from_db()
    assert ks.status == S.INLAMNAD


def test_anta_needs_date_paragraph_and_case_number(delarsrapport, controller):
    complete(delarsrapport["ks"], delarsrapport["sn"])

    with pytest.raises(ValidationError) as error:
        sammanstallning.anta(
            rapport=delarsrapport["ks"],
            user=controller,
            beslutsdatum=DATUM,
            paragraf=" ",
            diarienummer="",
        )

    assert sorted(error.value.message_dict) == ["diarienummer", "paragraf"]


def test_skillnader_lists_what_changed_after_adoption(delarsrapport, controller):
    ks = delarsrapport["ks"]
    complete(ks, delarsrapport["sn"])
    sammanstallning.anta(
        rapport=ks, user=controller, beslutsdatum=DATUM, paragraf="§ 1", diarienummer="KS 1"
    )
    assert sammanstallning.skillnader(ks) == []

    Avsnittstext.objects.filter(rapport=ks, kod="fb").update(text="Året i korthet, rättat.")

    assert sammanstallning.skillnader(ks) == [
        {
            "del": "Avsnitt",
            "objekt": "Förvaltningsberättelse",
            "falt": "text",
            "fore": "Året i korthet.",
            "nu": "Året i korthet, rättat.",
        }
    ]


def test_jamfor_innehall_names_a_corrected_indicator_value_and_assessment():
    def content(varde, utfall, label):
        return {
            "schema": 1,
            "rapport": {"status": "antagen"},
            "mal": [
                {
                    "id": 3,
                    "nummer": "1.2",
                    "titel": "Fler läser",
                    "utfall": utfall,
                    "utfall_label": label,
                    "indikatorer": [{"id": 9, "namn": "Andel som läser", "varde": varde}],
                }
            ],
        }

    rows = sammanstallning.jamfor_innehall(
        content("71.0", "uppfyllt", "Uppfyllt"), content("68.5", "delvis", "Delvis uppfyllt")
    )

    assert rows == [
        {
            "del": "Mål",
            "objekt": "1.2 Fler läser",
            "falt": "bedömning",
            "fore": "Uppfyllt",
            "nu": "Delvis uppfyllt",
        },
        {
            "del": "Indikatorer",
            "objekt": "1.2 Fler läser – Andel som läser",
            "falt": "värde",
            "fore": "71.0",
            "nu": "68.5",
        },
    ]


def test_spara_balanskrav_computes_the_result_as_a_forecast(delarsrapport, controller):
    ks = delarsrapport["ks"]

    saved = sammanstallning.spara_balanskrav(
        rapport=ks,
        user=controller,
        andringsmarke="",
        arets_resultat=Decimal("50000000"),
        realisationsvinster=Decimal("2000000"),
        resultatutjamningsreserv=Decimal("-10000000"),
    )

    # 50 000 000 − 2 000 000 − 10 000 000
    assert saved.balanskravsresultat == Decimal("38000000")
    assert saved.prognos is True
    assert Handelse.objects.filter(handling=Handelse.Handling.BALANSKRAV_SPARAT).count() == 1


def test_spara_balanskrav_refuses_a_stale_form(delarsrapport, controller):
    from styrning import locking

    ks = delarsrapport["ks"]
    sammanstallning.spara_balanskrav(
        rapport=ks, user=controller, andringsmarke="", arets_resultat=Decimal("1")
    )

    with pytest.raises(locking.Konflikt):
        sammanstallning.spara_balanskrav(
            rapport=ks, user=controller, andringsmarke="", arets_resultat=Decimal("2")
        )
    assert Balanskrav.objects.get(rapport=ks).arets_resultat == Decimal("1")


def test_the_laws_parts_are_saved_only_while_the_report_is_open(delarsrapport, controller):
    ks = delarsrapport["ks"]
    bilaga = sammanstallning.spara_bilaga(rapport=ks, user=controller, kod="br", tabell=TABELL)
    assert (bilaga.tabell, bilaga.uppladdad_av) == (TABELL, controller)
    ks.status = S.INLAMNAD
    ks.save()

    with pytest.raises(ValidationError, match="öppna den igen"):
        sammanstallning.spara_bilaga(rapport=ks, user=controller, kod="rr", tabell=TABELL)
    with pytest.raises(ValidationError, match="öppna den igen"):
        sammanstallning.spara_balanskrav(rapport=ks, user=controller, arets_resultat=Decimal(1))
    assert list(Bilaga.objects.filter(rapport=ks).values_list("kod", flat=True)) == ["br"]


def test_spara_bilaga_refuses_a_section_that_takes_no_attachment(delarsrapport, controller):
    with pytest.raises(ValidationError):
        sammanstallning.spara_bilaga(
            rapport=delarsrapport["ks"], user=controller, kod="fb", tabell=TABELL
        )


def test_the_laws_parts_only_by_those_who_write_the_report(delarsrapport, fortroendevald_bun):
    with pytest.raises(PermissionDenied):
        sammanstallning.spara_bilaga(
            rapport=delarsrapport["ks"], user=fortroendevald_bun, kod="br", tabell=TABELL
        )


def test_the_adopting_body_is_at_or_above_or_the_municipalitys_own(delarsrapport, org):
    """A nämnd's tertial report is adopted by kommunstyrelsen, which is beside it in the tree;
    a förvaltning's report by the nämnd above it; a kind adopted by nobody has no body."""
    tertial = delarsrapport["bun"]
    typ = tertial.rapportperiod.rapporttyp
    typ.antas_av = Organisation.Typ.KOMMUNSTYRELSE
    typ.save()
    assert sammanstallning.antagande_organ(tertial) == org["ks"]
    assert sammanstallning.antagande_organ(delarsrapport["ks"]) == org["kf"]

    typ.antas_av = Organisation.Typ.NAMND
    typ.save()
    buf = RapportFactory(rapportperiod=tertial.rapportperiod, organisation=org["buf"])
    assert sammanstallning.antagande_organ(buf) == org["bun"]
    assert (
        sammanstallning.antagande_organ(
            RapportFactory(rapportperiod=tertial.rapportperiod, organisation=org["klf"])
        )
        is None
    )

    typ.antas_av = ""
    typ.save()
    assert sammanstallning.antagande_organ(buf) is None
