"""The PDF of a document record: the current version at the permanent URL, and any version.
Same access rules as the HTML pages: what the user may not see is a 404."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify

from dokument.models import Dokumentversion
from dokument.pdf import document_pdf
from dokument.queries import dokument_for_user, versions_for_user


def _pdf_response(version: Dokumentversion) -> HttpResponse:
    filename = f"{slugify(version.titel)[:80] or 'dokument'}-version-{version.versionsnummer}.pdf"
    response = HttpResponse(document_pdf(version), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _versions(request: HttpRequest, pk: int):
    dokument = get_object_or_404(dokument_for_user(request.user), pk=pk)
    versions = versions_for_user(request.user, dokument).select_related(
        "dokument__typ", "faststalld_av", "dokumentansvarig"
    )
    return dokument, versions.prefetch_related("giltighetsomrade")


def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The current version; for staff, a document without one gives its latest version."""
    dokument, versions = _versions(request, pk)
    version = (
        versions.filter(ar_aktuell=True).first() or versions.order_by("-versionsnummer").first()
    )
    if version is None:
        raise Http404("Dokumentet har ingen version som du får se.")
    return _pdf_response(version)


def version_pdf(request: HttpRequest, pk: int, nummer: int) -> HttpResponse:
    _, versions = _versions(request, pk)
    return _pdf_response(get_object_or_404(versions, versionsnummer=nummer))
