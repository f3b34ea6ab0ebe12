"""The chef's forecast (proposal, reason, plausibility, locking, open reports only) and the
hand entry of budget and outcome, as services and as pages."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from styrning import locking
from styrning.models import Handelse, Organisation
from tests.factories import OrganisationFactory
from tests.uppfoljning.factories import RapportFactory, RapportperiodFactory
from uppfoljning import ekonomi
from uppfoljning.models import Ekonomirad, Prognos, Rapport

T = Organisation.Typ
NBSP = "\u00a0"


def rader(org, *, budget=100_000, utfall=110_000, importerad=True, ar=2026):
    for manad in range(1, 13):
        Ekonomirad.objects.create(
            organisation=org,
            kontogrupp="Personalkostnader",
            ar=ar,
            manad=manad,
            budget=budget,
            utfall=utfall if manad <= 4 else 0,
            importerad=importerad,
        )


@pytest.fixture
def rapport(org):
    """Solrosen's report per April 2026 (tkr): budget 1 200 000 for the year, outcome
    440 000 to date, so the proposal is 1 320 000 (1 320 tkr)."""
    rader(org["solrosen"])
    period = RapportperiodFactory(ar=2026, periodnummer=4, sista_dag=datetime.date(2026, 5, 10))
    return RapportFactory(rapportperiod=period, organisation=org["solrosen"])


def spara(rapport, user, belopp, *, motivering="", andringsmarke="", bekraftad=False, org=None):
    return ekonomi.spara_prognos(
        rapport=rapport,
        organisation=org or rapport.organisation,
        arsprognos=Decimal(belopp),
        motivering=motivering,
        user=user,
        andringsmarke=andringsmarke,
        bekraftad=bekraftad,
    )


def error_codes(exc: ValidationError) -> dict:
    return {name: [e.code for e in errors] for name, errors in exc.error_dict.items()}


def test_forecast_equal_to_the_proposal_needs_no_reason(rapport, chef_solrosen):
    prognos = spara(rapport, chef_solrosen, 1_320_000)

    assert (prognos.arsprognos, prognos.forslag) == (Decimal("1320000.00"), Decimal("1320000.00"))
    assert prognos.period == rapport.period
    act = Handelse.objects.get(handling=Handelse.Handling.PROGNOS_SPARAD)
    assert act.data["arsprognos"] == "1320000.00"


def test_forecast_that_rounds_to_the_proposal_in_the_unit_needs_no_reason(rapport, chef_solrosen):
    prognos = spara(rapport, chef_solrosen, 1_320_400)

    assert prognos.motivering == ""


def test_forecast_other_than_the_proposal_needs_a_reason(rapport, chef_solrosen):
    with pytest.raises(ValidationError) as exc:
        spara(rapport, chef_solrosen, 1_250_000)

    assert error_codes(exc.value) == {"motivering": ["motivering_saknas"]}
    assert f"(1{NBSP}320{NBSP}tkr, utfallet hittills uppräknat till helår)" in exc.value.messages[0]
    assert not Prognos.objects.exists()
    prognos = spara(rapport, chef_solrosen, 1_250_000, motivering="Vakanser under hösten.")
    assert prognos.motivering == "Vakanser under hösten."


@pytest.mark.parametrize("belopp", [3_000_000, 500_000, -10_000])
def test_implausible_forecast_warns_and_is_saved_once_confirmed(rapport, chef_solrosen, belopp):
    with pytest.raises(ValidationError) as exc:
        spara(rapport, chef_solrosen, belopp, motivering="Stor förändring.")

    assert error_codes(exc.value) == {"arsprognos": ["orimlig"]}
    assert not Prognos.objects.exists()
    prognos = spara(rapport, chef_solrosen, belopp, motivering="Stor förändring.", bekraftad=True)
    assert prognos.arsprognos == Decimal(belopp)


def test_second_save_from_a_stale_form_is_refused(rapport, chef_solrosen, controller):
    first = spara(rapport, chef_solrosen, 1_320_000)
    token = locking.token(first)
    spara(rapport, controller, 1_300_000, motivering="Controllerns bedömning.", andringsmarke=token)

    with pytest.raises(locking.Konflikt) as exc:
        spara(rapport, chef_solrosen, 1_310_000, motivering="Min bedömning.", andringsmarke=token)

    assert "Ändrat av" in exc.value.messages[0]
    assert Prognos.objects.get().arsprognos == Decimal("1300000.00")


def test_new_forecast_over_one_saved_meanwhile_is_refused(rapport, chef_solrosen, controller):
    spara(rapport, controller, 1_320_000)

    with pytest.raises(locking.Konflikt):
        spara(rapport, chef_solrosen, 1_320_000, andringsmarke="")


@pytest.mark.parametrize("status", [Rapport.Status.INLAMNAD, Rapport.Status.GODKAND])
def test_forecast_of_a_report_not_open_is_refused(rapport, chef_solrosen, status):
    Rapport.objects.filter(pk=rapport.pk).update(status=status)

    with pytest.raises(ValidationError) as exc:
        spara(rapport, chef_solrosen, 1_320_000)

    assert exc.value.code == "inte_oppen"
    assert not Prognos.objects.exists()


def test_forecast_by_someone_who_does_not_report_is_refused(rapport, chef_blaklockan):
    with pytest.raises(PermissionDenied):
        spara(rapport, chef_blaklockan, 1_320_000)


def test_forecast_for_an_organisation_outside_the_report_is_refused(rapport, controller, org):
    with pytest.raises(ValidationError) as exc:
        spara(rapport, controller, 1_320_000, org=org["hemtjanst"])

    assert exc.value.code == "fel_organisation"


# --- The forecast page ----------------------------------------------------------------------------


def url(rapport):
    return reverse("uppfoljning:ekonomi_prognos", args=[rapport.pk])


def post(client, rapport, belopp, **extra):
    prefix = f"prognos-{rapport.organisation_id}"
    data = {
        "organisation": rapport.organisation_id,
        f"{prefix}-arsprognos": belopp,
        f"{prefix}-motivering": extra.pop("motivering", ""),
        f"{prefix}-andringsmarke": extra.pop("andringsmarke", ""),
    }
    if extra.pop("bekraftad", False):
        data[f"{prefix}-bekraftad"] = "on"
    return client.post(url(rapport), data)


def test_page_shows_the_proposal_in_one_sentence(client, rapport, chef_solrosen):
    client.force_login(chef_solrosen)

    response = client.get(url(rapport))

    html = response.content.decode()
    assert response.status_code == 200
    assert f"Förslag: 1{NBSP}320{NBSP}tkr (utfallet hittills uppräknat till helår)" in html
    assert 'value="1320"' in html
    assert "Jag har kontrollerat prognosen" not in html


def test_editor_saves_and_goes_back_to_the_reports_economy(client, rapport, chef_solrosen):
    client.force_login(chef_solrosen)

    response = post(client, rapport, "1 250,5", motivering="Vakanser.")

    assert response.status_code == 302
    assert response["Location"].endswith("#ekonomi")
    assert Prognos.objects.get().arsprognos == Decimal("1250500.00")


def test_refusal_shows_the_error_at_the_field_and_keeps_the_text(client, rapport, chef_solrosen):
    client.force_login(chef_solrosen)

    response = post(client, rapport, "1 250")

    html = response.content.decode()
    prefix = f"id_prognos-{rapport.organisation_id}"
    assert response.status_code == 400
    assert '<progress id="andel-klar"' in html  # on the report page itself
    assert f'id="{prefix}-motivering_error"' in html
    assert f'aria-describedby="{prefix}-motivering_helptext {prefix}-motivering_error"' in html
    assert 'value="1 250"' in html


def test_implausible_forecast_shows_the_confirm_box_then_saves(client, rapport, chef_solrosen):
    client.force_login(chef_solrosen)

    warned = post(client, rapport, "3 000", motivering="Ny verksamhet.")
    saved = post(client, rapport, "3 000", motivering="Ny verksamhet.", bekraftad=True)

    assert warned.status_code == 400
    assert "Jag har kontrollerat prognosen" in warned.content.decode()
    assert saved.status_code == 302
    assert Prognos.objects.get().arsprognos == Decimal("3000000.00")


def test_stale_form_on_the_page_is_refused_with_who_saved(
    client, rapport, chef_solrosen, controller
):
    first = spara(rapport, controller, 1_320_000)
    token = locking.token(first)
    spara(rapport, controller, 1_300_000, motivering="Ändrad.", andringsmarke=token)
    client.force_login(chef_solrosen)

    response = post(client, rapport, "1 310", motivering="Min.", andringsmarke=token)

    assert response.status_code == 400
    assert "Ändrat av" in response.content.decode()
    assert Prognos.objects.get().arsprognos == Decimal("1300000.00")


def test_closed_report_refuses_on_the_page(client, rapport, chef_solrosen):
    Rapport.objects.filter(pk=rapport.pk).update(status=Rapport.Status.INLAMNAD)
    client.force_login(chef_solrosen)

    response = post(client, rapport, "1 320")

    assert response.status_code == 400
    assert "prognosen kan inte ändras" in response.content.decode()
    assert not Prognos.objects.exists()


def test_forecast_page_permissions(
    client, rapport, chef_solrosen, sekreterare_bun, chef_blaklockan
):
    client.force_login(chef_solrosen)
    assert client.get(url(rapport)).status_code == 200
    client.force_login(sekreterare_bun)  # reads the unit's drafts, does not report
    assert client.get(url(rapport)).status_code == 403
    assert post(client, rapport, "1 320").status_code == 403
    client.force_login(chef_blaklockan)
    assert client.get(url(rapport)).status_code == 404
    assert post(client, rapport, "1 320").status_code == 404
    client.logout()
    response = post(client, rapport, "1 320")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Prognos.objects.exists()


def _forvaltning_report(count: int):
    forvaltning = OrganisationFactory(kod=f"F{count}", typ=T.FORVALTNING)
    for n in range(count):
        verksamhet = OrganisationFactory(
            kod=f"F{count}-V{n}", typ=T.VERKSAMHET, overordnad=forvaltning
        )
        rader(verksamhet)
        Prognos.objects.create(
            organisation=verksamhet, ar=2026, periodtyp="manad", periodnummer=4, arsprognos=1
        )
    period = RapportperiodFactory(ar=2026, periodnummer=4, rapporttyp__kod=f"k{count}")
    return RapportFactory(rapportperiod=period, organisation=forvaltning)


@pytest.mark.parametrize("count", [1, 8])
def test_forecast_page_costs_the_same_for_one_or_many_verksamheter(
    client, controller, django_assert_num_queries, count
):
    rapport = _forvaltning_report(count)
    client.force_login(controller)
    client.get(url(rapport))  # warm the content types and the session

    with django_assert_num_queries(QUERIES):
        response = client.get(url(rapport))

    assert response.content.decode().count('class="form prognos-form"') == count + 1


# Session and user, roles, the report, the organisation tree, the economy's aggregate and
# forecasts, the forms' forecasts and change tokens.
QUERIES = 9


# --- Hand entry ----------------------------------------------------------------------------------


def rad_url(rapport):
    return reverse("uppfoljning:ekonomi_rad", args=[rapport.pk])


def hand(rapport, user, manad, budget="1 000", **extra):
    return {
        "organisation": rapport.organisation_id,
        "kontogrupp": extra.get("kontogrupp", "Övriga kostnader"),
        "ar": 2026,
        "manad": manad,
        "budget": budget,
        "utfall": extra.get("utfall", "900"),
        "andringsmarke": extra.get("andringsmarke", ""),
    }


@pytest.fixture
def handrapport(org):
    """Blåklockan's report: no import, so its chef enters the economy by hand."""
    period = RapportperiodFactory(ar=2026, periodnummer=4)
    return RapportFactory(rapportperiod=period, organisation=org["blaklockan"])


