"""The sitemap (/sitemap.xml, an index of paginated sections) and robots.txt: every public page
with a stable address, never a draft; robots.txt keeps crawlers out of the staff's tools."""

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dokument.models import Dokumentversion
from insyn import sitemaps
from mal.models import Mal
from tests.insyn import test_sok
from uppfoljning.models import AretSomGick, Rapport, Rapportversion

# The search tests' fixtures: documents, goals and reports, public or not.
policy = test_sok.policy
make_document = test_sok.make_document
make_goal = test_sok.make_goal
make_report = test_sok.make_report

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _locs(client, url) -> list[tuple[str, str | None]]:
    """(loc, lastmod) of a sitemap or sitemap index, parsed as XML."""
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    return [
        (node.findtext("sm:loc", namespaces=NS), node.findtext("sm:lastmod", namespaces=NS))
        for node in root
    ]


def sitemap_paths(client) -> dict[str, str | None]:
    """Every address of the sitemap, following the index: path -> lastmod."""
    found = {}
    for section, _ in _locs(client, "/sitemap.xml"):
        parts = urlsplit(section)
        assert parts.scheme == "http" and parts.netloc == "testserver"
        for loc, lastmod in _locs(client, parts.path + (f"?{parts.query}" if parts.query else "")):
            found[urlsplit(loc).path] = lastmod
    return found


@pytest.fixture
def world(org, make_document, make_goal, make_report):
    """What is public and what is not, one of each."""
    dokument = make_document("Publicerad riktlinje", text="Text.")
    Dokumentversion.objects.filter(dokument=dokument).update(
        publicerad_tid="2026-03-02T10:00:00+01:00"
    )
    with_draft = make_document("Publicerad med utkast")
    Dokumentversion.objects.create(
        dokument=with_draft,
        versionsnummer=2,
        status=Dokumentversion.Status.UTKAST,
        titel="Utkast",
    )
    draft = make_document("Bara utkast", status=Dokumentversion.Status.UTKAST)
    mal = make_goal("Antaget mål")
    draft_goal = make_goal("Målutkast", status=Mal.Status.UTKAST)
    rapport = make_report("Antagen.")
    submitted = make_report(
        "Inlämnad.", status=Rapport.Status.INLAMNAD, slag=Rapportversion.Slag.INLAMNAD
    )
    AretSomGick.objects.create(ar=2025, publicerad=True)
    AretSomGick.objects.create(ar=2026, publicerad=False)
    return {
        "dokument": dokument,
        "with_draft": with_draft,
        "draft": draft,
        "mal": mal,
        "draft_goal": draft_goal,
        "rapport": rapport,
        "submitted": submitted,
    }


def test_sitemap_lists_the_public_pages_and_never_a_draft(client, org, world):
    paths = sitemap_paths(client)

    dokument, rapport = world["dokument"], world["rapport"]
    for path in [
        "/",
        "/dokument/",
        "/dokument/forfattningssamling/",
        "/organisation/",
        f"/organisation/{org['bun'].pk}/",
        "/mal/",
        f"/mal/{world['mal'].pk}/",
        f"/mal/organ/{org['kf'].pk}/",
        "/uppfoljning/",
        f"/dokument/{dokument.pk}/",
        f"/dokument/{dokument.pk}/version/1/",
        f"/dokument/{world['with_draft'].pk}/",
        f"/dokument/{world['with_draft'].pk}/version/1/",
        f"/uppfoljning/rapporter/{rapport.pk}/las/",
        "/uppfoljning/aret-som-gick/2025/",
    ]:
        assert path in paths, path
    for path in [
        f"/dokument/{world['with_draft'].pk}/version/2/",
        f"/dokument/{world['draft'].pk}/",
        f"/dokument/{world['draft'].pk}/version/1/",
        f"/mal/{world['draft_goal'].pk}/",
        f"/uppfoljning/rapporter/{world['submitted'].pk}/las/",
        "/uppfoljning/aret-som-gick/2026/",
    ]:
        assert path not in paths, path
    # Every address is a page that answers an anonymous reader.
    for path in paths:
        assert client.get(path).status_code == 200, path


def test_sitemap_gives_when_a_document_was_published_and_a_report_adopted(client, world):
    paths = sitemap_paths(client)

    assert paths[f"/dokument/{world['dokument'].pk}/"] == "2026-03-02"
    assert paths[f"/dokument/{world['dokument'].pk}/version/1/"] == "2026-03-02"
    # frys() dates the adopted version 2026-02-20.
    assert paths[f"/uppfoljning/rapporter/{world['rapport'].pk}/las/"] == "2026-02-20"


