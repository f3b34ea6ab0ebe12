"""A form that creates something is answered once: a second POST of the same register or
review form (a double click, a reload) makes nothing new and answers with what the first made."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from dokument.models import Dokument, Dokumentversion, Granskning
from styrning.models import Handelse

REPEAT = "Formuläret var redan skickat. Här är det som skapades."


def _key(response) -> str:
    return str(response.context["form"]["inskick"].value())


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def register_data(org, typer):
    return {
        "typ": typer["Riktlinje"].pk,
        "agare": org["bun"].pk,
        "titel": "Riktlinjer för skolskjuts",
        "text": "## Syfte",
        "faststalld_av": org["bun"].pk,
        "beslutsdatum": "2025-02-03",
        "diarienummer": "BUN 2025/12",
    }


def test_register_form_carries_a_one_time_key(client, org, sekreterare_bun):
    client.force_login(sekreterare_bun)

    first = client.get(reverse("dokument:registrera"))
    second = client.get(reverse("dokument:registrera"))

    assert f'name="inskick" value="{_key(first)}"' in first.content.decode()
    assert _key(first) != _key(second)


def test_two_posts_of_the_same_register_form_make_one_document(
    client, register_data, sekreterare_bun
):
    client.force_login(sekreterare_bun)
    key = _key(client.get(reverse("dokument:registrera")))

    first = client.post(reverse("dokument:registrera"), {**register_data, "inskick": key})
    second = client.post(reverse("dokument:registrera"), {**register_data, "inskick": key})

    dokument = Dokument.objects.get()
    assert (Dokument.objects.count(), Dokumentversion.objects.count()) == (1, 1)
    assert (first.status_code, first.url) == (302, dokument.get_absolute_url())
    # The repeat is not refused for the case number its own first POST took: it is answered.
    assert (second.status_code, second.url) == (302, dokument.get_absolute_url())
    # (The first answer's message is still unread: a double click never showed it.)
    assert _messages(second) == ["Dokumentet är registrerat.", REPEAT]
    assert Handelse.objects.filter(handling=Handelse.Handling.REGISTRERAD).count() == 1


def test_two_register_forms_make_two_documents(client, register_data, sekreterare_bun):
    client.force_login(sekreterare_bun)
    keys = [_key(client.get(reverse("dokument:registrera"))) for _ in range(2)]
    data = {**register_data, "diarienummer": ""}

    for key in keys:
        client.post(reverse("dokument:registrera"), {**data, "inskick": key})

    assert Dokument.objects.count() == 2


def test_a_refused_register_form_keeps_its_key_free(client, register_data, sekreterare_bun):
    client.force_login(sekreterare_bun)
    key = _key(client.get(reverse("dokument:registrera")))

    refused = client.post(
        reverse("dokument:registrera"), {**register_data, "titel": "", "inskick": key}
    )
    saved = client.post(reverse("dokument:registrera"), {**register_data, "inskick": key})

    assert refused.status_code == 400
    assert _key(refused) == key  # the form shown again carries the same key
    assert (saved.status_code, Dokument.objects.count()) == (302, 1)
    assert _messages(saved) == ["Dokumentet är registrerat."]


@pytest.fixture
def published(make_dokument):
    return make_dokument(titel="Riktlinjer för skolskjuts")


def test_two_posts_of_the_same_review_form_make_one_review(client, published, sekreterare_bun):
    client.force_login(sekreterare_bun)
    url = reverse("dokument:granska", args=[published.pk])
    key = _key(client.get(url))
    data = {"datum": "2025-05-05", "utfall": "aktuell", "kommentar": "Gäller.", "inskick": key}

    first = client.post(url, data)
    second = client.post(url, data)

    assert Granskning.objects.filter(dokument=published).count() == 1
    assert (first.status_code, first.url) == (302, published.get_absolute_url())
    assert (second.status_code, second.url) == (302, published.get_absolute_url())
    assert _messages(second) == ["Aktualitetsprövningen är registrerad.", REPEAT]
    assert Handelse.objects.filter(handling=Handelse.Handling.PROVAD).count() == 1


def test_the_key_of_another_kind_of_form_saves_nothing(client, published, sekreterare_bun, org):
    client.force_login(sekreterare_bun)
    url = reverse("dokument:granska", args=[published.pk])
    key = _key(client.get(url))
    client.post(url, {"datum": "2025-05-05", "utfall": "aktuell", "inskick": key})

    response = client.post(
        reverse("dokument:registrera"),
        {"typ": published.typ_id, "agare": org["bun"].pk, "titel": "Ny", "inskick": key},
    )

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Formuläret är redan använt. Ladda om sidan och fyll i det igen."
    ]
    assert Dokument.objects.count() == 1


def test_the_key_another_user_used_is_no_error_and_answers_nothing_of_theirs(
    client, register_data, sekreterare_bun, sekreterare_sn, org
):
    client.force_login(sekreterare_bun)
    key = _key(client.get(reverse("dokument:registrera")))
    client.post(reverse("dokument:registrera"), {**register_data, "inskick": key})
    theirs = Dokument.objects.get()

    client.force_login(sekreterare_sn)
    data = {
        **register_data,
        "agare": org["sn"].pk,
        "faststalld_av": org["sn"].pk,
        "diarienummer": "SN 2025/3",
        "inskick": key,
    }
    response = client.post(reverse("dokument:registrera"), data)

    mine = Dokument.objects.exclude(pk=theirs.pk).get()
    assert (response.status_code, response.url) == (302, mine.get_absolute_url())
    assert mine.agare == org["sn"]
