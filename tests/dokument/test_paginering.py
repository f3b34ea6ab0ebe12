"""Pages that cost what they show: the statute book and the review list in pages, search that
ranks a capped set of candidates, and the link form's text field in place of a list of every
published document."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dokument import search
from dokument.models import Dokument, Dokumentlank, Dokumentversion
from tests.dokument.test_query_counts import _bulk_published


def _get(client, url):
    cache.clear()  # each request reads the database (the anonymous page cache is not tested here)
    return client.get(url)


def _kfs(docs, start=1, year=2024):
    for i, d in enumerate(docs, start=start):
        d.kfs_nummer, d.kfs_ar, d.kfs_lopnummer = f"KFS {year}:{i}", year, i
    Dokument.objects.bulk_update(docs, ["kfs_nummer", "kfs_ar", "kfs_lopnummer"])
    return docs


# --- The statute book ---------------------------------------------------------------------------


def test_statute_book_pages_each_list_and_keeps_the_other_lists_page(client, typer, org):
    _kfs(_bulk_published(60, typer["Taxa"], org["kf"]))
    upphavda = _kfs(_bulk_published(3, typer["Taxa"], org["kf"]), start=1, year=2020)
    Dokument.objects.filter(pk__in=[d.pk for d in upphavda]).update(status="upphavd")
    url = reverse("dokument:forfattningssamling")

    first = _get(client, url)
    second = _get(client, url + "?sida=2&upphavda_sida=1")

    html = second.content.decode()
    numbers = [d.kfs_nummer for d in second.context["gallande"].object_list]
    assert [d.kfs_nummer for d in first.context["gallande"].object_list][:2] == [
        "KFS 2024:1",
        "KFS 2024:2",
    ]
    assert (len(first.context["gallande"].object_list), numbers) == (
        50,
        [f"KFS 2024:{i}" for i in range(51, 61)],
    )
    assert second.context["upphavda"].paginator.count == 3
    assert '<nav class="pagination" aria-label="Sidor: gällande författningar">' in html
    assert '<li aria-current="page">Sida 2 av 2</li>' in html
    assert 'href="?sida=1&amp;upphavda_sida=1#gallande-rubrik" rel="prev"' in html
    assert "Gällande författningar (60)" in html
    # The upphävda list fits on one page: no navigation of its own.
    assert "Sidor: upphävda" not in html


# --- The review list ----------------------------------------------------------------------------


def test_review_list_is_paged_per_group_with_counts(client, typer, org, sekreterare_bun):
    _bulk_published(30, typer["Riktlinje"], org["bun"])  # review date 2020-01-01: overdue
    client.force_login(sekreterare_bun)
    url = reverse("dokument:granskning")

    first = client.get(url)
    second = client.get(url + "?forsenade_sida=2&snart_sida=1")

    groups = first.context["groups"]
    html = second.content.decode()
    assert (groups["forsenade"].paginator.count, len(groups["forsenade"].object_list)) == (30, 25)
    assert len(second.context["groups"]["forsenade"].object_list) == 5
    assert "Försenade prövningar (30)" in html
    assert '<nav class="pagination" aria-label="Sidor: Försenade prövningar">' in html
    assert 'href="?forsenade_sida=1&amp;snart_sida=1#forsenade-rubrik" rel="prev"' in html


def test_review_counts_leave_out_expired_and_other_bodies(typer, org, sekreterare_bun):
    from dokument.queries import granskning_counts

    [utgangen, gallande] = _bulk_published(2, typer["Riktlinje"], org["bun"])
    _bulk_published(4, typer["Riktlinje"], org["sn"])  # another body's
    Dokumentversion.objects.filter(dokument=utgangen).update(giltig_till=datetime.date(2021, 1, 1))
    Dokument.objects.filter(pk=gallande.pk).update(granskning_flagga="Policyn har ändrats.")

    counts = granskning_counts(sekreterare_bun, today=datetime.date(2025, 1, 1))

    assert counts == {"forsenade": 1, "snart": 0, "flaggade": 1, "ansvarig_slutat": 0}


# --- Search: a capped set of candidates ---------------------------------------------------------


def test_search_with_more_hits_than_candidates_says_more_than(client, typer, org):
    _bulk_published(search.CANDIDATES + 5, typer["Riktlinje"], org["bun"])

    many = _get(client, reverse("dokument:lista") + "?q=riktlinje")
    few = _get(client, reverse("dokument:lista") + f"?q=riktlinje&typ={typer['Policy'].pk}")

    html = many.content.decode()
    assert many.context["page"].paginator.count == search.CANDIDATES + 1
    assert "Fler än 1\u00a0000 träffar" in html
    assert "1006 dokument" not in html
    assert "Fler än" not in few.content.decode()
    assert few.context["page"].paginator.count == 0


def test_search_draws_candidates_after_the_other_filters(client, typer, org):
    """A filter narrows the candidates before the cap: the one Policy among more hits than
    the cap is found."""
    _bulk_published(search.CANDIDATES + 5, typer["Riktlinje"], org["bun"])
    [policy] = _bulk_published(1, typer["Policy"], org["kf"])

    response = _get(client, reverse("dokument:lista") + f"?q=riktlinje&typ={typer['Policy'].pk}")

    assert [d.pk for d in response.context["page"].object_list] == [policy.pk]
    assert "1 dokument" in response.content.decode()


def test_search_under_the_cap_counts_every_hit(client, make_dokument):
    make_dokument(titel="Riktlinje för skolskjuts")
    make_dokument(titel="Riktlinje för läxhjälp")

    response = _get(client, reverse("dokument:lista") + "?q=riktlinje")

    assert response.context["page"].paginator.count == 2
    assert '<h2 id="traffar-rubrik">2 dokument</h2>' in response.content.decode()


# --- The link form ------------------------------------------------------------------------------


@pytest.fixture
def lankbara(make_dokument):
    riktlinje = make_dokument(titel="Riktlinje för skolskjuts", diarienummer="BUN 2024/7")
    policy = make_dokument(typ="Policy", agare="kf", titel="Resepolicy", diarienummer="KS 2023/9")
    taxa = make_dokument(typ="Taxa", agare="kf", titel="Taxa för skolskjuts")
    return riktlinje, policy, taxa


def _post_link(client, user, fran, till, typ="konkretiserar"):
    client.force_login(user)
    return client.post(reverse("dokument:lanka", args=[fran.pk]), {"typ": typ, "till": till})


def test_link_form_is_a_labelled_text_field_not_a_list(client, lankbara, sekreterare_bun):
    riktlinje, *_ = lankbara
    client.force_login(sekreterare_bun)

    html = client.get(reverse("dokument:detalj", args=[riktlinje.pk])).content.decode()

    assert '<label for="id_till">Dokument' in html
    assert '<input type="text" name="till"' in html
    assert '<select name="till"' not in html


@pytest.mark.parametrize("how", ["diarienummer", "diarienummer_gemener", "kfs", "adress", "id"])
def test_link_by_case_number_statute_number_or_address(
    client, make_dokument, lankbara, sekreterare_bun, how
):
    riktlinje, policy, taxa = lankbara
    target = taxa if how == "kfs" else policy
    # A rutin may konkretisera a taxa (a riktlinje may not: a taxa ranks below it).
    fran = make_dokument(typ="Rutin", agare="buf") if how == "kfs" else riktlinje
    till = {
        "diarienummer": "KS 2023/9",
        "diarienummer_gemener": " ks 2023/9 ",
        "kfs": taxa.kfs_nummer,
        "adress": f"https://styrning.example.se/dokument/{policy.pk}/",
        "id": str(policy.pk),
    }[how]

    response = _post_link(client, sekreterare_bun, fran, till)

    assert taxa.kfs_nummer  # a Taxa gets a number in the statute book when published
    assert response.status_code == 302
    assert list(Dokumentlank.objects.values_list("fran_id", "till_id", "typ")) == [
        (fran.pk, target.pk, "konkretiserar")
    ]


def test_link_to_nothing_found_is_a_swedish_field_error(client, lankbara, sekreterare_bun):
    riktlinje, *_ = lankbara

    response = _post_link(client, sekreterare_bun, riktlinje, "KS 1999/1")

    form = response.context["lank_form"]
    assert response.status_code == 400
    assert form.errors["till"] == [
        "Inget annat publicerat dokument har diarienumret, numret eller adressen ”KS 1999/1”. "
        "Kontrollera numret, eller sök fram dokumentet i listan över styrdokument och kopiera "
        "dess adress."
    ]
    assert 'aria-invalid="true"' in response.content.decode()
    assert Dokumentlank.objects.count() == 0


def test_link_to_the_document_itself_is_not_found(client, lankbara, sekreterare_bun):
    riktlinje, *_ = lankbara

    response = _post_link(client, sekreterare_bun, riktlinje, "BUN 2024/7")

    assert (response.status_code, Dokumentlank.objects.count()) == (400, 0)
    assert "Inget annat publicerat dokument" in response.context["lank_form"].errors["till"][0]


def test_link_matching_two_documents_is_a_swedish_field_error(
    client, make_dokument, lankbara, sekreterare_bun
):
    riktlinje, policy, taxa = lankbara
    # Another document whose case number is written as the taxa's statute-book number.
    make_dokument(typ="Policy", agare="kf", titel="Märklig policy", diarienummer=taxa.kfs_nummer)

    response = _post_link(client, sekreterare_bun, riktlinje, taxa.kfs_nummer)

    [error] = response.context["lank_form"].errors["till"]
    assert response.status_code == 400
    assert error.startswith(f"Flera dokument matchar ”{taxa.kfs_nummer}”: ")
    assert error.endswith("Skriv dokumentets adress (t.ex. /dokument/12/) i stället.")
    assert Dokumentlank.objects.count() == 0


def test_link_without_a_document_is_a_swedish_field_error(client, lankbara, sekreterare_bun):
    riktlinje, *_ = lankbara

    response = _post_link(client, sekreterare_bun, riktlinje, "")

    assert response.status_code == 400
    assert response.context["lank_form"].errors["till"] == ["Ange vilket dokument länken går till."]
    assert Dokumentlank.objects.count() == 0


# --- The register form's higher documents -------------------------------------------------------


@pytest.fixture
def register(client, org, typer, sekreterare_bun):
    client.force_login(sekreterare_bun)

    def send(overordnade):
        data = {
            "typ": typer["Riktlinje"].pk,
            "agare": org["bun"].pk,
            "titel": "Riktlinjer för läxhjälp",
            "text": "Text",
            "overordnade": overordnade,
        }
        return client.post(reverse("dokument:registrera"), data)

    return send


def test_register_names_higher_documents_one_a_line(register, lankbara):
    riktlinje, policy, taxa = lankbara

    response = register(f"KS 2023/9\n\n  /dokument/{policy.pk}/ \nBUN 2024/7")

    made = Dokument.objects.latest("pk")
    assert response.status_code == 302
    assert sorted(Dokumentlank.objects.filter(fran=made).values_list("till_id", "typ")) == sorted(
        [(policy.pk, "konkretiserar"), (riktlinje.pk, "konkretiserar")]
    )


def test_register_with_an_unknown_higher_document_saves_nothing(register, lankbara):
    before = Dokument.objects.count()

    response = register("KS 2023/9\nKS 1999/1")

    assert response.status_code == 400
    assert response.context["form"].errors["overordnade"] == [
        "Rad 2: Inget gällande publicerat dokument har diarienumret, numret eller adressen "
        "”KS 1999/1”. Kontrollera numret, eller sök fram dokumentet i listan över styrdokument "
        "och kopiera dess adress."
    ]
    assert (Dokument.objects.count(), Dokumentlank.objects.count()) == (before, 0)


def test_register_page_lists_no_documents_whatever_their_number(
    client, typer, org, sekreterare_bun, django_assert_num_queries
):
    client.force_login(sekreterare_bun)
    url = reverse("dokument:registrera")
    _bulk_published(5, typer["Policy"], org["kf"])
    with CaptureQueriesContext(connection) as queries:
        few = client.get(url)
    _bulk_published(500, typer["Policy"], org["kf"])

    with django_assert_num_queries(len(queries)):
        many = client.get(url)

    html = many.content.decode()
    assert '<textarea name="overordnade"' in html
    assert "Riktlinje 0001" not in html  # the bulk documents' titles
    assert len(many.content) == len(few.content)