def test_sitemap_sections_are_paginated(client, monkeypatch, make_goal):
    monkeypatch.setattr(sitemaps.Mal, "limit", 2)
    goals = [make_goal(f"Mål {n}") for n in range(5)]

    index = [loc for loc, _ in _locs(client, "/sitemap.xml")]
    pages = [loc for loc in index if "/sitemap-mal.xml" in loc]

    assert pages == [
        "http://testserver/sitemap-mal.xml",
        "http://testserver/sitemap-mal.xml?p=2",
        "http://testserver/sitemap-mal.xml?p=3",
    ]
    listed = [
        loc for page in ("", "?p=2", "?p=3") for loc, _ in _locs(client, f"/sitemap-mal.xml{page}")
    ]
    assert listed == [f"http://testserver/mal/{mal.pk}/" for mal in goals]


@pytest.mark.parametrize(
    "url", ["/sitemap-okand.xml", "/sitemap-mal.xml?p=x", "/sitemap-mal.xml?p=99"]
)
def test_a_bad_sitemap_address_is_not_found(client, db, url):
    assert client.get(url).status_code == 404


def _sitemap_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("each", [1, 12])
def test_sitemap_runs_a_fixed_number_of_queries(
    client, make_document, make_goal, make_report, each
):
    for n in range(each):
        make_document(f"Riktlinje {n}")
        make_goal(f"Mål {n}")
        make_report(f"Rapport {n}.")

    # The index: a COUNT per section and the latest change of documents, versions, reports.
    assert _sitemap_queries(client, "/sitemap.xml") == len(sitemaps.SITEMAPS) - 1 + 3
    # A section's page: its COUNT and its slice.
    for section in ("dokument", "versioner", "mal", "organ", "rapporter", "organisationer"):
        assert _sitemap_queries(client, f"/sitemap-{section}.xml") == 2, section


# --- robots.txt -------------------------------------------------------------------------------


def _rules(text: str) -> list[tuple[str, str]]:
    return re.findall(r"^(Allow|Disallow): (\S+)$", text, re.MULTILINE)


def _allowed(rules, path: str) -> bool:
    """RFC 9309: the longest matching rule wins, Allow over Disallow at equal length; `*`
    matches any characters."""
    best = ("Allow", "")
    for kind, pattern in rules:
        regex = "^" + ".*".join(re.escape(part) for part in pattern.split("*"))
        if re.match(regex, path) and (
            len(pattern) > len(best[1]) or (len(pattern) == len(best[1]) and kind == "Allow")
        ):
            best = (kind, pattern)
    return best[0] == "Allow"


def test_robots_txt_names_the_sitemap_and_keeps_crawlers_out_of_the_staff_tools(client, db):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "User-agent: *" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text.splitlines()
    rules = _rules(text)
    for public in [
        "/",
        "/dokument/",
        "/dokument/12/",
        "/dokument/12/version/3/",
        "/dokument/12/version/3/pdf/",
        "/dokument/12/jamfor/",
        "/dokument/forfattningssamling/",
        "/mal/",
        "/mal/7/",
        "/mal/organ/4/",
        "/mal/uppdrag/",
        "/organisation/4/",
        "/uppfoljning/",
        "/uppfoljning/rapporter/5/las/",
        "/uppfoljning/rapporter/5/pdf/",
        "/uppfoljning/rapporter/5/version/2/",
        "/uppfoljning/aret-som-gick/2025/",
        "/sitemap.xml",
        "/prenumerera/",
    ]:
        assert _allowed(rules, public), public
    for staff in [
        "/admin/",
        "/admin/dokument/dokument/",
        "/konto/logga-in/",
        "/min-sida/",
        "/dokument/nytt/",
        "/dokument/granskning/",
        "/dokument/12/revidera/",
        "/dokument/12/version/3/andra/",
        "/dokument/12/version/3/publicera/",
        "/mal/nytt/",
        "/mal/7/andra/",
        "/mal/7/bedomning/",
        "/mal/indikator/3/varde/",
        "/uppfoljning/rapporter/5/",
        "/uppfoljning/rapporter/5/lamna-in/",
        "/uppfoljning/kalender/",
        "/uppfoljning/status/",
        "/uppfoljning/ekonomi/import/",
        "/uppfoljning/sammanstallning/5/",
        "/uppfoljning/aret-som-gick/2025/andra/",
        "/prenumerera/bekrafta/abc/",
    ]:
        assert not _allowed(rules, staff), staff
