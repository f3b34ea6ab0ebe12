"""The report's workflow (uppfoljning.arbetsflode): the panel, submitting and freezing, sending
back, approving, reopening, the action-plan rule, the concurrency refusal and the views'
permissions."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from mal.models import Bedomning, Utfall
from mal.services import bedom_mal
from styrning import locking
from styrning.actionlog import Handling
from styrning.models import Handelse, Roll
from styrning.periods import Period, Periodtyp
from tests.factories import RollFactory, UserFactory
from tests.mal.factories import BedomningFactory, MalFactory
from tests.uppfoljning.factories import RapportFactory, RapportperiodFactory
from uppfoljning import arbetsflode
from uppfoljning.innehall import checksum
from uppfoljning.models import (
    Atgard,
    Avsnittstext,
    Ekonomirad,
    Prognos,
    Rapport,
    Rapportversion,
)
from uppfoljning.rapportering import rapport_innehall, spara_avsnitt


@pytest.fixture
def rapport(org):
    """Solrosen's report for March 2026, its last day a month from today (not late)."""
    return RapportFactory(
        organisation=org["solrosen"],
        rapportperiod=RapportperiodFactory(
            sista_dag=timezone.localdate() + datetime.timedelta(days=30)
        ),
        status=Rapport.Status.UTKAST,
    )


def test_panel_offers_the_chef_to_submit_and_nothing_else(rapport, chef_solrosen):
    panel = arbetsflode.panel(rapport, chef_solrosen, today=rapport.rapportperiod.sista_dag)

    assert (
        panel["can_submit"],
        panel["can_send_back"],
        panel["can_approve"],
        panel["can_reopen"],
    ) == (True, False, False, False)
    assert panel["status_text"] == "Utkast"
    assert panel["forsenad"] is False
    assert list(panel["forms"]) == ["lamna_in"]


def test_panel_marks_an_open_report_late_after_the_last_day(rapport, chef_solrosen):
    panel = arbetsflode.panel(
        rapport, chef_solrosen, today=rapport.rapportperiod.sista_dag + datetime.timedelta(days=1)
    )

    assert panel["forsenad"] is True


def test_panel_renders_status_as_text_and_the_submit_form(rapport, chef_solrosen):
    html = render_to_string(
        "uppfoljning/arbetsflode/_panel.html",
        {"arbetsflode": arbetsflode.panel(rapport, chef_solrosen)},
    )

    assert "<strong>Utkast</strong>" in html
    assert f'action="/uppfoljning/rapporter/{rapport.pk}/lamna-in/"' in html
    assert "Lämna in rapporten" in html


# --- Services -----------------------------------------------------------------------------------

M03 = Period(2026, Periodtyp.MANAD, 3)


@pytest.fixture
def chef_buf(org):
    """The förvaltning's chef: reviews the units' reports below it."""
    user = UserFactory(username="chef_buf")
    RollFactory(anvandare=user, organisation=org["buf"], roll=Roll.Typ.CHEF)
    return user


def _klar(rapport, text="Två nya avdelningar öppnade i mars."):
    """The required section written and marked ready."""
    return Avsnittstext.objects.create(rapport=rapport, kod="handelser", text=text, klar=True)


def _mal(org, utfall=Utfall.UPPFYLLT, analys="Målet nås."):
    """A goal Solrosen owns, assessed for March 2026."""
    mal = MalFactory(agare=org["solrosen"], titel="Fler barn i förskola", nummer="1.1")
    BedomningFactory(
        mal=mal, ar=2026, periodtyp=Periodtyp.MANAD, periodnummer=3, utfall=utfall, analys=analys
    )
    return mal


def _atgard(rapport):
    return Atgard.objects.create(
        rapport=rapport,
        beskrivning="Anställningsstopp för vikarier",
        ansvarig="Förskolechefen",
        datum=datetime.date(2026, 6, 30),
    )


def _acts(rapport, handling):
    return list(
        Handelse.objects.filter(objekt_id=rapport.pk, handling=handling).values_list(
            "data", flat=True
        )
    )


def test_lamna_in_freezes_the_content_as_it_is_with_its_checksum(rapport, chef_solrosen, org):
    _klar(rapport)
    _mal(org)

    version = arbetsflode.lamna_in(
        rapport=rapport, user=chef_solrosen, andringsmarke=locking.token(rapport)
    )

    version.refresh_from_db()
    live = rapport_innehall(Rapport.objects.get(pk=rapport.pk))
    assert version.innehall == live
    assert version.kontrollsumma == checksum(live)
    assert (version.nummer, version.slag, version.skapad_av) == (1, "inlamnad", chef_solrosen)
    assert version.innehall["mal"][0]["utfall"] == "uppfyllt"
    rapport.refresh_from_db()
    assert (rapport.status, rapport.inlamnad_av, rapport.version) == (
        "inlamnad",
        chef_solrosen,
        1,
    )
    assert _acts(rapport, Handling.RAPPORT_INLAMNAD) == [
        {"version": 1, "kontrollsumma": version.kontrollsumma, "sen": False, "status": "inlamnad"}
    ]


