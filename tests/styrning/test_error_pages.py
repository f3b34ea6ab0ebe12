"""Production error pages (DEBUG off): Swedish, in the site's layout, one h1 each."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.template.loader import render_to_string
from django.test import Client
from django.urls import path, reverse

from styrning.urls import urlpatterns as site_urlpatterns


def _raise_error(request):
    raise RuntimeError("ett fel i koden")


def _raise_suspicious(request):
    raise SuspiciousOperation("misstänkt")


def _raise_permission_denied(request):
    raise PermissionDenied


urlpatterns = [
    path("test/fel/", _raise_error),
    path("test/misstankt/", _raise_suspicious),
    path("test/nekad/", _raise_permission_denied),
    *site_urlpatterns,
]


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def _h1s(response) -> list[str]:
    page = response.content.decode()
    return [part.split("</h1>")[0] for part in page.split("<h1>")[1:]]


def _in_layout(response) -> bool:
    page = response.content.decode()
    return '<html lang="sv">' in page and 'class="site-header"' in page and "<main" in page


@pytest.mark.django_db
def test_404_is_swedish_in_the_layout(client):
    response = client.get("/finns-inte/")

    assert (response.status_code, _h1s(response), _in_layout(response)) == (
        404,
        ["Sidan finns inte"],
        True,
    )


@pytest.mark.django_db
@pytest.mark.urls("tests.styrning.test_error_pages")
def test_400_is_swedish_in_the_layout(client):
    response = client.get("/test/misstankt/")

    assert (response.status_code, _h1s(response), _in_layout(response)) == (
        400,
        ["Felaktig begäran"],
        True,
    )


@pytest.mark.django_db
def test_disallowed_host_gets_the_swedish_400(client):
    response = client.get("/", HTTP_HOST="annan.example")

    assert (response.status_code, _h1s(response), _in_layout(response)) == (
        400,
        ["Felaktig begäran"],
        True,
    )


@pytest.mark.django_db
@pytest.mark.urls("tests.styrning.test_error_pages")
def test_403_is_swedish_in_the_layout(client):
    response = client.get("/test/nekad/")

    assert (response.status_code, _h1s(response), _in_layout(response)) == (
        403,
        ["Du har inte behörighet"],
        True,
    )


@pytest.mark.urls("tests.styrning.test_error_pages")
def test_500_is_swedish_in_a_plain_layout_without_the_database(client):
    """No django_db mark: any database access would fail the test."""
    client.raise_request_exception = False

    response = client.get("/test/fel/")

    assert (response.status_code, _h1s(response), _in_layout(response)) == (
        500,
        ["Ett fel har uppstått"],
        True,
    )
    assert "Logga in" not in response.content.decode()


def test_500_template_renders_without_context():
    page = render_to_string("500.html")

    assert page.count("<h1>") == 1
    assert "Något gick fel hos oss" in page


@pytest.mark.django_db
def test_csrf_failure_is_swedish_and_does_not_mention_debug():
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("login"), {"username": "sara", "password": "x"})

    page = response.content.decode()
    assert (response.status_code, _h1s(response), _in_layout(response)) == (
        403,
        ["Formuläret kunde inte skickas"],
        True,
    )
    assert ("DEBUG" in page, "CSRF" in page) == (False, False)


@pytest.mark.django_db
def test_405_is_swedish_in_the_layout_and_keeps_the_allow_header(client):
    response = client.get(reverse("logout"))

    assert (response.status_code, _h1s(response), _in_layout(response)) == (
        405,
        ["Åtgärden går inte att göra så här"],
        True,
    )
    assert response["Allow"] == "POST, OPTIONS"
    assert response["Content-Type"] == "text/html; charset=utf-8"
