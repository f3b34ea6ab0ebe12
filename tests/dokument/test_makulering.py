"""A secretary's way out of a mistaken registration: the owner and the adopting body agree by
rule, a registration never published is withdrawn (makulerad) with a reason or corrected, and
the taken case number points to the document that holds it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from dokument import services
from dokument.models import Diarienummer, Dokument, Dokumentversion
from dokument.queries import vantande_for_user
from styrning import locking
from styrning.models import Handelse, Roll
from tests.dokument.conftest import header
from tests.factories import RollFactory, UserFactory

BESLUT = "2025-02-03"


@pytest.fixture
def ks_sekreterare(org):
    """The KS secretariat: handles fullmäktige's and kommunstyrelsen's documents."""
    user = UserFactory(username="ks_sekreterare")
    RollFactory(anvandare=user, organisation=org["ks"], roll=Roll.Typ.NAMNDSEKRETERARE)
    return user


@pytest.fixture
def register(client, org, typer):
    def send(user, **overrides):
        client.force_login(user)
        data = {
            "typ": typer["Program"].pk,
            "agare": org["bun"].pk,
            "titel": "Program för skolans digitalisering",
            "text": "Text",
            "faststalld_av": org["bun"].pk,
            "beslutsdatum": BESLUT,
            "diarienummer": "BUN 2025/7",
            **overrides,
        }
        return client.post(reverse("dokument:registrera"), data)

    return send


def _errors(response, field):
    return response.context["form"].errors.get(field)


# --- Owner and adopting body agree ---------------------------------------------------------------


def test_secretary_cannot_register_a_fullmaktige_decision_for_her_namnd(
    register, org, sekreterare_bun
):
    response = register(sekreterare_bun, faststalld_av=org["kf"].pk)

    assert response.status_code == 400
    assert _errors(response, "faststalld_av") == [
        "Du hanterar inte de dokument som Kommunfullmäktige fastställer och kan inte "
        "registrera dess beslut. Be den som hanterar dem (för fullmäktige och "
        "kommunstyrelsen: kommunstyrelsens sekretariat) att registrera dokumentet, eller välj "
        "ett organ vars dokument du hanterar."
    ]
    assert Dokument.objects.count() == 0


def test_a_body_below_or_beside_the_owner_cannot_adopt_its_document(
    register, org, typer, administrator
):
    below = register(administrator, typ=typer["Riktlinje"].pk, faststalld_av=org["ks"].pk)
    beside = register(administrator, typ=typer["Riktlinje"].pk, faststalld_av=org["sn"].pk)

    assert _errors(below, "faststalld_av") == [
        "Kommunstyrelsen kan inte fastställa ett dokument som Barn- och utbildningsnämnden "
        "äger: ett dokument fastställs av sin ägare eller av ett organ över ägaren i "
        "organisationen. Välj ett annat organ, eller ändra ägaren om dokumentet hör till "
        "Kommunstyrelsen."
    ]
    assert _errors(beside, "faststalld_av")[0].startswith(
        "Socialnämnden kan inte fastställa ett dokument som Barn- och utbildningsnämnden äger"
    )
    assert Dokument.objects.count() == 0


def test_fullmaktige_may_adopt_a_namnds_programme_registered_by_the_ks_secretariat(
    register, org, ks_sekreterare
):
    RollFactory(anvandare=ks_sekreterare, organisation=org["bun"], roll="namndsekreterare")

    response = register(ks_sekreterare, faststalld_av=org["kf"].pk)

    dokument = Dokument.objects.get()
    assert response.status_code == 302
    assert (dokument.agare, dokument.versioner.get().faststalld_av) == (org["bun"], org["kf"])


def test_the_rule_is_kept_by_the_service_too(org, typer, sekreterare_bun):
    with pytest.raises(ValidationError) as error:
        services.registrera_dokument(
            user=sekreterare_bun,
            typ=typer["Program"],
            agare=org["bun"],
            data=header(faststalld_av=org["kf"], beslutsdatum=datetime.date(2025, 2, 3)),
        )

    assert list(error.value.message_dict) == ["faststalld_av"]
    assert Dokument.objects.count() == 0


def test_register_page_shows_the_rule_next_to_owner_and_adopting_body(client, sekreterare_bun):
    client.force_login(sekreterare_bun)

    response = client.get(reverse("dokument:registrera"))

    form = response.context["form"]
    assert form.fields["agare"].help_text == (
        "Det organ eller den enhet som dokumentet hör till. Fastställt av måste vara ägaren "
        "eller ett organ över ägaren."
    )
    assert "ägare eller ett organ över ägaren (t.ex. kommunfullmäktige" in (
        form.fields["faststalld_av"].help_text
    )
    html = response.content.decode()
    assert 'aria-describedby="id_faststalld_av_helptext"' in html
    assert form.fields["faststalld_av"].help_text in html


# --- Withdraw ------------------------------------------------------------------------------------


@pytest.fixture
def mistaken(make_dokument):
    """A riktlinje registered by mistake (adopted, never published), holding a case number."""
    return make_dokument(
        typ="Riktlinje", publish=False, titel="Felregistrerad riktlinje", diarienummer="BUN 2025/7"
    )


def test_withdraw_keeps_the_document_logs_the_reason_and_frees_the_case_number(
    client, mistaken, sekreterare_bun, register, org, typer
):
    client.force_login(sekreterare_bun)

    response = client.post(
        reverse("dokument:makulera", args=[mistaken.pk]), {"orsak": "Registrerad två gånger."}
    )

    mistaken.refresh_from_db()
    assert (response.status_code, response.url) == (302, mistaken.get_absolute_url())
    assert (mistaken.status, mistaken.makulerad_orsak, mistaken.makulerad_av) == (
        "makulerad",
        "Registrerad två gånger.",
        sekreterare_bun,
    )
    assert mistaken.versioner.count() == 1  # nothing deleted
    assert mistaken.history.first().status == "makulerad"
    act = Handelse.objects.get(handling=Handelse.Handling.MAKULERAD)
    assert (act.anvandare, act.data["orsak"], act.data["diarienummer"]) == (
        sekreterare_bun,
        "Registrerad två gånger.",
        ["BUN 2025/7"],
    )
    again = register(sekreterare_bun, typ=typer["Riktlinje"].pk)
    assert again.status_code == 302
    assert Dokumentversion.objects.filter(diarienummer="BUN 2025/7").count() == 2


def test_withdrawn_registration_leaves_the_lists_but_its_page_stays_for_staff(
    client, mistaken, sekreterare_bun, fortroendevald_bun
):
    services.makulera_dokument(user=sekreterare_bun, dokument=mistaken, orsak="Fel nämnd.")
    client.force_login(sekreterare_bun)

    waiting = client.get(reverse("dokument:granskning"))
    page = client.get(mistaken.get_absolute_url())

    assert vantande_for_user(sekreterare_bun) == []
    assert "Felregistrerad riktlinje" not in waiting.content.decode()
    assert page.status_code == 200
    assert page.context["can_act"] is False
    assert "Registreringen är <strong>makulerad</strong>" in page.content.decode()
    assert list(client.get(reverse("dokument:lista")).context["page"].object_list) == []


def test_withdraw_needs_a_reason(client, mistaken, sekreterare_bun):
    client.force_login(sekreterare_bun)

    response = client.post(reverse("dokument:makulera", args=[mistaken.pk]), {"orsak": "  "})

    mistaken.refresh_from_db()
    assert response.status_code == 400
    assert _errors(response, "orsak") == ["Ange varför registreringen makuleras."]
    assert mistaken.status == "utkast"
    assert not Handelse.objects.filter(handling=Handelse.Handling.MAKULERAD).exists()


def test_a_published_document_is_not_withdrawn_but_repealed(client, make_dokument, administrator):
    published = make_dokument()
    client.force_login(administrator)

    page = client.get(reverse("dokument:makulera", args=[published.pk]))

    assert page.status_code == 404
    with pytest.raises(ValidationError) as error:
        services.makulera_dokument(user=administrator, dokument=published, orsak="Fel.")
    assert error.value.messages == [
        "Bara en registrering som aldrig har publicerats kan makuleras. Ett publicerat "
        "dokument upphävs med ett beslut."
    ]


def test_a_withdrawn_registration_is_not_published_revised_or_edited(
    client, mistaken, sekreterare_bun, administrator
):
    services.makulera_dokument(user=sekreterare_bun, dokument=mistaken, orsak="Fel nämnd.")
    client.force_login(sekreterare_bun)

    with pytest.raises(ValidationError, match="makulerad"):
        services.publicera_version(
            user=administrator, version=mistaken.versioner.get(), bekraftat_personnummer=True
        )
    with pytest.raises(ValidationError, match="makulerad"):
        services.revidera_dokument(user=administrator, dokument=mistaken, data=header())
    assert client.get(reverse("dokument:andra", args=[mistaken.pk, 1])).status_code == 404
    assert client.get(reverse("dokument:makulera", args=[mistaken.pk])).status_code == 404


@pytest.mark.parametrize(
    ("user", "status"),
    [("sekreterare_bun", 200), ("fortroendevald_bun", 403), ("sekreterare_sn", 404), (None, 302)],
)
def test_withdraw_page_access(client, request, mistaken, user, status):
    if user:
        client.force_login(request.getfixturevalue(user))

    response = client.get(reverse("dokument:makulera", args=[mistaken.pk]))
    posted = client.post(reverse("dokument:makulera", args=[mistaken.pk]), {"orsak": "Fel."})

    mistaken.refresh_from_db()
    assert response.status_code == status
    assert mistaken.status == ("makulerad" if status == 200 else "utkast")
    assert posted.status_code == (302 if status in (200, 302) else status)


# --- Correct --------------------------------------------------------------------------------------


def test_owner_and_adopting_body_of_an_unpublished_registration_are_corrected(
    client, make_dokument, sekreterare_bun, org
):
    # Registered for BUN, adopted by SN by a slip; it belongs to BUF and BUN adopted it.
    dokument = make_dokument(publish=False, titel="Riktlinjer för skolskjuts")
    Dokumentversion.objects.filter(dokument=dokument).update(faststalld_av=org["sn"])
    version = dokument.versioner.get()
    client.force_login(sekreterare_bun)
    form = client.get(reverse("dokument:andra", args=[dokument.pk, 1])).context["form"]

    response = client.post(
        reverse("dokument:andra", args=[dokument.pk, 1]),
        {
            "agare": org["buf"].pk,
            "titel": "Riktlinjer för skolskjuts",
            "faststalld_av": org["bun"].pk,
            "beslutsdatum": BESLUT,
            "andringsmarke": form["andringsmarke"].value(),
        },
    )

    dokument.refresh_from_db()
    version.refresh_from_db()
    assert response.status_code == 302
    assert (dokument.agare, version.faststalld_av, version.status) == (
        org["buf"],
        org["bun"],
        "faststalld",
    )
    act = Handelse.objects.filter(handling=Handelse.Handling.ANDRAD).get()
    assert act.data["tidigare_agare"] == "Barn- och utbildningsnämnden"
    assert act.data["falt"][0] == "agare"


def test_a_correction_keeps_the_rule(client, make_dokument, sekreterare_bun, org):
    dokument = make_dokument(publish=False)
    client.force_login(sekreterare_bun)
    url = reverse("dokument:andra", args=[dokument.pk, 1])
    token = client.get(url).context["form"]["andringsmarke"].value()

    response = client.post(
        url,
        {
            "agare": org["buf"].pk,
            "titel": "Riktlinjer",
            "faststalld_av": org["sn"].pk,
            "beslutsdatum": BESLUT,
            "andringsmarke": token,
        },
    )

    dokument.refresh_from_db()
    assert response.status_code == 400
    assert _errors(response, "faststalld_av")[0].startswith(
        "Socialnämnden kan inte fastställa ett dokument som Barn- och utbildningsförvaltningen äger"
    )
    assert dokument.agare == org["bun"]


def test_the_owner_of_a_published_document_is_not_corrected(make_dokument, administrator, org):
    published = make_dokument()
    services.revidera_dokument(user=administrator, dokument=published, data=header())
    version = published.versioner.get(versionsnummer=2)

    with pytest.raises(ValidationError) as error:
        services.andra_utkast(
            user=administrator,
            version=version,
            data=header(),
            agare=org["sn"],
            andringsmarke=locking.token(version),
        )

    published.refresh_from_db()
    assert error.value.message_dict == {
        "agare": ["Ägaren kan bara rättas innan dokumentet har publicerats."]
    }
    assert published.agare == org["bun"]


# --- The taken case number ------------------------------------------------------------------------


def test_a_taken_case_number_links_only_to_a_document_the_user_may_see(
    register, make_dokument, sekreterare_bun, sekreterare_sn, typer
):
    hidden = make_dokument(agare="sn", publish=False, diarienummer="SN 2025/3")

    refused = register(sekreterare_bun, typ=typer["Riktlinje"].pk, diarienummer="SN 2025/3")
    seen = register(
        sekreterare_sn,
        typ=typer["Riktlinje"].pk,
        agare=hidden.agare_id,
        faststalld_av=hidden.agare_id,
        diarienummer="SN 2025/3",
    )

    assert _errors(refused, "diarienummer") == [
        "Diarienumret SN 2025/3 används redan av ett annat dokument."
    ]
    assert _errors(seen, "diarienummer") == [
        f'Diarienumret SN 2025/3 används redan av <a href="/dokument/{hidden.pk}/">'
        "Riktlinjer för skolskjuts</a>."
    ]
    html = seen.content.decode()
    # The link is next to the field; the error summary names the field in plain text.
    assert f'<li>Diarienumret SN 2025/3 används redan av <a href="/dokument/{hidden.pk}/">' in html
    assert "Diarienummer: Diarienumret SN 2025/3 används redan av Riktlinjer för skolskjuts." in (
        html
    )


# --- The database keeps one case number to one document ------------------------------------------


def test_the_case_numbers_a_document_holds_follow_its_versions(make_dokument, sekreterare_bun, org):
    utkast = make_dokument(
        publish=False, faststalld_av=None, beslutsdatum=None, diarienummer="BUN 2025/7 "
    )
    version = utkast.versioner.get()

    services.andra_utkast(
        user=sekreterare_bun,
        version=version,
        data=header(diarienummer="BUN 2025/8"),
        andringsmarke=locking.token(version),
    )

    assert list(utkast.diarienummer.values_list("nummer", "ledigt")) == [("BUN 2025/8", False)]


def test_the_database_refuses_a_number_another_document_took_meanwhile(
    make_dokument, sekreterare_bun, org, typer
):
    first = make_dokument(publish=False, titel="Först")
    # The first registration's number, committed after the second one's form was checked.
    Diarienummer.objects.create(nummer="BUN 2025/9", dokument=first)

    with pytest.raises(ValidationError) as error:
        services.registrera_dokument(
            user=sekreterare_bun,
            typ=typer["Riktlinje"],
            agare=org["bun"],
            data=header(diarienummer="bun 2025/9"),
        )

    # No version carries the number yet, so there is no document to link to.
    assert error.value.message_dict == {"diarienummer": ["Diarienumret bun 2025/9 används redan."]}
    assert Dokument.objects.count() == 1


def test_a_withdrawn_registration_releases_its_numbers_in_the_database(
    mistaken, sekreterare_bun, make_dokument
):
    other = make_dokument(publish=False, titel="Annan", diarienummer="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Diarienummer.objects.create(nummer="bun 2025/7", dokument=other)

    services.makulera_dokument(user=sekreterare_bun, dokument=mistaken, orsak="Fel.")
    Diarienummer.objects.create(nummer="bun 2025/7", dokument=other)

    assert list(Diarienummer.objects.values_list("dokument_id", "ledigt").order_by("pk")) == [
        (mistaken.pk, True),
        (other.pk, False),
    ]
