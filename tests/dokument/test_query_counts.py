"""Lists and the document page run a fixed number of queries, whatever the number of
documents, versions and links."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dokument.models import Dokument, Dokumentlank, Dokumentversion


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """What a page costs to render: the rows come by bulk_create, which sends no signal, and
    the page cache (styrning.pagecache) would answer the second request from the first."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def _bulk_published(count, typ, agare, **extra):
    """Many published documents at once (no services: the fixture must be quick)."""
    docs = Dokument.objects.bulk_create(
        [
            Dokument(
                typ=typ,
                agare=agare,
                status=Dokument.Status.GALLANDE,
                granskning_nasta=datetime.date(2020, 1, 1),
                **extra,
            )
            for _ in range(count)
        ]
    )
    Dokumentversion.objects.bulk_create(
        [
            Dokumentversion(
                dokument=d,
                versionsnummer=1,
                status=Dokumentversion.Status.PUBLICERAD,
                ar_aktuell=True,
                titel=f"Riktlinje {i:04d}",
                faststalld_av=agare,
                beslutsdatum=datetime.date(2024, 1, 1),
            )
            for i, d in enumerate(docs)
        ]
    )
    return docs


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("params", ["", "?status=gallande&q=Riktlinje&sortering=nyast"])
def test_public_list_queries_do_not_grow(client, make_dokument, typer, org, params,
                                         django_assert_num_queries):  # fmt: skip
    make_dokument()
    url = reverse("dokument:lista") + params
    with_one = _count(client, url)
    assert with_one == 6

    _bulk_published(499, typer["Riktlinje"], org["bun"])

    with django_assert_num_queries(with_one):
        client.get(url)


@pytest.mark.parametrize("who", [None, "sekreterare_bun"])
def test_document_page_queries_do_not_grow(
    client, request, make_dokument, typer, org, who, django_assert_num_queries
):
    if who:
        client.force_login(request.getfixturevalue(who))
    policy = make_dokument(typ="Policy", agare="kf")
    lower = _bulk_published(1, typer["Riktlinje"], org["bun"])
    Dokumentlank.objects.create(fran=lower[0], till=policy, typ="konkretiserar")
    url = reverse("dokument:detalj", args=[policy.pk])
    with_one = _count(client, url)
    assert with_one == (12 if who else 8)  # staff: roles, the tree and the audit trail

    many = _bulk_published(499, typer["Riktlinje"], org["bun"])
    Dokumentlank.objects.bulk_create(
        [Dokumentlank(fran=d, till=policy, typ="konkretiserar") for d in many]
    )
    Dokumentversion.objects.bulk_create(
        [
            Dokumentversion(dokument=policy, versionsnummer=n, titel=f"Utkast {n}")
            for n in range(2, 40)
        ]
    )

    with django_assert_num_queries(with_one):
        response = client.get(url)
    assert len(response.context["konkretiseras_av"]) == 500


def test_statute_book_queries_do_not_grow(client, make_dokument, typer, org,
                                          django_assert_num_queries):  # fmt: skip
    make_dokument(typ="Taxa", agare="kf")
    upphavd = make_dokument(typ="Taxa", agare="kf")
    Dokument.objects.filter(pk=upphavd.pk).update(status="upphavd")
    url = reverse("dokument:forfattningssamling")
    with_one = _count(client, url)
    # Each list: its COUNT, its page, and the page's current versions, links (with the
    # replacing documents' current versions when there are links) and published versions.
    assert with_one == 10

    docs = _bulk_published(200, typer["Taxa"], org["kf"])
    for i, d in enumerate(docs, start=100):
        d.kfs_nummer, d.kfs_ar, d.kfs_lopnummer = f"KFS 2024:{i}", 2024, i
    Dokument.objects.bulk_update(docs, ["kfs_nummer", "kfs_ar", "kfs_lopnummer"])
    Dokument.objects.filter(pk__in=[d.pk for d in docs[:120]]).update(status="upphavd")

    with django_assert_num_queries(with_one):
        response = client.get(url)
    assert response.context["gallande"].paginator.count == 81
    assert len(response.context["upphavda"].object_list) == 50


def test_review_page_queries_do_not_grow(client, make_dokument, typer, org, sekreterare_bun,
                                         django_assert_num_queries):  # fmt: skip
    client.force_login(sekreterare_bun)
    make_dokument(beslutsdatum=datetime.date(2020, 1, 1))
    make_dokument(publish=False, titel="Utkast")
    url = reverse("dokument:granskning")
    with_one = _count(client, url)
    # the counts of the groups, a page of each, the shown documents' current versions (one
    # query for every group), the waiting versions
    assert with_one == 10

    _bulk_published(300, typer["Riktlinje"], org["bun"])
    drafts = Dokument.objects.bulk_create(
        [Dokument(typ=typer["Rutin"], agare=org["buf"]) for _ in range(100)]
    )
    Dokumentversion.objects.bulk_create(
        [Dokumentversion(dokument=d, versionsnummer=1, titel="Utkast") for d in drafts]
    )

    with django_assert_num_queries(with_one):
        response = client.get(url)
    # The lists are paged: the counts are the whole, the pages 25 each.
    forsenade, vantande = response.context["groups"]["forsenade"], response.context["vantande"]
    assert (forsenade.paginator.count, len(forsenade.object_list)) == (301, 25)
    assert (vantande.paginator.count, len(vantande.object_list)) == (101, 25)
