"""The public lists as CSV downloads (`oppnadata.csv_listor`), each beside its list as mal's export
is (`/mal/export/mal.csv`): `/dokument/export/dokument.csv`,
`/dokument/export/forfattningssamling.csv`, `/organisation/export/organisationer.csv`,
`/uppfoljning/export/rapporter.csv`, `/mal/uppdrag/export/uppdrag.csv` and
`/mal/jamforelse/export/maluppfyllelse.csv`. A list's link carries its query string, so the file
holds the rows the filtered list holds, on every page of it.

Each view reads through the same public query and filter as its page (only published documents,
only adopted reports: the same for every visitor, signed in or not). A filter value the list
would show as an error is a 400 with the form's Swedish message here: a file with other rows
than the reader asked for would be worse than none.
"""

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from dokument.filters import DokumentFilter
from dokument.queries import forfattningar, published_documents
from mal.filters import Jamforelse, UppdragFilter
from mal.queries import comparison_rows, uppdrag_for_user
from oppnadata import csv_listor
from styrning import csvsafe
from styrning.queries import organisation_list_rows, organisation_tree
from uppfoljning.filters_publik import RapportFilter
from uppfoljning.views_publik import adopted_reports


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").removesuffix("/")


def _filtered_file(request, filter_class, queryset, filename: str, columns, rows) -> HttpResponse:
    """A list's file through the list's own filter (a django-filter FilterSet): the rows of
    `rows(filtered queryset, base url)`, or a 400 naming each refused filter value."""
    filterset = filter_class(request.GET or None, queryset=queryset)
    if filterset.is_bound and not filterset.is_valid():
        return csvsafe.filter_refused(filterset.form)
    return csvsafe.csv_response(filename, columns, rows(filterset.qs, _base_url(request)))


@require_safe
def dokument(request: HttpRequest) -> HttpResponse:
    """The document list (`dokument:lista`) with its filters, search and sorting."""
    return _filtered_file(
        request,
        DokumentFilter,
        published_documents(),
        "styrdokument",
        csv_listor.DOKUMENT_KOLUMNER,
        csv_listor.dokument_rows,
    )


@require_safe
def forfattningssamling(request: HttpRequest) -> HttpResponse:
    """The statute book (`dokument:forfattningssamling`): in force, then repealed or
    replaced."""
    return csvsafe.csv_response(
        "forfattningssamling",
        csv_listor.FORFATTNING_KOLUMNER,
        csv_listor.forfattning_rows(forfattningar(), _base_url(request)),
    )


@require_safe
def organisationer(request: HttpRequest) -> HttpResponse:
    """The organisation list (`organisation_lista`); `?visa=alla` takes in those no longer
    active, as on the page."""
    rows = organisation_list_rows(
        organisation_tree(), timezone.localdate(), show_all=request.GET.get("visa") == "alla"
    )
    return csvsafe.csv_response(
        "organisationer",
        csv_listor.ORGANISATION_KOLUMNER,
        csv_listor.organisation_rows(rows, _base_url(request)),
    )


@require_safe
def rapporter(request: HttpRequest) -> HttpResponse:
    """The public list of adopted follow-up reports (`uppfoljning:lista`) with its filters."""
    return _filtered_file(
        request,
        RapportFilter,
        adopted_reports(),
        "antagna-rapporter",
        csv_listor.RAPPORT_KOLUMNER,
        csv_listor.rapport_rows,
    )


@require_safe
def uppdrag(request: HttpRequest) -> HttpResponse:
    """The assignments (`mal:uppdrag_lista`) with their status filter: public, the same for
    everybody."""
    return _filtered_file(
        request,
        UppdragFilter,
        uppdrag_for_user(request.user),
        "uppdrag",
        csv_listor.UPPDRAG_KOLUMNER,
        csv_listor.uppdrag_rows,
    )


@require_safe
def jamforelse(request: HttpRequest) -> HttpResponse:
    """The comparison over time (`mal:jamforelse`) for its organisation and periods: the goals
    the reader may see, as the page shows them to the reader."""
    j = Jamforelse.from_query(request.GET)
    if j.form.errors:
        return csvsafe.filter_refused(j.form)
    rows = comparison_rows(request.user, j.chosen, j.periods)
    return csvsafe.csv_response(
        "maluppfyllelse-over-tid",
        csv_listor.jamforelse_columns(j.periods),
        csv_listor.jamforelse_rows(rows, j.periods, _base_url(request)),
    )
