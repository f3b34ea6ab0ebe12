"""The DCAT-AP-SE catalogue of the municipality's open data, which Sweden's data portal
(dataportal.se) harvests as RDF/XML from /datasets/dcat.

Three datasets, each with its distributions:

- the register of governing documents: the JSON API (/api/dokument/), the CSV download of the
  document list, and OParl 1.1 (/oparl/);
- the goals and indicators with their values: the JSON API, and the goal chain's CSV
  downloads (goals, indicators, values);
- the adopted follow-up reports' figures: the JSON API and the CSV download of the reports.

The portal's conventions (DIGG, DCAT-AP-SE 3.0.1): every IRI absolute and no blank nodes for
the catalogue, the datasets, the distributions, the publisher and the contact; the publisher is
`http://dataportal.se/organisation/SE<organisation number>` (the ORGANISATIONSNUMMER setting);
the controlled vocabularies are the EU Publications Office's (language, theme, access right,
frequency, file type). The catalogue describes what is published, not the records themselves,
so it is made without reading the database.
"""

import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS

from oppnadata.oparl import LICENSE, OPARL_VERSION

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
SWEDISH = URIRef(EU + "language/SWE")
THEME_GOVERNMENT = URIRef(EU + "data-theme/GOVE")
PUBLIC = URIRef(EU + "access-right/PUBLIC")
CONTINUOUSLY = URIRef(EU + "frequency/UPDATE_CONT")
CSV = URIRef(EU + "file-type/CSV")
JSON = URIRef(EU + "file-type/JSON")
LOCAL_AUTHORITY = URIRef("http://purl.org/adms/publishertype/LocalAuthority")

RDF_XML = "application/rdf+xml"


def organisationsnummer() -> str:
    """The setting's ten digits (a hyphen or spaces allowed in it)."""
    digits = re.sub(r"[\s-]", "", settings.ORGANISATIONSNUMMER)
    if not re.fullmatch(r"\d{10}", digits):
        raise ImproperlyConfigured(
            "ORGANISATIONSNUMMER ska vara kommunens organisationsnummer, tio siffror "
            f"(t.ex. 212000-2296), inte {settings.ORGANISATIONSNUMMER!r}."
        )
    return digits


def _site(path: str) -> URIRef:
    return URIRef(settings.SITE_URL.rstrip("/") + path)


def _sv(text: str) -> Literal:
    return Literal(text, lang="sv")


