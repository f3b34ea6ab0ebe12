"""The OParl 1.1 read model: which public records the endpoint at /oparl/ serves and how each is
written as an OParl object (https://oparl.org, schemas in ../shared/standards/oparl-1.1/).

What is published, and as what:

- System: the endpoint itself; Body: the municipality (one per installation, KOMMUN_NAMN).
- Organization: the political bodies (`Organisation.POLITISKA_TYPER`: fullmäktige, styrelsen,
  nämnder, utskott, bolagsstyrelser, förbundsdirektioner).
- LegislativeTerm: the terms of office (see `legislative_terms`).
- Paper: each published document version, with its Files (the version's PDF as `mainFile`,
  the uploaded original as `auxiliaryFile`) and the adopting decision as its Consultation.
  Drafts, adopted but unpublished versions and confidential versions are never Papers: the
  versions come from `dokument.queries.published_documents`, the public documents, and only
  their published versions (the rule of `permissions.can_view_version` for the public).

What OParl has no word for is written with the vendor prefix `styrning:` (the OParl spec's way
for vendor-specific properties): the decision date, paragraph and case number of a
Consultation, the document's status and its statute-book number on a Paper.

Times (`created`, `modified`), and what they are made of, so that `modified_since` finds every
change a reader would see:

- A Paper's `created` is its publication (the registration for versions published before the
  time was recorded); its `modified` is the latest public act on its document (a later version
  published, a repeal, a replacement) in the log of acts, `styrning.models.Handelse`, or its
  publication when there is none since. Those are the only changes a Paper shows: a published
  version is never edited.
- An Organization's times come from its history (django-simple-history): its first and last
  recorded change.

Deleted objects (`deleted: true`): a published version never leaves public view in this system
(a repealed or replaced document stays public, shown as such, and a makulerad registration was
never published, so it was never a Paper: reporting it would tell that a draft existed), so no
Paper or File is ever deleted. A political body does leave the endpoint when it is removed from
the organisation tree or made into a body of officials; its history tells which and when, and
it is then served as a deleted Organization.
"""

import datetime
import mimetypes
from dataclasses import dataclass

from django.conf import settings
from django.db.models import DateTimeField, Max, Min, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone

from dokument.models import Dokumentversion
from dokument.pdf import pdf_filename
from dokument.queries import published_documents
from styrning.models import Handelse, Mandatperiod, Organisation

OPARL_VERSION = "https://schema.oparl.org/1.1/"
MAX_PER_PAGE = 100
VENDOR = "styrning:"

# Public records of Swedish authorities' decisions are free of copyright (upphovsrättslagen
# 9 §); the register is offered under CC0.
LICENSE = "http://creativecommons.org/publicdomain/zero/1.0/"

# The acts on a document that change how its published versions read (a newer version is the
# current one, the document is repealed or replaced).
PAPER_CHANGING_ACTS = (
    Handelse.Handling.PUBLICERAD,
    Handelse.Handling.UPPHAVD,
    Handelse.Handling.ERSATT,
)


def oparl_type(name: str) -> str:
    return f"https://schema.oparl.org/1.1/{name}"


def absolute(path: str) -> str:
    """An absolute, stable address: the site's own (SITE_URL), not the host a client asked
    for, so that an object's id is the same however it was reached."""
    return settings.SITE_URL.rstrip("/") + path


def url(name: str, *args) -> str:
    return absolute(reverse(name, args=args))


def stamp(value: datetime.datetime | None) -> str | None:
    """A time as OParl writes it: ISO 8601 with the offset, in the municipality's time zone."""
    if value is None:
        return None
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def _without_none(obj: dict) -> dict:
    return {key: value for key, value in obj.items() if value is not None}


# --- System and Body ----------------------------------------------------------------------------


def system() -> dict:
    return {
        "id": url("oparl_system"),
        "type": oparl_type("System"),
        "oparlVersion": OPARL_VERSION,
        "body": url("oparl_bodies"),
        "name": f"{settings.KOMMUN_NAMN}: styrdokument och beslut",
        "website": absolute("/"),
        "license": LICENSE,
        "web": absolute("/"),
    }