def test_hand_entry_saves_a_month(client, handrapport, chef_blaklockan):
    client.force_login(chef_blaklockan)

    response = client.post(rad_url(handrapport), hand(handrapport, chef_blaklockan, 3, "1 234,5"))

    assert response.status_code == 302
    rad = Ekonomirad.objects.get()
    assert (rad.budget, rad.importerad, rad.andrad_av) == (
        Decimal("1234.50"),
        False,
        chef_blaklockan,
    )
    assert Handelse.objects.filter(handling=Handelse.Handling.EKONOMI_REGISTRERAD).count() == 1


def test_hand_entry_of_an_imported_month_is_refused(client, rapport, chef_solrosen):
    client.force_login(chef_solrosen)

    response = client.post(rad_url(rapport), hand(rapport, chef_solrosen, 2))

    assert response.status_code == 400
    assert "Månaden är importerad från ekonomisystemet" in response.content.decode()
    assert Ekonomirad.objects.filter(kontogrupp="Övriga kostnader").count() == 0


def test_hand_entry_over_a_row_saved_meanwhile_is_refused(client, handrapport, chef_blaklockan):
    client.force_login(chef_blaklockan)
    client.post(rad_url(handrapport), hand(handrapport, chef_blaklockan, 3))
    rad = Ekonomirad.objects.get()
    edit = client.get(f"{rad_url(handrapport)}?rad={rad.pk}")
    token = edit.context["form"].initial["andringsmarke"]
    client.post(
        rad_url(handrapport), hand(handrapport, chef_blaklockan, 3, "2 000", andringsmarke=token)
    )

    stale = client.post(
        rad_url(handrapport), hand(handrapport, chef_blaklockan, 3, "3 000", andringsmarke=token)
    )

    assert stale.status_code == 400
    assert "Ändrat av" in stale.content.decode()
    assert Ekonomirad.objects.get().budget == Decimal("2000.00")


