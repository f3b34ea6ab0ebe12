"""Headers on every response: a Permissions-Policy for everybody, and `private, no-store` for
a signed-in user, so internal pages are kept by no cache."""

import pytest
from django.urls import reverse

from styrning.middleware import PERMISSIONS_POLICY

pytestmark = pytest.mark.django_db


def test_anonymous_public_page_has_permissions_policy_and_stays_cacheable(client, org):
    response = client.get(reverse("start"))

    assert response.status_code == 200
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    # Cached for a short while by a browser or proxy too (styrning.pagecache).
    assert response.headers.get("Cache-Control") == "public, max-age=60"


def test_permissions_policy_switches_off_camera_microphone_and_geolocation():
    features = dict(item.split("=") for item in PERMISSIONS_POLICY.split(", "))

    assert (features["camera"], features["microphone"], features["geolocation"]) == (
        "()",
        "()",
        "()",
    )


@pytest.mark.parametrize("name", ["min_sida", "start", "organisation_lista"])
def test_signed_in_pages_are_private_and_not_stored(client, sekreterare_bun, name):
    client.force_login(sekreterare_bun)

    response = client.get(reverse(name))

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY


def test_signed_in_error_page_is_not_stored_either(client, sekreterare_bun):
    client.force_login(sekreterare_bun)

    response = client.get("/finns-inte/")

    assert response.status_code == 404
    assert response["Cache-Control"] == "private, no-store"
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY


def test_anonymous_error_page_has_permissions_policy(client, org):
    response = client.get("/finns-inte/")

    assert response.status_code == 404
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert response.headers.get("Cache-Control") is None


def test_the_page_cache_answers_after_the_security_middleware_and_before_the_session(settings):
    order = settings.MIDDLEWARE
    cache_at = order.index("styrning.middleware.PageCacheMiddleware")
    above = {
        "django.middleware.security.SecurityMiddleware",
        "styrning.middleware.AnonymousGZipMiddleware",
        "django.middleware.http.ConditionalGetMiddleware",
        "styrning.middleware.SecurityHeadersMiddleware",
    }
    below = {
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.locale.LocaleMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "django.middleware.csp.ContentSecurityPolicyMiddleware",
    }

    assert set(order[:cache_at]) >= above
    assert set(order[cache_at + 1 :]) >= below
