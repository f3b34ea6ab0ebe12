"""The public lists as CSV: the same rows as the list page with its filters (every page of it, not
only the one shown), written as Swedish Excel opens a file: semicolon-separated UTF-8 with a
byte order mark, as `mal.export` writes the goal chain, every cell through `styrning.csvsafe` so
that no cell runs as a formula.

Each list is read with `QuerySet.iterator()` and written a chunk of rows at a time
(`styrning.csvsafe.csv_response` streams), so memory stays bounded whatever the municipality
holds. A list of documents and of reports is read in one query: the current version's fields
come through the joined `aktuell` (`dokument.queries.with_current_version`), not through a
prefetch per chunk. The statute book needs the links of what replaced each repealed rule, so it
is read with its prefetches in chunks of `CHUNK` (a few queries per chunk: bounded for every
list of up to `CHUNK` rows, and growing by a handful per `CHUNK` rows beyond).
"""

import datetime
from collections.abc import Iterator

from django.urls import reverse
from django.utils import timezone

from dokument.models import Dokument, Dokumentversion

CHUNK = 500  # rows read and written at a time


def _date(value) -> str:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date().isoformat()
    return value.isoformat() if value else ""


def _prefix(name: str, *args) -> str:
    """The start of an address that ends in an id (`/dokument/` of `/dokument/<id>/`)."""
    return reverse(name, args=[*args, 0]).removesuffix("0/")


# --- Documents ----------------------------------------------------------------------------------

DOKUMENT_KOLUMNER = [
    ("titel", "Titel"),
    ("typ", "Dokumenttyp"),
    ("faststalld_av", "Fastställt av"),
    ("beslutsdatum", "Beslutsdatum"),
    ("paragraf", "Paragraf"),
    ("diarienummer", "Diarienummer"),
    ("status", "Status"),
    ("giltig_fran", "Gäller från"),
    ("giltig_till", "Gäller till"),
    ("kfs_nummer", "Författningsnummer"),
    ("version", "Version"),
    ("adress", "Permanent adress"),
]

_DOKUMENT_FALT = {
    "pk": "pk",
    "status": "status",
    "kfs_nummer": "kfs_nummer",
    "typ": "typ__namn",
    "titel": "aktuell__titel",
    "faststalld_av": "aktuell__faststalld_av__namn",
    "beslutsdatum": "aktuell__beslutsdatum",
    "paragraf": "aktuell__paragraf",
    "diarienummer": "aktuell__diarienummer",
    "giltig_fran": "aktuell__giltig_fran",
    "giltig_till": "aktuell__giltig_till",
    "version": "aktuell__versionsnummer",
}


def _status_display(status: str, giltig_till) -> str:
    """The document's state as the list shows it (`Dokument.status_display`, which reads the
    current version's end of validity), from the two values the row holds."""
    dokument = Dokument(status=status)
    dokument.aktuella = [Dokumentversion(giltig_till=giltig_till)]
    return dokument.status_display


def dokument_rows(documents, base_url: str) -> Iterator[dict]:
    """One row per document of `documents` (the public list's filtered queryset, its current
    version joined as `aktuell`), in its order; `base_url` is the site's address (no slash at
    the end) for the permanent address of the current version."""
    prefix = base_url + _prefix("dokument:detalj")
    values = documents.values(*_DOKUMENT_FALT.values())
    for row in values.iterator(chunk_size=CHUNK):
        value = {key: row[field] for key, field in _DOKUMENT_FALT.items()}
        yield {
            **value,
            "faststalld_av": value["faststalld_av"] or "",
            "beslutsdatum": _date(value["beslutsdatum"]),
            "giltig_fran": _date(value["giltig_fran"]),
            "giltig_till": _date(value["giltig_till"]),
            "status": _status_display(value["status"], value["giltig_till"]),
            "adress": f"{prefix}{value['pk']}/version/{value['version']}/",
        }


# --- The statute book ---------------------------------------------------------------------------