def test_frozen_version_stays_as_it_was_when_the_data_changes_after_reopening(
    rapport, chef_solrosen, org
):
    _klar(rapport)
    mal = _mal(org)
    version = arbetsflode.lamna_in(rapport=rapport, user=chef_solrosen)
    frozen, summa = version.innehall, version.kontrollsumma

    arbetsflode.oppna_igen(rapport=rapport, user=chef_solrosen, anledning="Fel analys.")
    bedom_mal(
        mal=mal,
        period=M03,
        utfall=Utfall.DELVIS,
        analys="Köerna växte i slutet av mars.",
        andringsmarke=locking.token(Bedomning.objects.get(mal=mal)),
        user=chef_solrosen,
    )

    version.refresh_from_db()
    assert version.innehall == frozen
    assert version.kontrollsumma == summa == checksum(version.innehall)
    assert version.innehall["mal"][0]["analys"] == "Målet nås."
    assert rapport_innehall(rapport)["mal"][0]["analys"] == "Köerna växte i slutet av mars."


def test_a_late_submission_is_taken_and_marked_late(rapport, chef_solrosen):
    _klar(rapport)
    rapport.rapportperiod.sista_dag = datetime.date(2026, 1, 10)
    rapport.rapportperiod.save()

    arbetsflode.lamna_in(rapport=rapport, user=chef_solrosen)

    assert rapport.status == "inlamnad"
    assert arbetsflode.inlamnad_sent(rapport) is True
    assert _acts(rapport, Handling.RAPPORT_INLAMNAD)[0]["sen"] is True
    assert arbetsflode.panel(rapport, chef_solrosen)["inlamnad_sent"] is True


def test_lamna_in_refuses_a_closed_period(rapport, chef_solrosen):
    _klar(rapport)
    rapport.rapportperiod.stangd = True
    rapport.rapportperiod.save()

    with pytest.raises(ValidationError) as refused:
        arbetsflode.lamna_in(rapport=rapport, user=chef_solrosen)

    assert refused.value.messages == [
        "Perioden är stängd och tar inte emot fler inlämningar. Be controllern öppna perioden "
        "om rapporten behöver lämnas in."
    ]
    rapport.refresh_from_db()
    assert rapport.status == "utkast"
    assert not rapport.versioner.exists()


def test_lamna_in_refuses_required_sections_not_written_and_ready(rapport, chef_solrosen):
    Avsnittstext.objects.create(rapport=rapport, kod="handelser", text="Utkast", klar=False)

    with pytest.raises(ValidationError) as refused:
        arbetsflode.lamna_in(rapport=rapport, user=chef_solrosen)

    assert refused.value.messages == [
        "Avsnitt som ska vara skrivna och markerade klara: Viktiga händelser."
    ]
    assert Rapport.objects.get(pk=rapport.pk).status == "utkast"
    assert not Rapportversion.objects.exists()


def test_lamna_in_refuses_a_goal_not_met_without_an_action_then_takes_it_with_one(
    rapport, chef_solrosen, org
):
    _klar(rapport)
    _mal(org, utfall=Utfall.EJ_UPPFYLLT, analys="Personalbrist.")

    with pytest.raises(ValidationError) as refused:
        arbetsflode.lamna_in(rapport=rapport, user=chef_solrosen)
    assert refused.value.messages == [
        "Målet ”1.1 Fler barn i förskola” är bedömt som ej uppfyllt: lägg till en åtgärd i "
        "åtgärdsplanen."
    ]
    assert not Rapportversion.objects.exists()

    _atgard(rapport)
    version = arbetsflode.lamna_in(rapport=rapport, user=chef_solrosen)

    assert version.innehall["atgarder"][0]["beskrivning"] == "Anställningsstopp för vikarier"


def _innehall(avvikelse, budget="10000000.00", mal=()):
    return {
        "ekonomi": {"total": {"avvikelse": avvikelse, "budget_ar": budget}},
        "mal": list(mal),
        "atgarder": [],
    }


def test_atgardsplan_kravs_when_the_forecast_deviates_beyond_the_threshold(rapport):
    assert arbetsflode.atgardsplan_kravs(rapport, _innehall("-120000.00")) == [
        "Prognosen avviker med −1,2 % av budgeten (gränsen är −0,5 %): lägg till en åtgärd "
        "i åtgärdsplanen."
    ]


