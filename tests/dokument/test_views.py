"""The pages: who may see and do what, the public list's filters, the document page."""

import datetime

import pytest
from django.urls import reverse

from dokument import services
from dokument.models import Dokument, Dokumentlank, Granskning
from styrning import locking
from styrning.models import Handelse
from tests.dokument.conftest import header


@pytest.fixture
def bun_doc(make_dokument):
    """A published riktlinje of BUN."""
    return make_dokument(titel="Riktlinjer för skolskjuts", diarienummer="BUN 2024/1")


@pytest.fixture
def bun_draft(make_dokument):
    """A draft of BUN: internal, so outsiders get 404."""
    return make_dokument(titel="Utkast till elevhälsoplan", publish=False)


def _login(client, user):
    if user is not None:
        client.force_login(user)
    return client


# --- Public pages ---------------------------------------------------------------------------------


def test_list_shows_published_documents_to_anyone(client, bun_doc, bun_draft):
    response = client.get(reverse("dokument:lista"))

    assert response.status_code == 200
    assert [d.pk for d in response.context["page"].object_list] == [bun_doc.pk]
    assert "Riktlinjer för skolskjuts" in response.content.decode()


@pytest.fixture
def four_documents(make_dokument, administrator):
    """Four published documents, each the only one a single filter of the list selects."""
    make_dokument(titel="Riktlinjer för skolskjuts", beslutsdatum=datetime.date(2023, 3, 1))
    make_dokument(
        typ="Policy", agare="kf", titel="Kvalitetspolicy", beslutsdatum=datetime.date(2023, 3, 1)
    )
    upphavd = make_dokument(
        titel="Riktlinjer för elevhälsa", beslutsdatum=datetime.date(2023, 3, 1)
    )
    services.upphav_dokument(
        user=administrator, dokument=upphavd, datum=datetime.date(2025, 1, 1), beslut="BUN § 1"
    )
    make_dokument(titel="Riktlinjer för måltider", beslutsdatum=datetime.date(2022, 3, 1))


@pytest.mark.parametrize(
    ("params", "found"),
    [
        (lambda typer: {}, ["Kvalitetspolicy", "Riktlinjer för elevhälsa",
                            "Riktlinjer för måltider", "Riktlinjer för skolskjuts"]),
        (lambda typer: {"typ": typer["Policy"].pk}, ["Kvalitetspolicy"]),
        (lambda typer: {"status": "upphavd"}, ["Riktlinjer för elevhälsa"]),
        (lambda typer: {"ar": 2022}, ["Riktlinjer för måltider"]),
        (lambda typer: {"q": "skolskjuts"}, ["Riktlinjer för skolskjuts"]),
    ],
    ids=["none", "typ", "status", "ar", "q"],
)  # fmt: skip
def test_list_filters_by_one_filter_from_the_url(client, four_documents, typer, params, found):
    response = client.get(reverse("dokument:lista"), params(typer))

    assert [str(d) for d in response.context["page"].object_list] == found


def test_list_filters_expired_and_repealed(client, make_dokument, administrator):
    gallande = make_dokument(titel="Gällande")
    utgangen = make_dokument(
        titel="Utgången",
        giltig_fran=datetime.date(2020, 1, 1),
        giltig_till=datetime.date(2021, 1, 1),
    )
    upphavd = make_dokument(titel="Upphävd")
    services.upphav_dokument(
        user=administrator, dokument=upphavd, datum=datetime.date(2025, 1, 1), beslut="BUN § 1"
    )

    def found(status):
        response = client.get(reverse("dokument:lista"), {"status": status})
        return [d.pk for d in response.context["page"].object_list]

    assert (found("gallande"), found("utgangen"), found("upphavd")) == (
        [gallande.pk],
        [utgangen.pk],
        [upphavd.pk],
    )


def test_list_filters_by_adopting_body_and_scope(client, make_dokument, org, typer):
    kf_doc = make_dokument(typ="Policy", agare="kf", titel="Policy A")
    bun_doc = make_dokument(titel="Riktlinje B")
    bun_doc.aktuell_version.giltighetsomrade.set([org["buf"]])

    by_body = client.get(reverse("dokument:lista"), {"organ": org["kf"].pk})
    by_scope = client.get(reverse("dokument:lista"), {"omfattar": org["buf"].pk})

    assert [d.pk for d in by_body.context["page"].object_list] == [kf_doc.pk]
    assert [d.pk for d in by_scope.context["page"].object_list] == [bun_doc.pk]


