"""The shared page cache for anonymous readers (issue 9).

Every anonymous reader sees the same public page, so a public page is rendered once and kept
in Django's cache (Redis when REDIS_URL is set, the database cache otherwise: both are shared
by every app server). Only anonymous requests are read from or written to it: a request with a
session cookie (signed in, or a session of its own) or queued messages always renders, so no
draft and nothing that depends on a signed-in user's rights ever enters the cache.

Invalidation by generation: a page is stored under its address (and the day) together with the
generations of what it shows, its *scopes* ("alla" for everything, "dokumentlista" for the
document list and the statute book, "dokument:<id>" for one document's pages, "mal" for the goal
pages). A change bumps the generation of the scopes it touches (a new random token, never
made again), so exactly the pages that show it are no longer served and render anew, on every
server at once.

Served early: `PageCacheMiddleware` (styrning.middleware, before the session in
settings.MIDDLEWARE) answers a hit for an anonymous request before the session, the user, the
CSRF check, the locale and the messages are looked at, with one round trip to the cache (the
page and its scopes' generations in one `get_many`), and stores a miss as it leaves the
middleware below it, so a hit carries the same headers. Views name their scopes with
`public_page`.

What a change touches: each app registers a function per model (`register`) that names the
scopes an object of it is shown in; the log of acts (`styrning.actionlog.log_action`) bumps the
scopes of the act's object, and signals on the registered models bump them for every save
outside the services too (admin edits of organisations, types, goal values). A bump happens at
once and again when the transaction commits: at once so that a reader in the same transaction
sees the change, on commit so that no other server keeps a page rendered from the data before
the commit.

A response is stored only when it is the same for everyone: a 200, not streamed, no cookie
set, no CSRF token used (a page with a POST form renders anew each time), no session written,
no message queued, nothing `private`/`no-store`. It carries `Cache-Control: public,
max-age=PAGE_CACHE_MAX_AGE`, `Vary: Cookie` and an ETag, so a proxy may keep it briefly and a
reader who has it gets a 304 (ConditionalGetMiddleware).
"""

import functools
import hashlib
import logging
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.regex_helper import _lazy_re_compile
from django.utils.text import compress_string

logger = logging.getLogger(__name__)

ALLA = "alla"
ORGANISATION = "organisation"  # the organisation tree (its nodes, names, parents, dates)
HIT_HEADER = "X-Cache"
PUBLIC_MARK = "pagecache_public"  # set by `public_page` on a response that may be stored
_ACCEPTS_GZIP = _lazy_re_compile(r"\bgzip\b")  # as django.middleware.gzip

ScopesFn = Callable[[models.Model], Iterable[str]]

_scopes_by_model: dict[type[models.Model], list[ScopesFn]] = {}
_scopes_by_act: dict[str, ScopesFn] = {}

# A save of only these fields changes no page (a sign-in sets the user's last_login).
NEVER_SHOWN_FIELDS = {"last_login"}


# --- What a change touches ----------------------------------------------------------------------


def register(model: type[models.Model], scopes: ScopesFn) -> None:
    """Name the scopes an object of `model` is shown in; its saves and deletes bump them."""
    functions = _scopes_by_model.setdefault(model, [])
    if scopes not in functions:
        functions.append(scopes)
    post_save.connect(_on_save, sender=model, dispatch_uid=f"pagecache-save-{model._meta.label}")
    post_delete.connect(
        _on_delete, sender=model, dispatch_uid=f"pagecache-delete-{model._meta.label}"
    )


def register_m2m(through: type[models.Model], scopes: Callable[..., Iterable[str]]) -> None:
    """Link rows added or removed: `scopes(instance, model, pk_set)` names what they touch."""

    def receiver(sender, instance, action, model, pk_set, **kwargs):
        if action in ("post_add", "post_remove", "pre_clear"):
            invalidate(scopes(instance, model, pk_set or ()))

    m2m_changed.connect(
        receiver, sender=through, weak=False, dispatch_uid=f"pagecache-m2m-{through._meta.label}"
    )


def register_act(handling: str, scopes: ScopesFn) -> None:
    """Name what an act touches when its object does not say it (an import of values is
    logged on the organisation the values are for, and touches the goal pages)."""
    _scopes_by_act[handling] = scopes


def scopes_for_act(handling: str, obj: models.Model) -> set[str]:
    if handling in _scopes_by_act:
        return set(_scopes_by_act[handling](obj))
    return scopes_for(obj)


