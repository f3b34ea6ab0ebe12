"""Two people at once: optimistic concurrency on drafts and revisions, and the re-read under a
lock that stops a second adopter or publisher of the same version."""

import datetime
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from dokument import services
from dokument.models import Dokument, Dokumentversion
from styrning import locking
from tests.dokument.conftest import header


@pytest.fixture
def utkast(make_dokument):
    return make_dokument(publish=False, faststalld_av=None, beslutsdatum=None, titel="Utkast")


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _klockan(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def test_second_editor_of_a_draft_is_refused_naming_who_changed_it(
    utkast, sekreterare_bun, administrator
):
    version = utkast.versioner.get()
    opened = locking.token(version)  # both open the form
    services.andra_utkast(
        user=sekreterare_bun,
        version=Dokumentversion.objects.get(pk=version.pk),
        data=header(titel="A:s titel"),
        andringsmarke=opened,
    )
    latest = Dokumentversion.history.filter(id=version.pk).order_by("-history_id").first()

    with pytest.raises(locking.Konflikt) as error:
        services.andra_utkast(
            user=administrator,
            version=Dokumentversion.objects.get(pk=version.pk),
            data=header(titel="B:s titel"),
            andringsmarke=opened,
        )

    assert error.value.messages == [
        f"Ändrat av {sekreterare_bun} kl. {_klockan(latest.history_date)} sedan du öppnade "
        "sidan. Läs utkastet som det är nu; sparar du igen ersätter dina uppgifter ändringen. "
        "Ingenting har sparats."
    ]
    assert Dokumentversion.objects.get(pk=version.pk).titel == "A:s titel"


def test_edit_draft_form_refuses_a_stale_form_and_saves_nothing(
    client, utkast, sekreterare_bun, administrator
):
    version = utkast.versioner.get()
    client.force_login(sekreterare_bun)
    opened = client.get(reverse("dokument:andra", args=[utkast.pk, 1]))
    token = opened.context["form"]["andringsmarke"].value()
    services.andra_utkast(
        user=administrator,
        version=version,
        data=header(titel="Administratörens titel"),
        andringsmarke=token,
    )

    response = client.post(
        reverse("dokument:andra", args=[utkast.pk, 1]),
        {"titel": "Sekreterarens titel", "andringsmarke": token},
    )

    assert response.status_code == 400
    assert (
        response.context["form"].non_field_errors()[0].startswith(f"Ändrat av {administrator} kl. ")
    )
    assert Dokumentversion.objects.get(pk=version.pk).titel == "Administratörens titel"


def test_edit_draft_form_after_a_refusal_replaces_the_change_when_saved_again(
    client, utkast, sekreterare_bun, administrator
):
    version = utkast.versioner.get()
    client.force_login(sekreterare_bun)
    url = reverse("dokument:andra", args=[utkast.pk, 1])
    token = client.get(url).context["form"]["andringsmarke"].value()
    services.andra_utkast(
        user=administrator,
        version=version,
        data=header(titel="Administratörens titel"),
        andringsmarke=token,
    )
    refused = client.post(url, {"titel": "Sekreterarens titel", "andringsmarke": token})
    carried = refused.context["form"]["andringsmarke"].value()
    current = locking.token(Dokumentversion.objects.get(pk=version.pk))

    saved = client.post(url, {"titel": "Sekreterarens titel", "andringsmarke": carried})

    assert (refused.status_code, saved.status_code) == (400, 302)
    assert carried == current != token
    assert Dokumentversion.objects.get(pk=version.pk).titel == "Sekreterarens titel"


def test_revision_based_on_an_older_version_is_refused_naming_who_added_the_newer(
    make_dokument, sekreterare_bun, administrator
):
    dokument = make_dokument()
    ny = services.revidera_dokument(
        user=sekreterare_bun, dokument=dokument, data=header(titel="A"), senaste_version=1
    )

    with pytest.raises(ValidationError) as error:
        services.revidera_dokument(
            user=administrator, dokument=dokument, data=header(titel="B"), senaste_version=1
        )

    assert error.value.messages == [
        f"Ändrat av {sekreterare_bun} kl. {_klockan(ny.skapad)} sedan du öppnade sidan. "
        "Version 2 har lagts till. Öppna revideringen igen så utgår den från den senaste "
        "versionen. Ingenting har sparats."
    ]
    assert list(dokument.versioner.order_by("versionsnummer").values_list("titel", flat=True)) == [
        "Riktlinjer för skolskjuts",
        "A",
    ]


def test_revise_form_refuses_a_stale_form_and_saves_nothing(
    client, make_dokument, sekreterare_bun, administrator
):
    dokument = make_dokument()
    client.force_login(sekreterare_bun)
    opened = client.get(reverse("dokument:revidera", args=[dokument.pk]))
    token = opened.context["form"]["senaste_version"].value()
    services.revidera_dokument(
        user=administrator, dokument=dokument, data=header(titel="A"), senaste_version=token
    )

    response = client.post(
        reverse("dokument:revidera", args=[dokument.pk]),
        {"titel": "B", "senaste_version": token},
    )

    assert (token, response.status_code) == (1, 400)
    assert (
        response.context["form"].non_field_errors()[0].startswith(f"Ändrat av {administrator} kl. ")
    )
    assert dokument.versioner.count() == 2


def test_second_adopter_of_the_same_draft_is_refused(utkast, administrator, org):
    first = Dokumentversion.objects.get(dokument=utkast)
    second = Dokumentversion.objects.get(dokument=utkast)  # read before the first adopts
    services.faststall_version(
        user=administrator,
        version=first,
        faststalld_av=org["bun"],
        beslutsdatum=datetime.date(2025, 2, 2),
        paragraf="§ 1",
        diarienummer="BUN 2025/1",
    )

    with pytest.raises(ValidationError) as error:
        services.faststall_version(
            user=administrator,
            version=second,
            faststalld_av=org["bun"],
            beslutsdatum=datetime.date(2025, 3, 3),
            paragraf="§ 9",
            diarienummer="BUN 2025/9",
        )

    version = Dokumentversion.objects.get(dokument=utkast)
    assert error.value.messages == [
        "Versionen är redan fastställd (Barn- och utbildningsnämnden 2025-02-02 § 1). "
        "Ingenting har ändrats."
    ]
    assert (version.beslutsdatum, version.paragraf) == (datetime.date(2025, 2, 2), "§ 1")


def test_second_publisher_of_the_same_version_is_refused_and_flags_once(
    make_dokument, administrator, org
):
    policy = make_dokument(typ="Policy", agare="kf", titel="Kvalitetspolicy")
    riktlinje = make_dokument(overordnade=[policy])
    ny = services.revidera_dokument(
        user=administrator,
        dokument=policy,
        data=header(
            titel="Kvalitetspolicy", faststalld_av=org["kf"], beslutsdatum=datetime.date(2025, 1, 1)
        ),
    )
    first = Dokumentversion.objects.get(pk=ny.pk)
    second = Dokumentversion.objects.get(pk=ny.pk)  # read before the first publishes
    services.publicera_version(user=administrator, version=first)
    riktlinje.refresh_from_db()
    flagged_at = riktlinje.granskning_flaggad_tid

    with pytest.raises(ValidationError) as error:
        services.publicera_version(user=administrator, version=second)

    riktlinje.refresh_from_db()
    first.refresh_from_db()
    assert error.value.messages == [
        f"Versionen är redan publicerad {_when(first.publicerad_tid)}. Ingenting har ändrats."
    ]
    assert riktlinje.granskning_flaggad_tid == flagged_at
    assert Dokument.history.filter(id=riktlinje.pk, granskning_flagga__gt="").count() == 1
    assert list(
        policy.versioner.order_by("versionsnummer").values_list("status", "ar_aktuell")
    ) == [("publicerad", False), ("publicerad", True)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_revisions_at_once_get_consecutive_numbers(make_dokument, administrator):
    """A revises and holds its transaction open; B revising meanwhile waits for the document
    row and takes the next number instead of failing on the unique version number."""
    dokument = make_dokument()
    created = threading.Event()
    errors = []

    def reviser_a():
        try:
            with transaction.atomic():
                services.revidera_dokument(
                    user=administrator, dokument=dokument, data=header(titel="A")
                )
                created.set()
                time.sleep(0.5)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
            created.set()
        finally:
            connections.close_all()

    def reviser_b():
        try:
            created.wait()
            services.revidera_dokument(
                user=administrator, dokument=dokument, data=header(titel="B")
            )
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=reviser_a), threading.Thread(target=reviser_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert list(
        dokument.versioner.order_by("versionsnummer").values_list("versionsnummer", "titel")
    ) == [(1, "Riktlinjer för skolskjuts"), (2, "A"), (3, "B")]


# --- The review due date ----------------------------------------------------------------------


def _datum_token(client, dokument) -> str:
    return client.get(dokument.get_absolute_url()).context["datum_form"]["andringsmarke"].value()


def test_second_save_of_the_review_date_is_refused_and_overwrites_nothing(
    client, make_dokument, sekreterare_bun, administrator
):
    dokument = make_dokument(titel="Riktlinjer för skolskjuts")
    url = reverse("dokument:granskningsdatum", args=[dokument.pk])
    client.force_login(sekreterare_bun)
    mine = _datum_token(client, dokument)  # both open the page
    client.force_login(administrator)
    theirs = _datum_token(client, dokument)
    client.post(url, {"datum": "2027-06-30", "andringsmarke": theirs}, follow=True)
    latest = Dokument.history.filter(id=dokument.pk).order_by("-history_id").first()

    client.force_login(sekreterare_bun)
    response = client.post(url, {"datum": "2028-01-31", "andringsmarke": mine}, follow=True)

    dokument.refresh_from_db()
    assert dokument.granskning_nasta == datetime.date(2027, 6, 30)
    assert [str(m) for m in response.context["messages"]] == [
        f"Ändrat av {administrator} kl. {_klockan(latest.history_date)} sedan du öppnade "
        "sidan. Nästa aktualitetsprövning är nu 2027-06-30. Ingenting har sparats."
    ]
    # Having read it, a new save from the page as it is now replaces it.
    again = _datum_token(client, dokument)
    client.post(url, {"datum": "2028-01-31", "andringsmarke": again})
    dokument.refresh_from_db()
    assert dokument.granskning_nasta == datetime.date(2028, 1, 31)


def test_review_date_service_refuses_a_stale_token(make_dokument, sekreterare_bun, administrator):
    dokument = make_dokument()
    opened = locking.token(dokument)
    services.satt_granskningsdatum(
        user=administrator,
        dokument=dokument,
        datum=datetime.date(2027, 6, 30),
        andringsmarke=opened,
    )

    with pytest.raises(locking.Konflikt):
        services.satt_granskningsdatum(
            user=sekreterare_bun,
            dokument=dokument,
            datum=datetime.date(2028, 1, 31),
            andringsmarke=opened,
        )

    dokument.refresh_from_db()
    assert dokument.granskning_nasta == datetime.date(2027, 6, 30)
