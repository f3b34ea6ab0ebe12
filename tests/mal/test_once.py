"""Forms that create something in the goal chain are answered once: the second POST of the same
form (a double click, a reload after the answer was lost) makes nothing new and is answered with
what the first one made (`styrning.submission.once`, through `mal.views._submit`)."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from mal.models import Aktivitet, Indikator, Mal, Uppdrag
from tests.mal.factories import UppdragFactory

pytestmark = pytest.mark.django_db

ALREADY = "Formuläret var redan skickat. Här är det som skapades."


def _shown(client, url) -> dict:
    """The values of the form as the page shows it: what a browser would send back (nothing
    for an empty choice or an unticked box)."""
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    return {k: v for k, v in data.items() if v is not None and v is not False and v != []}


def _post_twice(client, url, data):
    first = client.post(url, data)
    second = client.post(url, data)
    return first, second, [str(m) for m in get_messages(second.wsgi_request)]


def test_new_goal_posted_twice_is_made_once(client, chain, org, period, sekreterare_bun):
    client.force_login(sekreterare_bun)
    url = reverse("mal:nytt")
    data = {
        **_shown(client, url),
        "titel": "Fler barn läser",
        "agare": org["bun"].pk,
        "typ": "namndmal",
        "status": "utkast",
        "mandatperiod": period.pk,
        "regel": "alla",
        "vikt": "1",
        "ordning": "0",
        "overordnade": [chain["kf"].pk],
    }

    first, second, said = _post_twice(client, url, data)

    goal = Mal.objects.get(titel="Fler barn läser")
    assert (first.status_code, first["Location"]) == (302, goal.get_absolute_url())
    assert (second.status_code, second["Location"]) == (302, goal.get_absolute_url())
    assert said == ["Målet är sparat.", ALREADY]


def test_new_indicator_posted_twice_is_made_once(client, chain, sekreterare_bun):
    client.force_login(sekreterare_bun)
    goal = chain["bun"]
    url = reverse("mal:indikator_ny", args=[goal.pk])
    data = {**_shown(client, url), "namn": "Andel som läser", "enhet": "%"}

    first, second, said = _post_twice(client, url, data)

    assert list(goal.indikatorer.values_list("namn", flat=True)) == ["Andel som läser"]
    assert (first.status_code, second.status_code) == (302, 302)
    assert first["Location"] == second["Location"] == goal.get_absolute_url()
    assert said == ["Indikatorn är sparad.", ALREADY]


def test_new_activity_posted_twice_is_made_once(client, chain, chef_solrosen):
    client.force_login(chef_solrosen)
    goal = chain["solrosen"]
    url = reverse("mal:aktivitet_ny", args=[goal.pk])
    data = {**_shown(client, url), "titel": "Högläsning varje dag"}

    first, second, said = _post_twice(client, url, data)

    assert list(Aktivitet.objects.values_list("titel", flat=True)) == ["Högläsning varje dag"]
    assert first["Location"] == second["Location"] == goal.get_absolute_url()
    assert said == ["Aktiviteten är sparad.", ALREADY]


def test_new_assignment_posted_twice_is_made_once(client, org, sekreterare_bun):
    budgetar = UppdragFactory(givet_av=org["kf"], givet_till=org["bun"]).budgetar
    client.force_login(sekreterare_bun)
    url = reverse("mal:uppdrag_nytt")
    data = {
        **_shown(client, url),
        "titel": "Utred fler förskoleplatser",
        "givet_av": org["bun"].pk,
        "givet_till": org["buf"].pk,
        "budgetar": budgetar.pk,
    }

    first, second, said = _post_twice(client, url, data)

    made = Uppdrag.objects.get(titel="Utred fler förskoleplatser")
    assert first["Location"] == second["Location"] == made.get_absolute_url()
    assert said == ["Uppdraget är registrerat.", ALREADY]


def test_two_forms_opened_separately_make_two(client, chain, sekreterare_bun):
    """The key belongs to the form as shown, not to its content: the same indicator entered in
    two fresh forms is two indicators (the user meant it twice)."""
    client.force_login(sekreterare_bun)
    url = reverse("mal:indikator_ny", args=[chain["bun"].pk])

    for _ in range(2):
        client.post(url, {**_shown(client, url), "namn": "Andel som läser", "enhet": "%"})

    assert Indikator.objects.filter(namn="Andel som läser").count() == 2


def test_a_refused_first_post_leaves_the_form_free_to_send_again(client, chain, sekreterare_bun):
    client.force_login(sekreterare_bun)
    url = reverse("mal:indikator_ny", args=[chain["bun"].pk])
    data = {**_shown(client, url), "namn": "Andel som läser", "enhet": "%"}

    refused = client.post(url, {**data, "kalla": "kolada", "kpi_id": ""})
    corrected = client.post(url, data)

    assert (refused.status_code, corrected.status_code) == (400, 302)
    assert Indikator.objects.filter(namn="Andel som läser").count() == 1


def test_the_key_of_another_kind_of_form_is_refused(client, chain, org, sekreterare_bun):
    client.force_login(sekreterare_bun)
    ind_url = reverse("mal:indikator_ny", args=[chain["bun"].pk])
    key = _shown(client, ind_url)["inskick"]
    client.post(ind_url, {**_shown(client, ind_url), "inskick": key, "namn": "N", "enhet": "%"})
    act_url = reverse("mal:aktivitet_ny", args=[chain["bun"].pk])

    response = client.post(act_url, {**_shown(client, act_url), "inskick": key, "titel": "A"})

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Formuläret kunde inte skickas. Ladda om sidan och försök igen."
    ]
    assert Aktivitet.objects.count() == 0


def test_an_edit_form_saves_every_time(client, chain, sekreterare_bun):
    """Changing a record is not creating one: the locking token, not the one-time key, guards
    it, so a second, deliberate save of a changed form is saved."""
    client.force_login(sekreterare_bun)
    ind = chain["indikator"]
    url = reverse("mal:indikator_andra", args=[ind.pk])
    data = _shown(client, url)

    first = client.post(url, {**data, "namn": "Första"})
    data = _shown(client, url)  # the form opened again, with the new token
    second = client.post(url, {**data, "namn": "Andra"})

    ind.refresh_from_db()
    assert (first.status_code, second.status_code, ind.namn) == (302, 302, "Andra")
