"""Error pages that Django leaves empty: a 405 (e.g. from ``require_POST``) gets a Swedish page
in the site's layout. The 400, 403, 404, 500 and CSRF pages are plain templates
(``templates/<status>.html``, ``templates/403_csrf.html``).

When the database cannot be reached (or drops the connection), the answer is not a 500 but a
503 with ``Retry-After``: the fault is passing, not in the code, and a load balancer or a
browser may try again. It is rendered without the database, like the 500 page."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.views import defaults

# Seconds after which a client may try again when the database is away.
RETRY_AFTER = 30

# What the database driver raises when it cannot be reached or the connection is lost (and, on
# SQLite, when the file is locked for longer than its timeout): passing faults, not bugs.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)

# SQLSTATE classes of an OperationalError that pass (connection, insufficient resources, lock
# not available, operator intervention such as a shutdown or a cancelled query, a deadlock). An
# error without one (the connection could not be made, the pool waited in vain, SQLite) passes
# too. Others, such as 54 (a word too long for the search index), come back on every try: they
# are bugs, and a 500.
PASSING_SQLSTATE_CLASSES = frozenset({"08", "40", "53", "55", "57", "58"})


def database_unavailable() -> HttpResponse:
    """The Swedish 503 page, made without the database and kept by no cache."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    add_never_cache_headers(response)
    return response


def _database_unavailable(exc: BaseException | None) -> bool:
    """Whether the exception, or one that caused it, says the database is away for now."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, DATABASE_UNAVAILABLE):
            sqlstate = getattr(exc.__cause__, "sqlstate", None)  # the driver's error
            return sqlstate is None or sqlstate[:2] in PASSING_SQLSTATE_CLASSES
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def server_error(request, template_name: str = "500.html") -> HttpResponse:
    """``handler500``: an uncaught exception anywhere (view, template, middleware) is a 503 when
    the database failed, else Django's 500 page. Django has logged the exception either way."""
    if _database_unavailable(sys.exception()):
        return database_unavailable()
    return defaults.server_error(request, template_name)


class MethodNotAllowedMiddleware:
    """Fills an empty 405 answer with ``405.html``; the ``Allow`` header stays as it was."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.streaming and not response.content:
            response.content = render_to_string("405.html", request=request)
            response["Content-Type"] = "text/html; charset=utf-8"
        return response