@pytest.mark.parametrize("avvikelse", ["-50000.00", "-49999.00", "0.00", "300000.00", ""])
def test_atgardsplan_kravs_nothing_within_the_threshold(rapport, avvikelse):
    assert arbetsflode.atgardsplan_kravs(rapport, _innehall(avvikelse)) == []


def test_atgardsplan_kravs_follows_the_kinds_threshold(rapport):
    typ = rapport.rapportperiod.rapporttyp
    typ.avvikelsegrans = Decimal("-2.00")
    typ.save()

    assert arbetsflode.atgardsplan_kravs(rapport, _innehall("-120000.00")) == []
    assert len(arbetsflode.atgardsplan_kravs(rapport, _innehall("-250000.00"))) == 1


def test_atgardsplan_kravs_names_every_goal_not_met(rapport):
    mal = [
        {"nummer": "1.1", "titel": "A", "utfall": "ej_uppfyllt"},
        {"nummer": "1.2", "titel": "B", "utfall": "delvis"},
        {"nummer": "2.1", "titel": "C", "utfall": "ej_uppfyllt"},
    ]

    assert arbetsflode.atgardsplan_kravs(rapport, _innehall("0", mal=mal)) == [
        "Målen ”1.1 A”; ”2.1 C” är bedömda som ej uppfyllda: lägg till en åtgärd i åtgärdsplanen."
    ]


def test_skicka_tillbaka_shows_the_chef_why_and_resubmission_makes_version_2(
    rapport, chef_solrosen, chef_buf
):
    _klar(rapport)
    first = arbetsflode.lamna_in(rapport=rapport, user=chef_solrosen)

    arbetsflode.skicka_tillbaka(
        rapport=rapport, user=chef_buf, kommentar="Analysen av personalen saknas."
    )

    rapport.refresh_from_db()
    assert (rapport.status, rapport.version, rapport.granskad_av) == ("aterskickad", 2, chef_buf)
    panel = arbetsflode.panel(rapport, chef_solrosen)
    assert panel["aterskickad_kommentar"] == "Analysen av personalen saknas."
    assert panel["can_submit"] is True
    html = render_to_string("uppfoljning/arbetsflode/_panel.html", {"arbetsflode": panel})
    assert "Analysen av personalen saknas." in html

    Avsnittstext.objects.filter(rapport=rapport).update(text="Personalen: två nyanställda.")
    second = arbetsflode.lamna_in(rapport=rapport, user=chef_solrosen)

    assert (second.nummer, second.anledning) == (2, "Återskickad: Analysen av personalen saknas.")
    first.refresh_from_db()
    assert first.innehall["avsnitt"][0]["text"] == "Två nya avdelningar öppnade i mars."
    assert second.innehall["avsnitt"][0]["text"] == "Personalen: två nyanställda."
    assert [v["nummer"] for v in arbetsflode.panel(rapport, chef_solrosen)["versioner"]] == [1, 2]


def test_skicka_tillbaka_requires_a_comment(rapport, chef_solrosen, chef_buf):
    _klar(rapport)
    arbetsflode.lamna_in(rapport=rapport, user=chef_solrosen)

    with pytest.raises(ValidationError) as refused:
        arbetsflode.skicka_tillbaka(rapport=rapport, user=chef_buf, kommentar="  ")

    assert refused.value.message_dict == {
        "kommentar": ["Skriv varför rapporten skickas tillbaka: chefen läser det."]
    }
    assert Rapport.objects.get(pk=rapport.pk).status == "inlamnad"


def test_skicka_tillbaka_and_godkann_are_for_reviewers_only(rapport, chef_solrosen):
    _klar(rapport)
    arbetsflode.lamna_in(rapport=rapport, user=chef_solrosen)

    with pytest.raises(PermissionDenied):
        arbetsflode.skicka_tillbaka(rapport=rapport, user=chef_solrosen, kommentar="Nej")
    with pytest.raises(PermissionDenied):
        arbetsflode.godkann(rapport=rapport, user=chef_solrosen)
    assert Rapport.objects.get(pk=rapport.pk).status == "inlamnad"


def test_godkann_approves_a_submitted_report(rapport, chef_solrosen, controller):
    _klar(rapport)
    arbetsflode.lamna_in(rapport=rapport, user=chef_solrosen)

    arbetsflode.godkann(rapport=rapport, user=controller)

    rapport.refresh_from_db()
    assert (rapport.status, rapport.granskad_av, rapport.version) == ("godkand", controller, 1)
    assert _acts(rapport, Handling.RAPPORT_GODKAND) == [{"version": 1}]
    assert arbetsflode.panel(rapport, controller)["can_approve"] is False