class _Catalogue:
    def __init__(self):
        self.graph = Graph()
        for prefix, namespace in (
            ("dcat", DCAT),
            ("dcterms", DCTERMS),
            ("foaf", FOAF),
            ("vcard", VCARD),
            ("skos", SKOS),
        ):
            self.graph.bind(prefix, namespace)
        self.iri = _site(reverse("dcat_katalog"))
        self.publisher = URIRef(f"http://dataportal.se/organisation/SE{organisationsnummer()}")
        self.contact = URIRef(f"{self.iri}#kontakt")

    def add(self, subject, *pairs):
        for predicate, value in pairs:
            self.graph.add((subject, predicate, value))

    def vocabulary_terms(self):
        """The class of each controlled term the catalogue uses, as DCAT-AP's shapes ask of
        the values of these properties (a language is a dcterms:LinguisticSystem …); the terms
        themselves are the EU Publications Office's."""
        skos_concept = SKOS.Concept
        for term, kind in (
            (SWEDISH, DCTERMS.LinguisticSystem),
            (THEME_GOVERNMENT, skos_concept),
            (PUBLIC, DCTERMS.RightsStatement),
            (CONTINUOUSLY, DCTERMS.Frequency),
            (CSV, DCTERMS.MediaTypeOrExtent),
            (JSON, DCTERMS.MediaTypeOrExtent),
            (LOCAL_AUTHORITY, skos_concept),
            (URIRef(LICENSE), DCTERMS.LicenseDocument),
        ):
            self.add(term, (RDF.type, kind))
        # The concepts' labels, as their schemes give them (the data-theme authority table and
        # ADMS' publisher types).
        self.add(
            THEME_GOVERNMENT,
            (SKOS.prefLabel, _sv("Regeringen och den offentliga sektorn")),
            (SKOS.prefLabel, Literal("Government and public sector", lang="en")),
        )
        self.add(
            LOCAL_AUTHORITY,
            (SKOS.prefLabel, _sv("Kommun")),
            (SKOS.prefLabel, Literal("Local Authority", lang="en")),
        )

    def standard(self, iri: URIRef, title: str) -> URIRef:
        self.add(iri, (RDF.type, DCTERMS.Standard), (DCTERMS.title, Literal(title)))
        return iri

    def agents(self):
        kommun = settings.KOMMUN_NAMN
        self.add(
            self.publisher,
            (RDF.type, FOAF.Agent),
            (RDF.type, FOAF.Organization),
            (FOAF.name, _sv(kommun)),
            (DCTERMS.type, LOCAL_AUTHORITY),
        )
        self.add(
            self.contact,
            (RDF.type, VCARD.Organization),
            (VCARD.fn, _sv(kommun)),
            (VCARD.hasEmail, URIRef(f"mailto:{settings.DEFAULT_FROM_EMAIL}")),
            (VCARD.hasURL, _site("/")),
        )

    def catalog(self, datasets: list[URIRef]):
        kommun = settings.KOMMUN_NAMN
        self.add(
            self.iri,
            (RDF.type, DCAT.Catalog),
            (DCTERMS.title, _sv(f"{kommun}: styrdokument, mål och uppföljning")),
            (
                DCTERMS.description,
                _sv(
                    f"Öppna data ur {kommun}s styr- och ledningssystem: de publicerade "
                    "styrdokumenten, målen och indikatorerna med sina värden och de antagna "
                    "uppföljningsrapporternas siffror."
                ),
            ),
            (DCTERMS.publisher, self.publisher),
            (DCTERMS.license, URIRef(LICENSE)),
            (DCTERMS.language, SWEDISH),
            (FOAF.homepage, _site("/")),
            *((DCAT.dataset, d) for d in datasets),
        )

    def dataset(
        self, key: str, *, title: str, description: str, keywords: list[str], landing: str
    ) -> URIRef:
        iri = URIRef(f"{self.iri}#{key}")
        self.add(
            iri,
            (RDF.type, DCAT.Dataset),
            (DCTERMS.identifier, Literal(str(iri))),
            (DCTERMS.title, _sv(title)),
            (DCTERMS.description, _sv(description)),
            (DCTERMS.publisher, self.publisher),
            (DCAT.contactPoint, self.contact),
            (DCAT.theme, THEME_GOVERNMENT),
            (DCTERMS.accessRights, PUBLIC),
            (DCTERMS.accrualPeriodicity, CONTINUOUSLY),
            (DCTERMS.language, SWEDISH),
            (DCAT.landingPage, _site(landing)),
            *((DCAT.keyword, _sv(k)) for k in keywords),
        )
        return iri

    def distribution(
        self,
        dataset: URIRef,
        key: str,
        *,
        title: str,
        description: str,
        access: str,
        download: str | None = None,
        file_type: URIRef,
        conforms_to: URIRef | None = None,
    ) -> URIRef:
        iri = URIRef(f"{dataset}-{key}")
        self.add(dataset, (DCAT.distribution, iri))
        self.add(
            iri,
            (RDF.type, DCAT.Distribution),
            (DCTERMS.title, _sv(title)),
            (DCTERMS.description, _sv(description)),
            (DCAT.accessURL, _site(access)),
            (DCTERMS.format, file_type),
            (DCTERMS.license, URIRef(LICENSE)),
        )
        if download:
            self.add(iri, (DCAT.downloadURL, _site(download)))
        if conforms_to is not None:
            self.add(iri, (DCTERMS.conformsTo, conforms_to))
        return iri


