"""Reads of governing documents used in more than one place."""

import datetime

from django.db.models import Exists, FilteredRelation, OuterRef, Prefetch, Q, QuerySet
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


def dokument_for_user(user) -> QuerySet[Dokument]:
    """Documents the user may see: the published ones, and every document of the bodies whose
    internal material the user may read or whose documents the user handles."""
    published = Dokumentversion.objects.filter(
        dokument=OuterRef("pk"),
        ar_aktuell=True,
        status=Dokumentversion.Status.PUBLICERAD,
    )
    internal = permissions.internal_ids(user) | permissions.document_editor_ids(user)
    return with_current_version(
        Dokument.objects.filter(Q(Exists(published)) | Q(agare_id__in=internal))
    )


def versions_for_user(user, dokument: Dokument) -> QuerySet[Dokumentversion]:
    """The versions of a document the user may see: published ones for everybody, all of them
    for those who read the owner's internal material."""
    qs = dokument.versioner.select_related(
        "faststalld_av", "dokumentansvarig", "personnummer_bekraftat_av"
    )
    if permissions.can_view_internal(user, dokument.agare_id) or permissions.can_edit_documents(
        user, dokument.agare_id
    ):
        return qs
    return qs.filter(status=Dokumentversion.Status.PUBLICERAD)


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


def granskning_for_user(user, today: datetime.date | None = None) -> dict[str, list[Dokument]]:
    """The documents in force of the user's bodies that need attention, grouped: overdue, due
    within 90 days, flagged by a higher document's change, and those whose responsible official
    has left (the account is inactive). A document can be in more than one group."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    left = Dokumentversion.objects.filter(
        dokument=OuterRef("pk"), ar_aktuell=True, dokumentansvarig__is_active=False
    )
    docs = list(
        with_current_version(
            Dokument.objects.filter(
                agare_id__in=permissions.document_editor_ids(user),
                status=Dokument.Status.GALLANDE,
            )
        )
        .annotate(ansvarig_slutat=Exists(left))
        .filter(Q(granskning_nasta__lte=soon) | ~Q(granskning_flagga="") | Q(ansvarig_slutat=True))
        .order_by("granskning_nasta", "pk")
    )
    return {
        "forsenade": [d for d in docs if d.granskning_nasta and d.granskning_nasta < today],
        "snart": [d for d in docs if d.granskning_nasta and today <= d.granskning_nasta <= soon],
        "flaggade": [d for d in docs if d.granskning_flagga],
        "ansvarig_slutat": [d for d in docs if d.ansvarig_slutat],
    }


def vantande_for_user(user) -> list[Dokument]:
    """Documents of the user's bodies with a version waiting for a decision or publication
    (drafts and adopted versions not yet public). The waiting versions are in `vantande`."""
    waiting = [Dokumentversion.Status.UTKAST, Dokumentversion.Status.FASTSTALLD]
    return list(
        Dokument.objects.filter(
            agare_id__in=permissions.document_editor_ids(user),
            versioner__status__in=waiting,
        )
        .exclude(status__in=[Dokument.Status.UPPHAVD, Dokument.Status.ERSATT])
        .distinct()
        .select_related("typ", "agare")
        .prefetch_related(
            Prefetch(
                "versioner",
                queryset=Dokumentversion.objects.filter(status__in=waiting).order_by(
                    "-versionsnummer"
                ),
                to_attr="vantande",
            )
        )
        .order_by("-pk")
    )
