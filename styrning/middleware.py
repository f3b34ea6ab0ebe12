"""Headers every response carries.

- `Permissions-Policy` on every response: the powerful browser features the app never uses
  are switched off, for the page and for anything it could ever embed.
- `Cache-Control: private, no-store` on every response to a signed-in user: internal pages
  (drafts, confidential versions, unpublished values) are kept neither by a shared proxy nor
  on the disk of a shared computer. Directives a view set itself are kept beside them; a
  `public` one gives way to `private`. Anonymous responses keep their caching untouched.
- gzip for anonymous pages only (`AnonymousGZipMiddleware`, settings.MIDDLEWARE).
- The shared page cache for anonymous readers (`PageCacheMiddleware`, styrning.pagecache).
"""

from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_cache_control

from styrning import pagecache

DISABLED_FEATURES = (
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "display-capture",
    "encrypted-media",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DISABLED_FEATURES)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if response.status_code == 503:
            # The database is away (styrning.errors): asking who the user is would try it
            # again and keep the answer waiting; a 503 is kept by no cache anyway.
            patch_cache_control(response, private=True, no_store=True)
            return response
        # No `user` on the request when an outer middleware answered (WhiteNoise's static files).
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class AnonymousGZipMiddleware(GZipMiddleware):
    """Django's gzip, for anonymous pages only. BREACH: a compressed response whose body holds
    a secret (a CSRF token, a signed-in user's data) beside text an attacker can choose (a
    search word) leaks the secret through its size, so a response to a signed-in user or one
    that sets a cookie (the CSRF token's, for a page with a POST form) is sent uncompressed.
    Static files are compressed ahead by WhiteNoise; a proxy may compress instead
    (deploy/README.md: nginx gzip)."""

    def process_response(self, request, response):
        # Anonymous by the cookies alone (styrning.pagecache): asking the session could try a
        # database that is away again. No `user` on the request when an inner middleware
        # answered before authentication (WhiteNoise's static files, compressed ahead).
        if (
            not hasattr(request, "user")
            or not pagecache.is_anonymous_request(request)
            or response.cookies  # a CSRF cookie: the page holds its token
        ):
            return response
        return super().process_response(request, response)


class PageCacheMiddleware:
    """The page cache (styrning.pagecache) as early as a page can be answered: after the
    middleware that every response needs (HTTPS redirect and security headers, gzip, 304s,
    static files) and before the session, the locale, the CSRF check, the user and the
    messages, none of which an anonymous reader's stored page needs. A hit is served with one
    round trip to the cache and no query; a miss goes on and its response is stored on the way
    back, with the headers the middleware below added."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        found = pagecache.lookup(request)
        if isinstance(found, HttpResponse):
            return found
        response = self.get_response(request)
        if found is not None:
            pagecache.store(request, found, response)
        return response