def body(terms: list["Term"]) -> dict:
    return {
        "id": url("oparl_body"),
        "type": oparl_type("Body"),
        "system": url("oparl_system"),
        "name": settings.KOMMUN_NAMN,
        "shortName": settings.KOMMUN_NAMN,
        "website": absolute("/"),
        "license": LICENSE,
        "classification": "Kommun",
        "organization": url("oparl_organizations"),
        "person": url("oparl_people"),
        "meeting": url("oparl_meetings"),
        "paper": url("oparl_papers"),
        "legislativeTerm": [legislative_term(term) for term in terms],
        "legislativeTermList": url("oparl_legislative_terms"),
        "web": absolute("/"),
        f"{VENDOR}kommunkod": settings.KOMMUN_KOD,
    }


# --- Legislative terms --------------------------------------------------------------------------

# The first Swedish general election with a four-year term was held in 1994; since then every
# election falls in a year divisible by four (1994, 1998, … 2022, 2026).
FIRST_FOUR_YEAR_TERM = 1995


@dataclass(frozen=True)
class Term:
    start_ar: int
    slut_ar: int

    @property
    def name(self) -> str:
        return f"Mandatperioden {self.start_ar}–{self.slut_ar}"


def term_of(year: int) -> Term | None:
    """The Swedish municipal term of office a year falls in: four years from the January after
    a general election (2023–2026, 2027–2030). Before 1995 terms were three years and are not
    derived."""
    if year < FIRST_FOUR_YEAR_TERM:
        return None
    start = year - (year - FIRST_FOUR_YEAR_TERM) % 4
    return Term(start, start + 3)


def legislative_terms() -> list[Term]:
    """The terms of office: those the municipality has entered (`Mandatperiod`, used for the
    budget years), and, for the years in which published versions were decided that no entered
    term covers, the terms derived from the election calendar (`term_of`). The project keeps
    terms only as far as its budget years reach, while a register of governing documents goes
    back decades; deriving the rest (every term from the first decision to the last, without
    gaps) lets every Paper's decision fall in a published term. Two
    queries."""
    entered = [Term(p.start_ar, p.slut_ar) for p in Mandatperiod.objects.order_by("start_ar")]
    span = _published_versions().aggregate(first=Min("beslutsdatum"), last=Max("beslutsdatum"))
    derived = []
    if span["first"] is not None and span["last"] is not None:
        year = span["first"].year
        while year <= span["last"].year:
            term = term_of(year)
            covered = any(t.start_ar <= year <= t.slut_ar for t in entered)
            if term is not None and not covered and term not in derived:
                derived.append(term)
            year += 1
    return sorted({*entered, *derived}, key=lambda t: t.start_ar)


def legislative_term(term: Term) -> dict:
    return {
        "id": url("oparl_legislative_term", term.start_ar),
        "type": oparl_type("LegislativeTerm"),
        "body": url("oparl_body"),
        "name": term.name,
        "startDate": datetime.date(term.start_ar, 1, 1).isoformat(),
        "endDate": datetime.date(term.slut_ar, 12, 31).isoformat(),
    }


# --- Organizations ------------------------------------------------------------------------------


def _history():
    return Organisation.history.model


def political_organisations() -> QuerySet[Organisation]:
    """The political bodies, with their first and last recorded change as `oparl_created` and
    `oparl_modified` (from the history; None for a body entered before the history began)."""
    changes = _history().objects.filter(id=OuterRef("pk"))
    return (
        Organisation.objects.filter(typ__in=Organisation.POLITISKA_TYPER)
        .select_related("overordnad")
        .annotate(
            oparl_created=Subquery(changes.order_by("history_date").values("history_date")[:1]),
            oparl_modified=Subquery(changes.order_by("-history_date").values("history_date")[:1]),
        )
        .order_by("pk")
    )


def removed_organisations() -> QuerySet:
    """The ids of bodies that were political once and are no longer served (removed from the
    tree or made into a body of officials), with the time of their last recorded change as
    `tid`: one query."""
    history = _history().objects
    political_once = history.filter(typ__in=Organisation.POLITISKA_TYPER).values("id")
    political_now = Organisation.objects.filter(typ__in=Organisation.POLITISKA_TYPER).values("pk")
    return (
        history.filter(id__in=political_once)
        .exclude(id__in=political_now)
        .values("id")
        .annotate(tid=Max("history_date"))
        .order_by("id")
    )


