"""The API's shapes: what each resource returns and which query parameters each list takes.
The OpenAPI description is generated from these (field descriptions included), so every
field says in Swedish what it holds. Decimal figures are strings with a decimal point
("80.5"): exact, as the database holds them."""

import datetime
from typing import Literal

from ninja import Field, Schema

from dokument.filters import SOK_MAX
from dokument.search import CANDIDATES
from styrning.forms import FORSTA_AR, SISTA_AR

MAX_ID = 2**63 - 1  # the database's largest id: a larger one cannot be compared with an id
PER_SIDA = 25
MAX_PER_SIDA = 100
MAX_OFFSET = 10_000_000

OrganisationTyp = Literal[
    "kommun",
    "kommunfullmaktige",
    "kommunstyrelse",
    "namnd",
    "utskott",
    "bolagsstyrelse",
    "forbundsdirektion",
    "forvaltning",
    "avdelning",
    "verksamhet",
    "enhet",
]
Maltyp = Literal[
    "strategiskt",
    "verksamhetsmal",
    "kvalitetsmal",
    "finansiellt",
    "namndmal",
    "forvaltningsmal",
    "enhetsmal",
]
Dokumentstatus = Literal["gallande", "utgangen", "upphavd", "ersatt"]
Sortering = Literal["relevans", "titel", "nyast", "aldst", "typ"]
Kalla = Literal["egen", "kolada", "nki", "medborgarundersokning"]


def _id(description: str):
    return Field(None, ge=1, le=MAX_ID, description=description)


def _ar(description: str):
    return Field(None, ge=FORSTA_AR, le=SISTA_AR, description=description)


# --- Errors and pages ---------------------------------------------------------------------------


class Parameterfel(Schema):
    parameter: str = Field(description="Parameterns namn.")
    meddelande: str = Field(description="Vad som är fel, på svenska.")


class Fel(Schema):
    """An answer that is not a result: a wrong parameter (400) or an unknown id (404)."""

    meddelande: str = Field(description="Vad som gick fel, på svenska.")
    fel: list[Parameterfel] = Field(
        default_factory=list, description="Felen per parameter (vid 400)."
    )


class Sidparametrar(Schema):
    limit: int = Field(
        PER_SIDA, ge=1, le=MAX_PER_SIDA, description=f"Antal poster per sida, högst {MAX_PER_SIDA}."
    )
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Antal poster att hoppa över.")


class Sida(Schema):
    antal: int = Field(description="Antal poster som matchar, på alla sidor.")
    limit: int = Field(description="Antal poster per sida.")
    offset: int = Field(description="Antal poster före den här sidan.")
    nasta: str | None = Field(description="Adressen till nästa sida, eller null.")
    foregaende: str | None = Field(description="Adressen till föregående sida, eller null.")


# --- Shared parts -------------------------------------------------------------------------------


class OrganisationRef(Schema):
    id: int = Field(description="Organisationens id i API:t.")
    kod: str = Field(description="Organisationens fasta kod.")
    namn: str = Field(description="Organisationens namn.")


# --- Organisations ------------------------------------------------------------------------------


class Organisation(Schema):
    id: int = Field(description="Organisationens id.")
    kod: str = Field(description="Fast kod, t.ex. från ekonomisystemet.")
    namn: str = Field(description="Namn.")
    kortnamn: str = Field(description="Kortnamn (tomt om inget).")
    forkortning: str = Field(description="Förkortning som används i diarienummer, t.ex. KS.")
    typ: str = Field(description="Typ av organ eller enhet, t.ex. namnd eller enhet.")
    typ_namn: str = Field(description="Typen i ord.")
    overordnad_id: int | None = Field(description="Den överordnade organisationens id.")
    aktiv_fran: datetime.date | None = Field(description="Första dag organisationen finns.")
    aktiv_till: datetime.date | None = Field(description="Sista dag organisationen finns.")
    url: str = Field(description="Organisationens sida.")


class OrganisationSida(Sida):
    resultat: list[Organisation]


class OrganisationParametrar(Sidparametrar):
    typ: OrganisationTyp | None = Field(None, description="Bara organisationer av typen.")
    overordnad: int | None = _id("Bara organisationer direkt under organisationen med id:t.")


# --- Documents ----------------------------------------------------------------------------------


class Dokumenttyp(Schema):
    id: int = Field(description="Dokumenttypens id.")
    namn: str = Field(description="Dokumenttypens namn, t.ex. Riktlinje.")


