"""Optimistic locking: an assessment, a value or a target is changed only by a form that carries
the change token of the row it shows; a save over a newer row is refused with the one message
("Ändrat av NN kl. HH:MM sedan du öppnade sidan"), what the row holds now, and nothing saved."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mal import services
from mal.models import Bedomning, Malvarde, Varde
from styrning import locking
from styrning.periods import Period
from tests.mal.factories import UppdragFactory

pytestmark = pytest.mark.django_db

SAVED_AT = datetime.datetime(2026, 3, 3, 13, 5, tzinfo=datetime.UTC)  # 14:05 in Stockholm
CHANGED = "kl. 2026-03-03 14:05 sedan du öppnade sidan."  # another day: with the date


def _pin(model, row):
    """Give the saved row (and its audit trail) a known change time, so messages can be
    compared whole."""
    if any(f.name == "andrad" for f in model._meta.fields):
        model.objects.filter(pk=row.pk).update(andrad=SAVED_AT)
    model.history.filter(id=row.pk).update(history_date=SAVED_AT)
    row.refresh_from_db()
    return row


def _assess(chain, user, token="", utfall="delvis", analys="Tryggheten har ökat."):
    return services.bedom_mal(
        mal=chain["solrosen"],
        period=Period.year(2025),
        utfall=utfall,
        analys=analys,
        andringsmarke=token,
        user=user,
    )


# Assessments -----------------------------------------------------------------------------------


def test_assessment_with_the_token_it_read_is_saved(chain, chef_solrosen):
    first = _assess(chain, chef_solrosen)

    second = _assess(chain, chef_solrosen, token=locking.token(first), utfall="uppfyllt")

    assert (Bedomning.objects.count(), second.pk, Bedomning.objects.get().utfall) == (
        1,
        first.pk,
        "uppfyllt",
    )


def test_assessment_over_a_newer_save_is_refused_with_who_what_and_when(
    chain, chef_solrosen, controller
):
    opened = _assess(chain, chef_solrosen)
    stale = locking.token(opened)
    newer = _pin(Bedomning, _assess(chain, controller, token=stale, utfall="ej_uppfyllt"))

    with pytest.raises(locking.Konflikt) as exc:
        _assess(chain, chef_solrosen, token=stale, utfall="uppfyllt")

    assert exc.value.messages == [
        f"Ändrat av {controller} {CHANGED} Bedömningen för 2025 är nu ej uppfyllt (bedömt av "
        f"{controller}, 3 mars 2026 14:05); sparar du igen ersätter dina uppgifter det sparade. "
        "Ingenting har sparats."
    ]
    assert exc.value.current == newer
    assert list(Bedomning.objects.values_list("utfall", "bedomd_av")) == [
        ("ej_uppfyllt", controller.pk)
    ]


def test_new_assessment_form_does_not_replace_one_saved_meanwhile(chain, chef_solrosen, controller):
    _assess(chain, controller, utfall="ej_uppfyllt")

    with pytest.raises(locking.Konflikt):
        _assess(chain, chef_solrosen, token="", utfall="uppfyllt")

    assert Bedomning.objects.get().utfall == "ej_uppfyllt"


def test_assessment_form_carries_the_token_and_refuses_a_stale_one(
    client, chain, chef_solrosen, controller
):
    url = reverse("mal:bedomning", args=[chain["solrosen"].pk])
    client.force_login(chef_solrosen)
    _assess(chain, chef_solrosen)
    opened = client.get(url).context["form"]["andringsmarke"].value()
    _assess(chain, controller, token=opened, utfall="ej_uppfyllt", analys="Sämre.")

    response = client.post(
        url, {"period": "2025", "utfall": "uppfyllt", "analys": "Bra.", "andringsmarke": opened}
    )

    assert response.status_code == 400
    assert Bedomning.objects.get().analys == "Sämre."
    assert (
        "Bedömningen för 2025 är nu ej uppfyllt" in response.context["form"].non_field_errors()[0]
    )
    assert response.context["form"]["andringsmarke"].value() == locking.token(
        Bedomning.objects.get()
    )


# Values ---------------------------------------------------------------------------------------


def _value(chain, org, user, total, token=""):
    return services.registrera_varde(
        indikator=chain["indikator"],
        organisation=org["solrosen"],
        period=Period.year(2025),
        totalt=Decimal(total),
        andringsmarke=token,
        user=user,
    )


def test_value_for_a_period_that_has_one_is_not_replaced_without_its_token(
    chain, org, chef_solrosen, controller
):
    _pin(Varde, _value(chain, org, controller, 83))

    with pytest.raises(locking.Konflikt) as exc:
        _value(chain, org, chef_solrosen, 90)

    assert exc.value.messages == [
        f"Ändrat av {controller} {CHANGED} Värdet för Solrosens förskola 2025 är nu totalt 83 "
        f"(registrerat av {controller}, 3 mars 2026 14:05); sparar du igen ersätter dina "
        "uppgifter det sparade. Ingenting har sparats."
    ]
    assert list(Varde.objects.values_list("totalt", flat=True)) == [Decimal(83)]


def test_value_is_replaced_with_the_token_of_the_value_it_replaces(
    chain, org, chef_solrosen, controller
):
    saved = _value(chain, org, controller, 83)

    _value(chain, org, chef_solrosen, 90, token=locking.token(saved))

    assert list(Varde.objects.values_list("totalt", "registrerad_av")) == [
        (Decimal(90), chef_solrosen.pk)
    ]


def test_value_form_shows_what_it_replaces_and_saves_on_the_second_post(
    client, chain, org, chef_solrosen, controller
):
    _pin(Varde, _value(chain, org, controller, 83))
    url = reverse("mal:varde", args=[chain["indikator"].pk])
    data = {
        "organisation": org["solrosen"].pk,
        "period": "2025",
        "totalt": "90",
        "andringsmarke": "",
    }
    client.force_login(chef_solrosen)

    refused = client.post(url, data)
    token = refused.context["form"]["andringsmarke"].value()
    saved = client.post(url, {**data, "andringsmarke": token})

    assert refused.status_code == 400
    assert (
        f"Du ersätter totalt 83 (registrerat av {controller}, 3 mars 2026 14:05)."
        in refused.content.decode()
    )
    assert saved.status_code == 302
    assert list(Varde.objects.values_list("totalt", flat=True)) == [Decimal(90)]


# Targets --------------------------------------------------------------------------------------


def test_target_for_a_year_that_has_one_needs_its_token(chain, sekreterare_bun, controller):
    existing = Malvarde.objects.get(indikator=chain["indikator"], ar=2025)

    with pytest.raises(ValidationError) as exc:
        services.satt_malvarde(
            indikator=chain["indikator"], ar=2025, varde=Decimal(95), user=sekreterare_bun
        )
    services.satt_malvarde(
        indikator=chain["indikator"],
        ar=2025,
        varde=Decimal(96),
        andringsmarke=locking.token(existing),
        user=controller,
    )

    assert exc.value.code == "konflikt"
    assert list(Malvarde.objects.values_list("varde", "andrad_av")) == [
        (Decimal(96), controller.pk)
    ]


def test_target_form_refuses_a_stale_token_and_names_who_set_it(
    client, chain, sekreterare_bun, controller
):
    url = reverse("mal:malvarde", args=[chain["indikator"].pk])
    stale = locking.token(Malvarde.objects.get(ar=2025))
    newer = services.satt_malvarde(
        indikator=chain["indikator"],
        ar=2025,
        varde=Decimal(91),
        andringsmarke=stale,
        user=controller,
    )
    _pin(Malvarde, newer)

    response = client.force_login(sekreterare_bun) or client.post(
        url, {"ar": "2025", "varde": "99", "andringsmarke": stale}
    )

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        f"Ändrat av {controller} {CHANGED} Målvärdet för 2025 är nu 91 (satt av {controller}, "
        "3 mars 2026 14:05); sparar du igen ersätter dina uppgifter det sparade. "
        "Ingenting har sparats."
    ]
    assert Malvarde.objects.get(ar=2025).varde == Decimal(91)


# Goals, indicators and activities: the whole record --------------------------------------------


def test_goal_form_refuses_a_save_over_a_change_made_since_it_was_opened(
    client, chain, org, period, sekreterare_bun, controller
):
    from mal.models import Mal

    goal = chain["bun"]
    url = reverse("mal:andra", args=[goal.pk])
    client.force_login(sekreterare_bun)
    opened = client.get(url).context["form"]["andringsmarke"].value()
    changed = Mal.objects.get(pk=goal.pk)
    changed.titel = "Ändrat av controllern"
    services.spara_mal(mal=changed, overordnade=[chain["kf"]], dokument=[], user=controller)
    _pin(Mal, changed)
    data = {
        "titel": "Sekreterarens titel",
        "agare": org["bun"].pk,
        "typ": "namndmal",
        "status": "antaget",
        "mandatperiod": period.pk,
        "regel": "alla",
        "vikt": "1",
        "ordning": "0",
        "overordnade": [chain["kf"].pk],
        "andringsmarke": opened,
    }

    refused = client.post(url, data)
    again = client.post(
        url, {**data, "andringsmarke": refused.context["form"]["andringsmarke"].value()}
    )

    assert refused.status_code == 400
    assert refused.context["form"].non_field_errors() == [
        f"Ändrat av {controller} {CHANGED} Läs målet som det är nu; sparar du igen ersätter "
        "dina uppgifter ändringen. Ingenting har sparats."
    ]
    assert again.status_code == 302
    assert Mal.objects.get(pk=goal.pk).titel == "Sekreterarens titel"


def test_indicator_form_refuses_a_stale_token(client, chain, sekreterare_bun, controller):
    from mal.models import Indikator

    ind = chain["indikator"]
    url = reverse("mal:indikator_andra", args=[ind.pk])
    client.force_login(sekreterare_bun)
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items() if v is not False}
    changed = Indikator.objects.get(pk=ind.pk)
    changed.namn = "Ändrad av controllern"
    services.spara_indikator(indikator=changed, user=controller)

    response = client.post(url, {**data, "namn": "Sekreterarens namn"})

    assert response.status_code == 400
    assert response.context["form"].non_field_errors()[0].startswith(f"Ändrat av {controller} kl.")
    assert Indikator.objects.get(pk=ind.pk).namn == "Ändrad av controllern"


def test_activity_form_refuses_a_stale_token(client, chain, chef_solrosen, sekreterare_bun):
    from mal.models import Aktivitet

    aktivitet = services.spara_aktivitet(
        aktivitet=Aktivitet(mal=chain["solrosen"], titel="Högläsning"), user=chef_solrosen
    )
    url = reverse("mal:aktivitet_andra", args=[aktivitet.pk])
    client.force_login(chef_solrosen)
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    changed = Aktivitet.objects.get(pk=aktivitet.pk)
    changed.status = Aktivitet.Status.PAGAR
    services.spara_aktivitet(
        aktivitet=changed, user=sekreterare_bun, andringsmarke=locking.token(aktivitet)
    )

    response = client.post(url, {**data, "status": "klar"})

    assert response.status_code == 400
    assert (
        response.context["form"]
        .non_field_errors()[0]
        .startswith(f"Ändrat av {sekreterare_bun} kl.")
    )
    assert Aktivitet.objects.get(pk=aktivitet.pk).status == "pagar"


# Comments on assignments -----------------------------------------------------------------------


def test_assignment_comment_form_refuses_to_replace_a_comment_written_meanwhile(
    client, org, chef_solrosen, controller
):
    uppdrag = UppdragFactory(givet_av=org["bun"], givet_till=org["solrosen"])
    url = reverse("mal:uppdrag", args=[uppdrag.pk])
    client.force_login(chef_solrosen)
    opened = client.get(url).context["form"]["andringsmarke"].value()
    period = Period.year(datetime.date.today().year)
    services.kommentera_uppdrag(
        uppdrag=uppdrag,
        period=period,
        status="pagar",
        kommentar="Utredningen pågår.",
        user=controller,
        andringsmarke=opened,
    )

    refused = client.post(
        reverse("mal:uppdrag_kommentar", args=[uppdrag.pk]),
        {
            "period": period.kod,
            "status": "genomfort",
            "kommentar": "Klart.",
            "andringsmarke": opened,
        },
    )
    again = client.post(
        reverse("mal:uppdrag_kommentar", args=[uppdrag.pk]),
        {
            "period": period.kod,
            "status": "genomfort",
            "kommentar": "Klart.",
            "andringsmarke": refused.context["form"]["andringsmarke"].value(),
        },
    )

    error = refused.context["form"].non_field_errors()[0]
    assert refused.status_code == 400
    assert error.startswith(f"Ändrat av {controller} kl. ")
    assert f"Kommentaren för {period.label} lyder nu: ”Utredningen pågår.”." in error
    assert again.status_code == 302
    assert list(uppdrag.kommentarer.values_list("kommentar", flat=True)) == ["Klart."]
