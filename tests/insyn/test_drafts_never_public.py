"""Drafts and internal material never appear on any public surface (issue 11): a world of
hidden things, each with a word of its own (drafts, an adopted but unpublished version, a
confidential version, a document never published, draft goals and their indicators,
preliminary values, a submitted report, a reopened report's new version), and an anonymous
visitor who reads every public surface the way a crawler does: the lists, the one search, the
feeds, the sitemap, the CSV files, the JSON API with its description, OParl and the DCAT
catalogue, following every link and address they give on this site. No answer holds a hidden
word. (The mails are made from the same counted public acts as the feeds: tests/insyn.)"""

import re
from collections import deque
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings

from tests.oppnadata.api_world import HIDDEN_WORDS, build_world

# Where a visitor or a harvester starts; every link from there is followed.
SEEDS = [
    "/",
    "/dokument/",
    "/dokument/forfattningssamling/",
    "/mal/",
    "/uppfoljning/",
    "/organisation/",
    "/sok/?q=skolskjuts",
    "/flode/dokument/",
    "/flode/rapporter/",
    "/sitemap.xml",
    "/robots.txt",
    "/dokument/export/dokument.csv",
    "/dokument/export/forfattningssamling.csv",
    "/organisation/export/organisationer.csv",
    "/uppfoljning/export/rapporter.csv",
    "/mal/export/mal.csv",
    "/mal/export/indikatorer.csv",
    "/mal/export/varden.csv",
    "/mal/uppdrag/export/uppdrag.csv",
    "/mal/jamforelse/export/maluppfyllelse.csv",
    "/api/docs",
    "/api/openapi.json",
    "/api/organisationer/",
    "/api/dokument/",
    "/api/mal/",
    "/api/indikatorer/",
    "/api/malvarden/",
    "/api/varden/",
    "/api/rapporter/",
    "/oparl/",
    "/datasets/dcat",
    "/oppna-data/",
]
# Searches on every surface that searches, for each hidden word by its stem ("Utkastord" finds
# "Utkastordet" as "skolskjutsen" finds "skolskjuts"), so the page's echo of the query is not
# the hidden word itself and only a hit can show it.
SEARCHES = ["/sok/?q={}", "/dokument/?q={}", "/api/dokument/?q={}", "/flode/dokument/?q={}"]
STEMS = [w.removesuffix("et") for w in HIDDEN_WORDS]
# Not followed: what a visitor cannot use without an account, and files of every version (read
# through their pages).
SKIP = re.compile(r"^/(konto|admin|static|media)/|/(nytt|andra|revidera|lanka|pdf)/|/fil/$")
LIMIT = 600


def _links(path: str, body: str) -> list[str]:
    """The addresses on this site a page, a feed, a sitemap or a JSON answer gives."""
    site = settings.SITE_URL.rstrip("/")
    found = re.findall(r'(?:href|src)="([^"#]+)', body)
    found += re.findall(r"<loc>([^<]+)</loc>", body)
    found += re.findall(r'"(https?://[^"\s]+|/[a-z][^"\s]*)"', body)
    found += re.findall(r"rdf:(?:about|resource)=\"([^\"]+)\"", body)
    paths = []
    for raw in found:
        url = unescape(raw)
        if url.startswith(site):
            url = url[len(site) :] or "/"
        url = urljoin(path, url)
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


def _body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


@pytest.mark.django_db
def test_no_public_surface_holds_a_hidden_word(client, org):
    world = build_world(org)
    queue = deque(SEEDS + [s.format(w) for s in SEARCHES for w in STEMS])
    seen: set[str] = set(queue)
    read, found = 0, []

    while queue and read < LIMIT:
        path = queue.popleft()
        response = client.get(path)
        read += 1
        assert response.status_code < 500, path
        if response.status_code != 200:
            continue
        body = _body(response)
        found += [(path, w) for w in HIDDEN_WORDS if w.lower() in body.lower()]
        for link in _links(path, body):
            if link not in seen and not SKIP.search(link):
                seen.add(link)
                queue.append(link)

    # the world is there, and a search by a stem finds what is public
    public = client.get(f"/api/dokument/{world['riktlinje'].pk}/").json()
    found_by_stem = [
        "Riktlinjer för skolskjuts 2024" in _body(client.get(s.format("skolskjutsen")))
        for s in SEARCHES
    ]
    assert public["titel"] == "Riktlinjer för skolskjuts 2024"
    assert found_by_stem == [True, True, True, False]  # the feed lists acts: the world has none
    print(f"{read} answers read, {len(seen)} addresses found")
    assert found == []
    assert read > 100  # every kind of surface was reached, not only the seeds
