"""OParl 1.1 at /oparl/: every object the endpoint serves for a small world, reached by following
links from the entry point and validated against the standard's JSON Schemas; the list protocol;
deleted objects; drafts never shown; a bounded number of queries per list page."""

import datetime
import json
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dokument import services
from dokument.models import Dokumentversion
from styrning.models import Organisation
from tests.dokument.factories import DokumentFactory, DokumentversionFactory, published
from tests.factories import MandatperiodFactory, OrganisationFactory

T = Organisation.Typ
STANDARD = Path(settings.BASE_DIR).parent / "shared" / "standards" / "oparl-1.1" / "schema"
SECRET_WORDS = ("Hemligtutkastord", "Faststalltopubliceratord", "Sekretessord", "Bortglomtord")


# --- The schemas ------------------------------------------------------------------------------

_formats = jsonschema.FormatChecker()


@_formats.checks("url")
def _is_url(value) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@_formats.checks("date-time", raises=ValueError)
def _is_date_time(value) -> bool:
    return datetime.datetime.fromisoformat(value).tzinfo is not None and "T" in value


@_formats.checks("date", raises=ValueError)
def _is_date(value) -> bool:
    return datetime.date.fromisoformat(value).isoformat() == value


def _validator(kind: str) -> jsonschema.Draft4Validator:
    schema = json.loads((STANDARD / f"{kind}.json").read_text())
    return jsonschema.Draft4Validator(schema, format_checker=_formats)


VALIDATORS = {
    kind: _validator(kind)
    for kind in (
        "System",
        "Body",
        "Organization",
        "LegislativeTerm",
        "Paper",
        "File",
        "Consultation",
        "Person",
        "Meeting",
    )
}

# The objects OParl embeds in others, by the property that holds them.
EMBEDDED = {
    "mainFile": "File",
    "auxiliaryFile": "File",
    "consultation": "Consultation",
    "legislativeTerm": "LegislativeTerm",
}


def _kind(obj: dict) -> str:
    prefix = "https://schema.oparl.org/1.1/"
    assert obj["type"].startswith(prefix), obj["type"]
    return obj["type"].removeprefix(prefix)


def _path(address: str) -> str:
    assert address.startswith(settings.SITE_URL), address
    return address.removeprefix(settings.SITE_URL)


# --- The world --------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _at(year, month, day) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, 10, 0))


@pytest.fixture
def world(org, sekreterare_bun):
    """Published versions of every kind the endpoint serves, and the material it must never
    show (each with a word of its own)."""
    MandatperiodFactory(start_ar=2023, slut_ar=2026)
    # A guideline of BUN in two published versions (the first with its uploaded file) and a
    # draft of a third.
    riktlinje = DokumentFactory(agare=org["bun"])
    first = published(
        riktlinje,
        versionsnummer=1,
        ar_aktuell=False,
        titel="Riktlinjer för skolskjuts",
        diarienummer="BUN 2023/12",
        beslutsdatum=datetime.date(2023, 5, 4),
        publicerad_tid=_at(2023, 5, 10),
        fil=SimpleUploadedFile("skolskjuts.pdf", b"%PDF-1.7 original"),
    )
    second = published(
        riktlinje,
        versionsnummer=2,
        titel="Riktlinjer för skolskjuts",
        diarienummer="BUN 2024/7",
        beslutsdatum=datetime.date(2024, 3, 1),
        publicerad_tid=_at(2024, 3, 8),
    )
    DokumentversionFactory(
        dokument=riktlinje,
        versionsnummer=3,
        titel="Riktlinjer för skolskjuts, Hemligtutkastord",
        text="Hemligtutkastord",
    )
    # A policy adopted by KF, owned by KS, decided long ago (its term is derived), repealed.
    policy = DokumentFactory(agare=org["ks"])
    published(
        policy,
        titel="Policy för representation",
        faststalld_av=org["kf"],
        beslutsdatum=datetime.date(2015, 9, 21),
        paragraf="§ 101",
        diarienummer="KS 2015/88",
        publicerad_tid=_at(2015, 9, 30),
    )
    # A routine adopted by the förvaltning itself (no political body in its Consultation).
    rutin = DokumentFactory(agare=org["buf"])
    published(
        rutin,
        titel="Rutin för skolskjutsbeställning",
        faststalld_av=org["buf"],
        publicerad_tid=_at(2024, 4, 2),
    )
    # What must never appear: a draft, an adopted version not published, a confidential one,
    # and a registration withdrawn before publication.
    DokumentversionFactory(dokument=DokumentFactory(agare=org["bun"]), titel="Hemligtutkastord")
    DokumentversionFactory(
        dokument=DokumentFactory(agare=org["bun"]),
        titel="Plan Faststalltopubliceratord",
        status=Dokumentversion.Status.FASTSTALLD,
        faststalld_av=org["bun"],
        beslutsdatum=datetime.date(2024, 6, 1),
    )
    DokumentversionFactory(
        dokument=DokumentFactory(agare=org["sn"]),
        titel="Rutin Sekretessord",
        status=Dokumentversion.Status.FASTSTALLD,
        sekretess=True,
        sekretess_paragraf="26 kap. 1 § OSL",
    )
    makulerad = DokumentFactory(agare=org["bun"])
    DokumentversionFactory(dokument=makulerad, titel="Bortglomtord")
    services.makulera_dokument(user=sekreterare_bun, dokument=makulerad, orsak="Fel registrering")
    return {"riktlinje": riktlinje, "first": first, "second": second, "policy": policy}


