"""Production error pages (DEBUG off): Swedish, in the site's layout, one h1 each."""

import os
import socket
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import psycopg.errors
import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import InterfaceError, OperationalError, connection
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


# The database away ---------------------------------------------------------------------------


def _database_away(kind=OperationalError):
    """Every query fails as it does when the server is down or the connection was cut."""

    def fail(execute, sql, params, many, context):
        raise kind("server closed the connection unexpectedly")

    return connection.execute_wrapper(fail)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [OperationalError, InterfaceError])
def test_database_away_is_a_swedish_503_with_retry_after(kind):
    client = Client(raise_request_exception=False)

    with _database_away(kind):
        response = client.get(reverse("dokument:lista"))

    assert (response.status_code, _h1s(response), _in_layout(response)) == (
        503,
        ["Tjänsten är inte tillgänglig just nu"],
        True,
    )
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_database_away_for_a_signed_in_user_is_the_503_without_asking_again(
    sekreterare_bun, django_assert_max_num_queries
):
    """The session is read from the database: the first failure answers, and the headers of the
    answer do not try the database again (each try could wait for the connect timeout)."""
    client = Client(raise_request_exception=False)
    client.force_login(sekreterare_bun)
    tries = []

    def fail(execute, sql, params, many, context):
        tries.append(sql)
        raise OperationalError("server closed the connection unexpectedly")

    with connection.execute_wrapper(fail):
        response = client.get(reverse("min_sida"))

    assert (response.status_code, len(tries)) == (503, 1)
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("driver_error", "status"),
    [
        (psycopg.errors.AdminShutdown, 503),  # 57P01: the server is shutting down
        (psycopg.errors.TooManyConnections, 503),  # 53300
        (psycopg.errors.DeadlockDetected, 503),  # 40P01: trying again helps
        (psycopg.errors.ProgramLimitExceeded, 500),  # 54000: fails again on every try
    ],
)
def test_only_a_passing_database_error_is_a_503(driver_error, status):
    client = Client(raise_request_exception=False)

    def fail(execute, sql, params, many, context):
        raise OperationalError("fel i databasen") from driver_error("fel i databasen")

    with connection.execute_wrapper(fail):
        response = client.get(reverse("dokument:lista"))

    assert response.status_code == status


@pytest.mark.django_db
@pytest.mark.urls("tests.styrning.test_error_pages")
def test_a_bug_is_still_a_500_not_a_503():
    client = Client(raise_request_exception=False)

    response = client.get("/test/fel/")

    assert response.status_code == 500


def test_503_template_renders_without_context():
    page = render_to_string("503.html")

    assert page.count("<h1>") == 1
    assert "når inte sin databas" in page


# The health check ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_health_is_ok_with_one_query_no_session_and_no_cache(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/halsa/")

    assert (response.status_code, response.content) == (200, b"ok")
    assert "no-store" in response["Cache-Control"]
    assert response.cookies == {}


@pytest.mark.django_db
def test_health_is_503_when_the_database_does_not_answer(client):
    with _database_away():
        response = client.get("/halsa/")

    assert (response.status_code, response.content.decode()) == (503, "databasen svarar inte")
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_health_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert (client.get("/halsa/").status_code, client.get("/").status_code) == (200, 301)


@pytest.mark.django_db
def test_health_answers_get_and_head_only(client):
    assert (client.head("/halsa/").status_code, client.post("/halsa/").status_code) == (200, 405)


# A real PostgreSQL connection that cannot be made ---------------------------------------------

_PROBE = textwrap.dedent(
    """
    import time
    import django

    django.setup()
    from django.conf import settings
    from django.template.loader import render_to_string
    from django.test import Client
    from django.urls import get_resolver

    # As in the suite (tests/conftest.py): the manifest storage needs collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

    # What a running server has done before: load the URLs and the templates (seconds here).
    get_resolver().url_patterns
    render_to_string("503.html")
    client = Client(raise_request_exception=False)
    for path in ("/halsa/", "/dokument/"):
        start = time.monotonic()
        response = client.get(path)
        page = response.content.decode()
        print(path, response.status_code, response.get("Retry-After"),
              "Tjänsten är inte tillgänglig just nu" in page or page == "databasen svarar inte",
              round(time.monotonic() - start, 1))
    """
)


def _probe(database_url: str) -> list[list[str]]:
    """Start the app with `database_url` in a process of its own (the test's own database
    connection stays untouched) and ask for the health check and a page."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "styrning.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "test",
        "ALLOWED_HOSTS": "testserver",
        "DB_CONNECT_TIMEOUT": "2",
    }
    result = subprocess.run(
        [sys.executable, "-c", _PROBE],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return [line.split() for line in result.stdout.splitlines()]


@pytest.mark.postgres
def test_postgresql_on_a_closed_port_is_a_503_at_once():
    lines = _probe("postgres://styrning@127.0.0.1:1/styrning")

    assert [line[:4] for line in lines] == [
        ["/halsa/", "503", "30", "True"],
        ["/dokument/", "503", "30", "True"],
    ]
    # With the pool (the default) a request waits for the pool's timeout, DB_CONNECT_TIMEOUT.
    assert max(float(line[4]) for line in lines) < 3.5


@pytest.fixture
def silent_server():
    """A port that accepts connections and never says a word: a server hanging or a network
    dropping the answers. Only the connect timeout ends the wait."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


@pytest.mark.postgres
def test_postgresql_that_does_not_answer_is_a_503_within_the_connect_timeout(silent_server):
    lines = _probe(f"postgres://styrning@127.0.0.1:{silent_server}/styrning")

    assert [line[:4] for line in lines] == [
        ["/halsa/", "503", "30", "True"],
        ["/dokument/", "503", "30", "True"],
    ]
    assert max(float(line[4]) for line in lines) < 3.5
