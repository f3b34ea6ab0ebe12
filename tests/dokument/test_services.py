"""The rules of governing documents: adoption matrix, life cycle, links, flagging, review,
the statute book."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from dokument import services
from dokument.models import Dokument, Dokumentlank, Dokumentversion, Granskning
from styrning.models import Handelse
from tests.dokument.conftest import header

# --- The adoption matrix ------------------------------------------------------------------------


def test_enhet_adopting_a_policy_is_refused_naming_the_rule(org, typer, administrator, beslut):
    with pytest.raises(ValidationError) as error:
        services.registrera_dokument(
            user=administrator,
            typ=typer["Policy"],
            agare=org["solrosen"],
            data=header(faststalld_av=org["solrosen"], beslutsdatum=beslut),
        )

    assert error.value.message_dict["faststalld_av"] == [
        "Solrosens förskola får inte anta policyer: enligt regeln för dokumenttypen policy får "
        "den antas av kommunfullmäktige, inte av en enhet."
    ]
    assert Dokument.objects.count() == 0


def test_namnd_adopting_a_reglemente_is_refused(org, typer, administrator, beslut):
    with pytest.raises(ValidationError) as error:
        services.registrera_dokument(
            user=administrator,
            typ=typer["Reglemente"],
            agare=org["bun"],
            data=header(faststalld_av=org["bun"], beslutsdatum=beslut),
        )

    assert error.value.message_dict["faststalld_av"] == [
        "Barn- och utbildningsnämnden får inte anta reglementen: enligt regeln för "
        "dokumenttypen reglemente får den antas av kommunfullmäktige, inte av en nämnd."
    ]
    assert Dokument.objects.count() == 0


def test_namnd_may_adopt_a_riktlinje(make_dokument):
    dokument = make_dokument(typ="Riktlinje", agare="bun")

    assert dokument.status == Dokument.Status.GALLANDE


def test_enhet_may_adopt_a_rutin(make_dokument):
    dokument = make_dokument(typ="Rutin", agare="solrosen")

    assert dokument.aktuell_version.faststalld_av.kod == "SOL"


def test_secretary_cannot_register_for_another_body(org, typer, sekreterare_sn):
    with pytest.raises(PermissionDenied):
        services.registrera_dokument(
            user=sekreterare_sn, typ=typer["Riktlinje"], agare=org["bun"], data=header()
        )


# --- Life cycle -----------------------------------------------------------------------------------


def test_register_without_decision_gives_a_draft(org, typer, sekreterare_bun):
    dokument = services.registrera_dokument(
        user=sekreterare_bun, typ=typer["Riktlinje"], agare=org["bun"], data=header()
    )

    version = dokument.versioner.get()
    assert (dokument.status, version.status, version.ar_aktuell) == ("utkast", "utkast", False)


def test_draft_is_adopted_then_published(org, typer, sekreterare_bun, beslut):
    dokument = services.registrera_dokument(
        user=sekreterare_bun, typ=typer["Riktlinje"], agare=org["bun"], data=header()
    )
    version = dokument.versioner.get()

    services.faststall_version(
        user=sekreterare_bun,
        version=version,
        faststalld_av=org["bun"],
        beslutsdatum=beslut,
        paragraf="§ 3",
        diarienummer="BUN 2024/7",
    )
    services.publicera_version(user=sekreterare_bun, version=version)

    version.refresh_from_db()
    dokument.refresh_from_db()
    assert (version.status, version.ar_aktuell, dokument.status) == (
        "publicerad",
        True,
        "gallande",
    )


def test_draft_cannot_be_published(org, typer, sekreterare_bun):
    dokument = services.registrera_dokument(
        user=sekreterare_bun, typ=typer["Riktlinje"], agare=org["bun"], data=header()
    )

    with pytest.raises(ValidationError) as error:
        services.publicera_version(user=sekreterare_bun, version=dokument.versioner.get())

    assert error.value.messages == [
        "Versionen måste fastställas (beslut registreras) innan den publiceras."
    ]


def test_new_published_version_replaces_the_current_one(make_dokument, administrator, org):
    dokument = make_dokument()

    ny = services.revidera_dokument(
        user=administrator,
        dokument=dokument,
        data=header(
            titel="Riktlinjer för skolskjuts 2025",
            faststalld_av=org["bun"],
            beslutsdatum=datetime.date(2025, 2, 1),
        ),
    )
    services.publicera_version(user=administrator, version=ny)

    assert list(
        dokument.versioner.order_by("versionsnummer").values_list("ar_aktuell", flat=True)
    ) == [
        False,
        True,
    ]
    assert str(Dokument.objects.get(pk=dokument.pk)) == "Riktlinjer för skolskjuts 2025"


def test_database_holds_at_most_one_current_version(make_dokument):
    dokument = make_dokument()

    with pytest.raises(IntegrityError), transaction.atomic():
        Dokumentversion.objects.create(
            dokument=dokument,
            versionsnummer=2,
            titel="Andra",
            status=Dokumentversion.Status.PUBLICERAD,
            ar_aktuell=True,
        )


def test_database_refuses_a_published_confidential_version(make_dokument):
    dokument = make_dokument()

    with pytest.raises(IntegrityError), transaction.atomic():
        Dokumentversion.objects.filter(dokument=dokument).update(sekretess=True)


def test_confidential_version_cannot_be_published(make_dokument):
    dokument = make_dokument(publish=False, sekretess=True, sekretess_paragraf="26 kap. 1 § OSL")

    with pytest.raises(ValidationError) as error:
        services.publicera_version(
            user=dokument.versioner.get().skapad_av, version=dokument.versioner.get()
        )

    assert error.value.messages == [
        "Versionen innehåller sekretessbelagda uppgifter (26 kap. 1 § OSL) och kan inte publiceras."
    ]
    assert dokument.versioner.get().status == "faststalld"


def test_valid_until_in_the_past_makes_the_document_expired(make_dokument):
    dokument = make_dokument(
        giltig_fran=datetime.date(2020, 1, 1), giltig_till=datetime.date(2021, 12, 31)
    )

    dokument = Dokument.objects.get(pk=dokument.pk)
    assert (dokument.status, dokument.ar_utgangen, dokument.status_display) == (
        "gallande",
        True,
        "Utgånget",
    )


def test_repeal_records_the_decision(make_dokument, administrator):
    dokument = make_dokument()

    services.upphav_dokument(
        user=administrator,
        dokument=dokument,
        datum=datetime.date(2025, 5, 2),
        beslut="BUN 2025-05-02 § 40",
    )

    dokument.refresh_from_db()
    assert (dokument.status, dokument.upphavd_datum, dokument.upphavd_beslut) == (
        "upphavd",
        datetime.date(2025, 5, 2),
        "BUN 2025-05-02 § 40",
    )


def test_a_document_that_ersatter_another_in_force_replaces_it(make_dokument, administrator):
    gammal = make_dokument(titel="Gamla riktlinjerna", diarienummer="BUN 2020/1")
    ny = make_dokument(titel="Nya riktlinjerna", diarienummer="BUN 2024/2")

    services.add_lank(user=administrator, fran=ny, till=gammal, typ=Dokumentlank.Typ.ERSATTER)

    gammal.refresh_from_db()
    assert gammal.status == Dokument.Status.ERSATT


# --- Links and flagging ---------------------------------------------------------------------------


def test_konkretiserar_a_lower_document_is_refused(make_dokument, administrator):
    rutin = make_dokument(typ="Rutin", agare="buf")
    riktlinje = make_dokument(typ="Riktlinje", agare="bun")

    with pytest.raises(ValidationError) as error:
        services.add_lank(
            user=administrator, fran=riktlinje, till=rutin, typ=Dokumentlank.Typ.KONKRETISERAR
        )

    assert error.value.message_dict["till"] == [
        f"{rutin} är en rutin och har lägre rang än en riktlinje; ett dokument kan bara "
        "konkretisera dokument av samma eller högre rang."
    ]
    assert Dokumentlank.objects.count() == 0


def test_new_version_of_a_higher_document_flags_those_below(make_dokument, administrator, org):
    policy = make_dokument(typ="Policy", agare="kf", titel="Kvalitetspolicy")
    riktlinje = make_dokument(overordnade=[policy])

    ny = services.revidera_dokument(
        user=administrator,
        dokument=policy,
        data=header(
            titel="Kvalitetspolicy",
            faststalld_av=org["kf"],
            beslutsdatum=datetime.date(2025, 1, 20),
            paragraf="§ 8",
        ),
    )
    services.publicera_version(user=administrator, version=ny)

    riktlinje.refresh_from_db()
    assert riktlinje.granskning_flagga == (
        "Det överordnade dokumentet Kvalitetspolicy har fått en ny version "
        "(version 2, Kommunfullmäktige 2025-01-20 § 8)."
    )


def test_repealing_a_higher_document_flags_those_below(make_dokument, administrator):
    policy = make_dokument(typ="Policy", agare="kf", titel="Kvalitetspolicy")
    riktlinje = make_dokument(overordnade=[policy])
    fristaende = make_dokument(titel="Fristående riktlinje")

    services.upphav_dokument(
        user=administrator, dokument=policy, datum=datetime.date(2025, 6, 1), beslut="KF § 90"
    )

    riktlinje.refresh_from_db()
    fristaende.refresh_from_db()
    assert riktlinje.granskning_flagga == (
        "Det överordnade dokumentet Kvalitetspolicy har upphävts (KF § 90)."
    )
    assert fristaende.granskning_flagga == ""


def test_recorded_review_clears_the_flag(make_dokument, administrator):
    policy = make_dokument(typ="Policy", agare="kf")
    riktlinje = make_dokument(overordnade=[policy])
    services.upphav_dokument(
        user=administrator, dokument=policy, datum=datetime.date(2025, 6, 1), beslut="KF § 90"
    )
    riktlinje.refresh_from_db()

    services.registrera_granskning(
        user=administrator,
        dokument=riktlinje,
        datum=datetime.date(2025, 6, 10),
        utfall=Granskning.Utfall.REVIDERA,
    )

    riktlinje.refresh_from_db()
    assert (riktlinje.granskning_flagga, riktlinje.granskning_senast) == (
        "",
        datetime.date(2025, 6, 10),
    )


# --- Review due dates -------------------------------------------------------------------------


def test_review_every_two_years_from_the_decision(make_dokument):
    dokument = make_dokument(typ="Riktlinje")  # Borås: riktlinjer every second year

    assert dokument.granskning_nasta == datetime.date(2026, 3, 1)


def test_review_once_per_mandatperiod(make_dokument):
    dokument = make_dokument(typ="Policy", agare="kf")  # adopted 2024-03-01

    assert dokument.granskning_nasta == datetime.date(2026, 12, 31)


def test_review_per_mandatperiod_adopted_in_the_last_year_falls_in_the_next(typer):
    assert services.next_review_date(typer["Policy"], datetime.date(2026, 10, 1)) == (
        datetime.date(2030, 12, 31)
    )


def test_review_date_set_by_hand_survives_a_review(make_dokument, administrator):
    dokument = make_dokument()
    services.satt_granskningsdatum(
        user=administrator, dokument=dokument, datum=datetime.date(2027, 6, 30)
    )

    services.registrera_granskning(
        user=administrator,
        dokument=dokument,
        datum=datetime.date(2025, 1, 10),
        utfall=Granskning.Utfall.AKTUELL,
    )

    dokument.refresh_from_db()
    assert (dokument.granskning_nasta, dokument.granskning_manuell) == (
        datetime.date(2027, 6, 30),
        True,
    )


def test_review_recorded_sets_next_due_from_the_rule(make_dokument, administrator):
    dokument = make_dokument()

    granskning = services.registrera_granskning(
        user=administrator,
        dokument=dokument,
        datum=datetime.date(2025, 4, 1),
        utfall=Granskning.Utfall.AKTUELL,
        kommentar="Fortfarande aktuell.",
    )

    dokument.refresh_from_db()
    assert (granskning.granskad_av, dokument.granskning_nasta) == (
        administrator,
        datetime.date(2027, 4, 1),
    )


# --- The statute book -----------------------------------------------------------------------------


def test_statute_book_numbers_are_given_in_order_per_year(make_dokument, typer):
    first = make_dokument(typ="Taxa", agare="kf", titel="Renhållningstaxa")
    second = make_dokument(typ="Reglemente", agare="kf", titel="Reglemente för BUN")
    ordinary = make_dokument(typ="Policy", agare="kf")

    year = datetime.date.today().year
    assert [first.kfs_nummer, second.kfs_nummer, ordinary.kfs_nummer] == [
        f"KFS {year}:1",
        f"KFS {year}:2",
        "",
    ]


def test_statute_book_number_is_kept_by_a_new_version_and_never_reused(
    make_dokument, administrator, org
):
    taxa = make_dokument(typ="Taxa", agare="kf", titel="Renhållningstaxa")
    number = taxa.kfs_nummer
    ny = services.revidera_dokument(
        user=administrator,
        dokument=taxa,
        data=header(
            titel="Renhållningstaxa",
            faststalld_av=org["kf"],
            beslutsdatum=datetime.date(2025, 1, 1),
        ),
    )
    services.publicera_version(user=administrator, version=ny)
    services.upphav_dokument(
        user=administrator, dokument=taxa, datum=datetime.date(2025, 2, 1), beslut="KF § 1"
    )

    next_one = make_dokument(typ="Taxa", agare="kf", titel="Ny renhållningstaxa")

    taxa.refresh_from_db()
    year = datetime.date.today().year
    assert (taxa.kfs_nummer, next_one.kfs_nummer) == (number, f"KFS {year}:2")


def test_statute_book_prefix_comes_from_the_settings(make_dokument, settings):
    settings.FORFATTNINGSSAMLING_PREFIX = "ÅKFS"

    taxa = make_dokument(typ="Taxa", agare="kf", titel="Renhållningstaxa")

    assert taxa.kfs_nummer == f"ÅKFS {datetime.date.today().year}:1"


# --- Every service checks that the user may act ------------------------------------------------


def _register(dokument, version, user, org):
    services.registrera_dokument(user=user, typ=dokument.typ, agare=org["bun"], data=header())


def _revise(dokument, version, user, org):
    services.revidera_dokument(user=user, dokument=dokument, data=header())


def _edit_draft(dokument, version, user, org):
    services.andra_utkast(user=user, version=version, data=header(titel="Ändrad"))


def _adopt(dokument, version, user, org):
    services.faststall_version(
        user=user,
        version=version,
        faststalld_av=org["bun"],
        beslutsdatum=datetime.date(2025, 1, 1),
        paragraf="§ 1",
        diarienummer="",
    )


def _publish(dokument, version, user, org):
    services.publicera_version(user=user, version=version)


def _link(dokument, version, user, org):
    services.add_lank(
        user=user,
        fran=dokument,
        till=Dokument.objects.exclude(pk=dokument.pk).get(),
        typ="ersatter",
    )


def _review(dokument, version, user, org):
    services.registrera_granskning(
        user=user, dokument=dokument, datum=datetime.date(2025, 1, 1), utfall="aktuell"
    )


def _set_review_date(dokument, version, user, org):
    services.satt_granskningsdatum(user=user, dokument=dokument, datum=datetime.date(2030, 1, 1))


def _repeal(dokument, version, user, org):
    services.upphav_dokument(
        user=user, dokument=dokument, datum=datetime.date(2025, 1, 1), beslut="BUN § 1"
    )


@pytest.mark.parametrize("who", ["sekreterare_sn", "fortroendevald_bun", "utomstaende"])
@pytest.mark.parametrize(
    "act",
    [
        _register,
        _revise,
        _edit_draft,
        _adopt,
        _publish,
        _link,
        _review,
        _set_review_date,
        _repeal,
    ],
)
def test_every_service_refuses_a_user_who_may_not_handle_the_owners_documents(
    request, make_dokument, org, who, act
):
    gallande = make_dokument(titel="Gällande")
    utkast = make_dokument(publish=False, faststalld_av=None, beslutsdatum=None, titel="Utkast")
    # The act's target: a draft for the version acts, the document in force for the others.
    on_draft = act in (_edit_draft, _adopt, _publish)
    dokument = utkast if on_draft else gallande
    if act is _publish:
        _adopt(utkast, utkast.versioner.get(), request.getfixturevalue("administrator"), org)
    before = (
        Handelse.objects.count(),
        Dokument.history.count(),
        Dokumentversion.history.count(),
        Dokumentlank.objects.count(),
        Granskning.objects.count(),
    )

    with pytest.raises(PermissionDenied):
        act(dokument, dokument.versioner.get(), request.getfixturevalue(who), org)

    assert (
        Handelse.objects.count(),
        Dokument.history.count(),
        Dokumentversion.history.count(),
        Dokumentlank.objects.count(),
        Granskning.objects.count(),
    ) == before
