"""The Atom feeds (`insyn.floden`): each valid by RFC 4287's RELAX NG grammar (jing), entry ids
stable and unique, the counted public events only (never a draft), bounded queries, and a
Swedish 400 for a bad filter."""

import datetime
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from dokument import services
from insyn import floden
from styrning.actionlog import Handling, log_action
from tests.dokument.conftest import header
from tests.uppfoljning.test_publik import antagen_rapport

ATOM = "{http://www.w3.org/2005/Atom}"
GRAMMAR = Path(__file__).with_name("atom.rnc")  # RFC 4287, Appendix B
PYJING = Path(django_settings.BASE_DIR) / ".venv" / "bin" / "pyjing"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = "https://styrning.example.se"


def jing_errors(xml: bytes, tmp_path) -> str:
    """jing's complaints about the document by RFC 4287's grammar ("" when valid)."""
    path = tmp_path / "flode.xml"
    path.write_bytes(xml)
    result = subprocess.run(
        [str(PYJING), "-c", str(GRAMMAR), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return (result.stdout + result.stderr).strip() or ("" if result.returncode == 0 else "fel")


def entries(response) -> list[dict]:
    root = ET.fromstring(response.content)
    return [
        {
            "id": e.findtext(f"{ATOM}id"),
            "title": e.findtext(f"{ATOM}title"),
            "link": e.find(f"{ATOM}link").get("href"),
            "updated": e.findtext(f"{ATOM}updated"),
        }
        for e in root.findall(f"{ATOM}entry")
    ]


def revise(dokument, user, org, *, titel, organ="bun", publish=True):
    latest = dokument.versioner.order_by("-versionsnummer").first().versionsnummer
    version = services.revidera_dokument(
        user=user,
        dokument=dokument,
        data=header(
            titel=titel,
            faststalld_av=org[organ],
            beslutsdatum=datetime.date(2025, 1, 1),
            paragraf="§ 3",
        ),
        senaste_version=latest,
    )
    if publish:
        services.publicera_version(user=user, version=version, bekraftat_personnummer=True)
    return version


def adopt_report(org, organisation, ar=2025):
    rapport = antagen_rapport(organisation, antagen_av=org["kf"], ar=ar)
    log_action(
        user=None,
        handling=Handling.RAPPORT_ANTAGEN,
        objekt=rapport,
        organisation=rapport.organisation_id,
        data={"organ": org["kf"].pk, "version": 1},
        publik=True,
    )
    return rapport


@pytest.fixture
def world(make_dokument, administrator, org, typer):
    """A policy of KF, a riktlinje of BUN revised once and reviewed, a report of BUN adopted."""
    policy = make_dokument(typ="Policy", agare="kf", titel="Policy för inköp")
    riktlinje = make_dokument(
        titel="Riktlinjer för skolskjuts", text="Busskort och taxi för elever."
    )
    revise(riktlinje, administrator, org, titel="Riktlinjer för skolskjuts, reviderade")
    riktlinje.versioner.get(ar_aktuell=True).giltighetsomrade.set([org["buf"]])
    services.registrera_granskning(
        user=administrator, dokument=riktlinje, datum=timezone.localdate(), utfall="aktuell"
    )
    rapport = adopt_report(org, org["bun"])
    return {"policy": policy, "riktlinje": riktlinje, "rapport": rapport}


def feeds(world, org, typer) -> dict[str, tuple[str, dict]]:
    return {
        "alla": ("/flode/dokument/", {}),
        "organ": ("/flode/dokument/", {"organ": org["kf"].pk}),
        "typ och omfattning": (
            "/flode/dokument/",
            {"typ": typer["Riktlinje"].pk, "omfattar": org["buf"].pk},
        ),
        "ord": ("/flode/dokument/", {"q": "skolskjuts"}),
        "ett dokument": (f"/flode/dokument/{world['riktlinje'].pk}/", {}),
        "rapporter": ("/flode/rapporter/", {}),
        "rapporter per organ": ("/flode/rapporter/", {"organ": org["bun"].pk}),
    }


FEEDS = ["alla", "organ", "typ och omfattning", "ord", "ett dokument", "rapporter"]


@pytest.mark.parametrize("name", [*FEEDS, "rapporter per organ"])
def test_each_feed_is_valid_atom_by_rfc_4287s_grammar(client, world, org, typer, name, tmp_path):
    url, params = feeds(world, org, typer)[name]

    response = client.get(url, params)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert jing_errors(response.content, tmp_path) == ""
    root = ET.fromstring(response.content)
    # The grammar's Schematron rules, which jing leaves unchecked: an author for the feed
    # and a link on every entry.
    assert root.findtext(f"{ATOM}author/{ATOM}name") == django_settings.KOMMUN_NAMN
    assert all(e["link"].startswith("http://testserver/") for e in entries(response))


def test_grammar_refuses_what_rfc_4287_forbids(tmp_path):
    """The test can fail: a feed without an id and with a date that is no date is refused."""
    bad = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>'
        b"<updated>i g\xc3\xa5r</updated></feed>"
    )

    errors = jing_errors(bad, tmp_path)

    assert 'missing required element "id"' in errors
    assert "must be an ISO date and time" in errors


def test_document_feed_holds_the_counted_events_newest_first(client, world):
    response = client.get("/flode/dokument/")
    found = entries(response)

    assert [e["title"] for e in found] == [
        "Prövat: Riktlinjer för skolskjuts, reviderade",
        "Reviderat: Riktlinjer för skolskjuts, reviderade (version 2)",
        "Nytt: Riktlinjer för skolskjuts (version 1)",
        "Nytt: Policy för inköp (version 1)",
    ]
    pk = world["riktlinje"].pk
    assert found[1]["link"] == f"http://testserver/dokument/{pk}/version/2/"
    assert found[0]["link"] == f"http://testserver/dokument/{pk}/"
    assert [e["updated"] for e in found] == sorted((e["updated"] for e in found), reverse=True)


def test_feeds_follow_their_selection(client, world, org, typer):
    titles = {
        name: [e["title"] for e in entries(client.get(url, params))]
        for name, (url, params) in feeds(world, org, typer).items()
    }

    assert titles["organ"] == ["Nytt: Policy för inköp (version 1)"]
    assert titles["ord"] == titles["ett dokument"] == titles["typ och omfattning"]
    assert titles["ett dokument"] == [
        "Prövat: Riktlinjer för skolskjuts, reviderade",
        "Reviderat: Riktlinjer för skolskjuts, reviderade (version 2)",
        "Nytt: Riktlinjer för skolskjuts (version 1)",
    ]
    assert len(titles["rapporter"]) == 1
    assert titles["rapporter"] == titles["rapporter per organ"]
    assert titles["rapporter"][0].startswith("Antagen rapport: ")
    assert entries(client.get("/flode/rapporter/", {"organ": org["sn"].pk})) == []


def test_entry_ids_are_stable_across_requests_and_unique(client, world, org, typer):
    first = {
        name: [e["id"] for e in entries(client.get(url, params))]
        for name, (url, params) in feeds(world, org, typer).items()
    }
    second = {
        name: [e["id"] for e in entries(client.get(url, params, HTTP_HOST="localhost"))]
        for name, (url, params) in feeds(world, org, typer).items()
    }

    assert first == second
    every = first["alla"] + first["rapporter"]
    assert len(every) == len(set(every)) == 5
    day = timezone.localdate().isoformat()
    assert all(re.fullmatch(rf"tag:styrning\.example\.se,{day}:handelse/\d+", i) for i in every)
    # an event keeps its id when newer events come before it in the feed
    adopt_report(org, org["sn"], ar=2024)
    later = [e["id"] for e in entries(client.get("/flode/rapporter/"))]
    assert later[1:] == first["rapporter"]


def test_feed_id_and_self_link_name_the_selection(client, world, org):
    response = client.get("/flode/dokument/", {"organ": org["kf"].pk, "sida": "3"})
    root = ET.fromstring(response.content)

    assert root.findtext(f"{ATOM}id") == (
        f"tag:styrning.example.se,{floden.FEED_DATE}:flode/dokument?organ={org['kf'].pk}"
    )
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links == {
        "alternate": f"http://testserver/dokument/?organ={org['kf'].pk}",
        "self": f"http://testserver/flode/dokument/?organ={org['kf'].pk}",
    }
    assert root.findtext(f"{ATOM}title").startswith(
        "Nya, reviderade och upphävda styrdokument fastställda av Kommunfullmäktige"
    )


@pytest.mark.parametrize("who", [None, "utomstaende", "sekreterare_bun"])
def test_no_draft_or_unpublished_word_reaches_a_feed(
    client, world, org, typer, administrator, make_dokument, request, who
):
    if who:
        client.force_login(request.getfixturevalue(who))
    utkast = make_dokument(titel="Utkast om Gröngylingsbacken", publish=False)
    revise(
        world["policy"],
        administrator,
        org,
        titel="Policy Blåvalsgrottan",
        organ="kf",
        publish=False,
    )
    services.andra_utkast(
        user=administrator,
        version=utkast.versioner.get(),
        data=header(titel="Utkast om Gröngylingsbacken, rättat", faststalld_av=org["bun"]),
    )

    bodies = [
        client.get(url, params).content.decode()
        for url, params in feeds(world, org, typer).values()
    ]
    searched = client.get("/flode/dokument/", {"q": "Gröngylingsbacken"})

    assert [("Gröngylingsbacken" in b, "Blåvalsgrottan" in b) for b in bodies] == [
        (False, False)
    ] * len(bodies)
    assert entries(searched) == []  # (its title repeats the words searched for)
    assert client.get(f"/flode/dokument/{utkast.pk}/").status_code == 404


@pytest.mark.parametrize("many", [1, 8])
def test_feed_query_count_is_the_same_for_one_and_many(
    client, make_dokument, org, many, django_assert_num_queries
):
    for n in range(many):
        make_dokument(titel=f"Riktlinje {n}")
    make_dokument(agare="kf", titel="Policy")

    # the body checked, its name for the title, the events (their organisations joined) of the
    # body's published documents (a subquery)
    with django_assert_num_queries(3):
        response = client.get("/flode/dokument/", {"organ": org["bun"].pk})

    assert len(entries(response)) == many


def test_a_feed_holds_at_most_its_number_of_entries(client, make_dokument, monkeypatch):
    monkeypatch.setattr(floden, "ANTAL", 3)
    for n in range(5):
        make_dokument(titel=f"Riktlinje {n}")

    found = [e["title"] for e in entries(client.get("/flode/dokument/"))]

    assert found == [f"Nytt: Riktlinje {n} (version 1)" for n in (4, 3, 2)]


@pytest.mark.parametrize(
    ("url", "params", "message"),
    [
        ("/flode/dokument/", {"organ": "tre"}, "Värdet för organ ska vara ett heltal."),
        ("/flode/dokument/", {"organ": str(2**70)}, "Värdet för organ ska vara ett heltal."),
        ("/flode/dokument/", {"organ": "999999"}, "Organet finns inte."),
        ("/flode/dokument/", {"typ": "-1"}, "Värdet för typ ska vara ett heltal."),
        ("/flode/dokument/", {"omfattar": "999999"}, "Organisationen finns inte."),
        ("/flode/dokument/", {"q": "x" * 201}, "Sökorden får vara högst 200 tecken."),
        ("/flode/dokument/", {"q": "a\x00b"}, "Sökorden innehåller ett otillåtet tecken."),
        ("/flode/rapporter/", {"typ": "1"}, "Rapporter kan bara följas per organ."),
        ("/flode/rapporter/", {"organ": "1.5"}, "Värdet för organ ska vara ett heltal."),
    ],
)
def test_a_bad_filter_is_a_swedish_400(client, org, url, params, message):
    response = client.get(url, params)

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == f"Webbflödet kunde inte visas: {message}\n"


def test_a_feed_of_a_document_not_published_is_404(client, make_dokument):
    utkast = make_dokument(titel="Utkast", publish=False)

    assert client.get(f"/flode/dokument/{utkast.pk}/").status_code == 404
    assert client.get("/flode/dokument/999999/").status_code == 404


# --- Links from the pages the feeds follow ------------------------------------------------------


def test_pages_link_their_feeds_in_the_head_and_visibly(client, world, org):
    pk, bun = world["riktlinje"].pk, org["bun"].pk
    pages = {
        f"/dokument/?organ={bun}&status=gallande&sida=1": f"/flode/dokument/?organ={bun}",
        f"/dokument/{pk}/": f"/flode/dokument/{pk}/",
        f"/uppfoljning/?organ={bun}": f"/flode/rapporter/?organ={bun}",
        f"/organisation/{org['kf'].pk}/": f"/flode/dokument/?organ={org['kf'].pk}",
    }

    for page, feed in pages.items():
        html = client.get(page).content.decode()
        href = feed.replace("&", "&amp;")
        head = html.split("</head>")[0]

        assert re.search(
            rf'<link rel="alternate" type="application/atom\+xml" title="[^"]+" '
            rf'href="{re.escape(href)}">',
            head,
        ), page
        assert f'href="{href}" type="application/atom+xml">' in html.split("</head>")[1], page
        assert client.get(feed).status_code == 200
    assert "Följ via webbflöde (Atom)" in client.get(f"/dokument/{pk}/").content.decode()