FORFATTNING_KOLUMNER = [
    ("nummer", "Nummer"),
    ("titel", "Titel"),
    ("status", "Status"),
    ("beslut", "Beslut (aktuell version)"),
    ("diarienummer", "Diarienummer"),
    ("anslagsdatum", "Anslagsdatum"),
    ("forsta_anslagsdatum", "Först anslagen"),
    ("upphavd_datum", "Upphävd eller ersatt den"),
    ("upphavd_beslut", "Beslut om upphävande"),
    ("ersatt_av", "Upphävd eller ersatt av"),
    ("adress", "Permanent adress"),
]


def forfattning_rows(documents, base_url: str) -> Iterator[dict]:
    """One row per rule of the statute book (`dokument.queries.forfattningar`): those in
    force first, then the repealed and replaced, each by number, as the page lists them."""
    from dokument.queries import anslagsdatum

    prefix = base_url + _prefix("dokument:detalj")
    in_force = documents.filter(status=Dokument.Status.GALLANDE)
    history = documents.exclude(status=Dokument.Status.GALLANDE)
    for part in (in_force, history):
        for dok in part.iterator(chunk_size=CHUNK):
            version = dok.aktuell_version
            forst, senast = anslagsdatum(dok)
            yield {
                "nummer": dok.kfs_nummer,
                "titel": version.titel if version else "",
                "status": dok.status_display,
                "beslut": version.beslut_display if version else "",
                "diarienummer": version.diarienummer if version else "",
                "anslagsdatum": _date(senast),
                "forsta_anslagsdatum": _date(forst),
                "upphavd_datum": _date(dok.upphavd_datum),
                "upphavd_beslut": dok.upphavd_beslut,
                "ersatt_av": " | ".join(
                    f"{lank.get_typ_display()} av: {lank.fran}"
                    + (f" ({lank.fran.kfs_nummer})" if lank.fran.kfs_nummer else "")
                    for lank in dok.ersatt_av
                ),
                "adress": (
                    f"{prefix}{dok.pk}/version/{version.versionsnummer}/"
                    if version
                    else f"{prefix}{dok.pk}/"
                ),
            }


# --- The organisation ---------------------------------------------------------------------------

ORGANISATION_KOLUMNER = [
    ("namn", "Namn"),
    ("typ", "Typ"),
    ("kod", "Kod"),
    ("forkortning", "Förkortning"),
    ("niva", "Nivå"),
    ("overordnad", "Överordnad"),
    ("aktiv_fran", "Aktiv från"),
    ("aktiv_till", "Aktiv till"),
    ("adress", "Adress"),
]


def organisation_rows(rows: list[dict], base_url: str) -> Iterator[dict]:
    """One row per organisation of the list (`styrning.queries.organisation_list_rows`: the
    tree in its order, read once for every request), its depth from 1 at the top."""
    prefix = base_url + _prefix("organisation_detalj")
    names = {row["org"].pk: row["org"].namn for row in rows}
    for row in rows:
        org = row["org"]
        yield {
            "namn": org.namn,
            "typ": org.get_typ_display(),
            "kod": org.kod,
            "forkortning": org.forkortning,
            "niva": row["depth"] + 1,
            "overordnad": names.get(org.overordnad_id, ""),
            "aktiv_fran": _date(org.aktiv_fran),
            "aktiv_till": _date(org.aktiv_till),
            "adress": f"{prefix}{org.pk}/",
        }


# --- Adopted follow-up reports ------------------------------------------------------------------

RAPPORT_KOLUMNER = [
    ("rapport", "Rapport"),
    ("rapporttyp", "Rapporttyp"),
    ("ar", "År"),
    ("period", "Period"),
    ("organisation", "Organisation"),
    ("antagen_av", "Antagen av"),
    ("beslutsdatum", "Beslutsdatum"),
    ("paragraf", "Paragraf"),
    ("diarienummer", "Diarienummer"),
    ("status", "Status"),
    ("adress", "Adress"),
    ("pdf", "Pdf"),
]


