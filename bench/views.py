"""The benchmark's floors (issue 9): what a request costs in this project before a page does
anything of its own. Mounted under /bench/ only when BENCH=1 (styrning/urls.py), in the same
server and behind the same middleware as every page, so `make bench` reports each page's
throughput as a share of these."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dokument.models import Dokumentversion

TABLE_ROWS = 50


def trivial(request: HttpRequest) -> HttpResponse:
    """The trivial floor: no query, no template."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def tabell(request: HttpRequest) -> HttpResponse:
    """The 50-row floor: one query for 50 published versions (the columns shown, not the
    texts), rendered in the site's layout."""
    versions = (
        Dokumentversion.objects.filter(ar_aktuell=True, status=Dokumentversion.Status.PUBLICERAD)
        .select_related("dokument__typ", "faststalld_av")
        .only("titel", "beslutsdatum", "dokument__typ__namn", "faststalld_av__namn")
        .order_by("pk")[:TABLE_ROWS]
    )
    return render(request, "bench/tabell.html", {"versions": versions})
