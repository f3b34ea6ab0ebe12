"""The public list of adopted reports, the page cache when a report is adopted or reopened,
and Året som gick (numbers against hand-computed figures, publication, the controller's
form)."""

import datetime
import re

import pytest
from django.urls import reverse

from styrning.actionlog import Handling, log_action
from tests.uppfoljning.test_utdata import exempel_innehall, frys, pdf_pages, rapport_for
from uppfoljning import utdata
from uppfoljning.models import AretSomGick, Rapport, Rapportversion

LISTA = "/uppfoljning/"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def antagen_rapport(organisation, *, typ_namn="Årsredovisning", ar=2025, antagen_av=None):
    rapport = rapport_for(
        organisation,
        status=Rapport.Status.ANTAGEN,
        typ_namn=typ_namn,
        ar=ar,
        beslutsdatum=datetime.date(ar + 1, 4, 20),
        paragraf="§ 34",
        antagen_av=antagen_av,
    )
    frys(rapport, slag=Rapportversion.Slag.ANTAGEN)
    return rapport


def listed(response) -> list[str]:
    """The list's rows as "kind period, organisation"."""
    html = response.content.decode()
    return [
        " ".join(re.sub(r"<[^>]+>", " ", f"{a}, {b}").split())
        for a, b in re.findall(
            r'<th scope="row"><a href="/uppfoljning/rapporter/\d+/las/">(.*?)</a>.*?</th>\s*'
            r"<td>(.*?)</td>",
            html,
            re.S,
        )
    ]


# --- The public list ----------------------------------------------------------------------------


def test_public_list_shows_only_adopted_reports(client, org):
    antagen_rapport(org["bun"], antagen_av=org["kf"])
    for status, organisation in [
        (Rapport.Status.UTKAST, org["sn"]),
        (Rapport.Status.INLAMNAD, org["buf"]),
        (Rapport.Status.GODKAND, org["sof"]),
        (Rapport.Status.ANTAGEN, org["klf"]),  # said adopted, but no adopted version frozen
    ]:
        rapport = rapport_for(organisation, status=status)
        if status != Rapport.Status.UTKAST:
            frys(rapport)

    response = client.get(LISTA)

    assert response.status_code == 200
    assert listed(response) == ["Årsredovisning helår 2025, Barn- och utbildningsnämnden"]
    assert "1 antagna rapporter" in response.content.decode()


def test_public_list_links_each_reports_page_and_pdf(client, org):
    rapport = antagen_rapport(org["bun"], antagen_av=org["kf"])

    html = client.get(LISTA).content.decode()

    assert f'href="/uppfoljning/rapporter/{rapport.pk}/las/"' in html
    assert f'href="/uppfoljning/rapporter/{rapport.pk}/pdf/"' in html
    assert "Kommunfullmäktige" in html


def test_public_list_filters_by_body_kind_and_year(client, org):
    antagen_rapport(org["bun"], antagen_av=org["kf"])
    antagen_rapport(org["sn"], antagen_av=org["kf"], ar=2024)
    antagen_rapport(org["buf"], typ_namn="Tertialuppföljning", antagen_av=org["bun"])
    tertial = Rapport.objects.get(organisation=org["buf"]).rapportperiod.rapporttyp

    by_body = listed(client.get(LISTA, {"organ": org["bun"].pk}))
    by_kind = listed(client.get(LISTA, {"typ": tertial.pk}))
    by_year = listed(client.get(LISTA, {"ar": 2024}))
    bad_year = client.get(LISTA, {"ar": "tjugo"})

    # the body's own report and the one it adopted
    assert sorted(by_body) == [
        "Tertialuppföljning helår 2025, Barn- och utbildningsförvaltningen",
        "Årsredovisning helår 2025, Barn- och utbildningsnämnden",
    ]
    assert by_kind == ["Tertialuppföljning helår 2025, Barn- och utbildningsförvaltningen"]
    assert by_year == ["Årsredovisning helår 2024, Socialnämnden"]
    assert "Ange beslutsåret som ett årtal" in bad_year.content.decode()


