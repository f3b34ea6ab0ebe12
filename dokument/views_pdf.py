"""The PDF of a document record: the current version at the permanent URL, and any version.
Same access rules as the HTML pages: what the user may not see is a 404.

A published version's PDF is the file stored when it was published (served with ETag and
Last-Modified, 304 when the reader has it); until it is there, a page says "PDF:en skapas".
A draft is rendered in the request (it changes), with an ETag of its content. A PDF is never
kept in the page cache (a stored file is streamed from the storage; `public_page(stored=False)`
spares it the look-up).
"""

import hashlib

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from dokument.models import Dokumentversion
from dokument.pdf import content_etag, pdf_filename, render_document_html, render_document_pdf
from dokument.queries import dokument_for_user, versions_for_user
from styrning.pagecache import is_anonymous_request, public_page

RETRY_AFTER_SECONDS = 30


def _conditional(request: HttpRequest, etag: str, last_modified: int | None = None):
    """A 304 (or 412) when the reader's copy is current, else None: Django's `condition`
    decorator, for a value known only once the version is fetched."""
    return get_conditional_response(request, etag=etag, last_modified=last_modified)


def _with_validators(response, etag: str, last_modified: int | None = None):
    response.headers.setdefault("ETag", etag)
    if last_modified is not None:
        response.headers.setdefault("Last-Modified", http_date(last_modified))
    return response


def _inline(response, version: Dokumentversion):
    response["Content-Disposition"] = f'inline; filename="{pdf_filename(version)}"'
    return response


def _stored_pdf(request: HttpRequest, version: Dokumentversion) -> HttpResponse | None:
    """The stored file, or None when it is missing from the storage."""
    storage, name = version.pdf.storage, version.pdf.name
    try:
        modified = int(storage.get_modified_time(name).timestamp())
        size = storage.size(name)
    except FileNotFoundError:
        return None
    etag = '"{}"'.format(hashlib.sha256(f"{name}:{size}:{modified}".encode()).hexdigest()[:32])
    response = _conditional(request, etag, modified)
    if response is None:
        response = _inline(
            FileResponse(storage.open(name, "rb"), content_type="application/pdf"), version
        )
    return _with_validators(response, etag, modified)


def _pending(request: HttpRequest, version: Dokumentversion) -> HttpResponse:
    """The PDF is made in the background after publication: say so instead of waiting."""
    response = render(
        request,
        "dokument/pdf/skapas.html",
        {"version": version, "dokument": version.dokument},
        status=202,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    patch_cache_control(response, no_store=True)
    return response


def _draft_pdf(request: HttpRequest, version: Dokumentversion) -> HttpResponse:
    """A draft or an adopted, not yet published version: rendered in the request (it may
    change), not cached on the server; a reader who has this very content gets a 304."""
    html = render_document_html(version)
    etag = f'"{content_etag(html)}"'
    response = _conditional(request, etag)
    if response is None:
        response = _inline(
            HttpResponse(render_document_pdf(version, html), content_type="application/pdf"),
            version,
        )
    patch_cache_control(response, private=True, no_cache=True)
    return _with_validators(response, etag)


def _pdf_response(request: HttpRequest, version: Dokumentversion) -> HttpResponse:
    if version.status != Dokumentversion.Status.PUBLICERAD:
        return _draft_pdf(request, version)
    if version.pdf:
        response = _stored_pdf(request, version)
        if response is not None:
            return response
    return _pending(request, version)


def _versions(request: HttpRequest, pk: int):
    dokument = get_object_or_404(dokument_for_user(request.user), pk=pk)
    versions = versions_for_user(request.user, dokument).select_related(
        "dokument__typ", "faststalld_av", "dokumentansvarig"
    )
    return dokument, versions.prefetch_related("giltighetsomrade")


def _published_current(request: HttpRequest, pk: int) -> Dokumentversion | None:
    """For an anonymous reader, the document's current version when it is published and its
    PDF stored, in one query: what the general path below finds for such a reader (a document
    with a published version is public, and its published current version is the one shown),
    without reading the document, its other versions or the reader's roles."""
    if not is_anonymous_request(request):
        return None
    return (
        Dokumentversion.objects.filter(
            dokument_id=pk, ar_aktuell=True, status=Dokumentversion.Status.PUBLICERAD
        )
        .exclude(pdf="")
        .only("pk", "dokument_id", "versionsnummer", "titel", "status", "pdf")
        .first()
    )


@public_page("dokument:{pk}", stored=False)
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The current version; for staff, a document without one gives its latest version. The
    stored PDF of a published current version is served to an anonymous reader after one
    query."""
    published = _published_current(request, pk)
    if published is not None:
        response = _stored_pdf(request, published)
        if response is not None:
            return response
    dokument, versions = _versions(request, pk)
    version = (
        versions.filter(ar_aktuell=True).first() or versions.order_by("-versionsnummer").first()
    )
    if version is None:
        raise Http404("Dokumentet har ingen version som du får se.")
    return _pdf_response(request, version)


@public_page("dokument:{pk}", stored=False)
def version_pdf(request: HttpRequest, pk: int, nummer: int) -> HttpResponse:
    _, versions = _versions(request, pk)
    return _pdf_response(request, get_object_or_404(versions, versionsnummer=nummer))