def register_core() -> None:
    """styrning's models: the organisation, its periods and people's names show on every
    page (StyrningConfig.ready())."""
    from styrning.models import Anvandare, Budgetar, Mandatperiod, Organisation

    for model in (Mandatperiod, Budgetar, Anvandare):
        register(model, lambda obj: {ALLA})
    # The organisation tree is also kept per process under its own generation
    # (styrning.queries.organisation_tree).
    register(Organisation, lambda obj: {ALLA, ORGANISATION})


def scopes_for(obj: models.Model) -> set[str]:
    """The scopes an object is shown in; an object of an unregistered model: everything."""
    functions = _scopes_by_model.get(type(obj))
    if not functions:
        return {ALLA}
    return {scope for function in functions for scope in function(obj)}


def _on_save(sender, instance, update_fields=None, raw=False, **kwargs):
    # A raw save loads a fixture or a backup (styrning.backup.restore clears the whole cache).
    if raw or (update_fields is not None and set(update_fields) <= NEVER_SHOWN_FIELDS):
        return
    invalidate(scopes_for(instance))


def _on_delete(sender, instance, **kwargs):
    invalidate(scopes_for(instance))


def invalidate(scopes: Iterable[str]) -> None:
    """Bump the generations of `scopes` now and again when the transaction commits."""
    scopes = set(scopes)
    if not scopes:
        return
    _bump(scopes)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return
    # One bump on commit per transaction: join the one already waiting (it is gone from the
    # list when its savepoint or transaction was rolled back).
    for _savepoints, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _BumpOnCommit):
            callback.scopes |= scopes
            return
    transaction.on_commit(_BumpOnCommit(scopes))


class _BumpOnCommit:
    def __init__(self, scopes: set[str]):
        self.scopes = set(scopes)

    def __call__(self):
        _bump(self.scopes)


def _bump(scopes: set[str]) -> None:
    try:
        cache.set_many({_gen_key(s): uuid.uuid4().hex for s in scopes}, timeout=None)
    except DatabaseError:
        raise  # the database cache: the database is away, and so is the change
    except Exception:
        # The cache is away: pages are rendered without it (and expire within
        # PAGE_CACHE_SECONDS once it is back).
        logger.exception("Sidcachen kunde inte ogiltigförklara %s", sorted(scopes))


def _gen_key(scope: str) -> str:
    return f"gen:{scope}"


def generations(*scopes: str) -> tuple[str, ...] | None:
    """The current generations of scopes (a fresh one made for each that is missing) in one
    round trip, None when the cache cannot say them: for what a process keeps between
    requests and must drop when a scope changes (the organisation tree, the goal tree's
    shape)."""
    keys = [_gen_key(scope) for scope in scopes]
    try:
        return _generations(keys, cache.get_many(keys))
    except DatabaseError:
        raise
    except Exception:
        logger.exception("Sidcachen svarar inte")
        return None


def generation(scope: str) -> str | None:
    """The current generation of one scope (`generations`)."""
    found = generations(scope)
    return found[0] if found else None


# --- Reading and writing pages -------------------------------------------------------------------