@pytest.mark.parametrize("many", [1, 6])
def test_public_list_query_count_is_the_same_for_one_and_many(
    client, org, django_assert_num_queries, many
):
    for n in range(many):
        antagen_rapport(org["bun"], ar=2010 + n, antagen_av=org["kf"])

    # count, page (with the kind, period, organisation and body), Året som gick's years,
    # and the filter's two lists of choices
    with django_assert_num_queries(5):
        response = client.get(LISTA)

    assert len(listed(response)) == many


def test_public_list_pages_its_rows(client, org):
    for n in range(27):
        antagen_rapport(org["bun"], ar=1990 + n)

    first, second = client.get(LISTA), client.get(LISTA, {"sida": 2})

    assert (len(listed(first)), len(listed(second))) == (25, 2)
    assert 'href="?sida=2"' in first.content.decode()


# --- Public reading -----------------------------------------------------------------------------


def test_anonymous_reads_an_adopted_report_and_its_pdf(client, org):
    rapport = antagen_rapport(org["bun"], antagen_av=org["kf"])
    utdata.store_version_pdf(rapport.versioner.get().pk)

    page = client.get(reverse("uppfoljning:las", args=[rapport.pk]))
    pdf = client.get(reverse("uppfoljning:pdf", args=[rapport.pk]))

    assert page.status_code == 200
    assert "Nio av tio vårdnadshavare" in page.content.decode()
    assert "Antagen version 1." in page.content.decode()
    assert pdf.status_code == 200
    assert "Barn- och utbildningsnämnden" in pdf_pages(b"".join(pdf.streaming_content))[0]


@pytest.mark.parametrize("status", [Rapport.Status.UTKAST, Rapport.Status.GODKAND])
def test_anonymous_gets_404_for_a_report_not_adopted_and_its_pdf(client, org, status):
    rapport = rapport_for(org["bun"], status=status)
    frys(rapport)

    for name, args in [
        ("las", [rapport.pk]),
        ("pdf", [rapport.pk]),
        ("version", [rapport.pk, 1]),
        ("version_pdf", [rapport.pk, 1]),
    ]:
        assert client.get(reverse(f"uppfoljning:{name}", args=args)).status_code == 404, name


# --- The page cache -----------------------------------------------------------------------------


def test_an_adoption_shows_in_the_cached_list_at_once(client, org):
    rapport = rapport_for(org["bun"], status=Rapport.Status.GODKAND)
    frys(rapport)
    before = client.get(LISTA)
    cached = client.get(LISTA)

    # as the adoption does it: the adopted snapshot, the report's new status, the act
    frys(rapport, slag=Rapportversion.Slag.ANTAGEN)
    rapport.status = Rapport.Status.ANTAGEN
    rapport.save(update_fields=["status"])
    log_action(user=None, handling=Handling.RAPPORT_ANTAGEN, objekt=rapport)
    after = client.get(LISTA)

    assert (before["X-Cache"], cached["X-Cache"], after["X-Cache"]) == ("miss", "hit", "miss")
    assert (listed(cached), len(listed(after))) == ([], 1)


def test_a_reopening_shows_in_the_cached_list_and_page_at_once(client, org):
    rapport = antagen_rapport(org["bun"])
    page_url = reverse("uppfoljning:las", args=[rapport.pk])
    client.get(LISTA), client.get(page_url)

    Rapport.objects.filter(pk=rapport.pk).update(status=Rapport.Status.UTKAST, version=2)
    log_action(user=None, handling=Handling.RAPPORT_ATEROPPNAD, objekt=rapport)
    lista, page = client.get(LISTA), client.get(page_url)

    assert (lista["X-Cache"], page["X-Cache"]) == ("miss", "miss")
    assert "Öppnad igen" in lista.content.decode()
    assert "Rapporten har öppnats igen efter antagandet" in page.content.decode()


def test_a_draft_saved_leaves_the_cached_list_be(client, org):
    antagen_rapport(org["bun"])
    utkast = rapport_for(org["sn"], status=Rapport.Status.UTKAST, typ_namn="Månadsrapport")
    client.get(LISTA)

    utkast.andel_klar = 40
    utkast.save(update_fields=["andel_klar"])

    assert client.get(LISTA)["X-Cache"] == "hit"


def test_a_stored_pdf_shows_on_the_cached_page_at_once(client, org):
    rapport = antagen_rapport(org["bun"])
    url = reverse("uppfoljning:las", args=[rapport.pk])
    before = client.get(url).content.decode()

    utdata.store_version_pdf(rapport.versioner.get().pk)
    after = client.get(url).content.decode()

    assert ("Pdf:en görs" in before, "Pdf:en görs" in after) == (True, False)
    assert "Ladda ner som pdf" in after


