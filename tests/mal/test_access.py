"""Who reaches which page of the goal chain: every staff view with the four actors, and the
public pages with a draft goal (whose title only insiders may read)."""

import pytest
from django.urls import reverse

from mal.models import Aktivitet, Mal
from tests.mal.factories import IndikatorFactory, MalFactory, UppdragFactory

pytestmark = pytest.mark.django_db

DRAFT_TITLE = "Hemligt utkast till nämndmål"


@pytest.fixture
def draft(org, period):
    """A draft goal of BUN: those who read BUN's internal material see it, no one else."""
    return MalFactory(
        agare=org["bun"], titel=DRAFT_TITLE, status=Mal.Status.UTKAST, mandatperiod=period
    )


@pytest.fixture
def objects(chain, draft, org):
    aktivitet = Aktivitet.objects.create(mal=chain["solrosen"], titel="Utevistelse")
    draft_ind = IndikatorFactory(mal=draft)
    return {
        "aktivitet": aktivitet,
        "draft_ind": draft_ind,
        "draft_aktivitet": Aktivitet.objects.create(mal=draft, titel="Utkastaktivitet"),
        "uppdrag": UppdragFactory(givet_av=org["bun"], givet_till=org["solrosen"]),
    }


# name: (url of an object the editor may change, editor, url of a draft object, outsider)
STAFF_VIEWS = {
    "bedomning": (
        lambda c, o: reverse("mal:bedomning", args=[c["solrosen"].pk]),
        "chef_solrosen",
        lambda c, o, d: reverse("mal:bedomning", args=[d.pk]),
        "chef_blaklockan",
    ),
    "varde": (
        lambda c, o: reverse("mal:varde", args=[c["indikator"].pk]),
        "chef_solrosen",
        lambda c, o, d: reverse("mal:varde", args=[o["draft_ind"].pk]),
        "chef_blaklockan",
    ),
    "malvarde": (
        lambda c, o: reverse("mal:malvarde", args=[c["indikator"].pk]),
        "sekreterare_bun",
        lambda c, o, d: reverse("mal:malvarde", args=[o["draft_ind"].pk]),
        "sekreterare_sn",
    ),
    "mal_andra": (
        lambda c, o: reverse("mal:andra", args=[c["bun"].pk]),
        "sekreterare_bun",
        lambda c, o, d: reverse("mal:andra", args=[d.pk]),
        "sekreterare_sn",
    ),
    "indikator_andra": (
        lambda c, o: reverse("mal:indikator_andra", args=[c["indikator"].pk]),
        "sekreterare_bun",
        lambda c, o, d: reverse("mal:indikator_andra", args=[o["draft_ind"].pk]),
        "sekreterare_sn",
    ),
    "indikator_ny": (
        lambda c, o: reverse("mal:indikator_ny", args=[c["bun"].pk]),
        "sekreterare_bun",
        lambda c, o, d: reverse("mal:indikator_ny", args=[d.pk]),
        "sekreterare_sn",
    ),
    "aktivitet_andra": (
        lambda c, o: reverse("mal:aktivitet_andra", args=[o["aktivitet"].pk]),
        "chef_solrosen",
        lambda c, o, d: reverse("mal:aktivitet_andra", args=[o["draft_aktivitet"].pk]),
        "chef_blaklockan",
    ),
}


@pytest.mark.parametrize("name", sorted(STAFF_VIEWS))
def test_staff_view_editor_ok_reader_403_outsider_404_anonymous_to_login(
    client, request, chain, draft, objects, name
):
    url_of, editor, draft_url_of, outsider = STAFF_VIEWS[name]
    url = url_of(chain, objects)
    draft_url = draft_url_of(chain, objects, draft)

    anonymous = client.get(url)
    client.force_login(request.getfixturevalue(editor))
    editor_status = client.get(url).status_code
    client.force_login(request.getfixturevalue("fortroendevald_bun"))
    reader_status = client.get(url).status_code
    client.force_login(request.getfixturevalue("utomstaende"))
    no_role = (client.get(url).status_code, client.get(draft_url).status_code)
    client.force_login(request.getfixturevalue(outsider))
    outsider_status = client.get(draft_url).status_code

    assert (anonymous.status_code, anonymous["Location"].split("?")[0]) == (302, reverse("login"))
    assert (editor_status, reader_status, outsider_status) == (200, 403, 404)
    assert no_role == (403, 404)


