"""The DCAT-AP-SE catalogue at /datasets/dcat, validated with pyshacl against DIGG's shapes (the
EU DCAT-AP 3.0 shapes and the Swedish additions, with the results Sweden overrides filtered out
as dcat-ap-se-overrides.json says), with the controlled vocabularies as the ontology graph."""

import json
from pathlib import Path

import pyshacl
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, SH, SKOS

from oppnadata import dcat
from tests.dokument.factories import DokumentFactory, DokumentversionFactory

STANDARD = Path(settings.BASE_DIR).parent / "shared" / "standards" / "dcat-ap-se"


@pytest.fixture(scope="module")
def shapes() -> Graph:
    graph = Graph()
    graph.parse(STANDARD / "dcat-ap-SHACL.ttl", format="turtle")
    graph.parse(STANDARD / "dcat-ap-se-additions.ttl", format="turtle")
    return graph


@pytest.fixture(scope="module")
def vocabularies() -> Graph:
    graph = Graph()
    for path in sorted((STANDARD / "vocabularies").glob("*.rdf")):
        graph.parse(path, format="xml")
    return graph


def _overrides() -> set[tuple[str, str]]:
    """(path, constraint component) pairs whose results the Swedish profile ignores: the
    component is named by its local name (ClassConstraintComponent) in the file."""
    data = json.loads((STANDARD / "dcat-ap-se-overrides.json").read_text())
    return {
        (entry["path"], str(SH) + component)
        for entry in data["overrides"]
        for component in entry["ignoreConstraints"]
    }


def _results(report: Graph) -> list[dict]:
    found = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        found.append(
            {
                "focus": str(report.value(result, SH.focusNode)),
                "path": str(report.value(result, SH.resultPath)),
                "component": str(report.value(result, SH.sourceConstraintComponent)),
                "severity": str(report.value(result, SH.resultSeverity)),
                "message": str(report.value(result, SH.resultMessage)),
            }
        )
    return found


def _validate(rdf_xml: bytes, shapes: Graph, vocabularies: Graph):
    data = Graph()
    data.parse(data=rdf_xml, format="xml")
    _, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=vocabularies, inference="none", meta_shacl=False
    )
    ignored = _overrides()
    results = _results(report)
    kept = [r for r in results if (r["path"], r["component"]) not in ignored]
    return data, results, kept


@pytest.mark.django_db
def test_catalogue_conforms_to_dcat_ap_se(client, shapes, vocabularies):
    response = client.get("/datasets/dcat")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/rdf+xml; charset=utf-8"

    data, results, kept = _validate(response.content, shapes, vocabularies)

    violations = [r for r in kept if r["severity"] == str(SH.Violation)]
    assert violations == []
    assert kept == [], "no warning or note either"
    subjects = {s for s in data.subjects() if isinstance(s, URIRef)}
    datasets = set(data.subjects(RDF.type, DCAT.Dataset))
    distributions = set(data.subjects(RDF.type, DCAT.Distribution))
    print(
        f"\nDCAT-AP-SE: {len(data)} triples, {len(subjects)} nodes, {len(datasets)} datasets, "
        f"{len(distributions)} distributions validated; {len(results)} results of the EU "
        f"shapes, {len(results) - len(kept)} of them overridden by DCAT-AP-SE, {len(kept)} left"
    )
    # Documents: API, CSV, OParl; goals: API and three CSV files; reports: API, CSV.
    assert (len(datasets), len(distributions)) == (3, 9)


# The properties whose values come from a controlled vocabulary, and the vocabulary's scheme.
CONTROLLED = {
    DCTERMS.language: "language",
    DCAT.theme: "data-theme",
    DCTERMS.accessRights: "access-right",
    DCTERMS.accrualPeriodicity: "frequency",
    DCTERMS.format: "file-type",
}


@pytest.mark.django_db
def test_every_controlled_value_is_in_its_vocabulary(client, vocabularies):
    """pyshacl's ontology graph brings in classes and properties, not the vocabularies' terms,
    so each term is looked up in its scheme here."""
    data = Graph().parse(data=client.get("/datasets/dcat").content, format="xml")
    checked = 0
    for predicate, scheme in CONTROLLED.items():
        scheme_iri = URIRef(f"http://publications.europa.eu/resource/authority/{scheme}")
        values = set(data.objects(None, predicate))
        assert values, predicate
        for value in values:
            assert (value, SKOS.inScheme, scheme_iri) in vocabularies, (predicate, value)
            checked += 1
    assert checked == 6  # Swedish, GOVE, PUBLIC, UPDATE_CONT, CSV, JSON


