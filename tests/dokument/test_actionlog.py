"""The log of acts: every service that changes a document writes its act once, on the document,
for its owner, with who did it, what it changed and whether the public may learn of it; a
service that refuses writes nothing."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from dokument import services
from dokument.models import Dokument, Dokumentlank, Dokumenttyp, Granskning
from styrning import locking
from styrning.models import Handelse
from tests.dokument.conftest import header

H = Handelse.Handling


def _acts(dokument: Dokument) -> list[tuple]:
    """The acts on the document, oldest first: (act, who, organisation, data, public)."""
    return list(
        Handelse.objects.filter(
            objekttyp=ContentType.objects.get_for_model(Dokument), objekt_id=dokument.pk
        )
        .order_by("id")
        .values_list("handling", "anvandare__username", "organisation__kod", "data", "publik")
    )


def _acts_after(dokument: Dokument, count: int) -> list[tuple]:
    return _acts(dokument)[count:]


@pytest.fixture
def utkast(org, typer, sekreterare_bun):
    return services.registrera_dokument(
        user=sekreterare_bun,
        typ=typer["Riktlinje"],
        agare=org["bun"],
        data=header(titel="Utkast till riktlinje"),
    )


def test_register_logs_an_internal_act_with_the_first_version(utkast):
    assert _acts(utkast) == [
        (
            H.REGISTRERAD,
            "sekreterare",
            "BUN",
            {
                "typ": "Riktlinje",
                "versionsnummer": 1,
                "titel": "Utkast till riktlinje",
                "status": "utkast",
                "beslut": "",
            },
            False,
        )
    ]


def test_register_with_higher_documents_logs_the_links(make_dokument, org, typer, sekreterare_bun):
    policy = make_dokument(typ="Policy", agare="kf", titel="Kvalitetspolicy")

    dokument = services.registrera_dokument(
        user=sekreterare_bun,
        typ=typer["Riktlinje"],
        agare=org["bun"],
        data=header(),
        overordnade=[policy],
    )

    assert [(h, who, kod, data) for h, who, kod, data, _publik in _acts(dokument)][1:] == [
        (
            H.LANKAD,
            "sekreterare",
            "BUN",
            {"typ": "konkretiserar", "till": policy.pk, "till_titel": "Kvalitetspolicy"},
        )
    ]


def test_editing_a_draft_logs_the_changed_fields(utkast, sekreterare_bun, org):
    version = utkast.versioner.get()

    services.andra_utkast(
        user=sekreterare_bun,
        version=version,
        data=header(titel="Ny titel", text="Ny text"),
        giltighetsomrade=[org["buf"]],
        andringsmarke=locking.token(version),
    )

    assert _acts_after(utkast, 1) == [
        (
            H.ANDRAD,
            "sekreterare",
            "BUN",
            {
                "falt": ["titel", "text", "giltighetsomrade"],
                "versionsnummer": 1,
                "titel": "Ny titel",
                "status": "utkast",
                "beslut": "",
            },
            False,
        )
    ]


def test_adopting_a_draft_logs_an_internal_act_with_the_decision(utkast, sekreterare_bun, org):
    services.faststall_version(
        user=sekreterare_bun,
        version=utkast.versioner.get(),
        faststalld_av=org["bun"],
        beslutsdatum=datetime.date(2025, 2, 2),
        paragraf="§ 4",
        diarienummer="BUN 2025/4",
    )

    assert _acts_after(utkast, 1) == [
        (
            H.FASTSTALLD,
            "sekreterare",
            "BUN",
            {
                "diarienummer": "BUN 2025/4",
                "versionsnummer": 1,
                "titel": "Utkast till riktlinje",
                "status": "faststalld",
                "beslut": "Barn- och utbildningsnämnden 2025-02-02 § 4",
            },
            False,
        )
    ]


def test_publishing_logs_a_public_act_with_the_statute_book_number(
    make_dokument, sekreterare_bun, administrator
):
    taxa = make_dokument(typ="Taxa", agare="kf", publish=False, titel="Taxa för förskola")
    before = len(_acts(taxa))

    services.publicera_version(user=administrator, version=taxa.versioner.get())

    taxa.refresh_from_db()
    assert _acts_after(taxa, before) == [
        (
            H.PUBLICERAD,
            "admin",
            "KF",
            {
                "kfs_nummer": taxa.kfs_nummer,
                "ersatter_version": None,
                "personnummer_bekraftat": False,
                "versionsnummer": 1,
                "titel": "Taxa för förskola",
                "status": "publicerad",
                "beslut": "Kommunfullmäktige 2024-03-01 § 12",
            },
            True,
        )
    ]


def test_a_revision_is_logged_internally_and_its_publication_publicly(
    make_dokument, sekreterare_bun, org
):
    dokument = make_dokument()
    before = len(_acts(dokument))

    ny = services.revidera_dokument(
        user=sekreterare_bun,
        dokument=dokument,
        data=header(
            titel="Reviderad", faststalld_av=org["bun"], beslutsdatum=datetime.date(2025, 1, 1)
        ),
        senaste_version=1,
    )
    services.publicera_version(user=sekreterare_bun, version=ny)

    assert [
        (h, who, data["versionsnummer"], publik) for h, who, _k, data, publik in _acts(dokument)
    ][before:] == [(H.REVIDERAD, "sekreterare", 2, False), (H.PUBLICERAD, "sekreterare", 2, True)]
    assert _acts(dokument)[-1][3]["ersatter_version"] == 1


def test_a_document_replaced_on_publication_gets_a_public_act_of_its_own(
    make_dokument, administrator, sekreterare_bun, org
):
    gammal = make_dokument(titel="Gammal riktlinje")
    ny = make_dokument(publish=False, titel="Ny riktlinje", diarienummer="BUN 2024/9")
    services.add_lank(user=sekreterare_bun, fran=ny, till=gammal, typ=Dokumentlank.Typ.ERSATTER)
    before = len(_acts(gammal))

    services.publicera_version(user=sekreterare_bun, version=ny.versioner.get())

    assert _acts_after(gammal, before) == [
        (
            H.ERSATT,
            "sekreterare",
            "BUN",
            {
                "datum": "2024-03-01",
                "beslut": "Barn- och utbildningsnämnden 2024-03-01 § 12 (Ny riktlinje)",
                "av_dokument": ny.pk,
                "av_titel": "Ny riktlinje",
            },
            True,
        )
    ]


def test_a_link_that_upphaver_a_document_in_force_logs_its_repeal(make_dokument, sekreterare_bun):
    gammal = make_dokument(titel="Gammal riktlinje")
    ny = make_dokument(titel="Ny riktlinje", diarienummer="BUN 2024/9")
    before_gammal, before_ny = len(_acts(gammal)), len(_acts(ny))

    services.add_lank(user=sekreterare_bun, fran=ny, till=gammal, typ=Dokumentlank.Typ.UPPHAVER)

    assert [(h, who, kod, publik) for h, who, kod, _data, publik in _acts(ny)][before_ny:] == [
        (H.LANKAD, "sekreterare", "BUN", False)
    ]
    assert [(h, who, kod, publik) for h, who, kod, _data, publik in _acts(gammal)][
        before_gammal:
    ] == [(H.UPPHAVD, "sekreterare", "BUN", True)]


def test_a_review_is_logged_publicly(make_dokument, sekreterare_bun):
    dokument = make_dokument()
    before = len(_acts(dokument))

    services.registrera_granskning(
        user=sekreterare_bun,
        dokument=dokument,
        datum=datetime.date(2025, 5, 5),
        utfall=Granskning.Utfall.AKTUELL,
        nasta=datetime.date(2027, 5, 5),
    )

    assert _acts_after(dokument, before) == [
        (
            H.PROVAD,
            "sekreterare",
            "BUN",
            {"datum": "2025-05-05", "utfall": "aktuell", "nasta": "2027-05-05"},
            True,
        )
    ]


def test_setting_the_review_date_is_logged_internally(make_dokument, sekreterare_bun):
    dokument = make_dokument()
    before = len(_acts(dokument))

    services.satt_granskningsdatum(
        user=sekreterare_bun, dokument=dokument, datum=datetime.date(2027, 1, 31)
    )

    assert _acts_after(dokument, before) == [
        (
            H.PROVNINGSDATUM_SATT,
            "sekreterare",
            "BUN",
            {"datum": "2027-01-31", "manuell": True},
            False,
        )
    ]


def test_a_repeal_is_logged_publicly_with_the_decision(make_dokument, sekreterare_bun):
    dokument = make_dokument()
    before = len(_acts(dokument))

    services.upphav_dokument(
        user=sekreterare_bun,
        dokument=dokument,
        datum=datetime.date(2025, 6, 6),
        beslut=" BUN 2025-06-06 § 50 ",
    )

    assert _acts_after(dokument, before) == [
        (
            H.UPPHAVD,
            "sekreterare",
            "BUN",
            {"datum": "2025-06-06", "beslut": "BUN 2025-06-06 § 50"},
            True,
        )
    ]


# --- A refused act writes nothing -----------------------------------------------------------------


def _publish_a_draft(dokument, user, org):
    services.publicera_version(user=user, version=dokument.versioner.get())


def _adopt_by_a_body_without_the_right(dokument, user, org):
    services.faststall_version(
        user=user,
        version=dokument.versioner.get(),
        faststalld_av=org["solrosen"],
        beslutsdatum=datetime.date(2025, 1, 1),
        paragraf="",
        diarienummer="",
    )


def _edit_a_draft_changed_meanwhile(dokument, user, org):
    services.andra_utkast(
        user=user, version=dokument.versioner.get(), data=header(), andringsmarke="0"
    )


def _revise_from_an_old_version(dokument, user, org):
    services.revidera_dokument(user=user, dokument=dokument, data=header(), senaste_version=7)


def _link_to_itself(dokument, user, org):
    services.add_lank(user=user, fran=dokument, till=dokument, typ=Dokumentlank.Typ.KONKRETISERAR)


def _review_a_draft(dokument, user, org):
    services.registrera_granskning(
        user=user, dokument=dokument, datum=datetime.date(2025, 1, 1), utfall="aktuell"
    )


def _repeal_a_draft(dokument, user, org):
    services.upphav_dokument(
        user=user, dokument=dokument, datum=datetime.date(2025, 1, 1), beslut="BUN § 1"
    )


def _register_with_a_future_decision(dokument, user, org):
    services.registrera_dokument(
        user=user,
        typ=dokument.typ,
        agare=org["bun"],
        data=header(faststalld_av=org["bun"], beslutsdatum=datetime.date(2999, 1, 1)),
    )


def _register_linking_a_lower_document(dokument, user, org):
    """Refused after the registration's own act was written: the transaction takes it back."""
    services.registrera_dokument(
        user=user,
        typ=Dokumenttyp.objects.get(namn="Policy"),
        agare=org["bun"],
        data=header(titel="Policy"),
        overordnade=[dokument],
    )


@pytest.mark.parametrize(
    "refused",
    [
        _publish_a_draft,
        _adopt_by_a_body_without_the_right,
        _edit_a_draft_changed_meanwhile,
        _revise_from_an_old_version,
        _link_to_itself,
        _review_a_draft,
        _repeal_a_draft,
        _register_with_a_future_decision,
        _register_linking_a_lower_document,
    ],
)
def test_a_refused_act_is_not_logged(utkast, sekreterare_bun, org, refused):
    before = Handelse.objects.count()

    with pytest.raises(ValidationError):
        refused(utkast, sekreterare_bun, org)

    assert Handelse.objects.count() == before
