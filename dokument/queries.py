"""Reads of governing documents used in more than one place."""

import datetime

from django.db.models import Count, Exists, FilteredRelation, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from dokument.models import Dokument, Dokumentversion
from styrning import permissions
from styrning.history import Andring, Kalla, history


def _current_versions() -> Prefetch:
    return Prefetch(
        "versioner",
        queryset=Dokumentversion.objects.filter(ar_aktuell=True).select_related(
            "faststalld_av", "dokumentansvarig"
        ),
        to_attr="aktuella",
    )


def with_current_version(qs: QuerySet[Dokument]) -> QuerySet[Dokument]:
    """Join the current version as `aktuell` (for filtering and sorting on its fields) and
    prefetch it into `aktuella` (read it with `dokument.aktuell_version`)."""
    return (
        qs.annotate(aktuell=FilteredRelation("versioner", condition=Q(versioner__ar_aktuell=True)))
        .select_related("typ", "agare")
        .prefetch_related(_current_versions())
    )


def published_documents() -> QuerySet[Dokument]:
    """Documents whose current version is published: what the public may see (in force,
    expired, repealed or replaced). The current version is joined as `aktuell` and prefetched
    into `aktuella`."""
    return with_current_version(Dokument.objects.all()).filter(
        aktuell__status=Dokumentversion.Status.PUBLICERAD
    )


def forfattningar() -> QuerySet[Dokument]:
    """The statute book: the published documents with a number, by number, with the links of
    what replaced or repealed each (`ersatt_av`) and its published versions oldest first
    (`publicerade`, for `anslagsdatum`). The page and its CSV read it alike."""
    from dokument.models import Dokumentlank

    return (
        published_documents()
        .exclude(kfs_nummer="")
        .order_by("kfs_ar", "kfs_lopnummer")
        .prefetch_related(
            Prefetch(
                "lankar_till",
                queryset=Dokumentlank.objects.exclude(typ=Dokumentlank.Typ.KONKRETISERAR)
                .select_related("fran")
                .prefetch_related(
                    Prefetch(
                        "fran__versioner",
                        queryset=Dokumentversion.objects.filter(ar_aktuell=True),
                        to_attr="aktuella",
                    )
                ),
                to_attr="ersatt_av",
            ),
            Prefetch(
                "versioner",
                queryset=Dokumentversion.objects.filter(
                    status=Dokumentversion.Status.PUBLICERAD
                ).order_by("versionsnummer"),
                to_attr="publicerade",
            ),
        )
    )


def anslagsdatum(dokument: Dokument) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """A rule's dates of posting (of a `forfattningar()` row): (the first publication
    when the document was revised since, else None; the current version's own publication)."""
    current = dokument.aktuell_version
    first = dokument.publicerade[0] if dokument.publicerade else None
    return (
        first.publicerad_tid if first and current and first.pk != current.pk else None,
        current.publicerad_tid if current else None,
    )


def dokument_for_user(user) -> QuerySet[Dokument]:
    """Documents the user may see: those with at least one version the user may read
    (`versions_for_user`, after `permissions.can_view_version`). A document whose only
    versions are confidential does not exist for those who may not read them."""
    Status = Dokumentversion.Status
    versions = Dokumentversion.objects.filter(dokument=OuterRef("pk"))
    public_or_to_decide = versions.filter(
        Q(status=Status.PUBLICERAD)
        | Q(sekretess=False, faststalld_av_id__in=permissions.deciding_body_ids(user))
    )
    return with_current_version(
        Dokument.objects.alias(open_version=Exists(versions.filter(sekretess=False))).filter(
            Q(agare_id__in=permissions.confidential_ids(user))
            | Q(Exists(public_or_to_decide))
            | Q(agare_id__in=permissions.internal_ids(user), open_version=True)
        )
    )


def versions_for_user(user, dokument: Dokument) -> QuerySet[Dokumentversion]:
    """The versions of a document the user may read: `permissions.can_view_version` as a
    query, for one document (its owner is known, so no join)."""
    qs = dokument.versioner.select_related(
        "faststalld_av", "dokumentansvarig", "personnummer_bekraftat_av"
    )
    if dokument.agare_id in permissions.confidential_ids(user):
        return qs
    if dokument.agare_id in permissions.internal_ids(user):
        return qs.filter(sekretess=False)  # a published version never carries sekretess
    return qs.filter(
        Q(status=Dokumentversion.Status.PUBLICERAD)
        | Q(sekretess=False, faststalld_av_id__in=permissions.deciding_body_ids(user))
    )


# --- The audit trail ----------------------------------------------------------------------------


def audit_trail(dokument: Dokument) -> list[Andring]:
    """Every change to the document, its versions, links and reviews, and the acts on the
    document, newest first. A fixed number of queries."""
    from dokument.models import Dokumentlank, Granskning

    return history(
        Kalla(Dokument, Dokument.history.filter(id=dokument.pk), lambda r: "Dokumentet"),
        Kalla(
            Dokumentversion,
            Dokumentversion.history.filter(dokument_id=dokument.pk),
            lambda r: f"Version {r.versionsnummer}",
        ),
        Kalla(
            Dokumentlank,
            Dokumentlank.history.filter(Q(fran_id=dokument.pk) | Q(till_id=dokument.pk)),
            lambda r: "Länk",
        ),
        Kalla(
            Granskning,
            Granskning.history.filter(dokument_id=dokument.pk),
            lambda r: "Aktualitetsprövning",
        ),
        acts_on=(dokument,),
    )