class Fil(Schema):
    url: str = Field(description="Filens permanenta adress.")
    namn: str = Field(description="Filens namn.")
    mediatyp: str = Field(description="Filens typ (MIME), t.ex. application/pdf.")
    slag: str = Field(description="pdf (versionen som PDF) eller original (uppladdad fil).")


class Dokumentversion(Schema):
    versionsnummer: int = Field(description="Versionens nummer inom dokumentet.")
    url: str = Field(description="Versionens permanenta adress (sidan).")
    pdf_url: str = Field(description="Versionens PDF.")
    aktuell: bool = Field(description="Om versionen är dokumentets aktuella version.")
    titel: str = Field(description="Titel.")
    diarienummer: str = Field(description="Diarienummer (ärendets nummer), t.ex. KS 2025/39.")
    faststalld_av: OrganisationRef | None = Field(description="Organet som fastställde versionen.")
    beslutsdatum: datetime.date | None = Field(description="Beslutsdatum.")
    paragraf: str = Field(description="Paragraf i protokollet, t.ex. § 45.")
    giltig_fran: datetime.date | None = Field(description="Gäller från.")
    giltig_till: datetime.date | None = Field(
        description="Gäller till och med (null: tills vidare)."
    )
    reviderad_datum: datetime.date | None = Field(description="Reviderad den.")
    publicerad: datetime.datetime | None = Field(description="När versionen publicerades.")
    giltighetsomrade: list[int] = Field(description="Id:n på organisationerna som den gäller för.")
    filer: list[Fil] = Field(description="Versionens filer.")


class DokumentversionMedText(Dokumentversion):
    text: str = Field(description="Versionens text (Markdown).")


class Dokumentlank(Schema):
    typ: str = Field(description="konkretiserar, ersatter eller upphaver.")
    typ_namn: str = Field(description="Länkens typ i ord.")
    fran_id: int = Field(description="Dokumentet som länkar (t.ex. det som konkretiserar).")
    till_id: int = Field(description="Dokumentet som länken går till.")


class Dokument(Schema):
    id: int = Field(description="Dokumentets id.")
    url: str = Field(description="Dokumentets permanenta adress (visar aktuell version).")
    titel: str = Field(description="Den aktuella versionens titel.")
    typ: Dokumenttyp
    agare: OrganisationRef = Field(description="Organet eller enheten som dokumentet hör till.")
    status: str = Field(description="gallande, utgangen, upphavd eller ersatt.")
    status_namn: str = Field(description="Status i ord.")
    diarienummer: str = Field(description="Den aktuella versionens diarienummer.")
    kfs_nummer: str = Field(description="Nummer i författningssamlingen (tomt om inget).")
    upphavd_datum: datetime.date | None = Field(description="Upphävt den.")
    upphavd_beslut: str = Field(description="Beslutet om upphävande.")
    aktuell_version: int = Field(description="Den aktuella versionens nummer.")
    versioner: list[Dokumentversion] = Field(
        description="De publicerade versionerna, nyaste först."
    )
    lankar: list[Dokumentlank] = Field(
        description="Länkar till och från andra publicerade dokument."
    )


class DokumentDetalj(Dokument):
    versioner: list[DokumentversionMedText] = Field(
        description="De publicerade versionerna med text, nyaste först."
    )


class DokumentSida(Sida):
    resultat: list[Dokument]


class DokumentParametrar(Sidparametrar):
    q: str | None = Field(
        None,
        max_length=SOK_MAX,
        description="Sökord i de aktuella versionernas titel och text, bästa träff först. "
        f"Högst {CANDIDATES} träffar rangordnas (antal är då {CANDIDATES + 1}: fler än så).",
    )
    typ: int | None = _id("Dokumenttypens id.")
    organ: int | None = _id("Id på det politiska organ som fastställde den aktuella versionen.")
    omfattar: int | None = _id("Id på en organisation (inte en enhet) som dokumentet gäller för.")
    status: Dokumentstatus | None = Field(None, description="Dokumentens status.")
    ar: int | None = _ar("Beslutsår för den aktuella versionen.")
    sortering: Sortering | None = Field(
        None, description="Ordning: titel (standard), nyast, aldst, typ, relevans (vid sökning)."
    )


# --- Goals, indicators, targets, values ---------------------------------------------------------


class Malomrade(Schema):
    id: int
    namn: str