def organization(org: Organisation) -> dict:
    parent = org.overordnad
    return _without_none(
        {
            "id": url("oparl_organization", org.pk),
            "type": oparl_type("Organization"),
            "body": url("oparl_body"),
            "name": org.namn,
            "shortName": org.forkortning or org.kortnamn or None,
            "subOrganizationOf": (
                url("oparl_organization", parent.pk)
                if parent is not None and parent.is_political
                else None
            ),
            "organizationType": "Gremium",
            "classification": org.get_typ_display(),
            "startDate": org.aktiv_fran.isoformat() if org.aktiv_fran else None,
            "endDate": org.aktiv_till.isoformat() if org.aktiv_till else None,
            "website": absolute(org.get_absolute_url()),
            "web": absolute(org.get_absolute_url()),
            "created": stamp(getattr(org, "oparl_created", None)),
            "modified": stamp(getattr(org, "oparl_modified", None)),
        }
    )


def deleted(kind: str, object_id: str, when: datetime.datetime | None) -> dict:
    """An object that left the endpoint, as OParl says it is written: its id, type, the time
    it went, and `deleted`."""
    return _without_none(
        {"id": object_id, "type": oparl_type(kind), "modified": stamp(when), "deleted": True}
    )


# --- Papers, Files, Consultations ---------------------------------------------------------------


def _published_versions() -> QuerySet[Dokumentversion]:
    """The published versions of the public documents."""
    return Dokumentversion.objects.filter(
        status=Dokumentversion.Status.PUBLICERAD,
        dokument__in=published_documents().values("pk"),
    )


def public_versions() -> QuerySet[Dokumentversion]:
    """The published versions of the public documents, with `oparl_created` and
    `oparl_modified` (module docstring), ordered by id."""
    published_at = Coalesce("publicerad_tid", "skapad", output_field=DateTimeField())
    latest_act = (
        Handelse.objects.filter(
            objekttyp__app_label="dokument",
            objekttyp__model="dokument",
            objekt_id=OuterRef("dokument_id"),
            handling__in=PAPER_CHANGING_ACTS,
            publik=True,
        )
        .order_by("-tid")
        .values("tid")[:1]
    )
    return (
        _published_versions()
        .select_related("dokument__typ", "dokument__agare", "faststalld_av")
        .annotate(
            oparl_created=published_at,
            oparl_modified=Greatest(
                published_at,
                Coalesce(Subquery(latest_act), published_at, output_field=DateTimeField()),
                output_field=DateTimeField(),
            ),
        )
        .order_by("pk")
    )


def sibling_numbers(versions: list[Dokumentversion]) -> dict[int, list[int]]:
    """The published version numbers of each document of `versions`, in one query."""
    numbers: dict[int, list[int]] = {}
    rows = (
        Dokumentversion.objects.filter(
            dokument_id__in={v.dokument_id for v in versions},
            status=Dokumentversion.Status.PUBLICERAD,
        )
        .order_by("dokument_id", "versionsnummer")
        .values_list("dokument_id", "versionsnummer")
    )
    for dokument_id, nummer in rows:
        numbers.setdefault(dokument_id, []).append(nummer)
    return numbers


def paper_url(version: Dokumentversion) -> str:
    return url("oparl_paper", version.dokument_id, version.versionsnummer)


def _org_url(org: Organisation | None) -> str | None:
    """An organisation's Organization, when it is one (a political body)."""
    return url("oparl_organization", org.pk) if org is not None and org.is_political else None


def _date(version: Dokumentversion) -> str | None:
    if version.beslutsdatum:
        return version.beslutsdatum.isoformat()
    if version.publicerad_tid:
        return timezone.localdate(version.publicerad_tid).isoformat()
    return None