def _crawl(client) -> tuple[dict[str, dict], list[str], Counter]:
    """Every address reachable from /oparl/: the objects by id, the bodies of every answer,
    and how many objects of each type were validated (embedded ones included)."""
    objects: dict[str, dict] = {}
    bodies: list[str] = []
    validated: Counter = Counter()
    seen: set[str] = set()
    queue = [settings.SITE_URL + "/oparl/"]

    def validate(obj: dict, where: str):
        kind = _kind(obj)
        errors = [e.message for e in VALIDATORS[kind].iter_errors(obj)]
        assert errors == [], f"{kind} {obj.get('id')} at {where}: {errors}"
        validated[kind] += 1
        for prop in EMBEDDED:
            if prop in obj and not isinstance(obj[prop], str):
                for item in obj[prop] if isinstance(obj[prop], list) else [obj[prop]]:
                    assert _kind(item) == EMBEDDED[prop]
                    validate(item, f"{where} {prop}")

    def follow(value):
        if isinstance(value, str):
            if value.startswith(settings.SITE_URL + "/oparl/") and value not in seen:
                seen.add(value)
                queue.append(value)
        elif isinstance(value, list):
            for item in value:
                follow(item)
        elif isinstance(value, dict):
            for item in value.values():
                follow(item)

    seen.add(queue[0])
    while queue:
        address = queue.pop(0)
        response = client.get(_path(address))
        assert response.status_code == 200, (address, response.content[:300])
        assert response["Content-Type"].startswith("application/json")
        body = response.json()
        bodies.append(response.content.decode())
        if "data" in body:
            assert set(body) == {"data", "pagination", "links"}
            assert len(body["data"]) <= 100
            for obj in body["data"]:
                validate(obj, address)
                objects.setdefault(obj["id"], obj)
            validated["list page"] += 1
        else:
            validate(body, address)
            assert body["id"] == address, "an object's id is its own address"
            objects[body["id"]] = body
        follow(body)
    return objects, bodies, validated


# --- Tests --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_object_reached_from_the_entry_point_is_valid_oparl(client, world, org):
    objects, bodies, validated = _crawl(client)

    kinds = Counter(_kind(o) for o in objects.values())
    assert kinds == {
        "System": 1,
        "Body": 1,
        # KF, KS, BUN, SN: the political bodies, not the förvaltningar and enheter.
        "Organization": 4,
        # 2015–2018 and 2019–2022 derived from the policy's decision on, 2023–2026 entered.
        "LegislativeTerm": 3,
        "Paper": 4,
        # A PDF per version, the first version's uploaded file.
        "File": 5,
        "Consultation": 4,
    }
    # Fetched whole at its own address, embedded, or in a list: each validated.
    print(f"\nOParl objects validated per type: {dict(sorted(validated.items()))}")
    assert validated["Paper"] >= 8 and validated["File"] >= 15 and validated["Consultation"] >= 12


@pytest.mark.django_db
def test_drafts_and_internal_material_never_appear(client, world):
    _, bodies, _ = _crawl(client)
    text = "\n".join(bodies)
    for word in SECRET_WORDS:
        assert word not in text
    assert "Riktlinjer för skolskjuts" in text


@pytest.mark.django_db
def test_paper_carries_its_files_decision_and_versions(client, world, org):
    first, second = world["first"], world["second"]
    base = settings.SITE_URL
    body = client.get(f"/oparl/paper/{first.dokument_id}/1/").json()

    assert body["name"] == "Riktlinjer för skolskjuts"
    assert body["reference"] == "BUN 2023/12"
    assert body["date"] == "2023-05-04"
    assert body["relatedPaper"] == [f"{base}/oparl/paper/{second.dokument_id}/2/"]
    assert body["mainFile"]["accessUrl"] == f"{base}/dokument/{first.dokument_id}/version/1/pdf/"
    assert body["auxiliaryFile"][0]["accessUrl"] == (
        f"{base}/dokument/{first.dokument_id}/version/1/fil/"
    )
    assert body["auxiliaryFile"][0]["fileName"] == Path(first.fil.name).name
    assert body["underDirectionOf"] == [f"{base}/oparl/organization/{org['bun'].pk}/"]
    assert body["styrning:aktuellVersion"] is False
    (decision,) = body["consultation"]
    assert decision["organization"] == [f"{base}/oparl/organization/{org['bun'].pk}/"]
    assert decision["styrning:beslutsdatum"] == "2023-05-04"
    assert decision["styrning:paragraf"] == "§ 12"
    assert decision["styrning:diarienummer"] == "BUN 2023/12"
    assert client.get(_path(decision["id"])).json() == {**decision, "paper": body["id"]}