# --- Året som gick ------------------------------------------------------------------------------


@pytest.fixture
def aret(org):
    rapport = antagen_rapport(org["kommun"], antagen_av=org["kf"])
    return AretSomGick.objects.create(
        ar=2025,
        arsredovisning=rapport,
        ingress="Så här gick året för kommunen.",
        resultat_mening="Kommunen gick med 45 miljoner kronor i överskott.",
        inkomster=[
            {"namn": "Skatteintäkter", "belopp": 5_200_000_000},
            {"namn": "Statsbidrag", "belopp": 1_300_000_000},
            {"namn": "Avgifter", "belopp": 500_000_000},
        ],
        investeringar=[{"namn": "Ny skola i Norrby", "belopp": 180_000_000}],
        handelser="Förskolan Solrosen öppnade.",
        publicerad=True,
    )


def test_hundra_kronor_sum_to_100_as_computed_by_hand():
    rader = exempel_innehall()["ekonomi"]["rader"]

    shares = utdata.hundra_kronor(rader)

    # 306,5 / 495,25 / 198,25 of 1 000 mnkr: 30,65 / 49,525 / 19,825 kronor. Floors 30 + 49
    # + 19 = 98; the two largest remainders (0,825 and 0,65) get the two kronor left.
    assert [(s["namn"], s["kronor"]) for s in shares] == [
        ("Förskoleverksamheten", 31),
        ("Grundskolan", 49),
        ("Gymnasieskolan", 20),
    ]
    assert sum(s["kronor"] for s in shares) == 100


def test_hundra_kronor_leave_out_rows_without_cost_and_still_sum_to_100():
    rader = [
        {"namn": "A", "utfall_hittills": "1"},
        {"namn": "B", "utfall_hittills": "1"},
        {"namn": "C", "utfall_hittills": "1"},
        {"namn": "Intäkter", "utfall_hittills": "-5"},
        {"namn": "Tomt", "utfall_hittills": ""},
    ]

    shares = utdata.hundra_kronor(rader)

    assert [(s["namn"], s["kronor"]) for s in shares] == [("A", 34), ("B", 33), ("C", 33)]


def test_hundra_kronor_of_a_compiled_report_with_one_own_row_are_shared_by_its_parts():
    innehall = exempel_innehall()
    innehall["ekonomi"]["rader"] = innehall["ekonomi"]["rader"][:1]
    innehall["delar"] = [
        {"organisation": {"namn": namn}, "sammanfattning": {"ekonomi": {"utfall_hittills": v}}}
        for namn, v in [("BUN", "2000.00"), ("SN", "1000.00"), ("KS", "1000.00")]
    ]

    shares = utdata.hundra_kronor(utdata.verksamheter(innehall))

    # 2 000 / 1 000 / 1 000 of 4 000: 50 / 25 / 25 kronor
    assert [(s["namn"], s["kronor"]) for s in shares] == [("BUN", 50), ("SN", 25), ("KS", 25)]


def test_aret_som_gick_page_shows_the_year_in_plain_words(client, aret):
    response = client.get(reverse("uppfoljning:aret_som_gick", args=[2025]))

    html = response.content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", html).replace("&nbsp;", " ").split())
    assert response.status_code == 200
    assert re.findall(r"<h1>(.*?)</h1>", html) == ["Året som gick 2025"]
    for expected in [
        "Kommunen gick med 45 miljoner kronor i överskott.",
        "Kommunen hade 7 miljarder kronor att använda.",
        "Skatteintäkter 5,2 miljarder kronor 74 %",
        "Statsbidrag 1,3 miljarder kronor 19 %",
        "Avgifter 500 miljoner kronor 7 %",
        "Förskoleverksamheten 31 kr",
        "Grundskolan 49 kr",
        "Gymnasieskolan 20 kr",
        "1 av 3 mål nåddes.",
        "● Uppfyllt 1 mål",
        "✕ Ej uppfyllt 1 mål",
        "Nio av tio vårdnadshavare säger att barnen känner sig trygga.",
        "Om målet ”Alla barn ska ha en trygg förskola”",
        "Förskolan Solrosen öppnade.",
        "Ny skola i Norrby 180 miljoner kronor",
        "Hela årsredovisningen 2025",
    ]:
        assert expected in text, expected
    # a goal not met is not a highlight
    assert "Andelen sjönk i årskurs 9." not in text