def catalogue() -> Graph:
    """The catalogue as an RDF graph."""
    c = _Catalogue()
    c.vocabulary_terms()
    c.agents()
    api = reverse("api_start")  # /api/
    openapi = c.standard(_site(f"{api}openapi.json"), "OpenAPI-beskrivningen av JSON-API:et")

    def api_distribution(dataset, resources: list[str], what: str):
        paths = ", ".join(f"{api}{r}/" for r in resources)
        return c.distribution(
            dataset,
            "api",
            title=f"JSON-API: {what}",
            description=(
                f"Läs {what} som JSON, sida för sida och filtrerat som på webbplatsen: {paths}. "
                f"Beskrivningen av API:et (OpenAPI) finns på {openapi}."
            ),
            access=f"{api}{resources[0]}/",
            file_type=JSON,
            conforms_to=openapi,
        )

    def csv_distribution(dataset, key: str, list_page: str, download: str, what: str):
        return c.distribution(
            dataset,
            key,
            title=f"CSV: {what}",
            description=(
                f"{what.capitalize()} som CSV (semikolonseparerad UTF-8), med listans filter."
            ),
            access=list_page,
            download=download,
            file_type=CSV,
        )

    dokument = c.dataset(
        "styrdokument",
        title="Styrdokument",
        description=(
            "Kommunens register över publicerade styrdokument (policyer, riktlinjer, program, "
            "planer, regler, rutiner …) med varje publicerad version, beslut (organ, datum, "
            "paragraf, diarienummer), giltighet, status och filer."
        ),
        keywords=["styrdokument", "beslut", "policy", "riktlinje", "författningssamling"],
        landing=reverse("dokument:lista"),
    )
    api_distribution(dokument, ["dokument"], "styrdokumenten med versioner och filer")
    csv_distribution(
        dokument, "csv", reverse("dokument:lista"), reverse("csv_dokument"), "styrdokumenten"
    )
    c.distribution(
        dokument,
        "oparl",
        title="OParl 1.1: styrdokumentens versioner och beslut",
        description=(
            "Varje publicerad version som OParl Paper med sina filer och beslutet som "
            "Consultation, de politiska organen som Organization och mandatperioderna, enligt "
            "den öppna standarden OParl 1.1 (sidor om högst 100, modified_since)."
        ),
        access=reverse("oparl_system"),
        file_type=JSON,
        conforms_to=c.standard(URIRef(OPARL_VERSION), "OParl 1.1"),
    )

    mal = c.dataset(
        "mal-och-indikatorer",
        title="Mål och indikatorer",
        description=(
            "Målkedjan från fullmäktiges vision till enheterna: de antagna målen, deras "
            "indikatorer, målvärden och de publicerade utfallen per år och period."
        ),
        keywords=["mål", "indikatorer", "måluppfyllelse", "nyckeltal"],
        landing=reverse("mal:trad"),
    )
    api_distribution(
        mal, ["mal", "indikatorer", "malvarden", "varden"], "målen, indikatorerna och värdena"
    )
    for kind, what in (("mal", "målen"), ("indikatorer", "indikatorerna"), ("varden", "värdena")):
        csv_distribution(
            mal, f"csv-{kind}", reverse("mal:trad"), reverse("mal:export", args=[kind, "csv"]), what
        )

    rapporter = c.dataset(
        "uppfoljningsrapporter",
        title="Antagna uppföljningsrapporter",
        description=(
            "Siffrorna i de antagna uppföljningsrapporterna (tertial-, delårs- och "
            "årsrapporter, årsredovisningar): ekonomi per organisation och bedömningar av målen."
        ),
        keywords=["uppföljning", "årsredovisning", "delårsrapport", "ekonomi"],
        landing=reverse("uppfoljning:lista"),
    )
    api_distribution(rapporter, ["rapporter"], "de antagna rapporternas siffror")
    csv_distribution(
        rapporter, "csv", reverse("uppfoljning:lista"), reverse("csv_rapporter"), "rapporterna"
    )

    c.catalog([dokument, mal, rapporter])
    return c.graph


def catalogue_rdf_xml() -> bytes:
    return catalogue().serialize(format="pretty-xml", encoding="utf-8")


def datasets_for_page(graph: Graph) -> list[dict]:
    """The catalogue's datasets as the "Öppna data" page shows them: title, description, landing
    page and each distribution's title, description, address, download and format, in the
    catalogue's order (titles sorted within), so the page and the harvested catalogue say the
    same."""

    def one(subject, predicate) -> str:
        value = graph.value(subject, predicate)
        return str(value) if value is not None else ""

    found = []
    for dataset in graph.subjects(RDF.type, DCAT.Dataset):
        distributions = [
            {
                "titel": one(d, DCTERMS.title),
                "beskrivning": one(d, DCTERMS.description),
                "adress": one(d, DCAT.accessURL),
                "fil": one(d, DCAT.downloadURL),
                "format": one(d, DCTERMS.format).rsplit("/", 1)[-1],
            }
            for d in graph.objects(dataset, DCAT.distribution)
        ]
        found.append(
            {
                "titel": one(dataset, DCTERMS.title),
                "beskrivning": one(dataset, DCTERMS.description),
                "sida": one(dataset, DCAT.landingPage),
                "distributioner": sorted(distributions, key=lambda d: d["titel"]),
            }
        )
    order = {"Styrdokument": 0, "Mål och indikatorer": 1}
    return sorted(found, key=lambda d: (order.get(d["titel"], 2), d["titel"]))