@pytest.mark.django_db
def test_decision_of_a_body_of_officials_names_it_without_an_organization(client, world):
    papers = client.get("/oparl/papers/").json()["data"]
    rutin = next(p for p in papers if p["name"] == "Rutin för skolskjutsbeställning")
    (decision,) = rutin["consultation"]
    assert "organization" not in decision
    assert decision["styrning:beslutandeOrgan"] == "Barn- och utbildningsförvaltningen"


@pytest.mark.django_db
def test_unpublished_version_and_missing_objects_are_json_404(client, world):
    riktlinje = world["riktlinje"]
    for path in (
        f"/oparl/paper/{riktlinje.pk}/3/",
        f"/oparl/file/{riktlinje.pk}/3/pdf/",
        f"/oparl/file/{riktlinje.pk}/2/original/",  # the second version has no uploaded file
        f"/oparl/consultation/{riktlinje.pk}/3/",
        "/oparl/organization/999999/",
        f"/oparl/organization/{world['policy'].agare.overordnad.overordnad_id}/",  # kommun
        "/oparl/legislativeterm/2011/",  # before the first decision
        f"/oparl/paper/{2**64}/1/",
        f"/oparl/organization/{2**64}/",
        f"/oparl/consultation/1/{2**40}/",
    ):
        response = client.get(path)
        assert (path, response.status_code) == (path, 404)
        assert response.json() == {"fel": "Objektet finns inte i OParl-gränssnittet."}


# --- The list protocol -------------------------------------------------------------------------


@pytest.mark.django_db
def test_list_pages_link_to_each_other_and_keep_the_filters(client, world):
    base = settings.SITE_URL + "/oparl/papers/"
    first = client.get("/oparl/papers/?limit=3&modified_since=2000-01-01").json()
    second = client.get(_path(first["links"]["next"])).json()

    assert first["pagination"] == {
        "totalElements": 4,
        "elementsPerPage": 3,
        "currentPage": 1,
        "totalPages": 2,
    }
    assert first["links"] == {
        "first": f"{base}?limit=3&modified_since=2000-01-01&page=1",
        "next": f"{base}?limit=3&modified_since=2000-01-01&page=2",
        "last": f"{base}?limit=3&modified_since=2000-01-01&page=2",
        "self": f"{base}?limit=3&modified_since=2000-01-01&page=1",
    }
    assert second["links"]["prev"] == first["links"]["self"]
    assert "next" not in second["links"]
    ids = [p["id"] for p in first["data"] + second["data"]]
    assert len(ids) == len(set(ids)) == 4


@pytest.mark.django_db
def test_a_page_holds_at_most_a_hundred(client, org):
    for n in range(101):
        published(DokumentFactory(agare=org["bun"]), titel=f"Riktlinje {n}")

    first = client.get("/oparl/papers/").json()
    last = client.get("/oparl/papers/?page=2").json()

    assert (len(first["data"]), len(last["data"])) == (100, 1)
    assert first["pagination"]["totalPages"] == 2


def _names(client, **params) -> list[tuple[str, int]]:
    data = client.get("/oparl/papers/", params).json()["data"]
    return sorted((p["name"], p["styrning:versionsnummer"]) for p in data)


@pytest.mark.django_db
def test_modified_since_finds_papers_changed_by_a_repeal(client, world, sekreterare_bun):
    before = timezone.now()
    until = "2024-03-09T00:00:00+01:00"
    assert _names(client, modified_until=until) == [
        ("Policy för representation", 1),
        ("Riktlinjer för skolskjuts", 1),
        ("Riktlinjer för skolskjuts", 2),
    ]

    services.upphav_dokument(
        user=sekreterare_bun,
        dokument=world["riktlinje"],
        datum=timezone.localdate(),
        beslut="Barn- och utbildningsnämnden § 3",
    )
    changed = client.get("/oparl/papers/", {"modified_since": before.isoformat()}).json()

    # Both published versions of the repealed document: still public, now marked so.
    assert sorted(p["styrning:versionsnummer"] for p in changed["data"]) == [1, 2]
    assert {p["styrning:dokumentstatus"] for p in changed["data"]} == {"Upphävd"}
    assert all("deleted" not in p for p in changed["data"])
    assert _names(client, modified_until=until) == [("Policy för representation", 1)]