@pytest.mark.django_db
def test_a_missing_publisher_would_be_caught(shapes, vocabularies):
    """The validation can fail: a dataset without its publisher breaks the Swedish rule."""
    graph = dcat.catalogue()
    dataset = URIRef(f"{settings.SITE_URL}/datasets/dcat#styrdokument")
    graph.remove((dataset, DCTERMS.publisher, None))

    _, _, kept = _validate(graph.serialize(format="xml", encoding="utf-8"), shapes, vocabularies)

    assert [(r["focus"], r["path"]) for r in kept] == [(str(dataset), str(DCTERMS.publisher))]


@pytest.mark.django_db
def test_catalogue_follows_the_portals_conventions(client, settings):
    settings.ORGANISATIONSNUMMER = "212000-1355"
    data = Graph().parse(data=client.get("/datasets/dcat").content, format="xml")

    publisher = URIRef("http://dataportal.se/organisation/SE2120001355")
    (catalog,) = data.subjects(RDF.type, DCAT.Catalog)
    assert data.value(catalog, DCTERMS.publisher) == publisher
    assert data.value(catalog, DCTERMS.license) == URIRef(
        "http://creativecommons.org/publicdomain/zero/1.0/"
    )
    for dataset in data.subjects(RDF.type, DCAT.Dataset):
        assert data.value(dataset, DCTERMS.publisher) == publisher
    # No blank nodes at all, and every IRI absolute on the site's own address or a vocabulary's.
    nodes = {n for triple in data for n in triple if not hasattr(n, "language")}
    assert [n for n in nodes if type(n).__name__ == "BNode"] == []
    oparl = URIRef(f"{settings.SITE_URL}/datasets/dcat#styrdokument-oparl")
    assert data.value(oparl, DCAT.accessURL) == URIRef(f"{settings.SITE_URL}/oparl/")
    assert data.value(oparl, DCTERMS.conformsTo) == URIRef("https://schema.oparl.org/1.1/")


@pytest.mark.django_db
def test_every_distribution_address_answers(client):
    data = Graph().parse(data=client.get("/datasets/dcat").content, format="xml")
    addresses = set()
    for distribution in data.subjects(RDF.type, DCAT.Distribution):
        for predicate in (DCAT.accessURL, DCAT.downloadURL, DCTERMS.conformsTo):
            value = data.value(distribution, predicate)
            if value is not None and str(value).startswith(settings.SITE_URL):
                addresses.add(str(value).removeprefix(settings.SITE_URL))
    for dataset in data.subjects(RDF.type, DCAT.Dataset):
        addresses.add(str(data.value(dataset, DCAT.landingPage)).removeprefix(settings.SITE_URL))

    answers = {address: client.get(address).status_code for address in sorted(addresses)}

    assert answers == dict.fromkeys(sorted(addresses), 200)
    assert len(addresses) >= 12


@pytest.mark.django_db
def test_no_draft_word_in_the_catalogue(client, org):
    DokumentversionFactory(dokument=DokumentFactory(agare=org["bun"]), titel="Hemligtutkastord")
    assert "Hemligtutkastord" not in client.get("/datasets/dcat").content.decode()


def test_a_malformed_organisation_number_stops_with_a_clear_message(settings):
    settings.ORGANISATIONSNUMMER = "212000-12"
    with pytest.raises(ImproperlyConfigured, match="tio siffror"):
        dcat.organisationsnummer()


def test_the_open_data_page_lists_the_catalogues_datasets_and_every_distribution(client, db):
    """The page people read and the catalogue the portal harvests say the same: each dataset's
    title and every distribution's address, from the one graph."""
    graph = dcat.catalogue()
    titles = sorted(
        str(graph.value(d, DCTERMS.title)) for d in graph.subjects(RDF.type, DCAT.Dataset)
    )
    addresses = {
        str(graph.value(d, DCAT.downloadURL) or graph.value(d, DCAT.accessURL))
        for d in graph.subjects(RDF.type, DCAT.Distribution)
    }

    response = client.get("/oppna-data/")
    html = response.content.decode()

    assert response.status_code == 200
    assert sorted(t for t in titles if f">{t}</h3>" in html) == titles
    assert sorted(a for a in addresses if f'href="{a}"' in html) == sorted(addresses)
    assert html.count("<h1") == 1
    assert 'href="/oppna-data/"' in html  # the footer leads here from every page
