"""The API's reads: the public querysets of each resource and what a page of them needs, in a
fixed number of queries whatever the number of rows.

What is public is defined once, in each app, and read from there: documents through
`dokument.queries.published_documents` (their published versions only: a version with
sekretess is never published), goals through `mal.queries.mal_for_user` for an anonymous
reader (adopted goals), values by `mal.queries.is_value_public` (final values of ended
periods, as a query `mal.queries.public_value_filter`, tested against it), reports through
`uppfoljning.views_publik.adopted_reports` (those with an adopted version, whose latest
adopted version is what the public page shows)."""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects

from dokument.models import Dokumentlank, Dokumentversion
from dokument.queries import published_documents
from mal.models import Indikator, Mal, Malvarde, Varde
from mal.queries import mal_for_user, public_value_filter
from styrning.models import Organisation
from uppfoljning.models import Rapportversion


def organisations() -> QuerySet[Organisation]:
    """The organisation tree is public: every node, in the tree's order."""
    return Organisation.objects.order_by("ordning", "namn", "pk")


def public_documents() -> QuerySet:
    """The ids of the documents the public may see, as a subquery."""
    return published_documents().order_by().values("pk")


def _published_versions(with_text: bool) -> Prefetch:
    versions = (
        Dokumentversion.objects.filter(status=Dokumentversion.Status.PUBLICERAD)
        .select_related("faststalld_av")
        .prefetch_related("giltighetsomrade")
        .order_by("-versionsnummer")
    )
    # The text extracted from a file is for the search, not for the reader.
    versions = versions.defer("fil_text") if with_text else versions.defer("text", "fil_text")
    return Prefetch("versioner", queryset=versions, to_attr="publicerade")


def with_document_details(documents: list, *, with_text: bool = False) -> list:
    """A page of published documents with their published versions (and each version's scope)
    and their links to and from other published documents (`lankar`): three queries."""
    prefetch_related_objects(documents, _published_versions(with_text))
    ids = [d.pk for d in documents]
    visible = public_documents()
    links = Dokumentlank.objects.filter(
        Q(fran_id__in=ids) | Q(till_id__in=ids), fran__in=visible, till__in=visible
    ).order_by("typ", "pk")
    by_document: dict[int, list] = {pk: [] for pk in ids}
    for link in links:
        for pk in {link.fran_id, link.till_id}:
            if pk in by_document:
                by_document[pk].append(link)
    for d in documents:
        d.lankar = by_document[d.pk]
    return documents


def public_goals() -> QuerySet[Mal]:
    """Adopted goals: what an anonymous reader sees (`mal_for_user`)."""
    return mal_for_user(AnonymousUser())


def with_goal_details(goals: list) -> list:
    """A page of goals with the public goals each contributes to and its indicators' ids."""
    prefetch_related_objects(
        goals,
        Prefetch(
            "overordnade",
            queryset=public_goals().select_related(None).only("pk").order_by("pk"),
            to_attr="publika_overordnade",
        ),
        Prefetch(
            "indikatorer",
            queryset=Indikator.objects.only("pk", "mal_id").order_by("pk"),
            to_attr="indikator_ids",
        ),
    )
    return goals


def indicators() -> QuerySet[Indikator]:
    """The indicators of public goals, with their targets."""
    return (
        Indikator.objects.filter(mal__in=public_goals().values("pk"))
        .select_related("matt_for")
        .prefetch_related(Prefetch("malvarden", queryset=Malvarde.objects.order_by("ar")))
        .order_by("pk")
    )


def targets() -> QuerySet[Malvarde]:
    """The targets of the indicators of public goals."""
    return Malvarde.objects.filter(indikator__mal__in=public_goals().values("pk")).order_by(
        "indikator_id", "ar", "pk"
    )


def public_values(today: datetime.date) -> QuerySet[Varde]:
    """The values the public sees (`mal.queries.is_value_public` as a query: final values of
    ended periods) of the indicators of public goals."""
    return (
        Varde.objects.filter(indikator__mal__in=public_goals().values("pk"))
        .filter(public_value_filter(today))
        .select_related("organisation")
        .order_by("indikator_id", "organisation_id", "ar", "periodtyp", "periodnummer", "pk")
    )


def with_report_versions(reports: list) -> list:
    """A page of adopted reports with their adopted versions (`antagna`, latest first; the
    snapshots not loaded)."""
    prefetch_related_objects(
        reports,
        Prefetch(
            "versioner",
            queryset=Rapportversion.objects.filter(slag=Rapportversion.Slag.ANTAGEN)
            .defer("innehall")
            .order_by("-nummer"),
            to_attr="antagna",
        ),
    )
    return reports


def snapshot(version: Rapportversion) -> dict:
    """The content of a frozen version (deferred in the lists)."""
    innehall = (
        Rapportversion.objects.filter(pk=version.pk).values_list("innehall", flat=True).first()
    )
    return innehall if isinstance(innehall, dict) else {}