class Mal(Schema):
    id: int = Field(description="Målets id.")
    url: str = Field(description="Målets sida.")
    nummer: str = Field(description="Målnummer, t.ex. 1.2.")
    titel: str = Field(description="Titel.")
    beskrivning: str = Field(description="Beskrivning.")
    typ: str = Field(description="Måltyp, t.ex. namndmal.")
    typ_namn: str = Field(description="Måltypen i ord.")
    agare: OrganisationRef = Field(description="Organet eller enheten som målet hör till.")
    budgetar: int | None = Field(description="Budgetåret (mål för ett år).")
    mandatperiod: str | None = Field(description="Mandatperioden (mål för en mandatperiod).")
    forsta_ar: int = Field(description="Första år målet gäller.")
    sista_ar: int = Field(description="Sista år målet gäller.")
    malomrade: Malomrade | None = Field(description="Målområde eller perspektiv.")
    bidrar_till: list[int] = Field(description="Id:n på de mål som målet bidrar till.")
    krav_uppfyllt: str = Field(description="När målet är uppfyllt.")
    uppfoljning: str = Field(description="Hur målet följs upp.")
    regel: str = Field(description="Regel för beräknad måluppfyllelse.")
    indikatorer: list[int] = Field(description="Id:n på målets indikatorer.")


class MalSida(Sida):
    resultat: list[Mal]


class MalParametrar(Sidparametrar):
    organisation: int | None = _id("Id på organisationen som målet hör till.")
    organisationstyp: OrganisationTyp | None = Field(
        None, description="Nivå: typen av organisation som målet hör till."
    )
    typ: Maltyp | None = Field(None, description="Måltyp.")
    ar: int | None = _ar("Bara mål som gäller året.")
    malomrade: int | None = _id("Målområdets id.")


class Malvarde(Schema):
    id: int = Field(description="Målvärdets id.")
    indikator_id: int = Field(description="Indikatorns id.")
    ar: int = Field(description="Året målvärdet gäller.")
    varde: str = Field(description="Målvärdet.")


class Indikator(Schema):
    id: int = Field(description="Indikatorns id.")
    url: str = Field(description="Indikatorn på målets sida.")
    mal_id: int = Field(description="Målets id.")
    matt_for: OrganisationRef = Field(description="Organisationen vars värden räknas.")
    namn: str = Field(description="Namn.")
    enhet: str = Field(description="Enhet, t.ex. % eller antal.")
    riktning: str = Field(description="hogre, lagre eller narmare (vad som är bättre).")
    decimaler: int = Field(description="Antal decimaler som visas.")
    kalla: str = Field(description="Källa: egen, kolada, nki eller medborgarundersokning.")
    kpi_id: str = Field(description="Nyckeltalets id i Kolada (tomt om inget).")
    konsuppdelad: bool = Field(description="Om värdena är uppdelade på kvinnor och män.")
    utgangsvarde: str | None = Field(description="Utgångsvärde.")
    utgangsar: int | None = Field(description="Utgångsår.")
    tolerans: str = Field(description="Toleransband i procent.")
    malvarden: list[Malvarde] = Field(description="Målvärden per år.")


class IndikatorSida(Sida):
    resultat: list[Indikator]


class IndikatorParametrar(Sidparametrar):
    mal: int | None = _id("Målets id.")
    organisation: int | None = _id("Id på organisationen som indikatorn mäts för.")
    kalla: Kalla | None = Field(None, description="Källa.")


class MalvardeSida(Sida):
    resultat: list[Malvarde]


class MalvardeParametrar(Sidparametrar):
    indikator: int | None = _id("Indikatorns id.")
    ar: int | None = _ar("År.")


class Varde(Schema):
    id: int = Field(description="Värdets id.")
    indikator_id: int = Field(description="Indikatorns id.")
    organisation: OrganisationRef = Field(description="Organisationen värdet gäller.")
    period: str = Field(description="Perioden: 2025 (år), 2025T2 (tertial) eller 2025M03 (månad).")
    ar: int = Field(description="Året.")
    periodtyp: str = Field(description="ar, tertial eller manad.")
    periodnummer: int = Field(description="0 för år, 1–3 för tertial, 1–12 för månad.")
    totalt: str | None = Field(description="Värdet totalt.")
    kvinnor: str | None = Field(description="Värdet för kvinnor.")
    man: str | None = Field(description="Värdet för män.")
    kommentar: str = Field(description="Kommentar.")


