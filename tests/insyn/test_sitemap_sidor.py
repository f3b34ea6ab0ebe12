"""Every public page of the sitemap, read as an anonymous visitor, has its own meaningful
<title> and a <meta name="description"> of its own."""

import html
import re

from tests.insyn import test_sitemap, test_sok
from tests.mal.factories import UppdragFactory

policy = test_sok.policy
make_document = test_sok.make_document
make_goal = test_sok.make_goal
make_report = test_sok.make_report
world = test_sitemap.world

DEFAULT_DESCRIPTION = (
    "Ådalens kommuns styr- och ledningssystem: publicerade styrdokument, mål och uppföljning."
)


def _head(content: str) -> tuple[str, str]:
    title = re.search(r"<title>(.*?)</title>", content, re.S)
    description = re.search(r'<meta name="description" content="([^"]*)">', content)
    assert title and description
    return (
        " ".join(html.unescape(title.group(1)).split()),
        " ".join(html.unescape(description.group(1)).split()),
    )


def test_every_public_page_has_its_own_title_and_description(client, org, world):
    UppdragFactory(givet_av=org["kf"], givet_till=org["bun"], titel="Utred en ny simhall")
    paths = sorted(test_sitemap.sitemap_paths(client)) + ["/sok/"]
    assert len(paths) > 20

    heads = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        heads[path] = _head(response.content.decode())

    for path, (title, description) in heads.items():
        assert title.endswith(" – Ådalens kommun") and len(title) >= len(" – Ådalens kommun") + 3
        assert len(description) >= 40, (path, description)
        assert description != DEFAULT_DESCRIPTION, path
        assert "{" not in description and "None" not in description, (path, description)
    titles = [title for title, _ in heads.values()]
    descriptions = [description for _, description in heads.values()]
    assert len(set(titles)) == len(titles), sorted(titles)
    assert len(set(descriptions)) == len(descriptions), sorted(descriptions)


def test_a_document_page_describes_its_type_and_adopting_body(client, world):
    dokument = world["dokument"]

    title, description = _head(client.get(f"/dokument/{dokument.pk}/").content.decode())

    assert title == "Publicerad riktlinje – Ådalens kommun"
    assert description.startswith("Publicerad riktlinje: policy fastställd av Kommunfullmäktige")


def test_a_report_page_describes_its_body_and_adoption(client, org, world):
    rapport = world["rapport"]

    _, description = _head(client.get(f"/uppfoljning/rapporter/{rapport.pk}/las/").content.decode())

    assert f"för {rapport.organisation.namn}, antagen av Kommunfullmäktige" in description