def test_aret_som_gick_pdf_has_the_year(client, aret):
    response = client.get(reverse("uppfoljning:aret_som_gick_pdf", args=[2025]))

    pages = pdf_pages(response.content)
    assert response["Content-Type"] == "application/pdf"
    assert "Året som gick 2025" in pages[0]
    assert "Så användes hundra kronor" in " ".join(pages)


@pytest.mark.parametrize(
    ("who", "status"), [(None, 404), ("fortroendevald_bun", 404), ("controller", 200)]
)
def test_aret_som_gick_unpublished_is_seen_by_controllers_only(client, aret, request, who, status):
    AretSomGick.objects.filter(pk=aret.pk).update(publicerad=False)
    if who:
        client.force_login(request.getfixturevalue(who))

    page = client.get(reverse("uppfoljning:aret_som_gick", args=[2025]))
    pdf = client.get(reverse("uppfoljning:aret_som_gick_pdf", args=[2025]))

    assert (page.status_code, pdf.status_code) == (status, status)


def test_controller_writes_aret_som_gick_with_lines_of_amounts(client, org, controller):
    rapport = antagen_rapport(org["kommun"], antagen_av=org["kf"])
    client.force_login(controller)
    url = reverse("uppfoljning:aret_som_gick_andra", args=[2025])

    form = client.get(url)
    response = client.post(
        url,
        {
            "arsredovisning": rapport.pk,
            "resultat_mening": "Ett överskott.",
            "inkomster": "Skatteintäkter | 5 200 000 000\n\nStatsbidrag | 1 300 000 000,00",
            "investeringar": "Ny skola | 180 000 000",
            "publicerad": "on",
        },
    )

    aret = AretSomGick.objects.get(ar=2025)
    assert form.status_code == 200
    assert response.status_code == 302
    assert aret.inkomster == [
        {"namn": "Skatteintäkter", "belopp": 5_200_000_000},
        {"namn": "Statsbidrag", "belopp": 1_300_000_000},
    ]
    assert (aret.investeringar, aret.publicerad, aret.arsredovisning) == (
        [{"namn": "Ny skola", "belopp": 180_000_000}],
        True,
        rapport,
    )


def test_aret_som_gick_form_refuses_bad_lines_and_saves_nothing(client, controller):
    client.force_login(controller)

    response = client.post(
        reverse("uppfoljning:aret_som_gick_andra", args=[2025]),
        {"inkomster": "Skatteintäkter | fem miljarder\nStatsbidrag 1 300"},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Rad 1: ”fem miljarder” är inget belopp. Skriv t.ex. 1 234 500." in html
    assert "Rad 2: skriv namn | belopp, med ett lodstreck emellan." in html
    assert "Statsbidrag 1 300" in html  # the text stays in the form
    assert not AretSomGick.objects.exists()


def test_aret_som_gick_form_refuses_a_save_over_someone_elses(client, aret, controller):
    client.force_login(controller)
    url = reverse("uppfoljning:aret_som_gick_andra", args=[2025])
    token = re.search(r'name="andringsmarke" value="([^"]*)"', client.get(url).content.decode())[1]
    aret.ingress = "Ändrat av någon annan."
    aret.save()

    response = client.post(url, {"andringsmarke": token, "ingress": "Min text."})

    assert response.status_code == 400
    assert "Ingenting har sparats." in response.content.decode()
    assert AretSomGick.objects.get(pk=aret.pk).ingress == "Ändrat av någon annan."


@pytest.mark.parametrize(("who", "status"), [("fortroendevald_bun", 403), ("chef_solrosen", 403)])
def test_aret_som_gick_form_is_for_controllers(client, org, request, who, status):
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("uppfoljning:aret_som_gick_andra", args=[2025]))

    assert response.status_code == status


def test_aret_som_gick_form_sends_anonymous_to_login(client, db):
    response = client.get(reverse("uppfoljning:aret_som_gick_andra", args=[2025]))

    assert response.status_code == 302
    assert response["Location"].startswith("/konto/logga-in/") or "login" in response["Location"]