def test_godkann_refuses_a_draft(rapport, controller):
    with pytest.raises(ValidationError) as refused:
        arbetsflode.godkann(rapport=rapport, user=controller)

    assert refused.value.messages == [
        "Rapporten är utkast: bara en inlämnad rapport kan godkännas."
    ]


def test_a_kind_not_reviewed_is_approved_on_submission(rapport, chef_solrosen):
    typ = rapport.rapportperiod.rapporttyp
    typ.granskas = False
    typ.save()
    _klar(rapport)

    version = arbetsflode.lamna_in(rapport=rapport, user=chef_solrosen)

    assert rapport.status == "godkand"
    assert version.innehall["rapport"]["status"] == "godkand"


def test_oppna_igen_makes_a_new_version_with_the_reason(rapport, chef_solrosen, controller):
    _klar(rapport)
    first = arbetsflode.lamna_in(rapport=rapport, user=chef_solrosen)
    arbetsflode.godkann(rapport=rapport, user=controller)

    arbetsflode.oppna_igen(
        rapport=rapport, user=chef_solrosen, anledning="Prognosen var fel uträknad."
    )

    rapport.refresh_from_db()
    assert (rapport.status, rapport.version) == ("utkast", 2)
    panel = arbetsflode.panel(rapport, chef_solrosen)
    assert panel["oppnad_igen"]["anledning"] == "Prognosen var fel uträknad."
    second = arbetsflode.lamna_in(rapport=rapport, user=chef_solrosen)
    assert (second.nummer, second.anledning) == (2, "Prognosen var fel uträknad.")
    assert Rapportversion.objects.get(pk=first.pk).kontrollsumma == first.kontrollsumma
    assert _acts(rapport, Handling.RAPPORT_ATEROPPNAD) == [
        {"version": 2, "anledning": "Prognosen var fel uträknad.", "fran": "godkand"}
    ]


def test_oppna_igen_requires_a_reason(rapport, chef_solrosen):
    _klar(rapport)
    arbetsflode.lamna_in(rapport=rapport, user=chef_solrosen)

    with pytest.raises(ValidationError) as refused:
        arbetsflode.oppna_igen(rapport=rapport, user=chef_solrosen, anledning="")

    assert refused.value.message_dict == {
        "anledning": ["Skriv varför rapporten öppnas igen: det står vid den nya versionen."]
    }
    rapport.refresh_from_db()
    assert (rapport.status, rapport.version) == ("inlamnad", 1)


def test_oppna_igen_an_adopted_report_only_by_the_controller(rapport, chef_solrosen, controller):
    Rapport.objects.filter(pk=rapport.pk).update(status=Rapport.Status.ANTAGEN)
    rapport.refresh_from_db()

    with pytest.raises(PermissionDenied):
        arbetsflode.oppna_igen(rapport=rapport, user=chef_solrosen, anledning="Rättelse")
    arbetsflode.oppna_igen(rapport=rapport, user=controller, anledning="Rättelse av utfallet")

    assert (rapport.status, rapport.version) == ("utkast", 2)


def test_oppna_igen_refuses_an_open_report(rapport, chef_solrosen):
    with pytest.raises(ValidationError):
        arbetsflode.oppna_igen(rapport=rapport, user=chef_solrosen, anledning="Varför inte")

    assert Rapport.objects.get(pk=rapport.pk).version == 1


def test_a_version_is_frozen_once(rapport, chef_solrosen):
    _klar(rapport)
    arbetsflode.lamna_in(rapport=rapport, user=chef_solrosen)

    with pytest.raises(ValidationError):
        arbetsflode.frys(rapport=rapport, slag="inlamnad", user=chef_solrosen, innehall={})

    assert Rapportversion.objects.count() == 1


def test_an_action_on_a_stale_page_is_refused_and_changes_nothing(
    rapport, chef_solrosen, chef_buf, controller
):
    _klar(rapport)
    arbetsflode.lamna_in(rapport=rapport, user=chef_solrosen)
    token = locking.token(rapport)  # both reviewers open the page now
    arbetsflode.skicka_tillbaka(
        rapport=rapport, user=chef_buf, kommentar="Komplettera.", andringsmarke=token
    )

    with pytest.raises(locking.Konflikt) as refused:
        arbetsflode.godkann(rapport=rapport, user=controller, andringsmarke=token)

    assert refused.value.messages[0].startswith(f"Ändrat av {chef_buf} kl. ")
    rapport.refresh_from_db()
    assert (rapport.status, rapport.version, rapport.granskad_av) == ("aterskickad", 2, chef_buf)
    assert _acts(rapport, Handling.RAPPORT_GODKAND) == []


