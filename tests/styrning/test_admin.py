import pytest
from django.urls import reverse

from styrning.actionlog import log_action
from styrning.models import Handelse
from tests.factories import OrganisationFactory, UserFactory


@pytest.fixture
def superuser(db):
    return UserFactory(username="eva", is_staff=True, is_superuser=True)


def test_log_of_acts_is_readable_but_not_changeable_in_the_admin(client, superuser):
    org = OrganisationFactory()
    entry = log_action(user=superuser, handling=Handelse.Handling.ANDRAD, objekt=org)
    client.force_login(superuser)
    url = reverse("admin:styrning_handelse_change", args=[entry.pk])

    page = client.get(url)
    post = client.post(url, {"handling": Handelse.Handling.UPPHAVD})
    delete = client.post(
        reverse("admin:styrning_handelse_delete", args=[entry.pk]), {"post": "yes"}
    )

    entry.refresh_from_db()
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert (post.status_code, delete.status_code) == (403, 403)
    assert entry.handling == Handelse.Handling.ANDRAD


def test_users_are_managed_in_the_admin_with_title(client, superuser):
    client.force_login(superuser)

    page = client.get(reverse("admin:styrning_anvandare_change", args=[superuser.pk]))

    assert page.status_code == 200
    assert 'name="titel"' in page.content.decode()
