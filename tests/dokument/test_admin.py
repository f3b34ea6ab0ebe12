"""The admin is not a back door: the records with rules are read-only there (the services hold
the rules); the document types, reference data, stay editable."""

import pytest
from django.urls import reverse

from dokument.models import Dokument, Dokumentversion
from tests.factories import UserFactory


@pytest.fixture
def superuser(db):
    return UserFactory(username="eva", is_staff=True, is_superuser=True)


@pytest.fixture
def adopted(make_dokument):
    """A document whose only version is adopted, not published."""
    return make_dokument(publish=False, titel="Antagen riktlinje")


@pytest.mark.parametrize(
    ("model", "target"),
    [("dokumentversion", lambda d: d.versioner.get()), ("dokument", lambda d: d)],
)
def test_superuser_cannot_change_an_adopted_version_or_a_document(
    client, superuser, adopted, model, target
):
    obj = target(adopted)
    client.force_login(superuser)
    url = reverse(f"admin:dokument_{model}_change", args=[obj.pk])

    page = client.get(url)
    post = client.post(url, {"titel": "Ändrad i admin", "status": "utkast"})
    delete = client.post(reverse(f"admin:dokument_{model}_delete", args=[obj.pk]), {"post": "yes"})
    add = client.get(reverse(f"admin:dokument_{model}_add"))

    version = Dokumentversion.objects.get(dokument=adopted)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert (post.status_code, delete.status_code, add.status_code) == (403, 403, 403)
    assert (version.titel, version.status) == ("Antagen riktlinje", "faststalld")
    assert Dokument.objects.get(pk=adopted.pk).status == "utkast"


@pytest.mark.parametrize("model", ["dokumentlank", "granskning", "forfattningsnummer"])
def test_links_reviews_and_statute_book_counters_are_only_listed(client, superuser, model):
    client.force_login(superuser)

    listing = client.get(reverse(f"admin:dokument_{model}_changelist"))
    add = client.get(reverse(f"admin:dokument_{model}_add"))

    assert (listing.status_code, add.status_code) == (200, 403)


def test_superuser_can_still_edit_a_document_type(client, superuser, typer):
    typ = typer["Riktlinje"]
    client.force_login(superuser)
    url = reverse("admin:dokument_dokumenttyp_change", args=[typ.pk])

    page = client.get(url)
    post = client.post(
        url,
        {
            "namn": typ.namn,
            "namn_plural": typ.namn_plural,
            "beskrivning": "Ny beskrivning",
            "rang": typ.rang,
            "forfattningssamling": "",
            "granskningsregel": "ar",
            "granskning_ar": 3,
            "antas_av_typer": '["namnd"]',
        },
    )

    typ.refresh_from_db()
    assert 'name="_save"' in page.content.decode()
    assert post.status_code == 302
    assert (typ.beskrivning, typ.granskningsregel, typ.granskning_ar, typ.antas_av_typer) == (
        "Ny beskrivning",
        "ar",
        3,
        ["namnd"],
    )


@pytest.mark.parametrize(
    "model", ["dokument", "dokumentversion", "dokumentlank", "granskning", "forfattningsnummer"]
)
def test_every_read_only_record_has_a_working_list_and_no_add(client, superuser, model):
    client.force_login(superuser)

    listing = client.get(reverse(f"admin:dokument_{model}_changelist"))
    add = client.get(reverse(f"admin:dokument_{model}_add"))

    assert (listing.status_code, add.status_code) == (200, 403)