def test_a_double_submission_freezes_once(rapport, chef_solrosen):
    _klar(rapport)
    token = locking.token(rapport)
    arbetsflode.lamna_in(rapport=rapport, user=chef_solrosen, andringsmarke=token)

    with pytest.raises(locking.Konflikt):
        arbetsflode.lamna_in(rapport=rapport, user=chef_solrosen, andringsmarke=token)

    assert Rapportversion.objects.count() == 1
    assert len(_acts(rapport, Handling.RAPPORT_INLAMNAD)) == 1


# --- Views ------------------------------------------------------------------------------------


def _post(client, user, rapport, name, data=None):
    if user is not None:
        client.force_login(user)
    return client.post(reverse(f"uppfoljning:{name}", args=[rapport.pk]), data or {})


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _submitted(rapport, chef):
    _klar(rapport)
    arbetsflode.lamna_in(rapport=rapport, user=chef)
    return rapport


def test_view_lamna_in_submits_and_goes_back_to_the_report(client, rapport, chef_solrosen):
    _klar(rapport)

    response = _post(
        client,
        chef_solrosen,
        rapport,
        "lamna_in",
        {"inlamning-andringsmarke": locking.token(rapport)},
    )

    assert response.status_code == 302
    assert response["Location"] == f"{rapport.get_absolute_url()}#arbetsflode"
    assert _messages(response) == ["Rapporten är inlämnad som version 1."]
    assert Rapport.objects.get(pk=rapport.pk).status == "inlamnad"


def test_view_lamna_in_refused_shows_every_reason(client, rapport, chef_solrosen, org):
    _mal(org, utfall=Utfall.EJ_UPPFYLLT, analys="Personalbrist.")

    response = _post(
        client,
        chef_solrosen,
        rapport,
        "lamna_in",
        {"inlamning-andringsmarke": locking.token(rapport)},
    )

    assert response.status_code == 302
    assert _messages(response) == [
        "Rapporten kunde inte lämnas in:",
        "Avsnitt som ska vara skrivna och markerade klara: Viktiga händelser.",
        "Målet ”1.1 Fler barn i förskola” är bedömt som ej uppfyllt: lägg till en åtgärd i "
        "åtgärdsplanen.",
    ]
    assert Rapport.objects.get(pk=rapport.pk).status == "utkast"


def test_view_lamna_in_twice_says_it_is_already_done(client, rapport, chef_solrosen):
    _klar(rapport)
    data = {"inlamning-andringsmarke": locking.token(rapport)}
    _post(client, chef_solrosen, rapport, "lamna_in", data)

    response = _post(client, chef_solrosen, rapport, "lamna_in", data)

    # the first answer's message was not read (no GET in between): the second's comes last
    assert _messages(response) == [
        "Rapporten är inlämnad som version 1.",
        "Rapporten är redan inlämnad.",
    ]
    assert Rapportversion.objects.count() == 1


def test_view_godkann_by_the_forvaltnings_chef(client, rapport, chef_solrosen, chef_buf):
    _submitted(rapport, chef_solrosen)

    response = _post(
        client, chef_buf, rapport, "godkann", {"godkann-andringsmarke": locking.token(rapport)}
    )

    assert response.status_code == 302
    assert _messages(response) == ["Rapporten är godkänd."]
    assert Rapport.objects.get(pk=rapport.pk).status == "godkand"


def test_view_skicka_tillbaka_with_a_comment(client, rapport, chef_solrosen, controller):
    _submitted(rapport, chef_solrosen)

    response = _post(
        client,
        controller,
        rapport,
        "skicka_tillbaka",
        {
            "aterskick-kommentar": "Komplettera analysen.",
            "aterskick-andringsmarke": locking.token(rapport),
        },
    )

    assert response.status_code == 302
    rapport.refresh_from_db()
    assert (rapport.status, rapport.aterskickad_kommentar) == (
        "aterskickad",
        "Komplettera analysen.",
    )


def test_view_skicka_tillbaka_without_a_comment_shows_the_error_at_the_field(
    client, rapport, chef_solrosen, controller
):
    _submitted(rapport, chef_solrosen)

    response = _post(client, controller, rapport, "skicka_tillbaka", {"aterskick-kommentar": ""})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_aterskick-kommentar_error"' in html
    assert 'aria-describedby="id_aterskick-kommentar_helptext id_aterskick-kommentar_error"' in (
        html
    )
    assert "Skriv varför rapporten skickas tillbaka: chefen läser det." in html
    assert Rapport.objects.get(pk=rapport.pk).status == "inlamnad"