# --- Review -------------------------------------------------------------------------------------

DUE_SOON_DAYS = 90


GRANSKNING_GRUPPER = ("forsenade", "snart", "flaggade", "ansvarig_slutat")


def _granskning_base(user, today: datetime.date) -> QuerySet[Dokument]:
    """The documents in force of the user's bodies (an expired one is no longer in force: no
    review is due), with the current version joined as `aktuell`."""
    return (
        Dokument.objects.filter(
            agare_id__in=permissions.document_editor_ids(user),
            status=Dokument.Status.GALLANDE,
        )
        .annotate(aktuell=FilteredRelation("versioner", condition=Q(versioner__ar_aktuell=True)))
        .filter(Q(aktuell__giltig_till__isnull=True) | Q(aktuell__giltig_till__gte=today))
    )


def _granskning_conditions(today: datetime.date) -> dict[str, Q]:
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    return {
        "forsenade": Q(granskning_nasta__lt=today),
        "snart": Q(granskning_nasta__gte=today, granskning_nasta__lte=soon),
        "flaggade": ~Q(granskning_flagga=""),
        "ansvarig_slutat": Q(aktuell__dokumentansvarig__is_active=False),
    }


# What the review lists show of a document and of its current version.
REVIEW_FIELDS = (
    "typ",
    "agare",
    "status",
    "granskning_senast",
    "granskning_nasta",
    "granskning_flagga",
)
REVIEW_VERSION_FIELDS = (
    "dokument",
    "versionsnummer",
    "titel",
    "giltig_till",
    "dokumentansvarig__username",
    "dokumentansvarig__first_name",
    "dokumentansvarig__last_name",
    "dokumentansvarig__is_active",
)


def granskning_querysets(user, today: datetime.date | None = None) -> dict[str, QuerySet]:
    """The documents in force of the user's bodies that need attention, one queryset per
    group: overdue, due within 90 days, flagged by a higher document's change, and those whose
    responsible official has left (the account is inactive). A document can be in more than
    one group. Each is ordered by its review date.

    Each row carries what the review list shows of the document and its type's and owner's
    names; `with_current_versions` gives the shown rows their current version."""
    today = today or timezone.localdate()
    base = (
        _granskning_base(user, today)
        .select_related("typ", "agare")
        .only(*REVIEW_FIELDS, "typ__namn", "agare__namn", "agare__kortnamn")
        .order_by("granskning_nasta", "pk")
    )
    return {name: base.filter(q) for name, q in _granskning_conditions(today).items()}


def with_current_versions(*groups) -> None:
    """Give the documents of the review lists' groups (shown pages of `granskning_querysets`)
    their current version as `aktuell_version`, with only what the lists show of it (title,
    number, the responsible official), in one query for all the groups. (Selecting the version
    joined in the groups' own queries would read every column of it, texts included:
    `only()` does not reach the FilteredRelation that joins it; that read was most of the
    review page's database time at bench scale 1.)"""
    documents = [dokument for group in groups for dokument in group]
    versions = {
        v.dokument_id: v
        for v in Dokumentversion.objects.filter(
            dokument__in={d.pk for d in documents}, ar_aktuell=True
        )
        .select_related("dokumentansvarig")
        .only(*REVIEW_VERSION_FIELDS)
    }
    for dokument in documents:
        dokument.aktuella = [versions[dokument.pk]] if dokument.pk in versions else []


def granskning_counts(user, today: datetime.date | None = None) -> dict[str, int]:
    """How many documents each group of `granskning_querysets` holds, in one query."""
    today = today or timezone.localdate()
    return _granskning_base(user, today).aggregate(
        **{name: Count("pk", filter=q) for name, q in _granskning_conditions(today).items()}
    )


def granskning_for_user(user, today: datetime.date | None = None) -> dict[str, list[Dokument]]:
    """The groups of `granskning_querysets`, read whole (for a few documents; a page reads them
    a page at a time)."""
    groups = {name: list(qs) for name, qs in granskning_querysets(user, today).items()}
    with_current_versions(*groups.values())
    return groups


def vantande_queryset(user) -> QuerySet[Dokument]:
    """Documents of the user's bodies with a version waiting for a decision or publication
    (drafts and adopted versions not yet public), newest first. The waiting versions are in
    `vantande`."""
    waiting = [Dokumentversion.Status.UTKAST, Dokumentversion.Status.FASTSTALLD]
    return (
        Dokument.objects.filter(
            agare_id__in=permissions.document_editor_ids(user),
            pk__in=Dokumentversion.objects.filter(status__in=waiting).values("dokument_id"),
        )
        .exclude(
            status__in=[Dokument.Status.UPPHAVD, Dokument.Status.ERSATT, Dokument.Status.MAKULERAD]
        )
        .select_related("typ", "agare")
        .only("status", "typ__namn", "agare__namn", "agare__kortnamn")
        .prefetch_related(
            Prefetch(
                "versioner",
                queryset=Dokumentversion.objects.filter(status__in=waiting)
                .only("dokument_id", "versionsnummer", "status", "titel", "sekretess")
                .order_by("-versionsnummer"),
                to_attr="vantande",
            )
        )
        .order_by("-pk")
    )


def vantande_for_user(user) -> list[Dokument]:
    """`vantande_queryset` read whole."""
    return list(vantande_queryset(user))