def test_hand_entry_permissions(
    client, handrapport, chef_blaklockan, sekreterare_bun, chef_solrosen
):
    client.force_login(chef_blaklockan)
    assert client.get(rad_url(handrapport)).status_code == 200
    client.force_login(sekreterare_bun)
    assert client.get(rad_url(handrapport)).status_code == 403
    client.force_login(chef_solrosen)
    assert client.post(rad_url(handrapport), hand(handrapport, chef_solrosen, 3)).status_code == 404
    client.logout()
    assert client.get(rad_url(handrapport)).status_code == 302
    assert not Ekonomirad.objects.exists()


# The economy table's styles -------------------------------------------------------------------


def _stylesheets(html: str) -> str:
    """The screen stylesheets the page links, read from the static files."""
    from django.contrib.staticfiles import finders

    links = re.findall(r'<link rel="stylesheet" href="/static/([^"]+)"(?! media="print")', html)
    return "\n".join(Path(finders.find(path)).read_text() for path in links)


def _declarations(css: str, selector: str) -> dict[str, str]:
    """The declarations of the rules whose selector list holds `selector` exactly, var()
    resolved from :root."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    root = dict(re.findall(r"--([\w-]+):\s*([^;]+);", css.split("}", 1)[0]))
    found: dict[str, str] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", css):
        if selector in (s.strip() for s in selectors.split(",")):
            for name, value in re.findall(r"([\w-]+)\s*:\s*([^;]+)", body):
                found[name] = re.sub(r"var\(--([\w-]+)\)", lambda m: root[m[1]], value.strip())
    return found


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_deficit_and_notes_in_the_economy_table_are_styled_legibly(client, rapport, chef_solrosen):
    client.force_login(chef_solrosen)
    post(client, rapport, "1 320")  # over the budget of 1 200 tkr: a deficit of 120 tkr

    html = client.get(reverse("uppfoljning:rapport", args=[rapport.pk])).content.decode()
    css = _stylesheets(html)
    underskott = _declarations(css, ".ekonomi-tabell__underskott")
    not_ = _declarations(css, ".ekonomi-tabell__not")

    # The deficit is said in words, not by colour alone (WCAG 1.4.1), and its colours have a
    # contrast of at least 4.5:1.
    assert '<span class="ekonomi-tabell__underskott">underskott</span>' in html
    assert '<span class="ekonomi-tabell__not">(föregående)</span>' in html
    assert _contrast(underskott["color"], underskott["background-color"]) >= 4.5
    assert _contrast(not_["color"], "#ffffff") >= 4.5
