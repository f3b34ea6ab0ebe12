"""Reads of governing documents used in more than one place."""

from django.db.models import Prefetch, QuerySet

from dokument.models import Dokument, Dokumentversion
from styrning import permissions


def _current_versions() -> Prefetch:
    return Prefetch(
        "versioner",
        queryset=Dokumentversion.objects.filter(ar_aktuell=True).select_related("faststalld_av"),
        to_attr="aktuella",
    )


def published_documents() -> QuerySet[Dokument]:
    """Documents whose current version is published: what the public may see.

    The current version is prefetched into `aktuella` (read it with `dokument.aktuell_version`).
    """
    return (
        Dokument.objects.filter(
            versioner__ar_aktuell=True,
            versioner__status=Dokumentversion.Status.PUBLICERAD,
        )
        .select_related("typ", "agare")
        .prefetch_related(_current_versions())
    )


def dokument_for_user(user) -> QuerySet[Dokument]:
    """Documents the user may see: the published ones, and every document of the bodies whose
    internal material the user may read."""
    from django.db.models import Exists, OuterRef, Q

    published = Dokumentversion.objects.filter(
        dokument=OuterRef("pk"),
        ar_aktuell=True,
        status=Dokumentversion.Status.PUBLICERAD,
    )
    internal = permissions.internal_ids(user) | permissions.document_editor_ids(user)
    return (
        Dokument.objects.filter(Q(Exists(published)) | Q(agare_id__in=internal))
        .select_related("typ", "agare")
        .prefetch_related(_current_versions())
    )