class VardeSida(Sida):
    resultat: list[Varde]


class VardeParametrar(Sidparametrar):
    indikator: int | None = _id("Indikatorns id.")
    organisation: int | None = _id("Organisationens id.")
    period: str | None = Field(
        None,
        max_length=10,
        pattern=r"^[0-9]{4}([TM][0-9]{1,2})?$",
        description="Perioden: 2025, 2025T2 eller 2025M03.",
    )
    ar: int | None = _ar("År.")


# --- Adopted reports ----------------------------------------------------------------------------


class Rapporttyp(Schema):
    id: int
    kod: str
    namn: str


class Rapport(Schema):
    id: int = Field(description="Rapportens id.")
    url: str = Field(description="Rapportens sida (den antagna versionen).")
    pdf_url: str = Field(description="Den antagna versionens PDF.")
    titel: str = Field(description="Rapporttyp och period i ord.")
    typ: Rapporttyp = Field(description="Rapporttypen.")
    organisation: OrganisationRef = Field(description="Organisationen som rapporterar.")
    period: str = Field(description="Perioden: 2025, 2025T2 eller 2025M03.")
    ar: int = Field(description="Året.")
    antagen_av: OrganisationRef | None = Field(description="Organet som antog rapporten.")
    beslutsdatum: datetime.date | None = Field(description="Beslutsdatum.")
    paragraf: str = Field(description="Paragraf.")
    diarienummer: str = Field(description="Diarienummer.")
    version: int = Field(description="Den antagna versionens nummer.")
    antagen: datetime.datetime = Field(description="När den antagna versionen frystes.")


class Ekonomirad(Schema):
    organisation_id: int | None = Field(description="Organisationens id (null för totalraden).")
    kod: str = Field(description="Organisationens kod.")
    namn: str = Field(description="Raden.")
    budget_ar: str | None = Field(description="Budget för året, kronor.")
    budget_hittills: str | None = Field(description="Budget hittills, kronor.")
    utfall_hittills: str | None = Field(description="Utfall hittills, kronor.")
    utfall_hittills_fg: str | None = Field(description="Utfall samma tid föregående år, kronor.")
    prognos: str | None = Field(description="Årsprognos, kronor.")
    foregaende_prognos: str | None = Field(description="Föregående prognos, kronor.")
    avvikelse: str | None = Field(description="Avvikelse mot budget, kronor (minus: underskott).")
    forbrukat_procent: str | None = Field(description="Förbrukat av årets budget, procent.")


class Ekonomi(Schema):
    rader: list[Ekonomirad] = Field(description="En rad per organisation eller verksamhet.")
    total: Ekonomirad | None = Field(description="Summan.")


class Indikatorvarde(Schema):
    id: int | None = Field(description="Indikatorns id.")
    namn: str = Field(description="Indikatorns namn.")
    enhet: str = Field(description="Enhet.")
    varde: str | None = Field(description="Värdet i rapporten.")
    malvarde: str | None = Field(description="Målvärdet.")


class Malbedomning(Schema):
    id: int | None = Field(description="Målets id.")
    nummer: str = Field(description="Målnummer.")
    titel: str = Field(description="Målets titel.")
    malomrade: str = Field(description="Målområde.")
    utfall: str = Field(description="Bedömningen: uppfyllt, delvis, ej_uppfyllt eller ej_bedomt.")
    utfall_namn: str = Field(description="Bedömningen i ord.")
    forslag: str = Field(description="Det beräknade förslaget.")
    analys: str = Field(description="Analysen.")
    indikatorer: list[Indikatorvarde] = Field(description="Indikatorernas värden.")


class RapportDetalj(Rapport):
    kontrollsumma: str = Field(description="SHA-256 av den antagna versionens innehåll.")
    beloppsenhet: str = Field(description="Enheten rapporten visar belopp i (kr, tkr, mnkr).")
    ekonomi: Ekonomi = Field(description="Ekonomin som den antogs (belopp i kronor).")
    mal: list[Malbedomning] = Field(description="Målen och deras bedömning som de antogs.")


class RapportSida(Sida):
    resultat: list[Rapport]


class RapportParametrar(Sidparametrar):
    organ: int | None = _id("Id på organisationen som rapporterar eller organet som antog.")
    typ: int | None = _id("Rapporttypens id.")
    ar: int | None = _ar("Rapportperiodens år.")