def rapport_rows(reports, base_url: str) -> Iterator[dict]:
    """One row per report of the public list (`uppfoljning.views_publik.adopted_reports`,
    filtered), in its order: the type, the organisation and the adopting body come joined, so
    the whole list is one query."""
    from uppfoljning.models import Rapport

    prefix = base_url + reverse("uppfoljning:las", args=[0]).removesuffix("0/las/")
    for r in reports.iterator(chunk_size=CHUNK):
        label = r.period.ackumulerad_label
        yield {
            "rapport": f"{r.rapportperiod.rapporttyp.namn} {label}",
            "rapporttyp": r.rapportperiod.rapporttyp.namn,
            "ar": r.rapportperiod.ar,
            "period": label,
            "organisation": r.organisation.namn,
            "antagen_av": r.antagen_av.namn if r.antagen_av_id else "",
            "beslutsdatum": _date(r.beslutsdatum),
            "paragraf": r.paragraf,
            "diarienummer": r.diarienummer,
            "status": "Antagen" if r.status == Rapport.Status.ANTAGEN else "Öppnad igen",
            "adress": f"{prefix}{r.pk}/las/",
            "pdf": f"{prefix}{r.pk}/pdf/",
        }


# --- Assignments --------------------------------------------------------------------------------

UPPDRAG_KOLUMNER = [
    ("uppdrag", "Uppdrag"),
    ("beskrivning", "Beskrivning"),
    ("givet_av", "Givet av"),
    ("budgetar", "Budgetår"),
    ("givet_till", "Givet till"),
    ("mal", "Mål"),
    ("slutdatum", "Klart senast"),
    ("status", "Status"),
    ("kommentar_period", "Senaste kommentarens period"),
    ("kommentar", "Senaste kommentar"),
    ("adress", "Adress"),
]


def uppdrag_rows(assignments, base_url: str) -> Iterator[dict]:
    """One row per assignment of the public list (`mal.queries.uppdrag_for_user`, filtered),
    in its order, with its latest comment (the comments prefetched a chunk at a time); the goal
    it belongs to by title only when the goal is adopted (a draft's title is not public)."""
    from mal.models import Mal

    prefix = base_url + reverse("mal:uppdrag", args=[0]).removesuffix("0/")
    for u in assignments.prefetch_related("kommentarer").iterator(chunk_size=CHUNK):
        latest = u.senaste_kommentar
        yield {
            "uppdrag": u.titel,
            "beskrivning": u.beskrivning,
            "givet_av": u.givet_av.namn,
            "budgetar": u.budgetar.ar if u.budgetar_id else "",
            "givet_till": u.givet_till.namn,
            "mal": u.mal.titel if u.mal_id and u.mal.status == Mal.Status.ANTAGET else "",
            "slutdatum": _date(u.slutdatum),
            "status": u.get_status_display(),
            "kommentar_period": latest.period.label if latest else "",
            "kommentar": latest.kommentar if latest else "",
            "adress": f"{prefix}{u.pk}/",
        }


# --- The comparison over time -------------------------------------------------------------------


def jamforelse_columns(periods) -> list[tuple[str, str]]:
    """The comparison's columns: the goal, then one per period, then its address."""
    return [
        ("mal", "Mål"),
        ("nummer", "Nummer"),
        ("agare", "Ägare"),
        *[(p.kod, p.label) for p in periods],
        ("adress", "Adress"),
    ]


def jamforelse_rows(rows: list[dict], periods, base_url: str) -> Iterator[dict]:
    """One row per goal of the comparison (`mal.queries.comparison_rows`): its fulfilment in each
    period as the table shows it, "(förslag)" where no one has assessed it and the figure is
    the computed suggestion, empty where the goal does not cover the period."""
    from mal.fulfilment import SAKNAS, status_label

    prefix = base_url + reverse("mal:detalj", args=[0]).removesuffix("0/")
    for row in rows:
        mal = row["mal"]
        cells = {}
        for period, cell in zip(periods, row["cells"], strict=True):
            if cell is None:
                cells[period.kod] = ""
            elif not cell.assessed and cell.suggestion.status != SAKNAS:
                cells[period.kod] = f"{status_label(cell.status)} (förslag)"
            else:
                cells[period.kod] = status_label(cell.status)
        yield {
            "mal": mal.titel,
            "nummer": mal.nummer,
            "agare": mal.agare.namn,
            **cells,
            "adress": f"{prefix}{mal.pk}/",
        }
