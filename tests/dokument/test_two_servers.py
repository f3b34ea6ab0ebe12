"""Scale out for real (issue 9): two app servers (gunicorn) against one PostgreSQL and one
Redis. A page one server cached is served by the other, and a publication through one is seen
on the other's cached anonymous pages at once."""

import http.client
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two servers share one PostgreSQL"
)

PORTS = (8611, 8612)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/1")
ROOT = Path(__file__).resolve().parents[2]
CSRF_SECRET = "a" * 32  # an unmasked token: the cookie and the form field say the same


def _request(port, method, path, cookies=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Host": "127.0.0.1"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        conn.close()


def _wait_until_up(port, process, deadline):
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server on port {port} stopped: {process.returncode}")
        try:
            if _request(port, "GET", "/halsa/")[0] == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the server on port {port} did not start")


@pytest.fixture
def redis_cache(settings):
    """This process on the servers' Redis too, emptied before and after."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    from django.core.cache import cache

    cache.clear()
    yield cache
    cache.clear()


@pytest.fixture
def servers(transactional_db, redis_cache):
    """Two gunicorn servers on the test database and Redis, starting while the test makes its
    data (`wait()` says when both answer); stopped after the test."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "1",
        "DB_POOL": "0",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    gunicorn = Path(sys.executable).with_name("gunicorn")
    processes = [
        subprocess.Popen(
            [str(gunicorn), "-b", f"127.0.0.1:{port}", "-w", "1", "styrning.wsgi:application"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in PORTS
    ]
    # Django starts in some 3 s of CPU; on a machine loaded by other work it took up to 50 s.
    deadline = time.monotonic() + 60

    def wait():
        for port, process in zip(PORTS, processes, strict=True):
            _wait_until_up(port, process, deadline)
        return PORTS

    try:
        yield wait
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_a_publication_through_one_server_is_seen_on_the_others_cached_pages(
    servers, make_dokument, administrator, client
):
    kept = make_dokument(typ="Taxa", agare="kf", titel="Taxa för bygglov")
    new = make_dokument(typ="Taxa", agare="kf", titel="Taxa för färdtjänst", publish=False)
    first, second = servers()
    lista = reverse("dokument:lista")
    kept_page = reverse("dokument:detalj", args=[kept.pk])
    client.force_login(administrator)
    signed_in = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}

    rendered = _request(second, "GET", lista)
    _request(second, "GET", kept_page)
    shared = _request(first, "GET", lista)
    published = _request(
        first,
        "POST",
        reverse("dokument:publicera", args=[new.pk, 1]),
        cookies={**signed_in, settings.CSRF_COOKIE_NAME: CSRF_SECRET},
        body=f"csrfmiddlewaretoken={CSRF_SECRET}&bekrafta=on",
    )
    after = _request(second, "GET", lista)
    unrelated = _request(second, "GET", kept_page)

    # The first server answers from the page the second one cached.
    assert (rendered[1]["X-Cache"], shared[1]["X-Cache"]) == ("miss", "hit")
    assert "Taxa för färdtjänst" not in shared[2]
    assert (published[0], published[1]["Location"]) == (302, new.get_absolute_url())
    # At once on the other server: the list renders anew, an unrelated page stays cached.
    assert (after[0], after[1]["X-Cache"], unrelated[1]["X-Cache"]) == (200, "miss", "hit")
    assert "Taxa för färdtjänst" in after[2]