@pytest.mark.django_db
def test_modified_since_finds_the_older_versions_of_a_revised_document(
    client, world, sekreterare_bun, org
):
    before = timezone.now()
    revision = DokumentversionFactory(
        dokument=world["riktlinje"],
        versionsnummer=4,
        titel="Riktlinjer för skolskjuts",
        status=Dokumentversion.Status.FASTSTALLD,
        faststalld_av=org["bun"],
        beslutsdatum=datetime.date(2026, 1, 15),
    )
    services.publicera_version(user=sekreterare_bun, version=revision)

    changed = client.get("/oparl/papers/", {"modified_since": before.isoformat()}).json()

    current = {p["styrning:versionsnummer"]: p["styrning:aktuellVersion"] for p in changed["data"]}
    assert current == {1: False, 2: False, 4: True}
    assert changed["data"][0]["relatedPaper"][-1].endswith(f"/paper/{revision.dokument_id}/4/")


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["removed", "retyped"])
def test_a_body_that_left_is_listed_as_deleted_with_modified_since(client, world, org, how):
    kultur = OrganisationFactory(kod="KUN", namn="Kulturnämnden", typ=T.NAMND, overordnad=org["kf"])
    address = f"{settings.SITE_URL}/oparl/organization/{kultur.pk}/"
    assert client.get(_path(address)).json()["name"] == "Kulturnämnden"
    before = timezone.now()
    if how == "removed":
        kultur.delete()
    else:
        kultur.typ = T.AVDELNING
        kultur.save()

    since = client.get("/oparl/organizations/", {"modified_since": before.isoformat()}).json()
    plain = client.get("/oparl/organizations/").json()
    own = client.get(_path(address)).json()

    (gone,) = [o for o in since["data"] if o.get("deleted")]
    assert (
        gone
        == own
        == {
            "id": address,
            "type": "https://schema.oparl.org/1.1/Organization",
            "modified": own["modified"],
            "deleted": True,
        }
    )
    assert list(VALIDATORS["Organization"].iter_errors(gone)) == []
    assert datetime.datetime.fromisoformat(gone["modified"]) >= before.replace(microsecond=0)
    assert [o for o in plain["data"] if o.get("deleted") or o["id"] == address] == []
    # A window that ends before the body left holds no deleted object.
    earlier = client.get(
        "/oparl/organizations/", {"modified_since": "2000-01-01", "modified_until": "2000-12-31"}
    ).json()
    assert [o for o in earlier["data"] if o.get("deleted")] == []


@pytest.mark.django_db
def test_terms_cover_the_decisions(client, world):
    terms = client.get("/oparl/body/").json()["legislativeTerm"]
    assert [(t["name"], t["startDate"], t["endDate"]) for t in terms] == [
        ("Mandatperioden 2015–2018", "2015-01-01", "2018-12-31"),
        ("Mandatperioden 2019–2022", "2019-01-01", "2022-12-31"),
        ("Mandatperioden 2023–2026", "2023-01-01", "2026-12-31"),
    ]


def test_term_of_a_year_follows_the_election_calendar():
    from oppnadata.oparl import Term, term_of

    assert term_of(2022) == Term(2019, 2022)
    assert term_of(2023) == Term(2023, 2026)
    assert term_of(2026) == Term(2023, 2026)
    assert term_of(2027) == Term(2027, 2030)
    assert term_of(1995) == Term(1995, 1998)
    assert term_of(1994) is None


# --- Queries ------------------------------------------------------------------------------------


def _documents(org, n):
    for i in range(n):
        dokument = DokumentFactory(agare=org["bun"] if i % 2 else org["ks"])
        published(dokument, titel=f"Riktlinje {i}", fil=SimpleUploadedFile(f"f{i}.pdf", b"%PDF"))
        published(dokument, versionsnummer=2, titel=f"Riktlinje {i} rev", ar_aktuell=False)


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 30])
@pytest.mark.parametrize("query", ["", "?modified_since=2000-01-01T00:00:00Z"])
def test_paper_list_costs_the_same_for_one_and_many(
    client, org, n, query, django_assert_num_queries
):
    _documents(org, n)
    # The count, the page, the page's sibling versions.
    with django_assert_num_queries(3):
        response = client.get(f"/oparl/papers/{query}")
    assert len(response.json()["data"]) == 2 * n


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 30])
def test_organization_list_costs_the_same_for_one_and_many(
    client, org, n, django_assert_num_queries
):
    for i in range(n):
        OrganisationFactory(typ=T.NAMND, overordnad=org["kf"], namn=f"Nämnd {i}")
    # The count, the page, the bodies that left (asked with modified_since).
    with django_assert_num_queries(3):
        response = client.get("/oparl/organizations/?modified_since=2000-01-01")
    assert len(response.json()["data"]) == 4 + n