def test_new_goal_and_new_assignment_editor_ok_reader_and_no_role_403_anonymous_to_login(
    client, db, sekreterare_bun, fortroendevald_bun, utomstaende
):
    statuses = []
    for url in (reverse("mal:nytt"), reverse("mal:uppdrag_nytt")):
        client.logout()
        anonymous = client.get(url)
        client.force_login(sekreterare_bun)
        editor = client.get(url).status_code
        client.force_login(fortroendevald_bun)
        reader = client.get(url).status_code
        client.force_login(utomstaende)
        statuses.append((anonymous.status_code, anonymous["Location"].split("?")[0]))
        statuses.append((editor, reader, client.get(url).status_code))

    assert statuses == [(302, reverse("login")), (200, 403, 403)] * 2


def test_assignment_comment_editor_saves_reader_403_no_role_403_unknown_404_anonymous_to_login(
    client, objects, chef_solrosen, fortroendevald_bun, utomstaende
):
    url = reverse("mal:uppdrag_kommentar", args=[objects["uppdrag"].pk])
    data = {"period": "2026", "status": "pagar", "kommentar": "Vi har börjat."}

    anonymous = client.post(url, data)
    client.force_login(fortroendevald_bun)
    reader = client.post(url, data).status_code
    client.force_login(utomstaende)
    no_role = client.post(url, data).status_code
    client.force_login(chef_solrosen)
    unknown = client.post(reverse("mal:uppdrag_kommentar", args=[999999]), data).status_code
    editor = client.post(url, data)

    assert (anonymous.status_code, anonymous["Location"].split("?")[0]) == (302, reverse("login"))
    assert (reader, no_role, unknown) == (403, 403, 404)
    assert (editor.status_code, editor["Location"]) == (302, objects["uppdrag"].get_absolute_url())


# Draft goals on public pages ------------------------------------------------------------------


@pytest.fixture
def draft_assignment(org, draft):
    return UppdragFactory(
        givet_av=org["kf"], givet_till=org["bun"], mal=draft, titel="Utred förskolans lokaler"
    )


def _public_pages(org, draft_assignment):
    return {
        "uppdrag": draft_assignment.get_absolute_url(),
        "uppdrag_lista": reverse("mal:uppdrag_lista"),
        "organ": reverse("mal:organ", args=[org["bun"].pk]) + "?period=2025",
        "jamforelse": reverse("mal:jamforelse") + f"?organ={org['bun'].pk}",
    }


@pytest.mark.parametrize("page", ["uppdrag", "uppdrag_lista", "organ", "jamforelse"])
def test_draft_goal_title_is_hidden_from_anonymous_and_outsider(
    client, org, draft_assignment, chef_blaklockan, utomstaende, page
):
    url = _public_pages(org, draft_assignment)[page]

    anonymous = client.get(url)
    client.force_login(utomstaende)
    no_role = client.get(url)
    client.force_login(chef_blaklockan)
    outsider = client.get(url)

    assert [r.status_code for r in (anonymous, no_role, outsider)] == [200, 200, 200]
    assert [DRAFT_TITLE in r.content.decode() for r in (anonymous, no_role, outsider)] == [
        False,
        False,
        False,
    ]


@pytest.mark.parametrize("page", ["uppdrag", "organ", "jamforelse"])
def test_draft_goal_title_is_shown_to_insider(
    client, org, draft_assignment, fortroendevald_bun, page
):
    client.force_login(fortroendevald_bun)

    response = client.get(_public_pages(org, draft_assignment)[page])

    assert (response.status_code, DRAFT_TITLE in response.content.decode()) == (200, True)