def test_view_skicka_tillbaka_on_a_stale_page_keeps_the_text(
    client, rapport, chef_solrosen, controller, chef_buf
):
    _submitted(rapport, chef_solrosen)
    token = locking.token(rapport)
    arbetsflode.godkann(rapport=rapport, user=chef_buf, andringsmarke=token)

    response = _post(
        client,
        controller,
        rapport,
        "skicka_tillbaka",
        {"aterskick-kommentar": "Siffrorna stämmer inte.", "aterskick-andringsmarke": token},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert f"Ändrat av {chef_buf} kl." in html
    assert "Siffrorna stämmer inte.</textarea>" in html
    assert f'value="{locking.token(rapport)}"' in html
    assert Rapport.objects.get(pk=rapport.pk).status == "godkand"


def test_view_oppna_igen_with_and_without_a_reason(client, rapport, chef_solrosen):
    _submitted(rapport, chef_solrosen)

    token = locking.token(rapport)
    refused = _post(
        client,
        chef_solrosen,
        rapport,
        "oppna_igen",
        {"oppna-anledning": "", "oppna-andringsmarke": token},
    )
    assert refused.status_code == 400
    assert "Skriv varför rapporten öppnas igen" in refused.content.decode()
    assert Rapport.objects.get(pk=rapport.pk).status == "inlamnad"

    response = _post(
        client,
        chef_solrosen,
        rapport,
        "oppna_igen",
        {"oppna-anledning": "Fel prognos.", "oppna-andringsmarke": token},
    )
    assert response.status_code == 302
    rapport.refresh_from_db()
    assert (rapport.status, rapport.version) == ("utkast", 2)


ACTIONS = [
    ("lamna_in", False, {}),
    ("godkann", True, {}),
    ("skicka_tillbaka", True, {"aterskick-kommentar": "Nej."}),
    ("oppna_igen", True, {"oppna-anledning": "Rättelse."}),
]


READERS = [
    (name, submitted, data, who)
    for name, submitted, data in ACTIONS
    for who in ("sekreterare_bun", "fortroendevald_bun")
    # a politician of the nämnd does not see a unit's draft at all (404, as an outsider)
    if submitted or who == "sekreterare_bun"
]


@pytest.mark.parametrize(("name", "submitted", "data", "who"), READERS)
def test_view_refuses_a_reader_with_403(
    client, request, rapport, chef_solrosen, name, submitted, data, who
):
    """Readers: the nämnd's secretary reads the unit's drafts and submitted reports, the
    nämnd's politician the submitted ones; neither writes nor reviews."""
    if submitted:
        _submitted(rapport, chef_solrosen)
    before = Rapport.objects.get(pk=rapport.pk).status

    response = _post(client, request.getfixturevalue(who), rapport, name, data)

    assert response.status_code == 403
    assert Rapport.objects.get(pk=rapport.pk).status == before


@pytest.mark.parametrize(("name", "submitted", "data"), ACTIONS)
@pytest.mark.parametrize("who", ["chef_blaklockan", "utomstaende"])
def test_view_hides_the_report_from_an_outsider_with_404(
    client, request, rapport, chef_solrosen, name, submitted, data, who
):
    if submitted:
        _submitted(rapport, chef_solrosen)
    before = Rapport.objects.get(pk=rapport.pk).status

    response = _post(client, request.getfixturevalue(who), rapport, name, data)

    assert response.status_code == 404
    assert Rapport.objects.get(pk=rapport.pk).status == before


@pytest.mark.parametrize(("name", "submitted", "data"), ACTIONS)
def test_view_sends_anonymous_to_the_login(client, rapport, chef_solrosen, name, submitted, data):
    if submitted:
        _submitted(rapport, chef_solrosen)
    before = Rapport.objects.get(pk=rapport.pk).status

    response = _post(client, None, rapport, name, data)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert Rapport.objects.get(pk=rapport.pk).status == before


@pytest.mark.parametrize("name", ["godkann", "skicka_tillbaka"])
def test_view_review_is_403_for_the_chef_who_reports(client, rapport, chef_solrosen, name):
    _submitted(rapport, chef_solrosen)

    response = _post(client, chef_solrosen, rapport, name, {"aterskick-kommentar": "x"})

    assert response.status_code == 403


def test_view_actions_are_post_only(client, rapport, chef_solrosen):
    client.force_login(chef_solrosen)

    response = client.get(reverse("uppfoljning:lamna_in", args=[rapport.pk]))

    assert response.status_code == 405


def _ekonomi(org, arsprognos):
    """Solrosen's budget: 1 000 000 kr a month (12 000 000 for 2026), the outcome to date as
    budgeted, and the chef's annual forecast at the end of March."""
    for manad in range(1, 13):
        Ekonomirad.objects.create(
            organisation=org["solrosen"],
            kontogrupp="Personal",
            ar=2026,
            manad=manad,
            budget=Decimal(1_000_000),
            utfall=Decimal(1_000_000) if manad <= 3 else Decimal(0),
        )
    Prognos.objects.create(
        organisation=org["solrosen"],
        ar=2026,
        periodtyp=Periodtyp.MANAD,
        periodnummer=3,
        arsprognos=Decimal(arsprognos),
        motivering="Fler barn än väntat.",
    )


def test_lamna_in_refuses_a_forecast_deviation_without_an_action(rapport, chef_solrosen, org):
    _klar(rapport)
    _ekonomi(org, 12_144_000)  # deviation −144 000 kr = −1,2 % of 12 000 000

    with pytest.raises(ValidationError) as refused:
        arbetsflode.lamna_in(rapport=rapport, user=chef_solrosen)

    assert refused.value.messages == [
        "Prognosen avviker med −1,2 % av budgeten (gränsen är −0,5 %): lägg till en åtgärd "
        "i åtgärdsplanen."
    ]
    _atgard(rapport)
    version = arbetsflode.lamna_in(rapport=rapport, user=chef_solrosen)
    assert version.innehall["ekonomi"]["total"]["avvikelse"] == "-144000.00"


def test_lamna_in_takes_a_forecast_within_the_threshold_without_an_action(
    rapport, chef_solrosen, org
):
    _klar(rapport)
    _ekonomi(org, 12_048_000)  # −0,4 %

    version = arbetsflode.lamna_in(rapport=rapport, user=chef_solrosen)

    assert version.innehall["atgarder"] == []


def test_view_oppna_igen_twice_says_it_is_already_done(client, rapport, chef_solrosen):
    _submitted(rapport, chef_solrosen)
    data = {"oppna-anledning": "Fel prognos.", "oppna-andringsmarke": locking.token(rapport)}
    _post(client, chef_solrosen, rapport, "oppna_igen", data)

    response = _post(client, chef_solrosen, rapport, "oppna_igen", data)

    assert response.status_code == 302
    assert _messages(response)[-1] == "Rapporten är redan öppnad igen."
    assert Rapport.objects.get(pk=rapport.pk).version == 2


@pytest.mark.parametrize("versions", [1, 3])
def test_panel_costs_the_same_whatever_the_number_of_versions(
    django_assert_num_queries, rapport, chef_solrosen, controller, versions
):
    _klar(rapport)
    for n in range(versions):
        if n:
            arbetsflode.oppna_igen(rapport=rapport, user=controller, anledning=f"Rättelse {n}")
        arbetsflode.lamna_in(rapport=rapport, user=chef_solrosen)
    arbetsflode.panel(rapport, controller)  # the user's roles, read once a request
    rapport = Rapport.objects.select_related(
        "rapportperiod__rapporttyp", "inlamnad_av", "granskad_av"
    ).get(pk=rapport.pk)

    with django_assert_num_queries(2):  # the change token, the versions with who made them
        panel = arbetsflode.panel(rapport, controller)

    assert [v["nummer"] for v in panel["versioner"]] == list(range(1, versions + 1))


# --- A resubmission after a sending back: on time by the first submission, also in a closed
# period ---------------------------------------------------------------------------------------


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def _submitted_on_time_then_sent_back(rapport, chef_solrosen, chef_buf):
    """Submitted on its last day (five days ago), sent back since: a resubmission today comes
    in after the last day."""
    _klar(rapport)
    arbetsflode.lamna_in(rapport=rapport, user=chef_solrosen)
    arbetsflode.skicka_tillbaka(rapport=rapport, user=chef_buf, kommentar="Analys saknas.")
    rapport.rapportperiod.sista_dag = timezone.localdate() - datetime.timedelta(days=5)
    rapport.rapportperiod.save()
    Rapport.objects.filter(pk=rapport.pk).update(inlamnad=_at(rapport.rapportperiod.sista_dag))
    rapport.refresh_from_db()
    return rapport


def test_a_resubmission_after_a_sending_back_is_not_late(rapport, chef_solrosen, chef_buf):
    rapport = _submitted_on_time_then_sent_back(rapport, chef_solrosen, chef_buf)
    idag = timezone.localdate()
    forsta = rapport.inlamnad

    assert arbetsflode.ar_sen(rapport, idag) is False  # sent back: with the chef, not late
    second = arbetsflode.lamna_in(rapport=rapport, user=chef_solrosen)

    rapport.refresh_from_db()
    assert (rapport.status, rapport.inlamnad, second.nummer) == ("inlamnad", forsta, 2)
    assert [act["sen"] for act in _acts(rapport, Handling.RAPPORT_INLAMNAD)] == [False, False]
    assert arbetsflode.ar_sen(rapport, idag) is False
    panel = arbetsflode.panel(rapport, chef_solrosen)
    assert (panel["forsenad"], panel["inlamnad_sent"]) == (False, False)
    assert panel["senast_inlamnad"]["nummer"] == 2
    html = render_to_string("uppfoljning/arbetsflode/_panel.html", {"arbetsflode": panel})
    assert "<dt>Först inlämnad</dt>" in html
    assert "<dt>Version 2 inlämnad</dt>" in html
    assert "Inlämnad för sent" not in html


def test_a_late_first_submission_stays_late_after_a_resubmission(rapport, chef_solrosen, chef_buf):
    rapport = _submitted_on_time_then_sent_back(rapport, chef_solrosen, chef_buf)
    sen = _at(rapport.rapportperiod.sista_dag + datetime.timedelta(days=1))
    Rapport.objects.filter(pk=rapport.pk).update(inlamnad=sen)
    rapport.refresh_from_db()

    arbetsflode.lamna_in(rapport=rapport, user=chef_solrosen)

    rapport.refresh_from_db()
    assert rapport.inlamnad == sen
    second = Handelse.objects.filter(objekt_id=rapport.pk, handling=Handling.RAPPORT_INLAMNAD)
    assert second.order_by("pk").last().data["sen"] is True
    assert arbetsflode.ar_sen(rapport, timezone.localdate()) is True


def test_a_report_sent_back_is_resubmitted_in_a_closed_period(rapport, chef_solrosen, chef_buf):
    rapport = _submitted_on_time_then_sent_back(rapport, chef_solrosen, chef_buf)
    rapport.rapportperiod.stangd = True
    rapport.rapportperiod.save()

    panel = arbetsflode.panel(rapport, chef_solrosen)
    assert (panel["can_submit"], panel["stangd_for_inlamning"]) == (True, False)
    kod = rapport.rapportperiod.rapporttyp.avsnitt[0]["kod"]
    spara_avsnitt(
        rapport=rapport,
        kod=kod,
        text="Rättat efter återkomsten.",
        klar=True,
        andringsmarke=None,
        user=chef_solrosen,
    )
    version = arbetsflode.lamna_in(rapport=rapport, user=chef_solrosen)

    rapport.refresh_from_db()
    assert (rapport.status, version.nummer) == ("inlamnad", 2)
    assert Avsnittstext.objects.get(rapport=rapport, kod=kod).text == "Rättat efter återkomsten."


def test_view_resubmits_a_report_sent_back_in_a_closed_period(
    client, rapport, chef_solrosen, chef_buf
):
    rapport = _submitted_on_time_then_sent_back(rapport, chef_solrosen, chef_buf)
    rapport.rapportperiod.stangd = True
    rapport.rapportperiod.save()
    client.force_login(chef_solrosen)

    page = client.get(reverse("uppfoljning:rapport", args=[rapport.pk]))
    response = _post(
        client,
        chef_solrosen,
        rapport,
        "lamna_in",
        {"inlamning-andringsmarke": locking.token(rapport)},
    )

    assert f'action="/uppfoljning/rapporter/{rapport.pk}/lamna-in/"' in page.content.decode()
    assert response.status_code == 302
    rapport.refresh_from_db()
    assert rapport.status == "inlamnad"


# --- The stored PDF of a frozen version --------------------------------------------------------


def test_a_submitted_version_has_its_pdf_stored_once_the_submission_commits(
    client, rapport, chef_solrosen, settings, django_capture_on_commit_callbacks
):
    from pypdf import PdfReader

    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": []}
    }
    _klar(rapport)

    with django_capture_on_commit_callbacks(execute=True):
        version = arbetsflode.lamna_in(rapport=rapport, user=chef_solrosen)

    version.refresh_from_db()
    assert version.pdf.name.endswith(".pdf")
    with version.pdf.open("rb") as stored:
        text = "".join(page.extract_text() for page in PdfReader(stored).pages)
    assert "Två nya avdelningar öppnade i mars." in text
    client.force_login(chef_solrosen)
    response = client.get(reverse("uppfoljning:version_pdf", args=[rapport.pk, 1]))
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")


def test_a_submission_rolled_back_enqueues_no_pdf(
    rapport, chef_solrosen, settings, django_capture_on_commit_callbacks
):
    from django.db import transaction
    from django.tasks import task_backends

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    _klar(rapport)

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            arbetsflode.lamna_in(rapport=rapport, user=chef_solrosen)
            raise RuntimeError("something after the submission failed")
        arbetsflode.lamna_in(rapport=rapport, user=chef_solrosen)

    assert [r.args for r in task_backends["default"].results] == [[rapport.versioner.get().pk]]