def file_pdf(version: Dokumentversion, *, standalone: bool = False) -> dict:
    """The version's PDF/A, made once when it was published; its address answers "PDF:en
    skapas" (202) until it is made, so the address is given, not its size or checksum."""
    address = url("dokument:version_pdf", version.dokument_id, version.versionsnummer)
    return _without_none(
        {
            "id": url("oparl_file_pdf", version.dokument_id, version.versionsnummer),
            "type": oparl_type("File"),
            "name": f"{version.titel} (PDF)",
            "fileName": pdf_filename(version),
            "mimeType": "application/pdf",
            "date": _date(version),
            "accessUrl": address,
            "downloadUrl": address,
            "fileLicense": LICENSE,
            "paper": [paper_url(version)] if standalone else None,
            "created": stamp(version.oparl_created),
            "modified": stamp(version.oparl_created),
        }
    )


def file_original(version: Dokumentversion, *, standalone: bool = False) -> dict:
    """The file the version was registered from (PDF, DOCX, ODT)."""
    address = url("dokument:fil", version.dokument_id, version.versionsnummer)
    name = version.fil_namn
    return _without_none(
        {
            "id": url("oparl_file_original", version.dokument_id, version.versionsnummer),
            "type": oparl_type("File"),
            "name": f"{version.titel} (originalfil)",
            "fileName": name,
            "mimeType": mimetypes.guess_type(name)[0] or "application/octet-stream",
            "date": _date(version),
            "accessUrl": address,
            "downloadUrl": address,
            "fileLicense": LICENSE,
            "paper": [paper_url(version)] if standalone else None,
            "created": stamp(version.oparl_created),
            "modified": stamp(version.oparl_created),
        }
    )


def has_consultation(version: Dokumentversion) -> bool:
    return version.faststalld_av_id is not None


def consultation(version: Dokumentversion) -> dict:
    """The adopting decision: the body, the date, the paragraph and the case number."""
    body = version.faststalld_av
    org = _org_url(body)
    return _without_none(
        {
            "id": url("oparl_consultation", version.dokument_id, version.versionsnummer),
            "type": oparl_type("Consultation"),
            "paper": paper_url(version),
            "organization": [org] if org else None,
            "authoritative": True,
            "role": "Beslut",
            "license": LICENSE,
            "created": stamp(version.oparl_created),
            "modified": stamp(version.oparl_created),
            f"{VENDOR}beslutandeOrgan": body.namn,
            f"{VENDOR}beslutsdatum": (
                version.beslutsdatum.isoformat() if version.beslutsdatum else None
            ),
            f"{VENDOR}paragraf": version.paragraf or None,
            f"{VENDOR}diarienummer": version.diarienummer or None,
        }
    )


def paper(version: Dokumentversion, numbers: list[int]) -> dict:
    """A published version as a Paper. `numbers` are its document's published version
    numbers (`sibling_numbers`): the other versions are its related Papers."""
    dokument = version.dokument
    owner = _org_url(dokument.agare)
    return _without_none(
        {
            "id": paper_url(version),
            "type": oparl_type("Paper"),
            "body": url("oparl_body"),
            "name": version.titel,
            "reference": version.diarienummer or None,
            "date": _date(version),
            "paperType": dokument.typ.namn,
            "relatedPaper": [
                url("oparl_paper", version.dokument_id, n)
                for n in numbers
                if n != version.versionsnummer
            ]
            or None,
            "mainFile": file_pdf(version),
            "auxiliaryFile": [file_original(version)] if version.fil else None,
            "underDirectionOf": [owner] if owner else None,
            "consultation": [consultation(version)] if has_consultation(version) else None,
            "license": LICENSE,
            "web": absolute(version.get_absolute_url()),
            "created": stamp(version.oparl_created),
            "modified": stamp(version.oparl_modified),
            f"{VENDOR}versionsnummer": version.versionsnummer,
            f"{VENDOR}aktuellVersion": version.ar_aktuell,
            f"{VENDOR}dokumentstatus": dokument.get_status_display(),
            f"{VENDOR}forfattningssamling": dokument.kfs_nummer or None,
            f"{VENDOR}giltigFran": version.giltig_fran.isoformat() if version.giltig_fran else None,
            f"{VENDOR}giltigTill": version.giltig_till.isoformat() if version.giltig_till else None,
            f"{VENDOR}dokument": absolute(dokument.get_absolute_url()),
        }
    )
