"""The chef's report page and its parts' forms: who may read and write, POST → redirect with
the part's anchor, refusals shown next to their fields with the typed text kept, and a page
that costs the same for one and for many goals."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mal.models import Bedomning, Indikator, Mal, Uppdrag, Uppdragskommentar, Varde
from styrning import locking
from tests.uppfoljning.test_rapportering import bygg_rapport
from uppfoljning.models import Atgard, Atgardsuppfoljning, Avsnittstext, Rapport

pytestmark = pytest.mark.django_db


@pytest.fixture
def rapport(org):
    return bygg_rapport(org)


def _token(model, **filters) -> str:
    return locking.token(model.objects.get(**filters))


# Each part's form: its URL, a valid POST and what it saved.
def _avsnitt(rapport):
    return (
        reverse("uppfoljning:rapport_avsnitt", args=[rapport.pk, "avsnitt-0"]),
        {
            "avsnitt-avsnitt-0-text": "Barngrupperna är stabila.",
            "avsnitt-avsnitt-0-klar": "on",
            "avsnitt-avsnitt-0-andringsmarke": _token(Avsnittstext, rapport=rapport),
        },
        "avsnitt-avsnitt-0",
        lambda: Avsnittstext.objects.get(rapport=rapport).text == "Barngrupperna är stabila.",
    )


def _bedomning(rapport):
    mal = Mal.objects.get(titel="Mål 0", agare=rapport.organisation)
    return (
        reverse("uppfoljning:rapport_bedomning", args=[rapport.pk, mal.pk]),
        {
            f"mal-{mal.pk}-utfall": "delvis",
            f"mal-{mal.pk}-analys": "Sjukfrånvaron steg.",
            f"mal-{mal.pk}-andringsmarke": _token(Bedomning, mal=mal),
        },
        f"mal-{mal.pk}",
        lambda: Bedomning.objects.get(mal=mal).analys == "Sjukfrånvaron steg.",
    )


def _varde(rapport):
    ind = Indikator.objects.get(namn="Indikator 0", mal__agare=rapport.organisation)
    return (
        reverse("uppfoljning:rapport_varde", args=[rapport.pk, ind.pk]),
        {
            f"varde-{ind.pk}-totalt": "1 234,5",
            f"varde-{ind.pk}-andringsmarke": _token(Varde, indikator=ind),
        },
        f"varde-{ind.pk}",
        lambda: Varde.objects.get(indikator=ind).totalt == Decimal("1234.5"),
    )


def _uppdrag(rapport):
    uppdrag = Uppdrag.objects.get(titel="Uppdrag 0", givet_till=rapport.organisation)
    return (
        reverse("uppfoljning:rapport_uppdrag", args=[rapport.pk, uppdrag.pk]),
        {
            f"uppdrag-{uppdrag.pk}-status": "genomfort",
            f"uppdrag-{uppdrag.pk}-kommentar": "Klart.",
            f"uppdrag-{uppdrag.pk}-andringsmarke": _token(Uppdragskommentar, uppdrag=uppdrag),
        },
        f"uppdrag-{uppdrag.pk}",
        lambda: Uppdragskommentar.objects.get(uppdrag=uppdrag).kommentar == "Klart.",
    )


def _atgard_ny(rapport):
    return (
        reverse("uppfoljning:rapport_atgard_ny", args=[rapport.pk]),
        {
            "atgard-ny-beskrivning": "Fler vikarier",
            "atgard-ny-ansvarig": "Rektor",
            "atgard-ny-datum": "2026-09-01",
            "atgard-ny-effekt_kronor": "−50 000",
            "atgard-ny-status": "planerad",
        },
        "atgard-ny",
        lambda: Atgard.objects.filter(
            rapport=rapport, beskrivning="Fler vikarier", effekt_kronor=Decimal(-50000)
        ).exists(),
    )


def _atgard(rapport):
    atgard = Atgard.objects.get(rapport=rapport, beskrivning="Åtgärd 0")
    return (
        reverse("uppfoljning:rapport_atgard", args=[rapport.pk, atgard.pk]),
        {
            f"atgard-{atgard.pk}-beskrivning": "Åtgärd 0, ändrad",
            f"atgard-{atgard.pk}-ansvarig": "Rektor",
            f"atgard-{atgard.pk}-datum": "2026-06-30",
            f"atgard-{atgard.pk}-status": "pagaende",
            f"atgard-{atgard.pk}-andringsmarke": locking.token(atgard),
        },
        f"atgard-{atgard.pk}",
        lambda: Atgard.objects.get(pk=atgard.pk).status == "pagaende",
    )


def _uppfoljning(rapport):
    atgard = Atgard.objects.get(
        beskrivning="Tidigare åtgärd 0", rapport__organisation=rapport.organisation
    )
    return (
        reverse("uppfoljning:rapport_uppfoljning", args=[rapport.pk, atgard.pk]),
        {
            f"uppfoljning-{atgard.pk}-status": "klar",
            f"uppfoljning-{atgard.pk}-kommentar": "Genomförd.",
        },
        f"uppfoljning-{atgard.pk}",
        lambda: Atgardsuppfoljning.objects.filter(atgard=atgard, rapport=rapport).exists(),
    )


PARTS = [_avsnitt, _bedomning, _varde, _uppdrag, _atgard_ny, _atgard, _uppfoljning]


# --- The page ------------------------------------------------------------------------------------


def test_page_shows_the_parts_with_forms_to_the_chef(client, rapport, chef_solrosen):
    client.force_login(chef_solrosen)

    response = client.get(rapport.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1>") == 1
    assert "per april 2026" in html.lower()
    assert re.search(r'<progress id="andel-klar" max="100" value="33">33 %</progress>', html)
    assert "33 % klart (1 av 3 delar)" in html
    assert 'id="arbetsflode"' in html  # the workflow panel
    assert 'id="ekonomi"' in html
    assert 'name="mal-' in html and 'name="varde-' in html and 'name="uppdrag-' in html
    assert 'name="avsnitt-avsnitt-0-text"' in html
    assert 'name="atgard-ny-beskrivning"' in html
    assert "Tidigare åtgärd 0" in html
    # the parts come in the order of the layout
    order = [html.index(f'id="{part}"') for part in ("arbetsflode", "ekonomi", "mal", "uppdrag")]
    order += [html.index(f'id="{part}"') for part in ("avsnitt", "atgarder", "uppfoljning")]
    assert order == sorted(order)


def test_a_reader_sees_the_page_read_only(client, org, sekreterare_bun):
    rapport = bygg_rapport(org)
    client.force_login(sekreterare_bun)

    response = client.get(rapport.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "Du kan läsa rapporten men inte ändra den." in html
    assert "<textarea" not in html and "Analys 0" in html and "Text 0" in html


def test_a_politician_reads_a_submitted_report_read_only(client, org, fortroendevald_bun):
    rapport = bygg_rapport(org, status=Rapport.Status.INLAMNAD)
    client.force_login(fortroendevald_bun)

    response = client.get(rapport.get_absolute_url())

    assert response.status_code == 200
    assert "<textarea" not in response.content.decode()


def test_a_politician_does_not_see_a_draft(client, rapport, fortroendevald_bun):
    client.force_login(fortroendevald_bun)
    assert client.get(rapport.get_absolute_url()).status_code == 404


def test_a_submitted_report_has_no_forms_for_its_chef(client, org, chef_solrosen):
    rapport = bygg_rapport(org, status=Rapport.Status.INLAMNAD)
    client.force_login(chef_solrosen)

    html = client.get(rapport.get_absolute_url()).content.decode()

    assert "öppna den igen för att ändra" in html
    assert 'name="mal-' not in html


@pytest.mark.parametrize("who", ["chef_blaklockan", "utomstaende"])
def test_outsiders_get_404(client, rapport, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(rapport.get_absolute_url()).status_code == 404


def test_anonymous_is_sent_to_login(client, rapport):
    response = client.get(rapport.get_absolute_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_page_costs_the_same_for_one_and_many(client, org, controller):
    one = bygg_rapport(org, n=1)
    many = bygg_rapport(org, n=10, enhet="blaklockan")
    client.force_login(controller)
    client.get(one.get_absolute_url())  # warm the session and content types

    with CaptureQueriesContext(connection) as small:
        first = client.get(one.get_absolute_url())
    with CaptureQueriesContext(connection) as large:
        second = client.get(many.get_absolute_url())

    assert first.status_code == second.status_code == 200
    assert second.content.decode().count('class="card rapport-mal"') == 10
    assert len(large.captured_queries) == len(small.captured_queries)


# --- The parts' forms ----------------------------------------------------------------------------


@pytest.mark.parametrize("part", PARTS, ids=lambda p: p.__name__.strip("_"))
def test_the_chef_saves_each_part_and_returns_to_it(client, rapport, chef_solrosen, part):
    url, data, anchor, saved = part(rapport)
    client.force_login(chef_solrosen)

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[-3000:]
    assert response.url == f"{rapport.get_absolute_url()}#{anchor}"
    assert saved()
    rapport.refresh_from_db()
    assert rapport.status == Rapport.Status.UTKAST


@pytest.mark.parametrize("part", PARTS, ids=lambda p: p.__name__.strip("_"))
def test_a_reader_may_not_post(client, org, fortroendevald_bun, part):
    rapport = bygg_rapport(org, status=Rapport.Status.INLAMNAD)
    url, data, _, saved = part(rapport)
    client.force_login(fortroendevald_bun)

    assert client.post(url, data).status_code == 403
    assert not saved()


@pytest.mark.parametrize("part", PARTS, ids=lambda p: p.__name__.strip("_"))
def test_an_outsider_gets_404_on_post(client, rapport, chef_blaklockan, part):
    url, data, _, saved = part(rapport)
    client.force_login(chef_blaklockan)

    assert client.post(url, data).status_code == 404
    assert not saved()


@pytest.mark.parametrize("part", PARTS, ids=lambda p: p.__name__.strip("_"))
def test_anonymous_post_is_sent_to_login(client, rapport, part):
    url, data, _, saved = part(rapport)

    response = client.post(url, data)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not saved()


def test_a_bad_number_is_refused_next_to_the_field_and_nothing_is_saved(
    client, rapport, chef_solrosen
):
    ind = Indikator.objects.get(namn="Indikator 0")
    client.force_login(chef_solrosen)

    response = client.post(
        reverse("uppfoljning:rapport_varde", args=[rapport.pk, ind.pk]),
        {
            f"varde-{ind.pk}-totalt": "tolv",
            f"varde-{ind.pk}-kommentar": "Räknat för hand",
            f"varde-{ind.pk}-andringsmarke": _token(Varde, indikator=ind),
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(
        rf'<ul class="field__errors" id="id_varde-{ind.pk}-totalt_error"><li>Fyll i ett tal.</li>',
        html,
    )
    assert 'value="tolv"' in html and 'value="Räknat för hand"' in html
    assert Varde.objects.get(indikator=ind).totalt == Decimal(92)


def test_a_submitted_report_refuses_a_post_with_the_reason(client, org, chef_solrosen):
    rapport = bygg_rapport(org, status=Rapport.Status.INLAMNAD)
    url, data, _, saved = _avsnitt(rapport)
    client.force_login(chef_solrosen)

    response = client.post(url, data)

    assert response.status_code == 400
    html = response.content.decode()
    assert "Rapporten är inlämnad; öppna den igen för att ändra." in html
    assert "Barngrupperna är stabila." in html  # the typed text stays
    assert not saved()


def test_an_action_without_text_is_refused(client, rapport, chef_solrosen):
    url, data, _, _ = _atgard_ny(rapport)
    data["atgard-ny-beskrivning"] = " "
    client.force_login(chef_solrosen)

    response = client.post(url, data)

    assert response.status_code == 400
    assert "Beskriv åtgärden" in response.content.decode()
    assert Atgard.objects.filter(rapport=rapport).count() == 1


def test_an_action_form_posted_twice_adds_one_action(client, rapport, chef_solrosen):
    url, data, _, _ = _atgard_ny(rapport)
    data["atgard-ny-inskick"] = "6f0e4b8e-4a43-4d0c-9b1e-3f1f0f4d2c11"
    client.force_login(chef_solrosen)

    client.post(url, data)
    client.post(url, data)

    assert Atgard.objects.filter(rapport=rapport, beskrivning="Fler vikarier").count() == 1


def test_a_stale_section_is_refused_with_who_saved_and_the_text_stays(
    client, rapport, chef_solrosen, controller
):
    url, data, _, _ = _avsnitt(rapport)
    client.force_login(controller)
    client.post(url, {**data, "avsnitt-avsnitt-0-text": "Controllerns text"})
    client.force_login(chef_solrosen)

    response = client.post(url, {**data, "avsnitt-avsnitt-0-text": "Chefens text"})

    assert response.status_code == 400
    html = response.content.decode()
    assert f"Ändrat av {controller} kl." in html
    assert "Chefens text</textarea>" in html
    assert Avsnittstext.objects.get(rapport=rapport).text == "Controllerns text"
    # the form now carries the new token: saving again, having read it, replaces it
    new_token = _token(Avsnittstext, rapport=rapport)
    assert f'value="{new_token}"' in html


def test_a_stale_assessment_is_refused(client, rapport, chef_solrosen, controller):
    url, data, _, _ = _bedomning(rapport)
    client.force_login(controller)
    client.post(url, data)
    client.force_login(chef_solrosen)

    response = client.post(url, {**data, next(k for k in data if k.endswith("analys")): "Nej"})

    assert response.status_code == 400
    assert "Ändrat av" in response.content.decode()
    assert Bedomning.objects.get(mal__titel="Mål 0").analys == "Sjukfrånvaron steg."


def test_action_date_is_a_date(client, rapport, chef_solrosen):
    url, data, _, _ = _atgard_ny(rapport)
    data["atgard-ny-datum"] = "snart"
    client.force_login(chef_solrosen)

    response = client.post(url, data)

    assert response.status_code == 400
    assert not Atgard.objects.filter(beskrivning="Fler vikarier").exists()
    assert datetime.date(2026, 6, 30) == Atgard.objects.get(beskrivning="Åtgärd 0").datum