def test_list_sorts_by_title_or_newest_decision(client, make_dokument, beslut):
    b = make_dokument(titel="Bbb", beslutsdatum=datetime.date(2023, 1, 1))
    a = make_dokument(titel="Aaa", beslutsdatum=datetime.date(2022, 1, 1))

    by_title = client.get(reverse("dokument:lista"))
    newest = client.get(reverse("dokument:lista"), {"sortering": "nyast"})

    assert [d.pk for d in by_title.context["page"].object_list] == [a.pk, b.pk]
    assert [d.pk for d in newest.context["page"].object_list] == [b.pk, a.pk]


def test_list_paginates_with_the_filters_kept_in_the_links(client, make_dokument):
    for i in range(26):
        make_dokument(titel=f"Riktlinje {i:02d}")

    response = client.get(reverse("dokument:lista"), {"q": "Riktlinje"})

    assert response.context["page"].paginator.num_pages == 2
    assert 'href="?q=Riktlinje&amp;sida=2"' in response.content.decode()


def test_document_page_shows_header_content_links_and_versions(client, make_dokument, org):
    policy = make_dokument(typ="Policy", agare="kf", titel="Kvalitetspolicy")
    dokument = make_dokument(
        titel="Riktlinjer för skolskjuts",
        diarienummer="BUN 2024/5",
        overordnade=[policy],
        text="## Syfte\n\nEleverna ska ha en **trygg** skolväg.",
    )

    response = client.get(reverse("dokument:detalj", args=[dokument.pk]))
    policy_page = client.get(reverse("dokument:detalj", args=[policy.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<dt>Diarienummer</dt><dd>BUN 2024/5</dd>" in html
    assert "<dt>Fastställt av</dt><dd>Barn- och utbildningsnämnden</dd>" in html
    assert "<strong>trygg</strong>" in html
    assert [lnk.till_id for lnk in response.context["konkretiserar"]] == [policy.pk]
    assert [lnk.fran_id for lnk in policy_page.context["konkretiseras_av"]] == [dokument.pk]


def test_document_page_shows_last_review_publicly(client, make_dokument, administrator):
    dokument = make_dokument()
    services.registrera_granskning(
        user=administrator,
        dokument=dokument,
        datum=datetime.date(2025, 9, 1),
        utfall=Granskning.Utfall.AKTUELL,
    )

    html = client.get(reverse("dokument:detalj", args=[dokument.pk])).content.decode()

    assert "<dt>Senast prövad</dt><dd>2025-09-01</dd>" in html


def test_script_in_a_body_is_never_rendered(client, make_dokument):
    dokument = make_dokument(text="Hej <script>alert('x')</script><img src=x onerror=alert(1)>")

    html = client.get(reverse("dokument:detalj", args=[dokument.pk])).content.decode()

    assert "<script>alert" not in html
    assert "onerror" not in html


def test_audit_trail_is_shown_to_staff_only(client, bun_doc, fortroendevald_bun):
    anonymous = client.get(reverse("dokument:detalj", args=[bun_doc.pk]))
    staff = _login(client, fortroendevald_bun).get(reverse("dokument:detalj", args=[bun_doc.pk]))

    assert anonymous.context["audit"] == []
    assert sorted((e.objekt, e.vad, tuple(e.falt)) for e in staff.context["audit"]) == [
        ("Dokumentet", "Skapad", ()),
        (
            "Dokumentet",
            "Ändrad",
            ("Status", "Senast prövad", "Nästa aktualitetsprövning"),
        ),
        # The acts of the log of acts, named by the document's title as it was then (before
        # publication, the title of the draft).
        ("Riktlinjer för skolskjuts", "Publicerad", ()),
        ("Riktlinjer för skolskjuts", "Registrerad", ()),
        ("Version 1", "Skapad", ()),
        ("Version 1", "Ändrad", ("Status", "Aktuell version", "Publicerad")),
    ]
    assert "Ändringshistorik" in staff.content.decode()
    assert "Riktlinjer för skolskjuts: publicerad" in staff.content.decode()
    assert "Ändringshistorik" not in anonymous.content.decode()


@pytest.mark.parametrize(
    ("user", "status"),
    [(None, 404), ("sekreterare_sn", 404), ("fortroendevald_bun", 200), ("sekreterare_bun", 200)],
)
def test_draft_page_is_internal(client, request, bun_draft, user, status):
    who = request.getfixturevalue(user) if user else None

    response = _login(client, who).get(reverse("dokument:detalj", args=[bun_draft.pk]))

    assert response.status_code == status


def test_unknown_document_is_404(client, db):
    assert client.get(reverse("dokument:detalj", args=[999])).status_code == 404


def test_version_page_and_diff(client, make_dokument, administrator, org):
    dokument = make_dokument(text="Rad ett\nRad två")
    ny = services.revidera_dokument(
        user=administrator,
        dokument=dokument,
        data=header(
            text="Rad ett\nRad tre",
            faststalld_av=org["bun"],
            beslutsdatum=datetime.date(2025, 1, 1),
            diarienummer="BUN 2025/9",
        ),
    )
    services.publicera_version(user=administrator, version=ny)

    version_page = client.get(reverse("dokument:version", args=[dokument.pk, 1]))
    diff = client.get(reverse("dokument:jamfor", args=[dokument.pk]), {"fran": 1, "till": 2})

    assert version_page.status_code == 200
    assert [(line.kind, line.text) for line in diff.context["lines"]] == [
        ("lika", "Rad ett"),
        ("borttagen", "Rad två"),
        ("tillagd", "Rad tre"),
    ]
    assert [(c.label, c.old, c.new) for c in diff.context["header"]] == [
        ("Beslutsdatum", "2024-03-01", "2025-01-01"),
        ("Paragraf", "§ 12", "–"),
        ("Diarienummer", "–", "BUN 2025/9"),
    ]


def test_unpublished_version_is_hidden_from_the_public(client, bun_doc, administrator, org):
    services.revidera_dokument(user=administrator, dokument=bun_doc, data=header(titel="Nytt"))

    public = client.get(reverse("dokument:version", args=[bun_doc.pk, 2]))
    staff = _login(client, administrator).get(reverse("dokument:version", args=[bun_doc.pk, 2]))

    assert (public.status_code, staff.status_code) == (404, 200)


def test_statute_book_lists_rules_in_force_and_repealed(client, make_dokument, administrator):
    taxa = make_dokument(typ="Taxa", agare="kf", titel="Renhållningstaxa")
    reglemente = make_dokument(typ="Reglemente", agare="kf", titel="Reglemente för BUN")
    services.upphav_dokument(
        user=administrator, dokument=reglemente, datum=datetime.date(2025, 3, 3), beslut="KF § 7"
    )

    response = client.get(reverse("dokument:forfattningssamling"))

    assert [d.pk for d in response.context["gallande"]] == [taxa.pk]
    assert [d.pk for d in response.context["upphavda"]] == [reglemente.pk]
    assert "KF § 7" in response.content.decode()


def test_statute_book_row_shows_the_current_versions_decision_and_publication(
    client, make_dokument, administrator, org
):
    from dokument.models import Dokumentversion

    taxa = make_dokument(typ="Taxa", agare="kf", titel="Renhållningstaxa")
    ny = services.revidera_dokument(
        user=administrator,
        dokument=taxa,
        data=header(
            titel="Renhållningstaxa",
            faststalld_av=org["kf"],
            beslutsdatum=datetime.date(2025, 5, 5),
        ),
    )
    services.publicera_version(user=administrator, version=ny)
    stockholm = datetime.timezone(datetime.timedelta(hours=1))
    Dokumentversion.objects.filter(dokument=taxa, versionsnummer=1).update(
        publicerad_tid=datetime.datetime(2024, 3, 10, 12, tzinfo=stockholm)
    )
    Dokumentversion.objects.filter(dokument=taxa, versionsnummer=2).update(
        publicerad_tid=datetime.datetime(2025, 5, 20, 12, tzinfo=stockholm)
    )

    response = client.get(reverse("dokument:forfattningssamling"))

    row = response.context["gallande"][0]
    assert (
        row.aktuell_version.versionsnummer,
        row.anslagsdatum.date(),
        row.forsta_anslagsdatum.date(),
    ) == (
        2,
        datetime.date(2025, 5, 20),
        datetime.date(2024, 3, 10),
    )
    html = response.content.decode()
    assert (html.count("Kommunfullmäktige 2025-05-05"), html.count("2024-03-01 § 12")) == (1, 0)
    assert html.count('2025-05-20<br><span class="muted">Först anslagen 2024-03-10</span>') == 1


# --- Staff pages: the four actors -------------------------------------------------------------

STAFF_GET = ["revidera", "granska", "upphav"]


@pytest.mark.parametrize("name", STAFF_GET)
def test_staff_page_editor_ok(client, bun_doc, sekreterare_bun, name):
    response = _login(client, sekreterare_bun).get(reverse(f"dokument:{name}", args=[bun_doc.pk]))

    assert response.status_code == 200


@pytest.mark.parametrize("name", STAFF_GET)
def test_staff_page_reader_forbidden(client, bun_doc, fortroendevald_bun, name):
    response = _login(client, fortroendevald_bun).get(
        reverse(f"dokument:{name}", args=[bun_doc.pk])
    )

    assert response.status_code == 403


@pytest.mark.parametrize("name", STAFF_GET)
def test_staff_page_published_doc_of_other_body_forbidden(client, bun_doc, sekreterare_sn, name):
    response = _login(client, sekreterare_sn).get(reverse(f"dokument:{name}", args=[bun_doc.pk]))

    assert response.status_code == 403


@pytest.mark.parametrize("name", STAFF_GET)
def test_staff_page_outsider_not_found(client, bun_draft, sekreterare_sn, name):
    response = _login(client, sekreterare_sn).get(reverse(f"dokument:{name}", args=[bun_draft.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("name", STAFF_GET)
def test_staff_page_anonymous_redirected_to_login(client, bun_doc, name):
    response = client.get(reverse(f"dokument:{name}", args=[bun_doc.pk]))

    assert (response.status_code, response.url.split("?")[0]) == (302, reverse("login"))


@pytest.mark.parametrize(
    ("user", "status"),
    [("sekreterare_bun", 200), ("fortroendevald_bun", 403), ("utomstaende", 403), (None, 302)],
)
@pytest.mark.parametrize("name", ["registrera", "granskning"])
def test_register_and_review_pages_access(client, request, org, user, status, name):
    who = request.getfixturevalue(user) if user else None

    response = _login(client, who).get(reverse(f"dokument:{name}"))

    assert response.status_code == status


@pytest.mark.parametrize(
    ("user", "status"),
    [("sekreterare_bun", 200), ("fortroendevald_bun", 403), ("sekreterare_sn", 404), (None, 302)],
)
@pytest.mark.parametrize("name", ["faststall", "publicera"])
def test_version_actions_access(client, request, bun_draft, user, status, name):
    who = request.getfixturevalue(user) if user else None

    response = _login(client, who).get(reverse(f"dokument:{name}", args=[bun_draft.pk, 1]))

    assert response.status_code == status


def test_controller_handles_kf_documents(client, make_dokument, controller):
    policy = make_dokument(typ="Policy", agare="kf")

    response = _login(client, controller).get(reverse("dokument:revidera", args=[policy.pk]))

    assert response.status_code == 200


# --- Staff workflows ---------------------------------------------------------------------------


def test_register_in_one_form_with_decision(client, org, typer, sekreterare_bun):
    response = _login(client, sekreterare_bun).post(
        reverse("dokument:registrera"),
        {
            "typ": typer["Riktlinje"].pk,
            "agare": org["bun"].pk,
            "titel": "Riktlinjer för skolskjuts",
            "text": "## Syfte",
            "faststalld_av": org["bun"].pk,
            "beslutsdatum": "2025-02-03",
            "paragraf": "§ 14",
            "diarienummer": "BUN 2025/12",
            "giltighetsomrade": [org["buf"].pk],
            "giltig_fran": "2025-03-01",
        },
    )

    dokument = Dokument.objects.get()
    version = dokument.versioner.get()
    assert response.status_code == 302
    assert response.url == reverse("dokument:detalj", args=[dokument.pk])
    assert (version.status, version.diarienummer, list(version.giltighetsomrade.all())) == (
        "faststalld",
        "BUN 2025/12",
        [org["buf"]],
    )


def test_revise_form_is_prefilled_from_the_last_version(client, bun_doc, sekreterare_bun):
    response = _login(client, sekreterare_bun).get(reverse("dokument:revidera", args=[bun_doc.pk]))

    form = response.context["form"]
    assert (form.initial["titel"], form.initial["revideringsansvarig"]) == (
        "Riktlinjer för skolskjuts",
        "Barn- och utbildningsförvaltningen",
    )
    assert "diarienummer" not in form.initial


def test_revise_creates_a_new_version(client, bun_doc, sekreterare_bun, org):
    response = _login(client, sekreterare_bun).post(
        reverse("dokument:revidera", args=[bun_doc.pk]),
        {"titel": "Riktlinjer för skolskjuts 2025", "text": "Ny text", "senaste_version": 1},
    )

    assert response.status_code == 302
    assert list(bun_doc.versioner.order_by("versionsnummer").values_list("status", flat=True)) == [
        "publicerad",
        "utkast",
    ]


def test_record_review_and_repeal(client, bun_doc, sekreterare_bun):
    client = _login(client, sekreterare_bun)

    review = client.post(
        reverse("dokument:granska", args=[bun_doc.pk]),
        {"datum": "2025-05-05", "utfall": "aktuell", "kommentar": "Aktuell."},
    )
    repeal = client.post(
        reverse("dokument:upphav", args=[bun_doc.pk]),
        {"datum": "2025-06-06", "beslut": "BUN 2025-06-06 § 50"},
    )

    bun_doc.refresh_from_db()
    assert (review.status_code, repeal.status_code) == (302, 302)
    assert (bun_doc.granskning_senast, bun_doc.status) == (datetime.date(2025, 5, 5), "upphavd")


def test_set_review_date_by_hand(client, bun_doc, sekreterare_bun):
    page = _login(client, sekreterare_bun).get(bun_doc.get_absolute_url())
    token = page.context["datum_form"]["andringsmarke"].value()

    response = client.post(
        reverse("dokument:granskningsdatum", args=[bun_doc.pk]),
        {"datum": "2027-01-31", "andringsmarke": token},
    )

    bun_doc.refresh_from_db()
    assert (response.status_code, bun_doc.granskning_nasta, bun_doc.granskning_manuell) == (
        302,
        datetime.date(2027, 1, 31),
        True,
    )


def test_link_to_lower_document_is_refused_with_message(client, make_dokument, sekreterare_bun):
    riktlinje = make_dokument()
    rutin = make_dokument(typ="Rutin", agare="buf")

    response = _login(client, sekreterare_bun).post(
        reverse("dokument:lanka", args=[riktlinje.pk]),
        {"typ": "konkretiserar", "till": rutin.pk},
        follow=True,
    )

    assert Dokumentlank.objects.count() == 0
    assert [str(m) for m in response.context["messages"]] == [
        f"{rutin} är en rutin och har lägre rang än en riktlinje; ett dokument kan bara "
        "konkretisera dokument av samma eller högre rang."
    ]


def test_link_is_post_only(client, bun_doc, sekreterare_bun):
    response = _login(client, sekreterare_bun).get(reverse("dokument:lanka", args=[bun_doc.pk]))

    assert response.status_code == 405


def test_review_page_groups_documents(client, make_dokument, sekreterare_bun, administrator, org):
    from django.contrib.auth import get_user_model

    left = get_user_model().objects.create_user("slutat", is_active=False)
    overdue = make_dokument(titel="Försenad", beslutsdatum=datetime.date(2020, 1, 1))
    ansvarig = make_dokument(
        titel="Ansvarig slutat",
        dokumentansvarig=left,
        beslutsdatum=datetime.date.today() - datetime.timedelta(days=10),
    )
    make_dokument(typ="Policy", agare="kf", titel="KF-policy")  # not the secretary's body

    response = _login(client, sekreterare_bun).get(reverse("dokument:granskning"))

    groups = response.context["groups"]
    assert [d.pk for d in groups["forsenade"]] == [overdue.pk]
    assert [d.pk for d in groups["ansvarig_slutat"]] == [ansvarig.pk]


def test_file_download(client, make_dokument, administrator, org, typer):
    from django.core.files.base import ContentFile

    dokument = make_dokument()
    version = dokument.aktuell_version
    version.fil.save("riktlinje.pdf", ContentFile(b"%PDF-1.4 test"), save=True)

    response = client.get(reverse("dokument:fil", args=[dokument.pk, 1]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"


def test_review_page_lists_versions_waiting_for_decision_or_publication(
    client, make_dokument, sekreterare_bun
):
    utkast = make_dokument(publish=False, titel="Utkast", faststalld_av=None, beslutsdatum=None)
    faststalld = make_dokument(publish=False, titel="Fastställd")
    make_dokument(titel="Publicerad")

    response = _login(client, sekreterare_bun).get(reverse("dokument:granskning"))

    assert [(d.pk, [v.status for v in d.vantande]) for d in response.context["vantande"]] == [
        (faststalld.pk, ["faststalld"]),
        (utkast.pk, ["utkast"]),
    ]


def test_statute_book_number_collision_is_refused_and_nothing_saved(
    client, make_dokument, sekreterare_bun, administrator
):
    from dokument.models import Forfattningsnummer

    taken = make_dokument(typ="Taxa", agare="kf", titel="Taxa ett")
    # A number written by hand (no running number) and a counter out of step.
    Dokument.objects.filter(pk=taken.pk).update(kfs_lopnummer=None)
    Forfattningsnummer.objects.filter(ar=taken.kfs_ar).update(senaste=0)
    ny = make_dokument(typ="Taxa", agare="kf", titel="Taxa två", publish=False)
    client.force_login(administrator)

    response = client.post(reverse("dokument:publicera", args=[ny.pk, 1]), {})

    ny.refresh_from_db()
    assert response.context["form"].non_field_errors() == [
        "Dokumentet kunde inte publiceras: numret i författningssamlingen är redan upptaget. "
        "Ingenting har sparats; försök igen."
    ]
    assert (ny.kfs_nummer, ny.status, ny.versioner.get().status) == ("", "utkast", "faststalld")


def test_statute_book_counter_lagging_behind_catches_up_on_publish(
    client, make_dokument, administrator
):
    from dokument.models import Forfattningsnummer

    first = make_dokument(typ="Taxa", agare="kf", titel="Taxa ett")
    second = make_dokument(typ="Taxa", agare="kf", titel="Taxa två")
    Forfattningsnummer.objects.filter(ar=first.kfs_ar).update(senaste=0)  # counter out of step
    ny = make_dokument(typ="Taxa", agare="kf", titel="Taxa tre", publish=False)
    client.force_login(administrator)

    response = client.post(reverse("dokument:publicera", args=[ny.pk, 1]), {})

    ny.refresh_from_db()
    year = first.kfs_ar
    assert response.status_code == 302
    assert (first.kfs_lopnummer, second.kfs_lopnummer, ny.kfs_lopnummer) == (1, 2, 3)
    assert (ny.kfs_nummer, Forfattningsnummer.objects.get(ar=year).senaste) == (f"KFS {year}:3", 3)


@pytest.mark.parametrize(
    ("user", "status"),
    [("sekreterare_bun", 302), ("fortroendevald_bun", 403), ("sekreterare_sn", 404)],
)
@pytest.mark.parametrize(
    ("name", "data"),
    [("granskningsdatum", {"datum": "2027-01-01"}), ("lanka", {"typ": "konkretiserar"})],
)
def test_post_actions_access(client, request, make_dokument, bun_draft, user, status, name, data):
    policy = make_dokument(typ="Policy", agare="kf", titel="Kvalitetspolicy")
    if name == "lanka":
        data = {**data, "till": policy.pk}

    response = _login(client, request.getfixturevalue(user)).post(
        reverse(f"dokument:{name}", args=[bun_draft.pk]), data
    )

    assert response.status_code == status
    if name == "lanka":
        links = list(Dokumentlank.objects.values_list("fran_id", "till_id", "typ"))
        expected = [(bun_draft.pk, policy.pk, "konkretiserar")] if status == 302 else []
        assert links == expected


@pytest.mark.parametrize("name", ["granskningsdatum", "lanka"])
def test_post_actions_anonymous_redirected_to_login(client, bun_doc, name):
    response = client.post(reverse(f"dokument:{name}", args=[bun_doc.pk]), {})

    assert (response.status_code, response.url.split("?")[0]) == (302, reverse("login"))


@pytest.mark.parametrize(
    ("user", "status"),
    [(None, 404), ("sekreterare_sn", 404), ("fortroendevald_bun", 200), ("sekreterare_bun", 200)],
)
def test_file_of_a_draft_is_internal(client, request, bun_draft, user, status):
    from django.core.files.base import ContentFile

    version = bun_draft.versioner.get()
    version.fil.save("utkast.pdf", ContentFile(b"%PDF-1.4 utkast"), save=True)
    who = request.getfixturevalue(user) if user else None

    response = _login(client, who).get(reverse("dokument:fil", args=[bun_draft.pk, 1]))

    assert response.status_code == status


def test_diff_of_unknown_versions_is_404(client, bun_doc):
    response = client.get(reverse("dokument:jamfor", args=[bun_doc.pk]), {"fran": 1, "till": 7})

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("user", "status"),
    [("sekreterare_bun", 200), ("fortroendevald_bun", 403), ("sekreterare_sn", 404), (None, 302)],
)
def test_edit_draft_access(client, request, make_dokument, user, status):
    utkast = make_dokument(publish=False, faststalld_av=None, beslutsdatum=None)
    who = request.getfixturevalue(user) if user else None

    response = _login(client, who).get(reverse("dokument:andra", args=[utkast.pk, 1]))

    assert response.status_code == status


def test_edit_draft_saves_in_place(client, make_dokument, sekreterare_bun, org):
    utkast = make_dokument(publish=False, faststalld_av=None, beslutsdatum=None)

    response = _login(client, sekreterare_bun).post(
        reverse("dokument:andra", args=[utkast.pk, 1]),
        {
            "titel": "Rättad titel",
            "text": "Rättad text",
            "giltighetsomrade": [org["buf"].pk],
            "andringsmarke": locking.token(utkast.versioner.get()),
        },
    )

    version = utkast.versioner.get()
    assert response.status_code == 302
    assert (version.titel, version.text, version.status, utkast.versioner.count()) == (
        "Rättad titel",
        "Rättad text",
        "utkast",
        1,
    )


def test_adopted_version_of_a_published_document_cannot_be_edited(
    client, bun_doc, sekreterare_bun, administrator, org
):
    # An adopted revision of a document in force is revised, never edited. (An adopted
    # version of a registration never published may be corrected: test_makulering.)
    services.revidera_dokument(
        user=administrator,
        dokument=bun_doc,
        data=header(faststalld_av=org["bun"], beslutsdatum=datetime.date(2025, 1, 10)),
    )

    response = _login(client, sekreterare_bun).get(reverse("dokument:andra", args=[bun_doc.pk, 2]))

    assert response.status_code == 404


def test_repealed_document_shows_no_staff_actions(client, make_dokument, sekreterare_bun):
    upphavd = make_dokument(titel="Upphävd riktlinje")
    annan = make_dokument(titel="Annan riktlinje")
    services.upphav_dokument(
        user=sekreterare_bun, dokument=upphavd, datum=datetime.date(2025, 1, 1), beslut="BUN § 1"
    )
    client.force_login(sekreterare_bun)

    page = client.get(reverse("dokument:detalj", args=[upphavd.pk]))
    version_page = client.get(reverse("dokument:version", args=[upphavd.pk, 1]))
    posted = client.post(
        reverse("dokument:lanka", args=[upphavd.pk]),
        {"typ": "konkretiserar", "till": annan.pk},
        follow=True,
    )

    html = page.content.decode()
    assert (page.context["lank_form"], page.context["datum_form"], page.context["can_act"]) == (
        None,
        None,
        False,
    )
    assert (html.count("Lägg till länk"), html.count("Hantera dokumentet")) == (0, 0)
    assert version_page.context["can_edit"] is False
    assert [str(m) for m in posted.context["messages"]] == [
        "Dokumentet är upphävt och kan inte få nya länkar."
    ]
    assert Dokumentlank.objects.count() == 0


# --- A draft revision: version page and diff for the four actors --------------------------------


@pytest.fixture
def draft_revision(bun_doc, administrator):
    services.revidera_dokument(
        user=administrator, dokument=bun_doc, data=header(titel="Riktlinjer, nytt utkast")
    )
    return bun_doc


@pytest.mark.parametrize(
    ("user", "status"),
    [("sekreterare_bun", 200), ("fortroendevald_bun", 200), ("sekreterare_sn", 404), (None, 404)],
)
def test_draft_revision_version_page_access(client, request, draft_revision, user, status):
    who = request.getfixturevalue(user) if user else None

    response = _login(client, who).get(reverse("dokument:version", args=[draft_revision.pk, 2]))

    assert response.status_code == status


@pytest.mark.parametrize(
    ("user", "status"),
    [("sekreterare_bun", 200), ("fortroendevald_bun", 200), ("sekreterare_sn", 404), (None, 404)],
)
def test_draft_revision_diff_access(client, request, draft_revision, user, status):
    who = request.getfixturevalue(user) if user else None

    response = _login(client, who).get(
        reverse("dokument:jamfor", args=[draft_revision.pk]), {"fran": 1, "till": 2}
    )

    assert response.status_code == status


def test_draft_revision_actions_only_for_the_editor(client, draft_revision, fortroendevald_bun):
    response = _login(client, fortroendevald_bun).get(
        reverse("dokument:version", args=[draft_revision.pk, 2])
    )

    assert response.content.decode().count("Ändra utkastet") == 0


# --- Bad input on revise, edit-draft and adopt: error next to the field, nothing saved ----------


def _field_error(response, field) -> tuple[list, int]:
    """The field's errors, and how often its error list (tied to it by id) is on the page."""
    form = response.context["form"]
    return form.errors.get(field), response.content.decode().count(f'id="id_{field}_error"')


def test_revise_with_valid_until_before_valid_from_is_refused(client, bun_doc, sekreterare_bun):
    response = _login(client, sekreterare_bun).post(
        reverse("dokument:revidera", args=[bun_doc.pk]),
        {
            "titel": "Ny version",
            "giltig_fran": "2025-06-01",
            "giltig_till": "2025-01-01",
            "senaste_version": 1,
        },
    )

    assert _field_error(response, "giltig_till") == (
        ["Gäller till och med kan inte vara före gäller från."],
        1,
    )
    assert bun_doc.versioner.count() == 1


def test_edit_draft_with_future_decision_date_is_refused(
    client, make_dokument, sekreterare_bun, org
):
    utkast = make_dokument(publish=False, faststalld_av=None, beslutsdatum=None, titel="Utkast")
    future = datetime.date.today() + datetime.timedelta(days=30)

    response = _login(client, sekreterare_bun).post(
        reverse("dokument:andra", args=[utkast.pk, 1]),
        {
            "titel": "Ändrad titel",
            "faststalld_av": org["bun"].pk,
            "beslutsdatum": future.isoformat(),
            "andringsmarke": locking.token(utkast.versioner.get()),
        },
    )

    version = utkast.versioner.get()
    assert _field_error(response, "beslutsdatum") == (
        ["Beslutsdatumet kan inte ligga i framtiden."],
        1,
    )
    assert (version.titel, version.status, version.beslutsdatum) == ("Utkast", "utkast", None)


def test_adopt_by_a_body_that_may_not_adopt_the_type_is_refused(
    client, make_dokument, sekreterare_bun, org
):
    utkast = make_dokument(publish=False, faststalld_av=None, beslutsdatum=None, titel="Utkast")

    response = _login(client, sekreterare_bun).post(
        reverse("dokument:faststall", args=[utkast.pk, 1]),
        {"faststalld_av": org["solrosen"].pk, "beslutsdatum": "2025-02-02", "paragraf": "§ 3"},
    )

    version = utkast.versioner.get()
    assert _field_error(response, "faststalld_av") == (
        [
            "Solrosens förskola får inte anta riktlinjer: enligt regeln för dokumenttypen "
            "riktlinje får den antas av kommunfullmäktige, kommunstyrelse, nämnd, "
            "bolagsstyrelse, förbundsdirektion, inte av en enhet."
        ],
        1,
    )
    assert (version.status, version.faststalld_av, version.beslutsdatum) == ("utkast", None, None)


def test_adopt_without_decision_date_is_refused(client, make_dokument, sekreterare_bun, org):
    utkast = make_dokument(publish=False, faststalld_av=None, beslutsdatum=None, titel="Utkast")

    response = _login(client, sekreterare_bun).post(
        reverse("dokument:faststall", args=[utkast.pk, 1]),
        {"faststalld_av": org["bun"].pk, "beslutsdatum": "inte ett datum"},
    )

    assert _field_error(response, "beslutsdatum") == (["Fyll i ett giltigt datum."], 1)
    assert utkast.versioner.get().status == "utkast"


# --- A bound form that did not save is a 400, as in mal ---------------------------------------


@pytest.mark.parametrize(
    ("name", "version", "data"),
    [
        ("registrera", False, {}),
        ("revidera", False, {"senaste_version": 1}),
        ("andra", True, {}),
        ("faststall", True, {}),
        ("publicera", True, {}),  # the service refuses: a draft is not published
        ("granska", False, {}),
        ("upphav", False, {}),
    ],
)
def test_a_form_that_did_not_save_is_a_bad_request(
    client, make_dokument, sekreterare_bun, name, version, data
):
    dokument = (
        make_dokument(publish=False, faststalld_av=None, beslutsdatum=None)
        if version
        else make_dokument()
    )
    args = [] if name == "registrera" else [dokument.pk, 1] if version else [dokument.pk]
    url = reverse(f"dokument:{name}", args=args)
    client = _login(client, sekreterare_bun)
    acts = Handelse.objects.count()

    page = client.get(url)
    posted = client.post(url, data)

    assert (page.status_code, posted.status_code) == (200, 400)
    assert posted.context["form"].errors != {}
    assert Handelse.objects.count() == acts


def test_a_service_error_lands_on_its_field(client, bun_doc, sekreterare_bun):
    future = datetime.date.today() + datetime.timedelta(days=3)

    response = _login(client, sekreterare_bun).post(
        reverse("dokument:granska", args=[bun_doc.pk]),
        {"datum": future.isoformat(), "utfall": "aktuell"},
    )

    assert response.status_code == 400
    assert _field_error(response, "datum") == (
        ["Prövningen kan inte vara gjord i framtiden."],
        1,
    )
    assert bun_doc.granskningar.count() == 0