def is_anonymous_request(request: HttpRequest) -> bool:
    """A GET or HEAD without a session (so without a signed-in user) and without messages:
    decided on the cookies alone, without the database."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _page_key(request: HttpRequest) -> str:
    """The key of this page: its address and the day, nothing about the reader. The scheme and
    host are part of it (the document page shows its permanent address with them), and the day
    (what is in force depends on the date)."""
    parts = [request.build_absolute_uri(), timezone.localdate().isoformat()]
    return "sida:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _generations(keys: list[str], found: dict) -> tuple[str, ...] | None:
    """The generations of the keys, a fresh one made for each that is missing (evicted, or
    never bumped); None when the cache cannot say them."""
    missing = [k for k in keys if k not in found]
    if missing:
        for key in missing:
            cache.add(key, uuid.uuid4().hex, timeout=None)
        found = {**found, **cache.get_many(missing)}
        if any(k not in found for k in keys):
            return None
    return tuple(found[k] for k in keys)


def page_scopes(request: HttpRequest) -> list[str] | None:
    """The scopes of the public page the request asks for (`public_page` on its view), or None
    when the request is not an anonymous read of such a page. The URL is resolved here, before
    the view; a path that resolves to nothing is left to the rest of the stack."""
    if not is_anonymous_request(request):
        return None
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return None
    scopes = getattr(match.func, "pagecache_scopes", None)
    if scopes is None:
        return None
    return [ALLA, *(scope.format(**match.kwargs) for scope in scopes)]


class Lookup:
    """What a miss remembers until the response is there: the page's key and the generations
    read before the view ran (a change during the rendering makes the stored page stale at
    once, never the other way round)."""

    def __init__(self, key: str, generations: tuple[str, ...] | None):
        self.key, self.generations = key, generations


def lookup(request: HttpRequest) -> HttpResponse | Lookup | None:
    """A hit (the stored response), a miss (a `Lookup` to store the response with), or None
    for a request the cache has nothing to do with. One round trip to the cache: the page and
    the generations of its scopes in one `get_many`; the page is served only when it was stored
    under the current generations."""
    names = page_scopes(request)
    if names is None:
        return None
    key = _page_key(request)
    gen_keys = [_gen_key(name) for name in names]
    try:
        found = cache.get_many([key, *gen_keys])
        stored = found.pop(key, None)
        generations = _generations(gen_keys, found)
    except DatabaseError:
        raise  # the database cache: the database is away (a 503, styrning.errors)
    except Exception:
        logger.exception("Sidcachen svarar inte")
        return None
    if stored is not None and generations is not None and stored[0] == generations:
        response = _thaw(stored[1], request)
        response[HIT_HEADER] = "hit"
        return response
    return Lookup(key, generations)


def store(request: HttpRequest, found: Lookup, response: HttpResponse) -> None:
    """Keep the response as it leaves the middleware below (their headers too: a hit answers
    exactly what a miss answered) when its view called it public and nothing below made it
    the reader's own (a cookie, a session, a message)."""
    if (
        found.generations is None
        or not getattr(response, PUBLIC_MARK, False)
        or response.streaming
        or not _is_public(request, response)
    ):
        return
    try:
        cache.set(found.key, (found.generations, _freeze(response)), settings.PAGE_CACHE_SECONDS)
    except DatabaseError:
        raise
    except Exception:
        logger.exception("Sidcachen kunde inte spara en sida")
        return
    response[HIT_HEADER] = "miss"


def _is_public(request: HttpRequest, response: HttpResponse) -> bool:
    """The same response for every anonymous reader: no cookie, no CSRF token, no session
    written, no message queued, nothing private."""
    cache_control = response.get("Cache-Control", "")
    messages = getattr(request, "_messages", None)
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and session.modified)
        and not (messages is not None and len(messages))
        and not any(d in cache_control for d in ("private", "no-store", "no-cache"))
    )


def _freeze(response: HttpResponse) -> tuple:
    """The page as stored: its body twice, as it is and compressed once here, so a hit is not
    compressed again on every request (AnonymousGZipMiddleware leaves a compressed body be)."""
    headers = [
        (k, v) for k, v in response.headers.items() if k not in (HIT_HEADER, "Content-Length")
    ]
    compressed = compress_string(response.content)
    if len(compressed) >= len(response.content):
        compressed = None
    return (response.status_code, response.content, compressed, headers)


def _thaw(frozen: tuple, request: HttpRequest) -> HttpResponse:
    status, content, compressed, headers = frozen
    gzip = compressed is not None and _ACCEPTS_GZIP.search(
        request.headers.get("Accept-Encoding", "")
    )
    body = compressed if gzip else content
    response = HttpResponse(body, status=status)
    for key, value in headers:
        response.headers[key] = value
    response.headers["Content-Length"] = str(len(body))
    if compressed is not None:
        patch_vary_headers(response, ("Accept-Encoding",))
    if gzip:
        # As Django's GZipMiddleware answers: the body's encoding said, a strong ETag weakened.
        response.headers["Content-Encoding"] = "gzip"
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
    return response


def public_page(*scopes: str, stored: bool = True):
    """Mark a public view's page as the same for every anonymous reader. `scopes` name what it
    shows, formatted with the view's keyword arguments ("dokument:{pk}"); every page also
    depends on "alla". For an anonymous reader a response that is the same for everyone gets
    `Cache-Control: public`, `Vary: Cookie` and an ETag, and is marked for the page cache
    (`PageCacheMiddleware`, which serves it again before the session, the user, the CSRF check
    and the messages are ever looked at). `stored=False`: public headers only, no look-up in
    the page cache (a streamed file, which is never stored)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if not is_anonymous_request(request):
                return response
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            if not _is_public(request, response):
                return response
            patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_MAX_AGE)
            patch_vary_headers(response, ("Cookie",))
            if not response.streaming:
                if not response.has_header("ETag"):
                    set_response_etag(response)
                setattr(response, PUBLIC_MARK, True)
            return response

        wrapper.pagecache_scopes = scopes if stored else None
        return wrapper

    return decorator
