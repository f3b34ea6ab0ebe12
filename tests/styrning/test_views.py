import pytest
from django.urls import reverse

from styrning.models import Organisation
from tests.factories import OrganisationFactory

PUBLIC_PAGES = ["start", "organisation_lista", "tillganglighet", "login"]
PERSONAS = [
    "sekreterare_bun",
    "chef_solrosen",
    "controller",
    "fortroendevald_bun",
    "administrator",
    "utomstaende",
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_need_no_login(client, org, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", ["start", "organisation_lista", "tillganglighet", "min_sida"])
def test_every_page_works_for_every_persona(client, request, persona, name):
    user = request.getfixturevalue(persona)
    client.force_login(user)

    response = client.get(reverse(name))

    assert response.status_code == 200
    assert "Logga ut" in response.content.decode()


@pytest.mark.django_db
def test_organisation_page_works_for_every_persona_and_anonymous(client, request, org):
    url = org["bun"].get_absolute_url()
    for persona in PERSONAS:
        client.force_login(request.getfixturevalue(persona))
        assert client.get(url).status_code == 200
    client.logout()

    response = client.get(url)

    assert response.status_code == 200
    assert response.context["children"][0]["org"] == org["buf"]


@pytest.mark.django_db
def test_unknown_organisation_is_404(client, org):
    assert client.get(reverse("organisation_detalj", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_min_sida_sends_anonymous_to_login(client):
    response = client.get(reverse("min_sida"))

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse('min_sida')}"


@pytest.mark.django_db
def test_min_sida_lists_the_persons_roles(client, sekreterare_bun):
    client.force_login(sekreterare_bun)

    response = client.get(reverse("min_sida"))

    roles = [(r.roll, r.organisation.kod) for r in response.context["roles"]]
    assert roles == [("namndsekreterare", "BUN")]
    assert "Registrera, revidera, publicera och upphäva styrdokument" in response.content.decode()


@pytest.mark.django_db
def test_person_without_role_is_told_how_to_get_one(client, utomstaende):
    client.force_login(utomstaende)

    response = client.get(reverse("min_sida"))

    assert "Du har ingen roll ännu" in response.content.decode()


@pytest.mark.django_db
def test_login_with_wrong_password_shows_swedish_error(client, sekreterare_bun):
    response = client.post(
        reverse("login"), {"username": "sekreterare", "password": "fel"}, follow=True
    )

    assert response.status_code == 200
    assert "Ange ett korrekt användarnamn och lösenord" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_login_then_logout_by_post(client, sekreterare_bun):
    response = client.post(
        reverse("login"), {"username": "sekreterare", "password": "losenord-for-test"}
    )
    assert response.status_code == 302
    assert response.url == reverse("min_sida")

    response = client.post(reverse("logout"))

    assert response.status_code == 200
    assert "Du är utloggad" in response.content.decode()
    assert client.get(reverse("min_sida")).status_code == 302


@pytest.mark.django_db
def test_password_change_page_is_swedish(client, chef_solrosen):
    client.force_login(chef_solrosen)

    response = client.post(
        reverse("password_change"),
        {"old_password": "fel", "new_password1": "x", "new_password2": "y"},
    )

    assert response.status_code == 200
    assert "Ditt gamla lösenord var felaktigt ifyllt" in response.content.decode()


@pytest.mark.django_db
def test_organisation_tree_hides_dissolved_bodies_unless_asked(client, org):
    import datetime

    OrganisationFactory(
        namn="Gymnasienämnden",
        typ=Organisation.Typ.NAMND,
        overordnad=org["kf"],
        aktiv_fran=datetime.date(2019, 1, 1),
        aktiv_till=datetime.date(2022, 12, 31),
    )

    current = client.get(reverse("organisation_lista")).content.decode()
    everything = client.get(reverse("organisation_lista") + "?visa=alla").content.decode()

    assert "Gymnasienämnden" not in current
    assert "Gymnasienämnden" in everything


def _grow_tree(parent, count):
    OrganisationFactory.create_batch(count, overordnad=parent)


@pytest.mark.django_db
def test_organisation_tree_runs_the_same_number_of_queries_for_few_and_many(
    client, org, django_assert_num_queries
):
    url = reverse("organisation_lista")
    with django_assert_num_queries(1):
        client.get(url)
    _grow_tree(org["forskola"], 200)

    with django_assert_num_queries(1):
        response = client.get(url)

    assert response.context["count"] == 12 + 200


@pytest.mark.django_db
def test_navigation_marks_the_current_section(client, org):
    response = client.get(reverse("organisation_lista"))

    current = [item["label"] for item in response.context["nav_items"] if item["current"]]
    assert current == ["Organisation"]


@pytest.mark.django_db
def test_staff_navigation_links_the_tools_each_role_may_use(
    client, controller, chef_solrosen, fortroendevald_bun
):
    def tools(user):
        client.force_login(user)
        response = client.get(reverse("min_sida"))
        return [(i["label"], i["url"]) for i in response.context["nav_tools"]], response

    controller_tools, response = tools(controller)
    chef_tools, _ = tools(chef_solrosen)
    politician_tools, politician_page = tools(fortroendevald_bun)
    client.logout()
    anonymous = client.get(reverse("start"))

    assert controller_tools == [
        ("Statustavlan", reverse("uppfoljning:status")),
        ("Rapportkalendern", reverse("uppfoljning:kalender")),
        ("Läs in ekonomi", reverse("uppfoljning:ekonomi_import")),
    ]
    assert chef_tools == [("Statustavlan", reverse("uppfoljning:status"))]
    assert politician_tools == []
    html = response.content.decode()
    assert '<nav class="staff-nav" aria-label="Dina verktyg">' in html
    assert f'<a href="{reverse("uppfoljning:ekonomi_import")}">Läs in ekonomi</a>' in html
    assert 'class="staff-nav"' not in politician_page.content.decode()
    assert 'class="staff-nav"' not in anonymous.content.decode()
    client.force_login(controller)
    assert [client.get(url).status_code for _, url in controller_tools] == [200, 200, 200]


@pytest.mark.django_db
def test_every_aria_describedby_points_at_an_element_of_the_page(client, chef_solrosen):
    import re

    client.force_login(chef_solrosen)

    html = client.post(
        reverse("password_change"),
        {"old_password": "fel", "new_password1": "kort", "new_password2": "annat"},
    ).content.decode()

    described = [
        ref for refs in re.findall(r'aria-describedby="([^"]+)"', html) for ref in refs.split()
    ]
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    assert described != []
    assert [ref for ref in described if ref not in ids] == []
    assert 'id="id_old_password_error"' in html
    assert 'id="id_new_password1_helptext"' in html


def test_empty_choice_of_select_boxes_is_swedish():
    from django.db.models.utils import get_blank_choice_label

    assert get_blank_choice_label() == "– Välj –"
